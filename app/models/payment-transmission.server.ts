/**
 * A released payment run goes to the bank exactly once (issue 10, "the bank link, exactly once";
 * the rules are in app/domain/transmission.ts):
 *
 *  1. `sendRun` claims the run in one transaction (transmission NOT_SENT → SENDING, payments PLANNED →
 *     SENT, audit); a run not in NOT_SENT is never sent again, so a retried or duplicated job does nothing.
 *  2. The frozen file (payment_file bytes and message id) goes to the connector.
 *  3. The answer is applied (`applyStatusReport`): transmission, bank reference and status; per payment
 *     accepted → markPaymentAccepted, rejected → markPaymentFailed(REJECTED, reason). No answer → UNKNOWN.
 *
 * `sweepTransmissions` (every 30 s) moves runs stuck in SENDING to UNKNOWN and asks the bank about SENT
 * and UNKNOWN runs, with backoff. A file the bank says it never received is re-offered with the same
 * bytes and message id — safe only because the bank refuses a message id it already took — at most
 * MAX_REOFFERS times, then left to a person (bank_status NOT_RECEIVED, audited).
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { parsePain002 } from "~/domain/payment-files/pain002";
import { nextStatusCheckAt, nextTransmission, reportOutcome, whenBankNeverReceived, type Transmission } from "~/domain/transmission";
import type { BankConnector, SubmitOutcome } from "~/utils/bank-link/connector";
import { bankConnectorFor } from "~/utils/bank-link/index.server";
import { prisma, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { recordAudit } from "./audit.server";
import { markOutboxDone } from "./outbox.server";
import { markPaymentAccepted, markPaymentFailed } from "./payment-outcomes.server";

export type SendResult =
  | { sent: false; reason: "not_found" | "not_releasable" | "already_sent" | "not_host_to_host" }
  | { sent: true; transmission: Transmission; outcome: SubmitOutcome["kind"] };

type LinkOptions = { connector?: BankConnector; now?: () => Date };

function connectorOf(kind: string, opts: LinkOptions): BankConnector {
  const connector = opts.connector ?? bankConnectorFor(kind);
  // Nothing was claimed yet: the job fails with one clear line and the run stays NOT_SENT.
  if (!connector) throw new AppError("bank_link_not_configured", { status: 503, message: "host-to-host run but BANK_LINK_URL is not set: nothing sent" });
  return connector;
}

async function lockRun(tx: Tx, runId: string) {
  const [run] = await tx.$queryRaw<{ id: string; number: string; status: string; transmission: Transmission; connector: string; bank_reference: string | null }[]>`
    SELECT id, number, status, transmission, connector, bank_reference FROM payment_run WHERE id = ${runId} FOR UPDATE`;
  return run ?? null;
}

/**
 * Step 1 alone: claims a released, never-sent host-to-host run (NOT_SENT → SENDING, payments → SENT).
 * Returns the file to send, or why there is nothing to send. `jobKey` marks the outbox row done in the
 * same transaction, so the claim and "done" commit together.
 */
export async function claimRunForSending(runId: string, opts: { jobKey?: string; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    if (opts.jobKey) await markOutboxDone(tx, opts.jobKey);
    const run = await lockRun(tx, runId);
    if (!run) return { claimed: false as const, reason: "not_found" as const };
    if (run.connector !== "host-to-host") return { claimed: false as const, reason: "not_host_to_host" as const };
    if (run.transmission !== "NOT_SENT") return { claimed: false as const, reason: "already_sent" as const };
    if (run.status !== "RELEASED") return { claimed: false as const, reason: "not_releasable" as const };
    const to = nextTransmission(run.transmission, { type: "send" })!;
    await tx.paymentRun.update({ where: { id: runId }, data: { transmission: to, sentAt: now } });
    const payments = await tx.payment.updateMany({ where: { runId, status: "PLANNED" }, data: { status: "SENT", statusAt: now } });
    const file = await tx.paymentFile.findUniqueOrThrow({ where: { runId }, select: { messageId: true, fileName: true, bytes: true, sha256: true } });
    await recordAudit(tx, { type: "payment_run.sending", data: { runId, runNumber: run.number, messageId: file.messageId, sha256: file.sha256, payments: payments.count } });
    return { claimed: true as const, file };
  });
}

/** Sends a released run once (steps 1–3). Safe to call any number of times, concurrently too. */
export async function sendRun(runId: string, opts: LinkOptions & { jobKey?: string } = {}): Promise<SendResult> {
  const now = opts.now ?? (() => new Date());
  const kind = (await prisma.paymentRun.findUnique({ where: { id: runId }, select: { connector: true } }))?.connector;
  if (!kind) return { sent: false, reason: "not_found" };
  if (kind !== "host-to-host") return { sent: false, reason: "not_host_to_host" };
  const connector = connectorOf(kind, opts);
  const claim = await claimRunForSending(runId, { jobKey: opts.jobKey, now: now() });
  if (!claim.claimed) return { sent: false, reason: claim.reason };
  const outcome = await connector.submit({ messageId: claim.file.messageId, fileName: claim.file.fileName, bytes: claim.file.bytes });
  const transmission = await applySubmitOutcome(runId, outcome, now());
  return { sent: true, transmission, outcome: outcome.kind };
}

async function applySubmitOutcome(runId: string, outcome: SubmitOutcome, now: Date): Promise<Transmission> {
  if (outcome.kind === "answered" || outcome.kind === "refused") {
    let last: Transmission | null = null;
    for (const xml of outcome.reports) last = (await applyStatusReport(runId, xml, { now, bankReference: outcome.kind === "answered" ? outcome.bankReference : null })).transmission;
    if (last) return last;
  }
  // No answer we can trust: UNKNOWN, resolved by a status query, never by sending again.
  const reason = outcome.kind === "unknown" ? outcome.reason : outcome.kind === "manual" ? "manual" : "no_report";
  return prisma.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw new Error(`payment run ${runId} vanished`);
    const to = nextTransmission(run.transmission, { type: "noAnswer" });
    if (!to) return run.transmission;
    await tx.paymentRun.update({ where: { id: runId }, data: { transmission: to } });
    await recordAudit(tx, { type: "payment_run.unknown", data: { runId, runNumber: run.number, reason, at: now.toISOString() } });
    return to;
  });
}

export type ApplyResult = { transmission: Transmission; changed: boolean; accepted: number; rejected: number; pending: number };

/**
 * Applies one pain.002 to its run: per payment accepted or rejected (each once, however often the same
 * report arrives), then the run's transmission when the report moves it. Reports for another message id
 * are ignored.
 */
export async function applyStatusReport(runId: string, xml: string, opts: { now?: Date; bankReference?: string | null } = {}): Promise<ApplyResult> {
  const report = parsePain002(xml);
  const at = opts.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw new Error(`payment run ${runId} not found`);
    const file = await tx.paymentFile.findUniqueOrThrow({ where: { runId }, select: { messageId: true } });
    if (report.originalMessageId !== file.messageId) {
      return { transmission: run.transmission, changed: false, accepted: 0, rejected: 0, pending: 0 };
    }
    const payments = await tx.payment.findMany({ where: { runId }, select: { id: true, endToEndId: true }, orderBy: { position: "asc" } });
    const idOf = new Map(payments.map((p) => [p.endToEndId, p.id]));
    const outcome = reportOutcome(report, payments.map((p) => p.endToEndId));
    const by = { actorId: null, source: "status_report" as const, at };
    let moved = 0;
    for (const e2e of outcome.accepted) if (await markPaymentAccepted(tx, idOf.get(e2e)!, by)) moved += 1;
    for (const r of outcome.rejected) if (await markPaymentFailed(tx, idOf.get(r.endToEndId)!, "REJECTED", r.reason, by)) moved += 1;
    const to = nextTransmission(run.transmission, { type: run.transmission === "SENDING" ? "answer" : "statusReport", verdict: outcome.verdict });
    const bankReference = run.bank_reference ?? opts.bankReference ?? report.bankReference;
    if (to || moved > 0 || bankReference !== run.bank_reference) {
      await tx.paymentRun.update({ where: { id: runId }, data: { ...(to ? { transmission: to } : {}), bankStatus: report.groupStatus, bankReference } });
    }
    if (to || moved > 0) {
      await recordAudit(tx, {
        type: "payment_run.status",
        data: {
          runId,
          runNumber: run.number,
          from: run.transmission,
          to: to ?? run.transmission,
          groupStatus: report.groupStatus,
          reportId: report.messageId,
          accepted: outcome.accepted.length,
          rejected: outcome.rejected.map((r) => `${r.endToEndId}:${r.reason}`),
          pending: outcome.pending.length,
          ...(outcome.strangers.length ? { strangers: outcome.strangers } : {}),
        },
      });
    }
    return { transmission: to ?? run.transmission, changed: Boolean(to) || moved > 0, accepted: outcome.accepted.length, rejected: outcome.rejected.length, pending: outcome.pending.length };
  });
}

export type TransmissionSweepResult = { stuck: number; asked: number; resolved: number; reoffered: number; needsPerson: number; unavailable: number; errors: number };

/**
 * The bank-link half of the payments sweep. `sendingStaleMs`: a SENDING run older than this had its
 * worker die mid-send (the client timeout is far shorter) and becomes UNKNOWN. `runIds`: only these
 * runs (a "check the status now" on one run).
 */
export async function sweepTransmissions(opts: LinkOptions & { sendingStaleMs?: number; runIds?: readonly string[] } = {}): Promise<TransmissionSweepResult> {
  const only = opts.runIds ? { id: { in: [...opts.runIds] } } : {};
  const now = (opts.now ?? (() => new Date()))();
  const result: TransmissionSweepResult = { stuck: 0, asked: 0, resolved: 0, reoffered: 0, needsPerson: 0, unavailable: 0, errors: 0 };
  const staleBefore = new Date(now.getTime() - (opts.sendingStaleMs ?? env.BANK_LINK_SENDING_STALE_MS));

  const stuck = await prisma.paymentRun.findMany({ where: { ...only, transmission: "SENDING", sentAt: { lt: staleBefore } }, select: { id: true, number: true } });
  for (const run of stuck) {
    const moved = await prisma.$transaction(async (tx) => {
      const updated = await tx.paymentRun.updateMany({ where: { id: run.id, transmission: "SENDING" }, data: { transmission: "UNKNOWN" } });
      if (updated.count === 0) return false;
      await recordAudit(tx, { type: "payment_run.unknown", data: { runId: run.id, runNumber: run.number, reason: "stuck_sending", at: now.toISOString() } });
      return true;
    });
    if (moved) result.stuck += 1;
  }

  const open = await prisma.paymentRun.findMany({
    where: { ...only, transmission: { in: ["SENT", "UNKNOWN"] }, connector: "host-to-host" },
    select: { id: true, number: true, transmission: true, sentAt: true, statusCheckedAt: true, statusChecks: true, connector: true, file: { select: { messageId: true, fileName: true, bytes: true } } },
    orderBy: { sentAt: "asc" },
  });
  for (const run of open) {
    if (!run.file) continue;
    const connector = opts.connector ?? bankConnectorFor(run.connector);
    if (!connector) {
      result.unavailable += 1;
      continue;
    }
    if (nextStatusCheckAt(run.statusCheckedAt, run.statusChecks, run.sentAt ?? now) > now) continue;
    // Counted before asking, conditional on what we read: two sweeps at once ask once.
    const mine = await prisma.paymentRun.updateMany({
      where: { id: run.id, statusChecks: run.statusChecks, transmission: run.transmission },
      data: { statusChecks: { increment: 1 }, statusCheckedAt: now },
    });
    if (mine.count === 0) continue;
    result.asked += 1;
    try {
      await askAboutRun(run, connector, now, result);
    } catch (err) {
      // One run's trouble (a report we cannot read) must not keep the sweep from the others; it is asked again later.
      result.errors += 1;
      console.error(`[payments] status of run ${run.number}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return result;
}

async function askAboutRun(
  run: { id: string; number: string; transmission: string; file: { messageId: string; fileName: string; bytes: Uint8Array } | null },
  connector: BankConnector,
  now: Date,
  result: TransmissionSweepResult,
): Promise<void> {
  const file = run.file!;
  const answer = await connector.queryStatus(file.messageId);
  if (answer.kind === "reports") {
    let last: Transmission = run.transmission as Transmission;
    for (const xml of answer.reports) last = (await applyStatusReport(run.id, xml, { now })).transmission;
    if (last !== run.transmission) result.resolved += 1;
  } else if (answer.kind === "not_received") {
    const decision = await decideNeverReceived(run.id, run.number, now);
    if (decision === "reoffer") {
      result.reoffered += 1;
      const outcome = await connector.submit({ messageId: file.messageId, fileName: file.fileName, bytes: file.bytes });
      if (outcome.kind === "answered" || outcome.kind === "refused") {
        for (const xml of outcome.reports) await applyStatusReport(run.id, xml, { now, bankReference: outcome.kind === "answered" ? outcome.bankReference : null });
        result.resolved += 1;
      }
    } else if (decision === "ask_a_person") result.needsPerson += 1;
  } else if (answer.kind === "unavailable") result.unavailable += 1;
}

/** Records the decision (audited) before acting on it, so a crash mid-re-offer still counts against the limit. */
async function decideNeverReceived(runId: string, runNumber: string, now: Date): Promise<"reoffer" | "ask_a_person" | "already_asked" | "settled"> {
  return prisma.$transaction(async (tx) => {
    const transmission = (await lockRun(tx, runId))?.transmission;
    // Settled meanwhile (another sweep, a late answer): nothing to decide.
    if (transmission !== "UNKNOWN" && transmission !== "SENT") return "settled";
    const reoffers = await tx.auditEvent.count({ where: { type: "payment_run.reoffered", data: { path: ["runId"], equals: runId } } });
    // Only a run whose fate is unknown is re-offered; a SENT one the bank acknowledged is a person's question.
    const decision = transmission === "UNKNOWN" ? whenBankNeverReceived(reoffers).action : "ask_a_person";
    if (decision === "reoffer") {
      await recordAudit(tx, { type: "payment_run.reoffered", data: { runId, runNumber, attempt: reoffers + 1, at: now.toISOString() } });
      return "reoffer";
    }
    const asked = await tx.auditEvent.count({ where: { type: "payment_run.needs_attention", data: { path: ["runId"], equals: runId } } });
    if (asked > 0) return "already_asked";
    await tx.paymentRun.update({ where: { id: runId }, data: { bankStatus: "NOT_RECEIVED" } });
    await recordAudit(tx, { type: "payment_run.needs_attention", data: { runId, runNumber, reason: "bank_never_received", reoffers, at: now.toISOString() } });
    return "ask_a_person";
  });
}

/**
 * Statements over the link: fetches the day's camt.053 for a payer account and hands the bytes to
 * `onStatement` (the reconciliation import). Nothing when the account is not host-to-host or the bank
 * has no statement for the day.
 */
export async function fetchStatementOverLink<T>(
  payerAccountId: string,
  date: string,
  onStatement: (bytes: Uint8Array, meta: { payerAccountId: string; account: string; date: string; source: "bank-link" }) => Promise<T>,
  opts: LinkOptions = {},
): Promise<{ fetched: true; result: T } | { fetched: false; reason: string }> {
  const payer = await prisma.payerAccount.findUniqueOrThrow({ where: { id: payerAccountId }, select: { connector: true, iban: true, accountNumber: true } });
  if (payer.connector !== "host-to-host") return { fetched: false, reason: "not_host_to_host" };
  const account = payer.iban ?? payer.accountNumber ?? "";
  const answer = await connectorOf(payer.connector, opts).fetchStatement(account, date);
  if (answer.kind !== "statement") return { fetched: false, reason: answer.kind === "unavailable" ? answer.reason : answer.kind };
  return { fetched: true, result: await onStatement(answer.bytes, { payerAccountId, account, date, source: "bank-link" }) };
}

/**
 * The file connector's status, set by hand from what e-banking shows: the payments named rejected
 * (with the bank's reason) fail, every other one is accepted. Also for an UNKNOWN host-to-host run a
 * person has settled with the bank.
 */
export async function recordRunStatusByHand(
  runId: string,
  actor: Actor,
  rejected: readonly { endToEndId: string; reason: string }[],
  now = new Date(),
): Promise<Transmission> {
  return prisma.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw new AppError("not_found");
    const payments = await tx.payment.findMany({ where: { runId }, select: { id: true, endToEndId: true } });
    const reasons = new Map(rejected.map((r) => [r.endToEndId, r.reason]));
    const unknownIds = [...reasons.keys()].filter((id) => !payments.some((p) => p.endToEndId === id));
    if (unknownIds.length > 0) throw new AppError("invalid", { reason: "unknown_end_to_end_id", details: { endToEndIds: unknownIds } });
    const verdict = reasons.size === 0 ? "ACCEPTED" : reasons.size === payments.length ? "REJECTED" : "PARTIALLY_ACCEPTED";
    const to = nextTransmission(run.transmission, { type: "manualStatus", verdict });
    if (!to) throw new AppError("stale", { reason: "transmission_settled", details: { transmission: run.transmission } });
    const by = { actorId: actor.id, source: "status_report" as const, at: now };
    for (const p of payments) {
      const reason = reasons.get(p.endToEndId);
      if (reason) await markPaymentFailed(tx, p.id, "REJECTED", reason, by);
      else await markPaymentAccepted(tx, p.id, by);
    }
    await tx.paymentRun.update({ where: { id: runId }, data: { transmission: to, bankStatus: verdict === "ACCEPTED" ? "ACCP" : verdict === "REJECTED" ? "RJCT" : "PART" } });
    await recordAudit(tx, { actorId: actor.id, type: "payment_run.status", data: { runId, runNumber: run.number, from: run.transmission, to, byHand: true, rejected: rejected.map((r) => `${r.endToEndId}:${r.reason}`) } });
    return to;
  });
}
