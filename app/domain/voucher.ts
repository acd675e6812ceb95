/**
 * Journal vouchers (记账凭证) built from facts, without the database: a claim's expense voucher, a payment's
 * voucher and the red reversal of either. Every draft balances (debits = credits = total) by construction;
 * the database checks it again at commit (voucher_balanced).
 */
import { dateTimeFormat } from "./intl-format";
import { convert, type RateLookup } from "./money";
import { deductibleInputVat } from "./vat";

/** 记: the general voucher word; the ERP export writes it as 凭证字. */
export const VOUCHER_TYPE = "记";

export type VoucherKind = "CLAIM" | "PAYMENT" | "REVERSAL";

export type VoucherLineDraft = {
  position: number;
  accountCode: string;
  description: string;
  debitMinor: bigint;
  creditMinor: bigint;
  /** The original currency of the line, its amount in that currency and the rate to the company currency. */
  currency: string;
  originalMinor: bigint;
  rate: string;
  departmentId: string | null;
  employeeId: string | null;
  projectCode: string | null;
};

export type VoucherDraft = {
  companyId: string;
  kind: VoucherKind;
  /** Calendar date YYYY-MM-DD; the period is its month. */
  date: string;
  period: string;
  description: string;
  attachmentCount: number;
  currency: string;
  totalMinor: bigint;
  claimId: string | null;
  paymentId: string | null;
  reversesId: string | null;
  sourceKey: string;
  lines: VoucherLineDraft[];
};

export type MissingItem =
  | { kind: "mapping"; purpose: "EXPENSE"; categoryCode: string; departmentId: string | null }
  | { kind: "mapping"; purpose: "INPUT_VAT" | "EMPLOYEE_PAYABLE" }
  | { kind: "mapping"; purpose: "BANK_CLEARING"; payerAccountId: string }
  | { kind: "rate"; currency: string; to: string; onDate: string };

export type BuildResult = { ok: true; draft: VoucherDraft } | { ok: false; missing: MissingItem[] } | { ok: false; skip: "nothing_approved" };

/** A company's mappings, as read from gl_mapping. */
export type LedgerMappings = {
  expense: readonly { categoryCode: string; departmentId: string | null; accountCode: string }[];
  inputVat: string | null;
  employeePayable: string | null;
  bankClearing: readonly { payerAccountId: string; accountCode: string }[];
};

/** EXPENSE: the department's own mapping for the category wins over the company-wide one. */
export function expenseAccountFor(m: LedgerMappings, categoryCode: string, departmentId: string | null): string | undefined {
  const own = departmentId ? m.expense.find((e) => e.categoryCode === categoryCode && e.departmentId === departmentId) : undefined;
  return (own ?? m.expense.find((e) => e.categoryCode === categoryCode && e.departmentId === null))?.accountCode;
}

// Per zone in front of the shared cache: dateInZone runs once per posted row, and the shared cache's key
// (JSON of the options) would cost a fifth of the formatting itself.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone (one formatter per zone: building one costs more than using it). */
export function dateInZone(at: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = dateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function periodOf(date: string): string {
  return date.slice(0, 7);
}

function nextMonthFirstDay(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${String(ny).padStart(4, "0")}-${String(nm).padStart(2, "0")}-01`;
}

/**
 * The date a voucher is booked on: the event's own date, unless its month is already closed; then the
 * first day of the first open month after it. A closed month's books are final (the trigger refuses a voucher
 * into it), so what happened then is booked at the start of the next open month, where the accountant sees
 * it with the month's other late items (the event's real date stays in the description and the audit log).
 */
export function bookingDate(eventDate: string, closedPeriods: ReadonlySet<string>): string {
  let date = eventDate;
  for (let guard = 0; closedPeriods.has(periodOf(date)) && guard < 1200; guard += 1) date = nextMonthFirstDay(periodOf(date));
  return date;
}

/** Keeps a description short (the ERP's 摘要 field is short: Kingdee takes 80 characters or so). */
export function shorten(text: string, max = 60): string {
  const clean = text.replace(/\s+/g, " ").trim();
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join("")}…`;
}

export type ClaimLineFacts = {
  id: string;
  position: number;
  categoryCode: string;
  categoryNameZh: string;
  amountMinor: bigint;
  approvedMinor: bigint | null;
  currency: string;
  spentOn: string;
  invoiceKind: string;
  taxMinor: bigint | null;
  transportMode: string | null;
};

export type ClaimVoucherFacts = {
  claimId: string;
  claimNumber: string;
  claimantId: string;
  claimantName: string;
  departmentId: string;
  purpose: string;
  projectCode: string | null;
  companyId: string;
  companyCurrency: string;
  receiptCount: number;
  /** The instant the claim was approved for payment. */
  approvedAt: Date;
  timeZone: string;
  closedPeriods: ReadonlySet<string>;
  lines: readonly ClaimLineFacts[];
  mappings: LedgerMappings;
  rateFor: RateLookup;
  /** 'claim:<id>', or 'claim:<id>#2' for the re-post after a reversal. */
  sourceKey: string;
};

/**
 * The claim's expense voucher: per approved line, Dr its expense account for the company-currency amount less
 * the deductible VAT and Dr input VAT for that VAT; one Cr employee payable for the total. Refuses (listing
 * every missing mapping and rate) rather than guess an account.
 */
export function buildClaimVoucher(f: ClaimVoucherFacts): BuildResult {
  const missing: MissingItem[] = [];
  const seen = new Set<string>();
  const need = (item: MissingItem) => {
    const key = JSON.stringify(item);
    if (!seen.has(key)) {
      seen.add(key);
      missing.push(item);
    }
  };
  const dims = { departmentId: f.departmentId, employeeId: f.claimantId, projectCode: f.projectCode };
  const lines: VoucherLineDraft[] = [];
  let total = 0n;
  const sorted = [...f.lines].sort((a, b) => a.position - b.position);
  for (const line of sorted) {
    const approved = line.approvedMinor ?? line.amountMinor;
    if (approved <= 0n) continue;
    const expenseAccount = expenseAccountFor(f.mappings, line.categoryCode, f.departmentId);
    if (!expenseAccount) need({ kind: "mapping", purpose: "EXPENSE", categoryCode: line.categoryCode, departmentId: f.departmentId });
    let rate = "1";
    if (line.currency !== f.companyCurrency) {
      const found = f.rateFor(line.currency, f.companyCurrency, line.spentOn);
      if (found === undefined) {
        need({ kind: "rate", currency: line.currency, to: f.companyCurrency, onDate: line.spentOn });
        continue;
      }
      rate = found;
    }
    const company = convert({ minor: approved, currency: line.currency }, f.companyCurrency, rate).minor;
    const vat = deductibleInputVat({
      categoryCode: line.categoryCode,
      invoiceKind: line.invoiceKind,
      taxMinor: line.taxMinor,
      transportMode: line.transportMode,
      amountMinor: approved,
      claimedMinor: line.amountMinor,
      lineCurrency: line.currency,
      companyCurrency: f.companyCurrency,
    });
    if (vat > 0n && !f.mappings.inputVat) need({ kind: "mapping", purpose: "INPUT_VAT" });
    const expense = company - vat;
    const text = shorten(`报销 ${f.claimNumber} ${line.categoryNameZh}`);
    if (expense > 0n) {
      lines.push({
        position: 0,
        accountCode: expenseAccount ?? "",
        description: text,
        debitMinor: expense,
        creditMinor: 0n,
        currency: line.currency,
        // VAT is only ever deducted from a line in the company's currency, so a foreign line's original is all of it.
        originalMinor: line.currency === f.companyCurrency ? expense : approved,
        rate,
        ...dims,
      });
    }
    if (vat > 0n) {
      lines.push({
        position: 0,
        accountCode: f.mappings.inputVat ?? "",
        description: shorten(`进项税额 ${f.claimNumber} ${line.categoryNameZh}`),
        debitMinor: vat,
        creditMinor: 0n,
        currency: line.currency,
        originalMinor: vat,
        rate: "1",
        ...dims,
      });
    }
    total += company;
  }
  if (!f.mappings.employeePayable) need({ kind: "mapping", purpose: "EMPLOYEE_PAYABLE" });
  if (missing.length > 0) return { ok: false, missing };
  if (total <= 0n) return { ok: false, skip: "nothing_approved" };
  lines.push({
    position: 0,
    accountCode: f.mappings.employeePayable!,
    description: shorten(`应付报销款 ${f.claimNumber} ${f.claimantName}`),
    debitMinor: 0n,
    creditMinor: total,
    currency: f.companyCurrency,
    originalMinor: total,
    rate: "1",
    ...dims,
  });
  const date = bookingDate(dateInZone(f.approvedAt, f.timeZone), f.closedPeriods);
  return {
    ok: true,
    draft: {
      companyId: f.companyId,
      kind: "CLAIM",
      date,
      period: periodOf(date),
      description: shorten(`报销 ${f.claimNumber} ${f.claimantName} ${f.purpose}`),
      attachmentCount: f.receiptCount,
      currency: f.companyCurrency,
      totalMinor: total,
      claimId: f.claimId,
      paymentId: null,
      reversesId: null,
      sourceKey: f.sourceKey,
      lines: lines.map((l, i) => ({ ...l, position: i + 1 })),
    },
  };
}

export type PaymentVoucherFacts = {
  paymentId: string;
  claimId: string;
  claimNumber: string;
  claimantId: string;
  claimantName: string;
  amountMinor: bigint;
  currency: string;
  companyId: string;
  companyCurrency: string;
  payerAccountId: string;
  /** The instant the payment was booked paid. */
  paidAt: Date;
  timeZone: string;
  closedPeriods: ReadonlySet<string>;
  mappings: LedgerMappings;
  rateFor: RateLookup;
  /** 'payment:<id>', or 'payment:<id>#2' for the re-post after an admin reversed it. */
  sourceKey?: string;
};

/** A payment booked paid: Dr employee payable / Cr the payer account's bank clearing account. */
export function buildPaymentVoucher(f: PaymentVoucherFacts): BuildResult {
  const missing: MissingItem[] = [];
  const payable = f.mappings.employeePayable;
  const bank = f.mappings.bankClearing.find((b) => b.payerAccountId === f.payerAccountId)?.accountCode;
  if (!payable) missing.push({ kind: "mapping", purpose: "EMPLOYEE_PAYABLE" });
  if (!bank) missing.push({ kind: "mapping", purpose: "BANK_CLEARING", payerAccountId: f.payerAccountId });
  const paidOn = dateInZone(f.paidAt, f.timeZone);
  let rate = "1";
  if (f.currency !== f.companyCurrency) {
    const found = f.rateFor(f.currency, f.companyCurrency, paidOn);
    if (found === undefined) missing.push({ kind: "rate", currency: f.currency, to: f.companyCurrency, onDate: paidOn });
    else rate = found;
  }
  if (missing.length > 0) return { ok: false, missing };
  if (f.amountMinor <= 0n) return { ok: false, skip: "nothing_approved" };
  const amount = convert({ minor: f.amountMinor, currency: f.currency }, f.companyCurrency, rate).minor;
  const dims = { departmentId: null, employeeId: f.claimantId, projectCode: null };
  const date = bookingDate(paidOn, f.closedPeriods);
  const text = shorten(`支付报销款 ${f.claimNumber} ${f.claimantName}`);
  const side = { currency: f.currency, originalMinor: f.amountMinor, rate, description: text, ...dims };
  return {
    ok: true,
    draft: {
      companyId: f.companyId,
      kind: "PAYMENT",
      date,
      period: periodOf(date),
      description: text,
      attachmentCount: 0,
      currency: f.companyCurrency,
      totalMinor: amount,
      claimId: f.claimId,
      paymentId: f.paymentId,
      reversesId: null,
      sourceKey: f.sourceKey ?? paymentSourceKey(f.paymentId, 1),
      lines: [
        { position: 1, accountCode: payable!, debitMinor: amount, creditMinor: 0n, ...side },
        { position: 2, accountCode: bank!, debitMinor: 0n, creditMinor: amount, ...side },
      ],
    },
  };
}

/** A posted voucher as read back, for a reversal. */
export type PostedVoucher = {
  id: string;
  companyId: string;
  period: string;
  number: number;
  kind: VoucherKind;
  currency: string;
  totalMinor: bigint;
  claimId: string | null;
  paymentId: string | null;
  lines: readonly VoucherLineDraft[];
};

/** How a voucher's number is written for people and the ERP: 记-12 (2026-12). */
export function voucherLabel(v: { period: string; number: number }): string {
  return `${v.period} ${VOUCHER_TYPE}-${v.number}`;
}

/**
 * The red reversal (红字冲销) of a posted voucher: the same accounts and dimensions with every amount negated,
 * booked on `date` (today, moved past closed months). Never edits the original.
 */
export function buildReversal(original: PostedVoucher, opts: { date: string; closedPeriods: ReadonlySet<string>; reason: string }): VoucherDraft {
  const date = bookingDate(opts.date, opts.closedPeriods);
  return {
    companyId: original.companyId,
    kind: "REVERSAL",
    date,
    period: periodOf(date),
    description: shorten(`冲销 ${voucherLabel(original)} ${opts.reason}`),
    attachmentCount: 0,
    currency: original.currency,
    totalMinor: -original.totalMinor,
    claimId: original.claimId,
    paymentId: original.paymentId,
    reversesId: original.id,
    sourceKey: `reversal:${original.id}`,
    lines: [...original.lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({ ...l, debitMinor: -l.debitMinor, creditMinor: -l.creditMinor, originalMinor: -l.originalMinor })),
  };
}

/** Debits, credits and the total of a draft agree (and there are at least two lines, each on one side). */
export function isBalanced(d: Pick<VoucherDraft, "totalMinor" | "lines">): boolean {
  let debit = 0n;
  let credit = 0n;
  for (const l of d.lines) {
    if (l.debitMinor !== 0n && l.creditMinor !== 0n) return false;
    debit += l.debitMinor;
    credit += l.creditMinor;
  }
  return d.lines.length >= 2 && debit === credit && debit === d.totalMinor;
}

/** The external id of a voucher line: stable forever (the ERP dedupes on it). */
export function lineExternalId(voucherId: string, position: number): string {
  return `AF-${voucherId}-${position}`;
}

/** The source key of a claim's n-th voucher (n = 1, 2, …): a corrected re-post after a reversal gets '#n'. */
export function claimSourceKey(claimId: string, n: number): string {
  return n <= 1 ? `claim:${claimId}` : `claim:${claimId}#${n}`;
}

/** The source key of a payment's n-th voucher (a corrected re-post after an admin's reversal gets '#n'). */
export function paymentSourceKey(paymentId: string, n: number): string {
  return n <= 1 ? `payment:${paymentId}` : `payment:${paymentId}#${n}`;
}
