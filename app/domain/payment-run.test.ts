import { describe, expect, it } from "vitest";
import { endToEndId, groupIntoRuns, ineligibleReason, type PaymentCandidate } from "./payment-run";

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
