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

export type OpenPayment = {
  id: string;
  endToEndId: string;
  minor: bigint;
  currency: string;
  creditorAccount: string;
  valueDate: string;
  /** Already PAID by an earlier statement: only a return can still match it. */
  paid?: boolean;
};
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
const dayNumber = (isoDate: string) => Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / DAY_MS;
const fallbackKey = (minor: bigint, currency: string, account: string) => `${minor}|${currency}|${account}`;

/**
 * The matching rules over one set of open payments, indexed once (by end-to-end id, and by amount +
 * currency + creditor account for the fallback), so a statement can be matched in batches as it streams
 * and 100,000 entries against 100,000 payments stays linear. A payment is paid at most once and returned
 * at most once (a payment may be paid and returned on the same statement).
 */
export function createMatcher(payments: readonly OpenPayment[], windowDays = 3) {
  const byE2e = new Map<string, OpenPayment>();
  const byAmountAccount = new Map<string, { payment: OpenPayment; day: number }[]>();
  for (const p of payments) {
    byE2e.set(p.endToEndId, p);
    if (p.paid) continue;
    const key = fallbackKey(p.minor, p.currency, p.creditorAccount);
    const bucket = byAmountAccount.get(key);
    const item = { payment: p, day: dayNumber(p.valueDate) };
    if (bucket) bucket.push(item);
    else byAmountAccount.set(key, [item]);
  }
  const paidTaken = new Set<string>();
  const returnedTaken = new Set<string>();

  /** First pass: entries carrying a known end-to-end id (a debit pays it, a credit with a reason returns it). */
  function matchByEndToEndId(entries: readonly StatementEntry[]): { matches: Match[]; rest: StatementEntry[] } {
    const matches: Match[] = [];
    const rest: StatementEntry[] = [];
    for (const entry of entries) {
      const payment = entry.endToEndId ? byE2e.get(entry.endToEndId) : undefined;
      if (payment && payment.currency === entry.currency && payment.minor === entry.minor) {
        if (entry.direction === "DBIT" && !payment.paid && !paidTaken.has(payment.id)) {
          paidTaken.add(payment.id);
          matches.push({ entryId: entry.id, paymentId: payment.id, kind: "paid", by: "end_to_end_id" });
          continue;
        }
        if (entry.direction === "CRDT" && entry.returnReason && !returnedTaken.has(payment.id)) {
          returnedTaken.add(payment.id);
          matches.push({ entryId: entry.id, paymentId: payment.id, kind: "returned", reason: entry.returnReason });
          continue;
        }
      }
      rest.push(entry);
    }
    return { matches, rest };
  }

  /**
   * Second pass: a debit without a usable end-to-end id matches a payment with the same amount, currency
   * and creditor account whose value date is within the window of its booking date — only when exactly
   * one payment fits the entry AND exactly one of these entries fits the payment. Anything ambiguous
   * either way (two payments for one entry, two entries for one payment) waits for a person: the order
   * of the lines on a statement decides nothing. The entries given are the whole set the rule looks at
   * (one statement's unmatched lines); app/models/bank-statements.server.ts applies the same rule in SQL.
   */
  function matchByAmountAccountDate(entries: readonly StatementEntry[]): { matches: Match[]; unmatchedEntryIds: string[] } {
    const fitsOf = new Map<string, OpenPayment[]>();
    const wantedBy = new Map<string, number>();
    for (const entry of entries) {
      if (entry.direction !== "DBIT" || !entry.counterpartyAccount) continue;
      const bucket = byAmountAccount.get(fallbackKey(entry.minor, entry.currency, entry.counterpartyAccount));
      const day = dayNumber(entry.bookingDate);
      const fits: OpenPayment[] = [];
      for (const { payment, day: valueDay } of bucket ?? []) {
        if (paidTaken.has(payment.id) || Math.abs(valueDay - day) > windowDays) continue;
        fits.push(payment);
        wantedBy.set(payment.id, (wantedBy.get(payment.id) ?? 0) + 1);
      }
      fitsOf.set(entry.id, fits);
    }
    const matches: Match[] = [];
    const unmatchedEntryIds: string[] = [];
    for (const entry of entries) {
      const fits = fitsOf.get(entry.id);
      const fit = fits?.length === 1 ? fits[0]! : null;
      if (fit && wantedBy.get(fit.id) === 1) {
        paidTaken.add(fit.id);
        matches.push({ entryId: entry.id, paymentId: fit.id, kind: "paid", by: "amount_account_date" });
      } else unmatchedEntryIds.push(entry.id);
    }
    return { matches, unmatchedEntryIds };
  }

  return { matchByEndToEndId, matchByAmountAccountDate };
}

/**
 * Matches entries to open payments: every entry by end-to-end id first, then the rest by amount,
 * account and date window (see createMatcher).
 */
export function matchEntries(entries: readonly StatementEntry[], payments: readonly OpenPayment[], windowDays = 3): { matches: Match[]; unmatchedEntryIds: string[] } {
  const matcher = createMatcher(payments, windowDays);
  const first = matcher.matchByEndToEndId(entries);
  const second = matcher.matchByAmountAccountDate(first.rest);
  return { matches: [...first.matches, ...second.matches], unmatchedEntryIds: second.unmatchedEntryIds };
}

export type PositionFigure = { count: number; minor: bigint };
export type DayPosition = {
  /** Every payment due to leave that day (sent to the bank, whatever happened since). */
  expected: PositionFigure;
  /** Proven by a statement. */
  paid: PositionFigure;
  /** Sent back by the bank. */
  returned: PositionFigure;
  /** Expected, and neither paid nor returned yet. */
  outstanding: PositionFigure;
  /** Money that moved on the statement and that no payment explains (unmatched entries), debits less credits. */
  unknown: PositionFigure;
};

export type PositionPayment = { status: string; minor: bigint };
export type PositionEntry = { direction: "DBIT" | "CRDT"; minor: bigint; matched: boolean };

/** The day's position of one payer account: its payments of that value date and the statement entries booked that day. */
export function dayPosition(payments: readonly PositionPayment[], entries: readonly PositionEntry[]): DayPosition {
  const zero = (): PositionFigure => ({ count: 0, minor: 0n });
  const add = (f: PositionFigure, minor: bigint) => {
    f.count += 1;
    f.minor += minor;
  };
  const position: DayPosition = { expected: zero(), paid: zero(), returned: zero(), outstanding: zero(), unknown: zero() };
  for (const p of payments) {
    // Not yet sent, refused by the bank or cancelled: no money was expected to move.
    if (!["SENT", "ACCEPTED", "PAID", "RETURNED"].includes(p.status)) continue;
    add(position.expected, p.minor);
    if (p.status === "PAID") add(position.paid, p.minor);
    else if (p.status === "RETURNED") add(position.returned, p.minor);
    else add(position.outstanding, p.minor);
  }
  for (const e of entries) if (!e.matched) add(position.unknown, e.direction === "DBIT" ? e.minor : -e.minor);
  return position;
}
