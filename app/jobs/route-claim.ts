/**
 * The routing job: a manager-approved claim gets a review task in the queue of the processing group
 * the admin's rules choose (app/domain/routing.ts), with a priority, a complexity band and an SLA due
 * time on the company's working calendar. Idempotent: a claim already routed at this version, or no
 * longer waiting for routing, is left alone; the outbox row is marked done either way.
 */
import { basePriority, routeClaim, RuleConditionsSchema, type RoutingRule } from "~/domain/routing";
import { parseWorkCalendar, slaDueAt, type Interval } from "~/domain/work-calendar";
import { complexityBand } from "~/domain/complexity";
import { JOBS, type JobPayload } from "~/domain/jobs";
import { totalIn } from "~/domain/money";
import { rateLookupsFor } from "~/models/exchange-rate.server";
import { markOutboxDone, outboxRow } from "~/models/outbox.server";
import { createBatcher, type Batcher } from "~/utils/batcher";
import { prisma, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { defineHandler } from "./job-handler";

export type RouteClaimPayload = JobPayload<typeof JOBS.routeClaim>;
export type RouteClaimOutcome = { outcome: "routed"; groupId: string; taskId: string } | { outcome: "skipped"; reason: string };

/** High-value claims jump the queue unless a rule says otherwise (company currency, minor units). */
const HIGH_VALUE_MINOR = 5_000_000n;

type ClockEvent = { type: string; at: Date };

/**
 * When the claim was with the SSC: the review clock starts at its first manager approval and pauses
 * from every return to the claimant until the next manager approval. `events` in time order.
 */
export function slaClock(events: readonly ClockEvent[]): { startedAt: Date; pauses: Interval[] } | null {
  const first = events.find((e) => e.type === "claim.manager_approved");
  if (!first) return null;
  const pauses: Interval[] = [];
  let pausedAt: Date | null = null;
  for (const e of events) {
    if (e.at < first.at) continue;
    if (e.type === "claim.returned" && !pausedAt) pausedAt = e.at;
    else if (e.type === "claim.manager_approved" && pausedAt) {
      pauses.push({ from: pausedAt, to: e.at });
      pausedAt = null;
    }
  }
  return { startedAt: first.at, pauses };
}

// ---- rules and groups, cached per worker process ----

type GroupRow = { id: string; isDefault: boolean; slaMinutes: number };
type RuleRow = { id: string; position: number; groupId: string; active: boolean; conditions: unknown; priority: number | null };
type RoutingConfig = { version: string; rules: RoutingRule[]; groups: GroupRow[]; fallback: GroupRow | undefined };

/**
 * The last rules and groups this process read, with the `routing_config_version` they were read at.
 * Triggers set that version to the id of every transaction that changes routing_rule or
 * processing_group (migration 20261127020000), so a claim whose own read (same statement) sees the
 * same version may use the copy; any other value, or none, reloads. Never stale past a commit.
 */
let cached: RoutingConfig | null = null;

/** For tests and benchmarks: forget the cached copy. */
export function forgetRoutingConfig(): void {
  cached = null;
}

/** Rules, groups and the version, in one statement (one snapshot), so the copy matches its version. */
async function loadRoutingConfig(tx: Tx): Promise<RoutingConfig> {
  const [row] = await tx.$queryRaw<{ version: bigint | null; rules: RuleRow[]; groups: GroupRow[] }[]>`
    SELECT (SELECT v.version FROM routing_config_version v WHERE v.id = 1) AS version,
           (SELECT coalesce(json_agg(json_build_object('id', r.id, 'position', r.position, 'groupId', r.group_id,
                     'active', r.active, 'conditions', r.conditions, 'priority', r.priority) ORDER BY r.position, r.id), '[]'::json)
              FROM routing_rule r) AS rules,
           (SELECT coalesce(json_agg(json_build_object('id', g.id, 'isDefault', g.is_default, 'slaMinutes', g.sla_minutes) ORDER BY g.code), '[]'::json)
              FROM processing_group g) AS groups`;
  const groups = row!.groups;
  return {
    version: row!.version === null ? "" : row!.version.toString(),
    rules: row!.rules.map(toDomainRule),
    groups,
    fallback: groups.find((g) => g.isDefault) ?? groups[0],
  };
}

async function routingConfig(tx: Tx, version: bigint | null): Promise<RoutingConfig> {
  // No version row (a table emptied by hand): read every time rather than trust a copy.
  if (version !== null && cached && cached.version === version.toString()) return cached;
  const fresh = await loadRoutingConfig(tx);
  cached = fresh.version === "" ? null : fresh;
  return fresh;
}

// ---- the claims, in one statement ----

type ClaimRead = {
  id: string;
  status: string;
  version: number;
  companyId: string;
  departmentId: string;
  companyCurrency: string;
  calendar: unknown;
  configVersion: bigint | null;
  alreadyRouted: boolean;
  lastReturnedBy: string | null;
  events: { type: string; at: string }[];
  lines: { amountMinor: string; currency: string; spentOn: string; categoryCode: string; receiptPages: number }[];
};

/**
 * Locks the claims (in id order, so two batches never wait on each other in a circle) and reads
 * everything routing needs about each — status and version, company currency and calendar, whether a
 * review is already open, who returned it last, the SLA clock's events, the lines with their receipt
 * pages — plus the routing config version, in one round trip.
 */
async function readClaimsForRouting(tx: Tx, claimIds: readonly string[]): Promise<Map<string, ClaimRead>> {
  const rows = await tx.$queryRaw<ClaimRead[]>`
    SELECT c.id, c.status::text AS status, c.version, c.company_id AS "companyId", c.department_id AS "departmentId",
           co.currency AS "companyCurrency", co.calendar,
           (SELECT v.version FROM routing_config_version v WHERE v.id = 1) AS "configVersion",
           EXISTS (SELECT 1 FROM task t WHERE t.claim_id = c.id AND t.type = 'REVIEW' AND t.status IN ('OPEN', 'IN_PROGRESS')) AS "alreadyRouted",
           (SELECT t.assignee_id FROM task t WHERE t.claim_id = c.id AND t.type = 'REVIEW' AND t.outcome = 'returned'
             ORDER BY t.finished_at DESC NULLS LAST, t.id LIMIT 1) AS "lastReturnedBy",
           (SELECT coalesce(json_agg(json_build_object('type', e.type, 'at', e.at) ORDER BY e.at, e.id), '[]'::json)
              FROM audit_event e WHERE e.claim_id = c.id AND e.type IN ('claim.manager_approved', 'claim.returned')) AS events,
           (SELECT coalesce(json_agg(json_build_object('amountMinor', l.amount_minor::text, 'currency', l.currency, 'spentOn', l.spent_on,
                     'categoryCode', l.category_code,
                     'receiptPages', (SELECT coalesce(sum(coalesce(f.page_count, 1)), 0) FROM line_receipt lr
                                        JOIN receipt r ON r.id = lr.receipt_id JOIN stored_file f ON f.sha256 = r.file_sha256
                                       WHERE lr.line_id = l.id)) ORDER BY l.position), '[]'::json)
              FROM claim_line l WHERE l.claim_id = c.id) AS lines
      FROM claim c JOIN company co ON co.id = c.company_id
     WHERE c.id = ANY(${[...claimIds]}::text[])
     ORDER BY c.id
       FOR UPDATE OF c`;
  return new Map(rows.map((r) => [r.id, r]));
}

type ClaimFigures = { totalCompanyMinor: bigint; complexity: string };

/**
 * Each claim's total in company currency and complexity band, by the same domain rules as approval
 * (loadClaimFacts); the exchange rates of every claim in one query.
 */
async function claimFigures(tx: Tx, reads: readonly ClaimRead[]): Promise<Map<string, ClaimFigures>> {
  const needs = reads.map((read) => ({
    items: read.lines.map((l) => ({ minor: BigInt(l.amountMinor), currency: l.currency.trim(), onDate: l.spentOn.slice(0, 10) })),
    to: read.companyCurrency,
  }));
  const lookups = await rateLookupsFor(needs, tx);
  return new Map(
    reads.map((read, i) => {
      const { items } = needs[i]!;
      const totalCompanyMinor = totalIn(items, read.companyCurrency, lookups[i]!).total.minor;
      const complexity = complexityBand({
        lineCount: read.lines.length,
        receiptPages: read.lines.reduce((n, l) => n + Number(l.receiptPages), 0),
        currencies: [...new Set(items.map((i) => i.currency))],
        companyCurrency: read.companyCurrency,
      });
      return [read.id, { totalCompanyMinor, complexity }];
    }),
  );
}

/** What routing writes for one claim: its review task and the claim.routed event's data. */
type NewReview = {
  taskId: string;
  claimId: string;
  groupId: string;
  priority: number;
  complexity: string;
  version: number;
  preferredAssigneeId: string | null;
  slaMinutes: number;
  dueAt: Date;
  audit: { groupId: string; ruleId: string | null; taskId: string; priority: number };
};

/** Why a claim read under its lock is not routed now, or null when it is waiting for routing. */
function whyNotRouted(read: ClaimRead | undefined, version: number): string | null {
  if (!read) return "claim_gone";
  if (read.status !== "MANAGER_APPROVED" || read.version !== version) return "not_waiting_for_routing";
  if (read.alreadyRouted) return "already_routed";
  return null;
}

/** The review to open for a claim waiting for routing. */
function decide(read: ClaimRead, version: number, { totalCompanyMinor, complexity }: ClaimFigures, { rules, groups, fallback }: RoutingConfig): NewReview {
  if (!fallback) throw new Error("no processing group exists: create one (and mark it default) before routing");
  const routingFacts = {
    companyId: read.companyId,
    departmentId: read.departmentId,
    companyCurrency: read.companyCurrency,
    totalCompanyMinor,
    lines: read.lines.map((l) => ({ categoryCode: l.categoryCode, currency: l.currency.trim() })),
  };
  const decision = routeClaim(routingFacts, rules, fallback.id);
  const group = groups.find((g) => g.id === decision.groupId) ?? fallback;
  const priority = decision.priority || basePriority(routingFacts, { highValueMinor: HIGH_VALUE_MINOR });
  const clock = slaClock(read.events.map((e) => ({ type: e.type, at: new Date(e.at) }))) ?? { startedAt: new Date(), pauses: [] };
  const taskId = newId();
  return {
    taskId,
    claimId: read.id,
    groupId: group.id,
    priority,
    complexity,
    version,
    preferredAssigneeId: read.lastReturnedBy,
    slaMinutes: group.slaMinutes,
    dueAt: slaDueAt(clock.startedAt, group.slaMinutes, parseWorkCalendar(read.calendar), clock.pauses),
    audit: { groupId: group.id, ruleId: decision.ruleId, taskId, priority },
  };
}

/**
 * Every write of a batch in one statement (one round trip however many claims): the review tasks, the
 * claims' groups, every job's outbox row DONE (skipped ones too), each task's "created" event for the
 * outbox and the audit events (appended unsealed, chained after commit: docs/decisions/037). Returns the
 * ids of the tasks written.
 *
 * A task the unique "one open review per claim" index refuses is not written, nor anything of its claim:
 * another transaction routed that claim first. The read cannot always tell — when it waited for the
 * claim's lock, Postgres re-reads the claim row but its subqueries (is a review open?) still see the
 * statement's snapshot — so the index decides, and the claim counts as already routed.
 */
async function writeRouted(tx: Tx, reviews: readonly NewReview[], jobKeys: readonly string[]): Promise<Set<string>> {
  const at = new Date().toISOString();
  const events = reviews.map((r) => outboxRow(JOBS.taskEvent, { taskId: r.taskId, kind: "created", at }));
  const col = <T>(f: (r: NewReview) => T): T[] => reviews.map(f);
  const written = await tx.$queryRaw<{ id: string }[]>`
    WITH input AS (
      SELECT * FROM unnest(${col((r) => r.taskId)}::text[], ${col((r) => r.claimId)}::text[], ${col((r) => r.groupId)}::text[],
                           ${col((r) => r.priority)}::int[], ${col((r) => r.complexity)}::text[], ${col((r) => r.version)}::int[],
                           ${col((r) => r.preferredAssigneeId)}::text[], ${col((r) => r.slaMinutes)}::int[],
                           ${col((r) => r.dueAt.toISOString())}::timestamptz[], ${col((r) => JSON.stringify(r.audit))}::jsonb[],
                           ${events.map((e) => e.jobKey)}::text[], ${events.map((e) => JSON.stringify(e.payload))}::jsonb[])
               AS i (task_id, claim_id, group_id, priority, complexity, claim_version, preferred_assignee_id, sla_minutes, sla_due_at,
                     audit, event_key, event_payload)
    ), new_task AS (
      INSERT INTO task (id, claim_id, type, group_id, priority, complexity, claim_version, preferred_assignee_id, sla_minutes, sla_due_at, created_at)
      SELECT task_id, claim_id, 'REVIEW', group_id, priority, complexity, claim_version, preferred_assignee_id, sla_minutes, sla_due_at, ${at}::timestamptz
        FROM input
      ON CONFLICT DO NOTHING
      RETURNING id
    ), routed AS (
      UPDATE claim c SET group_id = i.group_id, updated_at = now()
        FROM input i JOIN new_task n ON n.id = i.task_id WHERE c.id = i.claim_id
      RETURNING c.id
    ), done AS (
      UPDATE outbox_event SET status = 'DONE', done_at = now() WHERE job_key = ANY(${[...jobKeys]}::text[]) AND status = 'PENDING'
      RETURNING id
    ), queued AS (
      INSERT INTO outbox_event (queue, job_name, job_key, payload)
      SELECT ${JOBS.taskEvent.queue}, ${JOBS.taskEvent.name}, i.event_key, i.event_payload FROM input i JOIN new_task n ON n.id = i.task_id
      ON CONFLICT (job_key) DO NOTHING
      RETURNING id
    ), audited AS (
      INSERT INTO audit_event (claim_id, type, data)
      SELECT i.claim_id, 'claim.routed', i.audit FROM input i JOIN new_task n ON n.id = i.task_id ORDER BY i.claim_id
    )
    SELECT id FROM new_task`;
  return new Set(written.map((w) => w.id));
}

/**
 * Routes several claims in one transaction: one read of them all under their locks, the decisions in
 * memory, one write. Each payload gets its own outcome, as if routed alone; the same claim twice in one
 * call is refused (the batcher never does it). A failure rolls back the whole batch; the worker's
 * batcher then runs each claim alone (app/utils/batcher.ts).
 */
export async function runRouteClaims(payloads: readonly RouteClaimPayload[]): Promise<RouteClaimOutcome[]> {
  if (payloads.length === 0) return [];
  const claimIds = payloads.map((p) => p.claimId);
  if (new Set(claimIds).size !== claimIds.length) throw new Error("the same claim twice in one routing batch");
  return prisma.$transaction(async (tx) => {
    const reads = await readClaimsForRouting(tx, claimIds);
    const waiting = payloads.map((p): { read: ClaimRead; version: number } | { skip: string } => {
      const read = reads.get(p.claimId);
      const skip = whyNotRouted(read, p.version);
      return skip === null ? { read: read!, version: p.version } : { skip };
    });
    const toRoute = waiting.flatMap((w) => ("read" in w ? [w.read] : []));
    // One after the other: a transaction is one connection (readTogether).
    const figures = await claimFigures(tx, toRoute);
    const config = toRoute.length === 0 ? null : await routingConfig(tx, reads.values().next().value?.configVersion ?? null);
    const decisions = waiting.map((w): NewReview | { skip: string } => ("skip" in w ? w : decide(w.read, w.version, figures.get(w.read.id)!, config!)));
    const reviews = decisions.filter((d): d is NewReview => !("skip" in d));
    const jobKeys = payloads.map((p) => JOBS.routeClaim.key(p));
    const written = reviews.length > 0 ? await writeRouted(tx, reviews, jobKeys) : (await markOutboxDone(tx, jobKeys), new Set<string>());
    return decisions.map((d): RouteClaimOutcome => {
      if ("skip" in d) return { outcome: "skipped", reason: d.skip };
      return written.has(d.taskId) ? { outcome: "routed", groupId: d.groupId, taskId: d.taskId } : { outcome: "skipped", reason: "already_routed" };
    });
  });
}

/** One claim: idempotent (a claim already routed at this version, or no longer waiting, is left alone). */
export async function runRouteClaim(payload: RouteClaimPayload): Promise<RouteClaimOutcome> {
  const [outcome] = await runRouteClaims([payload]);
  return outcome!;
}

/** A rule whose stored conditions no longer validate is treated as inactive rather than guessed at. */
function toDomainRule(r: { id: string; position: number; groupId: string; active: boolean; conditions: unknown; priority: number | null }): RoutingRule {
  const conditions = RuleConditionsSchema.safeParse(r.conditions ?? {});
  if (!conditions.success) console.warn(`[routing] rule ${r.id} has invalid conditions; skipped`);
  return {
    id: r.id,
    position: r.position,
    groupId: r.groupId,
    active: r.active && conditions.success,
    conditions: conditions.success ? conditions.data : {},
    ...(r.priority !== null ? { priority: r.priority } : {}),
  };
}

/**
 * The routing queue's handler. `batch` (the routing worker's) gathers the claims that arrive while its
 * transactions are busy and routes them together; without one, each job is its own transaction.
 */
export function routeClaimHandler(batch?: Batcher<RouteClaimPayload, RouteClaimOutcome>) {
  return defineHandler(JOBS.routeClaim, (payload) => (batch ? batch.add(payload) : runRouteClaim(payload)), {
    describe: (r) => (r.outcome === "routed" ? `routed group=${r.groupId}` : `skipped ${r.reason}`),
  });
}

/** A batcher of routing jobs: at most `transactions` at a time, each of at most `maxBatch` claims. */
export function routingBatcher(opts: { transactions: number; maxBatch: number }): Batcher<RouteClaimPayload, RouteClaimOutcome> {
  return createBatcher({ maxBatch: opts.maxBatch, maxInFlight: opts.transactions, runBatch: runRouteClaims, key: (p) => p.claimId });
}
