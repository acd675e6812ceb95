/**
 * Payment runs (issue 10): which approved claims may be paid, how they are gathered into runs, and the
 * end-to-end id each payment carries to the bank and back on the statement.
 */
import type { Money } from "./money";

/** Why a claim is not (yet) in a run. One place, so later rules (originals first, a frozen account) join here. */
export type IneligibleReason = "not_approved" | "already_in_run" | "no_bank_account" | "account_change_pending" | "zero_amount";

export type PaymentCandidate = {
  claimId: string;
  status: string;
  companyId: string;
  amount: Money;
  /** The claim already has a payment that is not failed or returned. */
  hasOpenPayment: boolean;
  bankAccount: { id: string; pendingChange: boolean } | null;
};

export function ineligibleReason(claim: PaymentCandidate): IneligibleReason | null {
  if (claim.status !== "APPROVED") return "not_approved";
  if (claim.hasOpenPayment) return "already_in_run";
  if (!claim.bankAccount) return "no_bank_account";
  if (claim.bankAccount.pendingChange) return "account_change_pending";
  if (claim.amount.minor <= 0n) return "zero_amount";
  return null;
}

/** A run pays from one payer account, in one currency, on one value date, for one company. */
export type RunKey = { companyId: string; payerAccountId: string; currency: string; valueDate: string };

export function runKeyOf(key: RunKey): string {
  return [key.companyId, key.payerAccountId, key.currency, key.valueDate].join("|");
}

/**
 * Gathers eligible claims into runs. `payerFor` names the payer account for a company and currency (none:
 * the claim waits, reported as `no_payer_account`). Claims keep their order inside a run.
 */
export function groupIntoRuns<C extends PaymentCandidate>(
  claims: readonly C[],
  valueDate: string,
  payerFor: (companyId: string, currency: string) => string | null,
): { runs: { key: RunKey; claims: C[]; total: Money }[]; waiting: { claim: C; reason: IneligibleReason | "no_payer_account" }[] } {
  const runs = new Map<string, { key: RunKey; claims: C[]; total: Money }>();
  const waiting: { claim: C; reason: IneligibleReason | "no_payer_account" }[] = [];
  for (const claim of claims) {
    const reason = ineligibleReason(claim);
    if (reason) {
      waiting.push({ claim, reason });
      continue;
    }
    const payerAccountId = payerFor(claim.companyId, claim.amount.currency);
    if (!payerAccountId) {
      waiting.push({ claim, reason: "no_payer_account" });
      continue;
    }
    const key: RunKey = { companyId: claim.companyId, payerAccountId, currency: claim.amount.currency, valueDate };
    const id = runKeyOf(key);
    const run = runs.get(id) ?? { key, claims: [], total: { minor: 0n, currency: key.currency } };
    run.claims.push(claim);
    run.total = { minor: run.total.minor + claim.amount.minor, currency: key.currency };
    runs.set(id, run);
  }
  return { runs: [...runs.values()], waiting };
}

/**
 * The end-to-end id of a payment: at most 35 characters from the set every ISO 20022 bank accepts
 * (letters, digits), unique because it is built from the run's number and the payment's position,
 * and readable on a statement line. `runNumber` like "PR202612040001".
 */
export function endToEndId(runNumber: string, position: number): string {
  if (!/^[A-Z0-9]{1,28}$/.test(runNumber)) throw new RangeError(`run number must be 1–28 letters or digits: ${runNumber}`);
  if (!Number.isInteger(position) || position < 1 || position > 999_999) throw new RangeError(`position out of range: ${position}`);
  return `${runNumber}P${String(position).padStart(6, "0")}`;
}
