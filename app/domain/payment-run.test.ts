import { describe, expect, it } from "vitest";
import { endToEndId, frozenPaymentProblems, groupIntoRuns, ineligibleReason, nextPaymentDate, paymentFlags, type PaymentCandidate } from "./payment-run";

const claim = (over: Partial<PaymentCandidate> = {}): PaymentCandidate => ({
  claimId: "c1",
  status: "APPROVED",
  companyId: "hq",
  amount: { minor: 12_345n, currency: "CNY" },
  hasOpenPayment: false,
  bankAccount: { id: "ba1", pendingChange: false },
  ...over,
});

describe("eligibility", () => {
  it("pays an approved claim with a confirmed account once", () => {
    expect(ineligibleReason(claim())).toBeNull();
    expect(ineligibleReason(claim({ status: "SUBMITTED" }))).toBe("not_approved");
    expect(ineligibleReason(claim({ hasOpenPayment: true }))).toBe("already_in_run");
    expect(ineligibleReason(claim({ bankAccount: null }))).toBe("no_bank_account");
    expect(ineligibleReason(claim({ bankAccount: { id: "ba1", pendingChange: true } }))).toBe("account_change_pending");
    expect(ineligibleReason(claim({ amount: { minor: 0n, currency: "CNY" } }))).toBe("zero_amount");
    expect(ineligibleReason(claim({ missingRate: true }))).toBe("missing_rate");
    expect(ineligibleReason(claim({ preparerInvolved: true }))).toBe("involved_in_claim");
  });
  it("pays a claim whose payment failed only once its account was fixed", () => {
    expect(ineligibleReason(claim({ status: "PAYMENT_FAILED", failedOnAccountId: "ba1" }))).toBe("account_not_fixed");
    expect(ineligibleReason(claim({ status: "PAYMENT_FAILED", failedOnAccountId: "ba0" }))).toBeNull();
    expect(ineligibleReason(claim({ status: "SCHEDULED" }))).toBe("not_approved");
    expect(ineligibleReason(claim({ status: "PAID" }))).toBe("not_approved");
  });
  it("holds a claim whose company pays on paper until its originals arrived", () => {
    expect(ineligibleReason(claim({ originalsAwaited: true }))).toBe("originals_not_received");
    expect(ineligibleReason(claim({ status: "PAYMENT_FAILED", failedOnAccountId: "ba0", originalsAwaited: true }))).toBe("originals_not_received");
    expect(ineligibleReason(claim({ originalsAwaited: false }))).toBeNull();
    // The employee's own problems are named first: they are what someone can act on now.
    expect(ineligibleReason(claim({ bankAccount: null, originalsAwaited: true }))).toBe("no_bank_account");
    const { runs, waiting } = groupIntoRuns([claim({ originalsAwaited: true }), claim({ claimId: "c2" })], "2026-12-07", () => "payer");
    expect(runs[0]!.claims.map((c) => c.claimId)).toEqual(["c2"]);
    expect(waiting).toEqual([{ claim: expect.objectContaining({ claimId: "c1" }), reason: "originals_not_received" }]);
  });
});

describe("grouping into runs", () => {
  it("makes one run per company, payer account, currency and value date, with its total", () => {
    const payer = (company: string, currency: string) => (currency === "USD" && company === "hk" ? null : `${company}-${currency}`);
    const { runs, waiting } = groupIntoRuns(
      [
        claim({ claimId: "a" }),
        claim({ claimId: "b", amount: { minor: 100n, currency: "CNY" } }),
        claim({ claimId: "c", companyId: "hk", amount: { minor: 500n, currency: "HKD" } }),
        claim({ claimId: "d", companyId: "hk", amount: { minor: 700n, currency: "USD" } }),
        claim({ claimId: "e", status: "RETURNED" }),
      ],
      "2026-12-08",
      payer,
    );
    expect(runs.map((r) => [r.key.payerAccountId, r.key.valueDate, r.claims.map((c) => c.claimId), r.total])).toEqual([
      ["hq-CNY", "2026-12-08", ["a", "b"], { minor: 12_445n, currency: "CNY" }],
      ["hk-HKD", "2026-12-08", ["c"], { minor: 500n, currency: "HKD" }],
    ]);
    expect(waiting.map((w) => [w.claim.claimId, w.reason])).toEqual([
      ["d", "no_payer_account"],
      ["e", "not_approved"],
    ]);
  });
});

describe("end-to-end ids", () => {
  it("are at most 35 letters and digits, and differ by position", () => {
    const id = endToEndId("PR202612040001", 1);
    expect(id).toBe("PR202612040001P000001");
    expect(id.length).toBeLessThanOrEqual(35);
    expect(endToEndId("PR202612040001", 2)).not.toBe(id);
    expect(endToEndId("A".repeat(28), 999_999)).toHaveLength(35);
  });
  it("refuse what a bank would not take", () => {
    expect(() => endToEndId("pr-1", 1)).toThrow(RangeError);
    expect(() => endToEndId("PR1", 0)).toThrow(RangeError);
    expect(() => endToEndId("PR1", 1_000_000)).toThrow(RangeError);
  });
});

describe("flags for the approver", () => {
  const now = new Date("2026-12-04T08:00:00Z");
  it("flags an account made usable within the flag days and one account shared by several claimants", () => {
    const flags = paymentFlags(
      [
        { claimantId: "u1", fingerprint: "f1", accountActiveFrom: new Date("2026-12-01T00:00:00Z") },
        { claimantId: "u2", fingerprint: "f2", accountActiveFrom: new Date("2025-01-01T00:00:00Z") },
        { claimantId: "u3", fingerprint: "f2", accountActiveFrom: new Date("2025-01-01T00:00:00Z") },
        { claimantId: "u1", fingerprint: "f1", accountActiveFrom: new Date("2026-12-01T00:00:00Z") },
      ],
      now,
      30,
    );
    expect(flags).toEqual([["account_changed_recently"], ["shared_account"], ["shared_account"], ["account_changed_recently"]]);
    expect(paymentFlags([{ claimantId: "u1", fingerprint: "f1", accountActiveFrom: new Date("2026-12-01T00:00:00Z") }], now, 0)).toEqual([[]]);
  });
});

describe("the payment schedule", () => {
  it("proposes the next payment weekday on or after a date", () => {
    // 2026-12-04 is a Friday; Tuesday and Thursday are payment days.
    expect(nextPaymentDate("2026-12-04", [2, 4])).toBe("2026-12-08");
    expect(nextPaymentDate("2026-12-08", [2, 4])).toBe("2026-12-08");
    expect(nextPaymentDate("2026-12-05", [])).toBe("2026-12-07");
    expect(nextPaymentDate("2026-12-06", [7])).toBe("2026-12-06");
  });
});

describe("a frozen payment", () => {
  const frozen = { claimNumber: "EC-1", claimVersion: 4, minor: 100n, bankAccountId: "ba1", fingerprint: "f1" };
  const same = { claimVersion: 4, claimStatus: "APPROVED", minor: 100n, bankAccountId: "ba1", fingerprint: "f1", pendingChange: false };
  it("has no problem while nothing changed, and names each change", () => {
    expect(frozenPaymentProblems(frozen, same, ["APPROVED"])).toEqual([]);
    expect(frozenPaymentProblems(frozen, { ...same, minor: 90n, claimVersion: 5 }, ["APPROVED"]).map((p) => p.problem)).toEqual(["claim_changed", "amount_changed"]);
    expect(frozenPaymentProblems(frozen, { ...same, bankAccountId: "ba2", fingerprint: "f2" }, ["APPROVED"]).map((p) => p.problem)).toEqual(["account_changed"]);
    expect(frozenPaymentProblems(frozen, { ...same, pendingChange: true }, ["APPROVED"]).map((p) => p.problem)).toEqual(["account_change_pending"]);
    expect(frozenPaymentProblems(frozen, { ...same, claimStatus: "RETURNED" }, ["APPROVED"]).map((p) => p.problem)).toEqual(["claim_not_payable"]);
  });
});
