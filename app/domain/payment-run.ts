/**
 * Payment runs (issue 10): which approved claims may be paid, how they are gathered into runs, and the
 * end-to-end id each payment carries to the bank and back on the statement.
 */
import type { Money } from "./money";

/** Why a claim is not (yet) in a run. One place, so later rules (originals first, a frozen account) join here. */
export const INELIGIBLE_REASONS = [
  "not_approved",
  "already_in_run",
  "no_bank_account",
  "account_change_pending",
  "account_not_fixed",
  "missing_rate",
  "zero_amount",
  "involved_in_claim",
  "originals_not_received",
] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

export type PaymentCandidate = {
  claimId: string;
  status: string;
  companyId: string;
  amount: Money;
  /** The claim already has a payment that is not failed or returned. */
  hasOpenPayment: boolean;
  bankAccount: { id: string; pendingChange: boolean } | null;
  /** For a claim whose payment failed: the account that payment went to (a new run waits for a different one). */
  failedOnAccountId?: string | null;
  /** Some line's currency had no exchange rate to the company's currency on its date. */
  missingRate?: boolean;
  /** The person preparing the run claimed, approved or reviewed this claim (segregation of duties). */
  preparerInvolved?: boolean;
  /** The company pays on paper and this claim's originals have not arrived (app/domain/paper-check.ts originalsAwaited). */
  originalsAwaited?: boolean;
};

/**
 * Why a claim may not be paid now, or null. An approved claim, or one whose payment failed and whose
 * account has since been fixed; never one with a live payment; never to an account whose change is held.
 */
export function ineligibleReason(claim: PaymentCandidate): IneligibleReason | null {
  if (claim.status !== "APPROVED" && claim.status !== "PAYMENT_FAILED") return "not_approved";
  if (claim.hasOpenPayment) return "already_in_run";
  if (!claim.bankAccount) return "no_bank_account";
  if (claim.bankAccount.pendingChange) return "account_change_pending";
  if (claim.status === "PAYMENT_FAILED" && claim.failedOnAccountId && claim.failedOnAccountId === claim.bankAccount.id) return "account_not_fixed";
  if (claim.missingRate) return "missing_rate";
  if (claim.amount.minor <= 0n) return "zero_amount";
  if (claim.originalsAwaited) return "originals_not_received";
  if (claim.preparerInvolved) return "involved_in_claim";
  return null;
}

/** Flags the approver of a run sees on a payment; none stops it, each asks for a look. */
export const PAYMENT_FLAGS = ["account_changed_recently", "shared_account"] as const;
export type PaymentFlag = (typeof PAYMENT_FLAGS)[number];

/**
 * Flags for each payment of a run: an account that became usable within `flagDays` (the classic fraud is a
 * changed account), and one account receiving the money of several claimants.
 */
export function paymentFlags(
  payments: readonly { claimantId: string; fingerprint: string; accountActiveFrom: Date }[],
  now: Date,
  flagDays: number,
): PaymentFlag[][] {
  const claimantsByAccount = new Map<string, Set<string>>();
  for (const p of payments) claimantsByAccount.set(p.fingerprint, (claimantsByAccount.get(p.fingerprint) ?? new Set()).add(p.claimantId));
  return payments.map((p) => {
    const flags: PaymentFlag[] = [];
    if (now.getTime() - p.accountActiveFrom.getTime() < flagDays * 86_400_000) flags.push("account_changed_recently");
    if ((claimantsByAccount.get(p.fingerprint)?.size ?? 0) > 1) flags.push("shared_account");
    return flags;
  });
}

/**
 * The next payment day on or after `fromDate` (YYYY-MM-DD): the first date whose ISO weekday (1 Monday …
 * 7 Sunday) is one of the company's payment weekdays. No weekdays: every weekday (Monday–Friday).
 */
export function nextPaymentDate(fromDate: string, weekdays: readonly number[]): string {
  const days = weekdays.length ? weekdays : [1, 2, 3, 4, 5];
  const at = new Date(`${fromDate}T00:00:00Z`);
  for (let i = 0; i < 7; i++) {
    const d = new Date(at.getTime() + i * 86_400_000);
    const iso = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    if (days.includes(iso)) return d.toISOString().slice(0, 10);
  }
  throw new RangeError(`no payment weekday in ${JSON.stringify(weekdays)}`);
}

/** What the payment was frozen on, and what it would be now: any difference blocks a released run. */
export type FrozenPayment = { claimNumber: string; claimVersion: number; minor: bigint; bankAccountId: string; fingerprint: string };
export type CurrentPayment = { claimVersion: number; claimStatus: string; minor: bigint | null; bankAccountId: string | null; fingerprint: string | null; pendingChange: boolean };
export type RunProblem = { claimNumber: string; problem: "claim_changed" | "claim_not_payable" | "amount_changed" | "account_changed" | "account_change_pending" };

export function frozenPaymentProblems(frozen: FrozenPayment, now: CurrentPayment, payableStatuses: readonly string[]): RunProblem[] {
  const problems: RunProblem[] = [];
  const add = (problem: RunProblem["problem"]) => problems.push({ claimNumber: frozen.claimNumber, problem });
  if (!payableStatuses.includes(now.claimStatus)) add("claim_not_payable");
  if (now.claimVersion !== frozen.claimVersion) add("claim_changed");
  if (now.minor !== frozen.minor) add("amount_changed");
  if (now.bankAccountId !== frozen.bankAccountId || now.fingerprint !== frozen.fingerprint) add("account_changed");
  if (now.pendingChange) add("account_change_pending");
  return problems;
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
