import { describe, expect, it } from "vitest";
import { matchEntries, statementBalanceProblem, type OpenPayment, type StatementEntry } from "./reconciliation";

describe("statement balance", () => {
  it("accepts opening + credits − debits = closing and refuses anything else", () => {
    const entries = [
      { minor: 10_000n, direction: "DBIT" as const },
      { minor: 2_500n, direction: "CRDT" as const },
    ];
    expect(statementBalanceProblem({ currency: "CNY", openingMinor: 100_000n, closingMinor: 92_500n, entries })).toBeNull();
    expect(statementBalanceProblem({ currency: "CNY", openingMinor: 100_000n, closingMinor: 92_501n, entries })).toEqual({ expectedClosingMinor: 92_500n });
  });
});

const payment = (id: string, over: Partial<OpenPayment> = {}): OpenPayment => ({ id, endToEndId: `PR1P00000${id}`, minor: 5_000n, currency: "CNY", creditorAccount: "6222021001122334455", valueDate: "2026-12-08", ...over });
const entry = (id: string, over: Partial<StatementEntry> = {}): StatementEntry => ({ id, endToEndId: null, minor: 5_000n, currency: "CNY", direction: "DBIT", counterpartyAccount: "6222021001122334455", bookingDate: "2026-12-08", returnReason: null, ...over });

describe("matching entries to payments", () => {
  it("matches by end-to-end id first, then by amount, account and date window", () => {
    const payments = [payment("1"), payment("2", { creditorAccount: "999999" }), payment("3", { minor: 7_000n })];
    const { matches, unmatchedEntryIds } = matchEntries(
      [entry("e1", { endToEndId: "PR1P000001" }), entry("e2", { counterpartyAccount: "999999", bookingDate: "2026-12-10" }), entry("e3", { minor: 7_000n, bookingDate: "2026-12-20" })],
      payments,
    );
    expect(matches).toEqual([
      { entryId: "e1", paymentId: "1", kind: "paid", by: "end_to_end_id" },
      { entryId: "e2", paymentId: "2", kind: "paid", by: "amount_account_date" },
    ]);
    expect(unmatchedEntryIds).toEqual(["e3"]);
  });
  it("marks a returned payment with the bank's reason", () => {
    const { matches } = matchEntries([entry("r1", { endToEndId: "PR1P000001", direction: "CRDT", returnReason: "AC04" })], [payment("1")]);
    expect(matches).toEqual([{ entryId: "r1", paymentId: "1", kind: "returned", reason: "AC04" }]);
  });
  it("never matches one payment twice, and leaves an ambiguous entry for a person", () => {
    const twins = [payment("1", { endToEndId: "A" }), payment("2", { endToEndId: "B" })];
    expect(matchEntries([entry("e1")], twins).unmatchedEntryIds).toEqual(["e1"]);
    const { matches, unmatchedEntryIds } = matchEntries([entry("e1", { endToEndId: "PR1P000001" }), entry("e2", { endToEndId: "PR1P000001" })], [payment("1")]);
    expect(matches).toHaveLength(1);
    expect(unmatchedEntryIds).toEqual(["e2"]);
  });
  it("does not match on a different amount under the same end-to-end id", () => {
    expect(matchEntries([entry("e1", { endToEndId: "PR1P000001", minor: 4_999n })], [payment("1")]).matches).toEqual([]);
  });
});
