import { describe, expect, it } from "vitest";
import { createMatcher, dayPosition, matchEntries, statementBalanceProblem, type OpenPayment, type StatementEntry } from "./reconciliation";

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

describe("matching, more", () => {
  it("prefers an end-to-end match over a fallback that came earlier in the statement", () => {
    const { matches, unmatchedEntryIds } = matchEntries([entry("plain"), entry("e2e", { endToEndId: "PR1P000001" })], [payment("1")]);
    expect(matches).toEqual([{ entryId: "e2e", paymentId: "1", kind: "paid", by: "end_to_end_id" }]);
    expect(unmatchedEntryIds).toEqual(["plain"]);
  });
  it("a payment already paid only takes a return, and one can be paid and returned on the same statement", () => {
    const paid = payment("1", { paid: true });
    expect(matchEntries([entry("d", { endToEndId: "PR1P000001" })], [paid]).matches).toEqual([]);
    expect(matchEntries([entry("d")], [paid]).matches).toEqual([]);
    const both = matchEntries([entry("d", { endToEndId: "PR1P000001" }), entry("r", { endToEndId: "PR1P000001", direction: "CRDT", returnReason: "AC01" })], [payment("1")]);
    expect(both.matches.map((m) => [m.entryId, m.kind])).toEqual([
      ["d", "paid"],
      ["r", "returned"],
    ]);
  });
  it("a credit without a reason, or a debit without an account, waits for a person", () => {
    const { matches, unmatchedEntryIds } = matchEntries([entry("c", { endToEndId: "PR1P000001", direction: "CRDT" }), entry("n", { counterpartyAccount: null })], [payment("1")]);
    expect(matches).toEqual([]);
    expect(unmatchedEntryIds).toEqual(["c", "n"]);
  });
  it("amount + account + date needs exactly one payment for the entry and exactly one entry for the payment; line order decides nothing", () => {
    // Two lines fit one payment: neither takes it.
    expect(matchEntries([entry("a"), entry("b", { bookingDate: "2026-12-09" })], [payment("1")])).toEqual({ matches: [], unmatchedEntryIds: ["a", "b"] });
    // One line fits two payments and another fits only one of them: both wait, in either order.
    const two = [payment("1"), payment("2", { valueDate: "2026-12-12" })];
    const wide = entry("wide", { bookingDate: "2026-12-10" });
    const narrow = entry("narrow", { bookingDate: "2026-12-15" });
    expect(matchEntries([wide, narrow], two).unmatchedEntryIds).toEqual(["wide", "narrow"]);
    expect(matchEntries([narrow, wide], two).unmatchedEntryIds).toEqual(["narrow", "wide"]);
    // A payment the first pass took is no longer wanted by anyone else.
    const { matches } = matchEntries([entry("e2e", { endToEndId: "PR1P000001" }), entry("plain")], [payment("1"), payment("2", { endToEndId: "X", creditorAccount: "999" })]);
    expect(matches).toEqual([{ entryId: "e2e", paymentId: "1", kind: "paid", by: "end_to_end_id" }]);
  });
  it("the date window is inclusive and symmetric", () => {
    expect(matchEntries([entry("e", { bookingDate: "2026-12-05" })], [payment("1")]).matches).toHaveLength(1);
    expect(matchEntries([entry("e", { bookingDate: "2026-12-11" })], [payment("1")]).matches).toHaveLength(1);
    expect(matchEntries([entry("e", { bookingDate: "2026-12-12" })], [payment("1")]).matches).toHaveLength(0);
    expect(matchEntries([entry("e", { bookingDate: "2026-12-12" })], [payment("1")], 4).matches).toHaveLength(1);
  });
  it("keeps its taken payments across batches", () => {
    const matcher = createMatcher([payment("1")]);
    expect(matcher.matchByEndToEndId([entry("a", { endToEndId: "PR1P000001" })]).matches).toHaveLength(1);
    expect(matcher.matchByEndToEndId([entry("b", { endToEndId: "PR1P000001" })]).rest).toHaveLength(1);
    expect(matcher.matchByAmountAccountDate([entry("c")]).unmatchedEntryIds).toEqual(["c"]);
  });
  it("matches 100,000 entries against 100,000 payments in well under a few seconds", () => {
    const n = 100_000;
    const payments: OpenPayment[] = [];
    const entries: StatementEntry[] = [];
    for (let i = 0; i < n; i++) {
      const account = `62220210${String(i % 5_000).padStart(11, "0")}`;
      payments.push(payment(`p${i}`, { endToEndId: `E${i}`, minor: BigInt(1_000 + i), creditorAccount: account }));
      // Half carry their end-to-end id; the other half only amount, account and date.
      entries.push(entry(`e${i}`, { endToEndId: i % 2 === 0 ? `E${i}` : null, minor: BigInt(1_000 + i), counterpartyAccount: account }));
    }
    const started = performance.now();
    const { matches, unmatchedEntryIds } = matchEntries(entries, payments);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(matches).toHaveLength(n);
    expect(unmatchedEntryIds).toEqual([]);
  });
});

describe("the day's position", () => {
  it("counts expected, paid, returned and outstanding payments, and unexplained money as unknown", () => {
    const position = dayPosition(
      [
        { status: "PAID", minor: 100n },
        { status: "RETURNED", minor: 50n },
        { status: "SENT", minor: 20n },
        { status: "ACCEPTED", minor: 5n },
        { status: "REJECTED", minor: 999n },
        { status: "PLANNED", minor: 999n },
      ],
      [
        { direction: "DBIT", minor: 100n, matched: true },
        { direction: "DBIT", minor: 70n, matched: false },
        { direction: "CRDT", minor: 30n, matched: false },
      ],
    );
    expect(position).toEqual({
      expected: { count: 4, minor: 175n },
      paid: { count: 1, minor: 100n },
      returned: { count: 1, minor: 50n },
      outstanding: { count: 2, minor: 25n },
      unknown: { count: 2, minor: 40n },
    });
  });
});
