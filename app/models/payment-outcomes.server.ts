/**
 * What the bank's answers do to a payment and its claim, in one place: the status report (pain.002)
 * and the statement (camt.053, CSV, manual match) both end here. Each call runs inside the caller's
 * transaction, moves the payment and the claim together, records the audit event and tells the
 * employee. A payment is PAID once and RETURNED or REJECTED once; asking twice changes nothing.
 */
import { assertTransition } from "~/domain/claim-machine";
import { JOBS } from "~/domain/jobs";
import type { Tx } from "~/utils/db.server";
import { queueArchiveAddenda, queueArchiveFiling } from "./archive-queue.server";
import { enqueueJob } from "./outbox.server";

export type PaymentOutcomeSource = "status_report" | "statement" | "manual_match";

type Actor = { actorId: string | null; source: PaymentOutcomeSource; at?: Date };

/** The bank accepted the payment for execution (status report ACCP/ACSC): nothing for the claim yet. */
export async function markPaymentAccepted(tx: Tx, paymentId: string, by: Actor): Promise<boolean> {
  const moved = await tx.payment.updateMany({ where: { id: paymentId, status: { in: ["PLANNED", "SENT"] } }, data: { status: "ACCEPTED", statusAt: by.at ?? new Date() } });
  return moved.count === 1;
}

/** The statement shows the money left: the payment is PAID and so is its claim (one payment of markPaymentsPaid). */
export async function markPaymentPaid(tx: Tx, paymentId: string, by: Actor): Promise<boolean> {
  return (await markPaymentsPaid(tx, [paymentId], by)).has(paymentId);
}

/**
 * The bank refused the payment (REJECTED, from its status report) or sent it back (RETURNED, on a
 * statement): the claim goes to PAYMENT_FAILED with the bank's reason and the employee is asked to fix
 * their account; the claim is eligible for a later run once they have (one payment of markPaymentsFailed).
 */
export async function markPaymentFailed(tx: Tx, paymentId: string, kind: "REJECTED" | "RETURNED", reason: string, by: Actor): Promise<boolean> {
  return (await markPaymentsFailed(tx, [{ paymentId, reason }], kind, by)).has(paymentId);
}

/*
 * Set-based variants for a statement that settles thousands of payments at once: the same rules as the
 * single-payment functions above (same guards, same claim transition, one audit event per claim moved,
 * the same message to the employee), in a handful of statements instead of several per payment. Each
 * answers the payments it actually moved; one that was no longer open is left alone, as above.
 */
const BULK_CHUNK = 5_000;

/**
 * The ledger owes a voucher for a payment booked paid, and a red reversal for one returned after that: one
 * ledger sweep per minute however many payments moved (the scheduled sweep catches anything later).
 */
async function queueLedgerSweep(tx: Tx, at: Date): Promise<void> {
  await enqueueJob(tx, JOBS.ledgerSweep, { slot: at.toISOString().slice(0, 16).replace(/[-:T]/g, "") });
}

type MovedPayment = { id: string; claim_id: string; end_to_end_id: string; amount_minor: bigint; currency: string };

function* chunksOf<T>(items: readonly T[], size = BULK_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Many statement lines prove their payments left: each payment PAID, its SCHEDULED claim PAID. */
export async function markPaymentsPaid(tx: Tx, paymentIds: readonly string[], by: Actor): Promise<Set<string>> {
  const moved = new Set<string>();
  const at = by.at ?? new Date();
  const to = assertTransition("SCHEDULED", "markPaid");
  for (const ids of chunksOf([...new Set(paymentIds)])) {
    // Locks in the single-payment order: payments, then their claims.
    const payments = await tx.$queryRaw<MovedPayment[]>`
      UPDATE payment SET status = 'PAID', status_at = ${at}
       WHERE id = ANY(${ids}::text[]) AND status IN ('SENT', 'ACCEPTED')
      RETURNING id, claim_id, end_to_end_id, amount_minor, currency`;
    if (payments.length === 0) continue;
    for (const p of payments) moved.add(p.id);
    const paidClaims = await tx.$queryRaw<{ id: string; payment_id: string }[]>`
      WITH moved AS (
        SELECT * FROM unnest(${payments.map((p) => p.id)}::text[], ${payments.map((p) => p.claim_id)}::text[], ${payments.map((p) => p.end_to_end_id)}::text[],
                             ${payments.map((p) => p.amount_minor.toString())}::text[], ${payments.map((p) => p.currency)}::text[])
          AS m(payment_id, claim_id, end_to_end_id, amount_minor, currency)
      ),
      claims AS (
        UPDATE claim c SET status = ${to}::"ClaimStatus", version = c.version + 1
          FROM moved m
         WHERE c.id = m.claim_id AND c.status = 'SCHEDULED'
        RETURNING c.id, c.claimant_id, c.number, m.payment_id, m.end_to_end_id, m.amount_minor, m.currency
      ),
      audit AS (
        INSERT INTO audit_event (claim_id, actor_id, type, from_status, to_status, data)
        SELECT id, ${by.actorId}::text, 'claim.paid', 'SCHEDULED', ${to}::"ClaimStatus",
               jsonb_build_object('paymentId', payment_id, 'endToEndId', end_to_end_id, 'source', ${by.source}::text)
          FROM claims ORDER BY id
      ),
      notified AS (
        INSERT INTO notification (id, user_id, kind, data)
        SELECT gen_random_uuid()::text, claimant_id, 'payment.paid',
               jsonb_build_object('claimId', id, 'claimNumber', number, 'minor', amount_minor, 'currency', currency)
          FROM claims
      )
      SELECT id, payment_id FROM claims`;
    // Each claim now paid is filed as an archive record (through the outbox, in this transaction); one
    // filed before (paid, returned, now paid again) gains an addendum instead.
    const filed = new Set(
      (await tx.archiveRecord.findMany({ where: { claimId: { in: paidClaims.map((c) => c.id) } }, select: { claimId: true } })).map((r) => r.claimId),
    );
    await queueArchiveFiling(tx, paidClaims.filter((c) => !filed.has(c.id)).map((c) => c.id));
    await queueArchiveAddenda(tx, paidClaims.filter((c) => filed.has(c.id)).map((c) => ({ claimId: c.id, turn: `paid-${c.payment_id}` })));
  }
  if (moved.size > 0) await queueLedgerSweep(tx, new Date());
  return moved;
}

/**
 * Many payments came back (RETURNED, from a statement) or were refused (REJECTED): each claim goes to
 * PAYMENT_FAILED with the bank's reason and the employee is asked to fix their account.
 */
export async function markPaymentsFailed(
  tx: Tx,
  failures: readonly { paymentId: string; reason: string }[],
  kind: "REJECTED" | "RETURNED",
  by: Actor,
): Promise<Set<string>> {
  const moved = new Set<string>();
  const at = by.at ?? new Date();
  const from = kind === "REJECTED" ? ["PLANNED", "SENT", "ACCEPTED"] : ["SENT", "ACCEPTED", "PAID"];
  const toFromScheduled = assertTransition("SCHEDULED", "paymentFailed");
  const toFromPaid = assertTransition("PAID", "paymentFailed");
  const unique = [...new Map(failures.map((f) => [f.paymentId, f])).values()];
  for (const batch of chunksOf(unique)) {
    const payments = await tx.$queryRaw<(MovedPayment & { reason: string })[]>`
      UPDATE payment p SET status = ${kind}, status_reason = f.reason, status_at = ${at}
        FROM unnest(${batch.map((f) => f.paymentId)}::text[], ${batch.map((f) => f.reason)}::text[]) AS f(payment_id, reason)
       WHERE p.id = f.payment_id AND p.status = ANY(${from}::text[])
      RETURNING p.id, p.claim_id, p.end_to_end_id, p.amount_minor, p.currency, f.reason`;
    if (payments.length === 0) continue;
    for (const p of payments) moved.add(p.id);
    await tx.$executeRaw`
      WITH moved AS (
        SELECT * FROM unnest(${payments.map((p) => p.id)}::text[], ${payments.map((p) => p.claim_id)}::text[], ${payments.map((p) => p.end_to_end_id)}::text[],
                             ${payments.map((p) => p.reason)}::text[])
          AS m(payment_id, claim_id, end_to_end_id, reason)
      ),
      before AS (
        SELECT c.id, c.status AS from_status FROM claim c JOIN moved m ON m.claim_id = c.id
         WHERE c.status IN ('SCHEDULED', 'PAID') FOR UPDATE OF c
      ),
      claims AS (
        UPDATE claim c SET status = CASE WHEN b.from_status = 'PAID' THEN ${toFromPaid}::"ClaimStatus" ELSE ${toFromScheduled}::"ClaimStatus" END,
                           version = c.version + 1
          FROM moved m, before b
         WHERE c.id = m.claim_id AND b.id = c.id
        RETURNING c.id, c.claimant_id, c.number, c.status AS to_status, b.from_status, m.payment_id, m.end_to_end_id, m.reason
      ),
      audit AS (
        INSERT INTO audit_event (claim_id, actor_id, type, from_status, to_status, data)
        SELECT id, ${by.actorId}::text, 'claim.payment_failed', from_status, to_status,
               jsonb_build_object('paymentId', payment_id, 'endToEndId', end_to_end_id, 'kind', ${kind}::text, 'reason', reason, 'source', ${by.source}::text)
          FROM claims ORDER BY id
      )
      INSERT INTO notification (id, user_id, kind, data)
      SELECT gen_random_uuid()::text, claimant_id, 'payment.failed',
             jsonb_build_object('claimId', id, 'claimNumber', number, 'reason', reason, 'kind', ${kind}::text)
        FROM claims`;
  }
  if (moved.size > 0 && kind === "RETURNED") {
    await queueLedgerSweep(tx, new Date());
    // A claim filed as PAID whose payment came back: its archive record gains an addendum.
    const filed = await tx.$queryRaw<{ claim_id: string; payment_id: string }[]>`
      SELECT r.claim_id, p.id AS payment_id FROM archive_record r JOIN payment p ON p.claim_id = r.claim_id
       WHERE p.id = ANY(${[...moved]}::text[]) AND r.status = 'FILED'`;
    await queueArchiveAddenda(tx, filed.map((f) => ({ claimId: f.claim_id, turn: `returned-${f.payment_id}` })));
  }
  return moved;
}
