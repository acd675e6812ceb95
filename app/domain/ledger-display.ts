/**
 * How the ledger screens name and find vouchers. A voucher is numbered per company and period; an
 * accountant reads and types it the way a 记账凭证 prints it: the voucher word, a dash and four digits
 * ("记-0001"). Pure functions, shared by the read model and the screens.
 */

export const VOUCHER_KINDS = ["CLAIM", "PAYMENT", "REVERSAL"] as const;
export type VoucherKind = (typeof VOUCHER_KINDS)[number];

/** "记-0001": the voucher word and the number, at least four digits. */
export function voucherLabel(voucherType: string, number: number): string {
  return `${voucherType}-${String(number).padStart(4, "0")}`;
}

/**
 * What a search box's text asks for: a voucher number ("记-0012", "0012", "12" → 12), or otherwise a claim
 * number (matched from its start, case-insensitive). Blank text asks for nothing.
 */
export type LedgerSearch = { voucherNumber: number | null; claimNumber: string | null } | null;

export function parseLedgerSearch(text: string | null | undefined): LedgerSearch {
  const q = (text ?? "").trim();
  if (!q) return null;
  const m = /^(?:[^\d\s-]{1,4}\s*-\s*)?(\d{1,9})$/u.exec(q);
  if (m) {
    const n = Number(m[1]);
    // Digits alone may also be the start of a claim number; a voucher word in front is only a voucher.
    return { voucherNumber: n > 0 ? n : null, claimNumber: /^\d+$/.test(q) ? q : null };
  }
  return { voucherNumber: null, claimNumber: q.slice(0, 60) };
}

/** A period "2026-12" or nothing; anything else is ignored rather than refused (it comes from a URL). */
export function parsePeriod(text: string | null | undefined): string | null {
  return text && /^\d{4}-(0[1-9]|1[0-2])$/.test(text) ? text : null;
}

export function parseVoucherKind(text: string | null | undefined): VoucherKind | null {
  return VOUCHER_KINDS.find((k) => k === text) ?? null;
}

/** 1-based page from a URL, never below 1 nor absurdly far. */
export function parsePage(text: string | null | undefined): number {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** Debit and credit totals of lines given as minor-unit strings, and whether they balance. */
export function lineTotals(lines: readonly { debitMinor: string; creditMinor: string }[]): { debitMinor: string; creditMinor: string; balanced: boolean } {
  let debit = 0n;
  let credit = 0n;
  for (const l of lines) {
    debit += BigInt(l.debitMinor);
    credit += BigInt(l.creditMinor);
  }
  return { debitMinor: debit.toString(), creditMinor: credit.toString(), balanced: debit === credit };
}
