/**
 * What the bank's answers do to a payment and its claim, in one place: the status report (pain.002)
 * and the statement (camt.053, CSV, manual match) both end here. Each call runs inside the caller's
 * transaction, moves the payment and the claim together, records the audit event and tells the
 * employee. A payment is PAID once and RETURNED or REJECTED once; asking twice changes nothing.
 */
import { assertTransition, type ClaimStatus } from "~/domain/claim-machine";
import type { Tx } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { notify } from "./notifications.server";

export type PaymentOutcomeSource = "status_report" | "statement" | "manual_match";

type Actor = { actorId: string | null; source: PaymentOutcomeSource; at?: Date };

async function lockPayment(tx: Tx, paymentId: string) {
  const [row] = await tx.$queryRaw<{ id: string; status: string; claim_id: string; end_to_end_id: string; run_id: string; amount_minor: bigint; currency: string }[]>`
    SELECT id, status, claim_id, end_to_end_id, run_id, amount_minor, currency FROM payment WHERE id = ${paymentId} FOR UPDATE`;
  if (!row) throw new Error(`payment ${paymentId} not found`);
  const [claim] = await tx.$queryRaw<{ id: string; status: ClaimStatus; claimant_id: string; number: string }[]>`
    SELECT id, status::text AS status, claimant_id, number FROM claim WHERE id = ${row.claim_id} FOR UPDATE`;
  return { payment: row, claim: claim! };
}

/** The bank accepted the payment for execution (status report ACCP/ACSC): nothing for the claim yet. */
export async function markPaymentAccepted(tx: Tx, paymentId: string, by: Actor): Promise<boolean> {
  const { payment } = await lockPayment(tx, paymentId);
  if (payment.status !== "SENT" && payment.status !== "PLANNED") return false;
  await tx.payment.update({ where: { id: paymentId }, data: { status: "ACCEPTED", statusAt: by.at ?? new Date() } });
  return true;
}

/** The statement shows the money left: the payment is PAID and so is its claim. */
export async function markPaymentPaid(tx: Tx, paymentId: string, by: Actor): Promise<boolean> {
  const { payment, claim } = await lockPayment(tx, paymentId);
  if (!["SENT", "ACCEPTED"].includes(payment.status)) return false;
  const at = by.at ?? new Date();
  await tx.payment.update({ where: { id: paymentId }, data: { status: "PAID", statusAt: at } });
  if (claim.status === "SCHEDULED") {
    const to = assertTransition(claim.status, "markPaid");
    await tx.claim.update({ where: { id: claim.id }, data: { status: to, version: { increment: 1 } } });
    await recordAudit(tx, {
      claimId: claim.id,
      actorId: by.actorId,
      type: "claim.paid",
      fromStatus: claim.status,
      toStatus: to,
      data: { paymentId, endToEndId: payment.end_to_end_id, source: by.source },
    });
    await notify(tx, claim.claimant_id, "payment.paid", { claimId: claim.id, claimNumber: claim.number, minor: payment.amount_minor.toString(), currency: payment.currency });
  }
  return true;
}

/**
 * The bank refused the payment (REJECTED, from its status report) or sent it back (RETURNED, on a
 * statement): the claim goes to PAYMENT_FAILED with the bank's reason and the employee is asked to fix
 * their account; the claim is eligible for a later run once they have.
 */
export async function markPaymentFailed(tx: Tx, paymentId: string, kind: "REJECTED" | "RETURNED", reason: string, by: Actor): Promise<boolean> {
  const { payment, claim } = await lockPayment(tx, paymentId);
  const from = kind === "REJECTED" ? ["PLANNED", "SENT", "ACCEPTED"] : ["SENT", "ACCEPTED", "PAID"];
  if (!from.includes(payment.status)) return false;
  const at = by.at ?? new Date();
  await tx.payment.update({ where: { id: paymentId }, data: { status: kind, statusReason: reason, statusAt: at } });
  if (claim.status === "SCHEDULED" || claim.status === "PAID") {
    const to = assertTransition(claim.status, "paymentFailed");
    await tx.claim.update({ where: { id: claim.id }, data: { status: to, version: { increment: 1 } } });
    await recordAudit(tx, {
      claimId: claim.id,
      actorId: by.actorId,
      type: "claim.payment_failed",
      fromStatus: claim.status,
      toStatus: to,
      data: { paymentId, endToEndId: payment.end_to_end_id, kind, reason, source: by.source },
    });
    await notify(tx, claim.claimant_id, "payment.failed", { claimId: claim.id, claimNumber: claim.number, reason, kind });
  }
  return true;
}
