/**
 * Every background job's contract, in one place: the queue it runs on, its name, its job id (a
 * business key, so enqueuing the same work twice is one job) and its payload schema. Models put jobs
 * in the outbox by these definitions (enqueueJob in app/models/outbox.server.ts); the handlers in
 * app/jobs/ run them; workers/run-worker.ts parses each payload with the schema before its handler
 * sees it. Payloads carry ids only: a handler re-reads the rows it needs.
 */
import { z } from "zod";

/** Every queue the system knows; a worker file exists under workers/ for each. */
export const QUEUES = {
  imaging: "imaging",
  routing: "routing",
  sla: "sla",
  /** Task events → rollups, live counters and the wall board (workers/metrics.ts). */
  metrics: "metrics",
  /** Payment runs to the bank and their status (workers/payments.ts); bank-account changes coming due. */
  payments: "payments",
  /** Vouchers for the ledger: approved claims, payments booked paid or returned (workers/ledger.ts). */
  ledger: "ledger",
  /** The archive: records of closed claims, the filing sweep, fixity runs and overdue-loan reminders (workers/archive.ts). */
  archive: "archive",
  /** Reading receipts (e-invoice XML, QR codes; OCR later): its own queue, concurrency 1, so tiling is never starved (workers/reading.ts). */
  reading: "reading",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type JobDefinition<Q extends QueueName = QueueName, N extends string = string, S extends z.ZodType = z.ZodType> = {
  readonly queue: Q;
  readonly name: N;
  readonly payload: S;
  /** The BullMQ job id and outbox key. */
  key(payload: z.output<S>): string;
};

/** What the handler receives (after parsing) and what enqueueJob accepts. */
export type JobPayload<D extends JobDefinition> = z.output<D["payload"]>;
export type JobInput<D extends JobDefinition> = z.input<D["payload"]>;

export function defineJob<const Q extends QueueName, const N extends string, S extends z.ZodType>(def: JobDefinition<Q, N, S>): JobDefinition<Q, N, S> {
  return def;
}

/**
 * What happened to a task; every transition puts one task-event job in the outbox:
 *  created    a task row was inserted (approval step opened, claim routed, QA sample drawn)
 *  started    an operator took it (Next, or opened an approval)
 *  finished   it was decided (status DONE, outcome set)
 *  cancelled  it was withdrawn without a decision (status CANCELLED)
 *  reassigned a supervisor moved it to someone else (may happen several times)
 */
export const TASK_EVENT_KINDS = ["created", "started", "finished", "cancelled", "reassigned"] as const;
export type TaskEventKind = (typeof TASK_EVENT_KINDS)[number];

/** A task event's job key; a reassignment (which may happen many times) adds a unique suffix. */
export function taskEventKey(taskId: string, kind: TaskEventKind, suffix?: string): string {
  return suffix === undefined ? `metrics-${kind}-${taskId}` : `metrics-${kind}-${taskId}-${suffix}`;
}

export const SNAPSHOT_KINDS = ["hourly", "daily"] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

export const JOBS = {
  /** Tiles, thumbnail, pHash and capture date of a stored file: one rendering per distinct file. */
  renderReceipt: defineJob({
    queue: QUEUES.imaging,
    name: "render-receipt",
    payload: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    key: (p) => `imaging-${p.sha256}`,
  }),
  /** What a rendered file says (XML, QR): one reading per distinct file, put in the outbox when its imaging finishes. */
  readReceipt: defineJob({
    queue: QUEUES.reading,
    name: "read-receipt",
    payload: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    key: (p) => `reading-${p.sha256}`,
  }),
  /** A manager-approved claim gets its review task: once per claim version. */
  routeClaim: defineJob({
    queue: QUEUES.routing,
    name: "route-claim",
    payload: z.object({ claimId: z.string().min(1), version: z.number().int().positive() }),
    key: (p) => `route-${p.claimId}-v${p.version}`,
  }),
  /**
   * A task changed: rollups, live counters, the board. Once per (task, kind) for the one-off kinds;
   * each reassignment is its own event, so its key is given at enqueue time (taskEventKey with a suffix).
   */
  taskEvent: defineJob({
    queue: QUEUES.metrics,
    name: "task-event",
    payload: z.object({ taskId: z.string().min(1), kind: z.enum(TASK_EVENT_KINDS), at: z.string().datetime({ offset: true }) }),
    key: (p) => taskEventKey(p.taskId, p.kind),
  }),
  /** Backlog per processing group, kept hourly and daily (a job scheduler on the metrics queue). */
  boardSnapshot: defineJob({
    queue: QUEUES.metrics,
    name: "board-snapshot",
    payload: z.object({ kind: z.enum(SNAPSHOT_KINDS) }),
    key: (p) => `board-snapshot-${p.kind}`,
  }),
  /** Moves open review tasks to AT_RISK / BREACHED (a job scheduler, every minute). */
  slaSweep: defineJob({
    queue: QUEUES.sla,
    name: "sla-sweep",
    // Scheduler jobs made before payloads were declared carry no data.
    payload: z.object({}).default({}),
    key: () => "sla-sweep",
  }),
  /**
   * A released run goes to the bank over the host-to-host link: at most once, ever (the run's
   * transmission moves NOT_SENT → SENDING in the same transaction that claims the job).
   */
  sendPaymentRun: defineJob({
    queue: QUEUES.payments,
    name: "send-payment-run",
    payload: z.object({ runId: z.string().min(1) }),
    key: (p) => `payments-send-${p.runId}`,
  }),
  /**
   * Asks the bank for the status of runs sent, unanswered (UNKNOWN) or stuck in SENDING, and applies its
   * status report; also makes bank-account changes whose cooling-off has passed usable (a scheduler).
   */
  /**
   * A statement's linked entries settle their payments and claims (PAID / RETURNED, audit, messages) in
   * short batches. Put in the outbox with the links; `round` tells one linking ("import", a "match again")
   * from the next, so each is a job of its own while the same linking queued twice is one. Idempotent.
   */
  settleStatement: defineJob({
    queue: QUEUES.payments,
    name: "settle-statement",
    payload: z.object({ statementId: z.string().min(1), actorId: z.string().min(1).nullable().default(null), round: z.string().min(1).default("import") }),
    key: (p) => `payments-settle-${p.statementId}-${p.round}`,
  }),
  paymentsSweep: defineJob({
    queue: QUEUES.payments,
    name: "payments-sweep",
    payload: z.object({}).default({}),
    key: () => "payments-sweep",
  }),
  /** An approved claim's expense voucher (idempotent by the voucher's source key): once per claim. */
  postClaimVoucher: defineJob({
    queue: QUEUES.ledger,
    name: "post-claim-voucher",
    payload: z.object({ claimId: z.string().min(1) }),
    key: (p) => `ledger-claim-${p.claimId}`,
  }),
  /**
   * Everything the ledger still owes (claims without a live voucher, payments booked paid, payments returned
   * after they were booked): a scheduler, and put in the outbox by the payment outcomes with a `slot` (the
   * minute), so a statement settling thousands of payments queues one sweep, not thousands.
   */
  ledgerSweep: defineJob({
    queue: QUEUES.ledger,
    name: "ledger-sweep",
    // A BullMQ job id may not hold ':' (the slot is e.g. 202612041015).
    payload: z.object({ slot: z.string().regex(/^[\w-]+$/).default("scheduled") }).default({ slot: "scheduled" }),
    key: (p) => (p.slot === "scheduled" ? "ledger-sweep" : `ledger-sweep-${p.slot}`),
  }),
  /**
   * A claim became PAID or REJECTED: its archive record is filed (idempotent: one record per claim). A claim
   * already filed that moved on (its payment returned, paid again) gets an addendum: `turn` names the
   * event (e.g. `returned-<payment id>`) so each turn is a job of its own.
   */
  fileArchiveRecord: defineJob({
    queue: QUEUES.archive,
    name: "file-archive-record",
    payload: z.object({ claimId: z.string().min(1), turn: z.string().regex(/^[\w-]+$/).optional() }),
    key: (p) => (p.turn ? `archive-file-${p.claimId}-${p.turn}` : `archive-file-${p.claimId}`),
  }),
  /** Files every PAID / REJECTED claim without a record (claims closed before the archive existed, a lost job): a scheduler. */
  archiveSweep: defineJob({
    queue: QUEUES.archive,
    name: "archive-sweep",
    payload: z.object({}).default({}),
    key: () => "archive-sweep",
  }),
  /**
   * A fixity run: NIGHTLY (a scheduler at 02:00 UTC), FULL or ON_DEMAND (a record's packages) from the screens;
   * `slot` tells one asked-for run from the next.
   */
  fixityRun: defineJob({
    queue: QUEUES.archive,
    name: "fixity-run",
    payload: z.object({
      kind: z.enum(["NIGHTLY", "FULL", "ON_DEMAND"]),
      slot: z.string().regex(/^[\w-]+$/).default("scheduled"),
      recordIds: z.array(z.string().min(1)).max(1000).default([]),
      requestedById: z.string().min(1).nullable().default(null),
    }),
    key: (p) => (p.slot === "scheduled" ? `fixity-${p.kind.toLowerCase()}` : `fixity-${p.kind.toLowerCase()}-${p.slot}`),
  }),
  /** Overdue box loans: the borrower and the company's archivists are reminded, at most once per SSC day (a daily scheduler). */
  archiveLoanReminders: defineJob({
    queue: QUEUES.archive,
    name: "archive-loan-reminders",
    payload: z.object({}).default({}),
    key: () => "archive-loan-reminders",
  }),
} as const;
