/**
 * Bank statements against payments (issue 10): a statement must add up before anything is matched,
 * and each entry finds its payment by end-to-end id first, then by amount, account and a date window.
 */
export type StatementTotals = { currency: string; openingMinor: bigint; closingMinor: bigint; entries: readonly { minor: bigint; direction: "DBIT" | "CRDT" }[] };

/** Opening balance + credits − debits must equal the closing balance; otherwise the statement is refused. */
export function statementBalanceProblem(s: StatementTotals): { expectedClosingMinor: bigint } | null {
  const moved = s.entries.reduce((sum, e) => (e.direction === "CRDT" ? sum + e.minor : sum - e.minor), 0n);
  const expected = s.openingMinor + moved;
  return expected === s.closingMinor ? null : { expectedClosingMinor: expected };
}

export type OpenPayment = { id: string; endToEndId: string; minor: bigint; currency: string; creditorAccount: string; valueDate: string };
export type StatementEntry = {
  id: string;
  endToEndId: string | null;
  minor: bigint;
  currency: string;
  direction: "DBIT" | "CRDT";
  counterpartyAccount: string | null;
  bookingDate: string;
  /** A returned payment comes back as a credit carrying the original end-to-end id and a reason. */
  returnReason: string | null;
};

export type Match =
  | { entryId: string; paymentId: string; kind: "paid"; by: "end_to_end_id" | "amount_account_date" }
  | { entryId: string; paymentId: string; kind: "returned"; reason: string };

const DAY_MS = 86_400_000;
const daysBetween = (a: string, b: string) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / DAY_MS;

/**
 * Matches entries to open payments. Each payment is matched at most once. By end-to-end id when the
 * entry carries one (a debit pays it, a credit with a reason returns it); otherwise a debit matches a
 * payment with the same amount, currency and creditor account booked within `windowDays` of its value
 * date — only when exactly one payment fits, so an ambiguous entry waits for a person.
 */
export function matchEntries(entries: readonly StatementEntry[], payments: readonly OpenPayment[], windowDays = 3): { matches: Match[]; unmatchedEntryIds: string[] } {
  const byE2e = new Map(payments.map((p) => [p.endToEndId, p]));
  const taken = new Set<string>();
  const matches: Match[] = [];
  const unmatched: StatementEntry[] = [];
  for (const entry of entries) {
    const payment = entry.endToEndId ? byE2e.get(entry.endToEndId) : undefined;
    if (payment && !taken.has(payment.id) && payment.currency === entry.currency && payment.minor === entry.minor) {
      if (entry.direction === "DBIT") {
        taken.add(payment.id);
        matches.push({ entryId: entry.id, paymentId: payment.id, kind: "paid", by: "end_to_end_id" });
        continue;
      }
      if (entry.returnReason) {
        taken.add(payment.id);
        matches.push({ entryId: entry.id, paymentId: payment.id, kind: "returned", reason: entry.returnReason });
        continue;
      }
    }
    unmatched.push(entry);
  }
  const unmatchedEntryIds: string[] = [];
  for (const entry of unmatched) {
    if (entry.direction !== "DBIT" || !entry.counterpartyAccount) {
      unmatchedEntryIds.push(entry.id);
      continue;
    }
    const fits = payments.filter(
      (p) =>
        !taken.has(p.id) &&
        p.minor === entry.minor &&
        p.currency === entry.currency &&
        p.creditorAccount === entry.counterpartyAccount &&
        daysBetween(p.valueDate, entry.bookingDate) <= windowDays,
    );
    if (fits.length === 1) {
      taken.add(fits[0]!.id);
      matches.push({ entryId: entry.id, paymentId: fits[0]!.id, kind: "paid", by: "amount_account_date" });
    } else unmatchedEntryIds.push(entry.id);
  }
  return { matches, unmatchedEntryIds };
}
