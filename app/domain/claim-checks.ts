/**
 * The checks an accountant sees beside each line of a claim. Pure: the caller looks up the receipts,
 * look-alikes on other claims, limits, rates and calendar, and gets back findings to show; nothing
 * here blocks a decision, the accountant judges.
 *
 * Receipt checks are per line, so a receipt attached to two lines is reported beside both. Receipts
 * shared between lines of the same claim are not duplicates (one hotel invoice may cover room and
 * breakfast lines); only the same bytes, or a look-alike, on another claim are.
 */
import { DateTime } from "luxon";
import { isValidIsoDate } from "./claim-input";
import { convert, currencyExponent, divideHalfEven, parseRate } from "./money";
import { hammingDistance } from "./perceptual-hash";
import { isWorkingDay, type WorkCalendar } from "./work-calendar";

export type CheckCode =
  | "receipt_missing"
  | "duplicate_receipt"
  | "duplicate_invoice"
  | "similar_receipt"
  | "over_category_limit"
  | "receipt_date_far"
  | "read_amount_differs"
  | "read_date_differs"
  | "weekend_or_holiday"
  | "fx_rate_out_of_tolerance";

export type Severity = "info" | "warning" | "error";

/** Another claim a receipt or invoice is also on (`distance`: a look-alike's, in bits of 64). */
export type OtherClaim = { claimId: string; claimNumber: string; distance?: number };

/**
 * Money in params is minor units as a decimal string plus its currency code, for the UI to format.
 * A cross-claim finding (duplicate_receipt, duplicate_invoice, similar_receipt) is one per receipt: `claims`
 * lists every other claim it is on — the strongest first — and params name the first and the count.
 */
export type Finding = { code: CheckCode; severity: Severity; lineId: string; params: Record<string, string | number>; claims?: OtherClaim[] };

export type CheckLine = {
  id: string;
  spentOn: string;
  categoryCode: string;
  amountMinor: bigint;
  currency: string;
  receiptIds: string[];
  /** What the claimant says it cost in company currency (e.g. card statement), if given. */
  statedCompanyMinor?: bigint | null;
};

export type CheckTolerances = {
  /** A receipt dated more than this many days from the line's date is flagged. Default 30. */
  receiptDateDays?: number;
  /** An implied rate more than this share off the reference rate is flagged. Default 0.03 (±3 %). */
  fxShare?: number;
  /** Perceptual hashes at most this many bits apart look alike. Default 6. */
  phashDistance?: number;
  /** Issue 14: the amount read off a line's receipt(s) may differ from the line by this many minor units. Default 0. */
  readAmountMinor?: number;
  /** Issue 14: the date read off a receipt may be this many days from the line's date. Default 3. */
  readDateDays?: number;
  /** Issue 14: a value read with less confidence than this gives an info finding, not a warning. Default 0.7. */
  readConfidence?: number;
};

/** Issue 14: what was read off a receipt (app/domain/receipt-reading), as the checks need it. */
export type ReceiptReadingFacts = {
  receiptId: string;
  /** xml, pdf-xml, ofd-xml, qr, ocr. */
  source: string;
  total?: { minor: bigint; currency: string | null; confidence: number; hasRegion: boolean };
  date?: { value: string; confidence: number; hasRegion: boolean };
};

export type CheckFacts = {
  companyCurrency: string;
  lines: CheckLine[];
  receipts: { id: string; sha256: string; phash: string | null; capturedOn: string | null /* YYYY-MM-DD from EXIF/PDF metadata */ }[];
  /**
   * Issue 14: receipts whose invoice (code + number, or the digital number, as read) is also on another claim
   * holding invoices (any claimant, any company), looked up by the caller. Optional: no readings, no finding.
   */
  invoicesElsewhere?: { receiptId: string; claimId: string; claimNumber: string }[];
  /** Issue 14: readings of the claim's receipts (absent or empty: no reading checks). */
  readings?: ReceiptReadingFacts[];
  /** The same bytes or a look-alike on OTHER claims (any claimant), looked up by the caller. */
  elsewhere: { sha256: string; phash: string | null; claimId: string; claimNumber: string }[];
  categoryLimits: Record<string, { limitMinor: bigint; currency: string } | undefined>;
  /** Reference rate lookup (1 unit of `from` in `to`), as a decimal string; undefined = no rate. */
  rateFor: (from: string, to: string, onDate: string) => string | undefined;
  calendar: WorkCalendar;
  tolerances?: CheckTolerances;
};

export const DEFAULT_TOLERANCES: Required<CheckTolerances> = {
  receiptDateDays: 30,
  fxShare: 0.03,
  phashDistance: 6,
  readAmountMinor: 0,
  readDateDays: 3,
  readConfidence: 0.7,
};

const HASH_RE = /^[0-9a-f]{16}$/i;

/**
 * Findings line by line, in the lines' order; for each line: receipt_missing, duplicate_invoice,
 * duplicate_receipt, similar_receipt, receipt_date_far, read_amount_differs, read_date_differs,
 * over_category_limit, fx_rate_out_of_tolerance, weekend_or_holiday.
 */
export function checkClaim(facts: CheckFacts): Finding[] {
  const tolerances = { ...DEFAULT_TOLERANCES, ...facts.tolerances };
  for (const [name, value] of Object.entries(tolerances)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`tolerance ${name} must be a finite number ≥ 0`);
  }
  const receiptsById = new Map(facts.receipts.map((r) => [r.id, r]));
  const readingsById = new Map((facts.readings ?? []).map((r) => [r.receiptId, r]));
  const findings: Finding[] = [];
  for (const line of facts.lines) {
    const add = (code: CheckCode, severity: Severity, params: Finding["params"] = {}) =>
      findings.push({ code, severity, lineId: line.id, params });
    const addAcross = (code: CheckCode, severity: Severity, receiptId: string, claims: OtherClaim[]) => {
      const [first] = claims;
      if (!first) return;
      const params: Finding["params"] = { receiptId, claimId: first.claimId, claimNumber: first.claimNumber, claimCount: claims.length };
      if (first.distance !== undefined) params.distance = first.distance;
      findings.push({ code, severity, lineId: line.id, params, claims });
    };
    // An id the caller could not resolve to a receipt is as good as none.
    const receipts = [...new Set(line.receiptIds)].flatMap((id) => receiptsById.get(id) ?? []);
    if (receipts.length === 0) add("receipt_missing", "error");
    // One invoice, one payment (issue 14): the same invoice on another claim is an error, even as other bytes.
    for (const r of receipts) {
      const invoiceClaims = new Map<string, OtherClaim>();
      for (const dup of facts.invoicesElsewhere ?? []) {
        if (dup.receiptId === r.id && !invoiceClaims.has(dup.claimId)) invoiceClaims.set(dup.claimId, { claimId: dup.claimId, claimNumber: dup.claimNumber });
      }
      addAcross("duplicate_invoice", "error", r.id, byNumber([...invoiceClaims.values()]));
    }
    const matches = receiptMatches(receipts, facts.elsewhere, tolerances.phashDistance);
    // Exact duplicates first, so the errors read before the warnings.
    for (const m of matches) addAcross("duplicate_receipt", "error", m.receiptId, m.exact);
    for (const m of matches) addAcross("similar_receipt", "warning", m.receiptId, m.similar);
    if (isValidIsoDate(line.spentOn)) {
      for (const r of receipts) {
        if (r.capturedOn === null || !isValidIsoDate(r.capturedOn)) continue;
        const days = Math.abs(daysBetween(line.spentOn, r.capturedOn));
        if (days > tolerances.receiptDateDays) {
          add("receipt_date_far", "warning", { receiptId: r.id, capturedOn: r.capturedOn, spentOn: line.spentOn, days });
        }
      }
    }
    const amountFinding = checkReadAmount(line, receipts.map((r) => readingsById.get(r.id)), tolerances);
    if (amountFinding) add("read_amount_differs", amountFinding.severity, amountFinding.params);
    if (isValidIsoDate(line.spentOn)) {
      for (const r of receipts) {
        const date = readingsById.get(r.id)?.date;
        if (!date || !isValidIsoDate(date.value)) continue;
        const days = Math.abs(daysBetween(line.spentOn, date.value));
        if (days <= tolerances.readDateDays) continue;
        add("read_date_differs", date.confidence < tolerances.readConfidence ? "info" : "warning", {
          receiptId: r.id,
          readDate: date.value,
          spentOn: line.spentOn,
          days,
          confidence: date.confidence,
          source: readingsById.get(r.id)!.source,
          region: date.hasRegion ? "yes" : "no",
        });
      }
    }
    const limitFinding = checkLimit(line, facts);
    if (limitFinding) add("over_category_limit", limitFinding.severity, limitFinding.params);
    const fxFinding = checkFx(line, facts, tolerances.fxShare);
    if (fxFinding) add("fx_rate_out_of_tolerance", "warning", fxFinding);
    if (isValidIsoDate(line.spentOn) && !isWorkingDay(line.spentOn, facts.calendar)) {
      const reason = facts.calendar.holidays.includes(line.spentOn) ? "holiday" : "weekend";
      add("weekend_or_holiday", "info", { spentOn: line.spentOn, reason });
    }
  }
  return findings;
}

/** Newest claim number first (numbers are zero-padded and rise with time). */
function byNumber(claims: OtherClaim[]): OtherClaim[] {
  return claims.sort((a, b) => (a.claimNumber < b.claimNumber ? 1 : a.claimNumber > b.claimNumber ? -1 : 0));
}

/**
 * Per receipt, the other claims with the same bytes, and those with only a look-alike (closest first):
 * each other claim once, by its strongest match.
 */
function receiptMatches(receipts: CheckFacts["receipts"], elsewhere: CheckFacts["elsewhere"], maxDistance: number): { receiptId: string; exact: OtherClaim[]; similar: OtherClaim[] }[] {
  return receipts.map((r) => {
    const best = new Map<string, { claim: OtherClaim; exact: boolean; distance: number }>();
    for (const other of elsewhere) {
      let match: { exact: boolean; distance: number } | null = null;
      if (other.sha256 === r.sha256) match = { exact: true, distance: 0 };
      else if (r.phash && other.phash && HASH_RE.test(r.phash) && HASH_RE.test(other.phash)) {
        // Distance 0 with different bytes is still only a look-alike (a re-scan of the same paper).
        const distance = hammingDistance(r.phash, other.phash);
        if (distance <= maxDistance) match = { exact: false, distance };
      }
      if (!match) continue;
      const seen = best.get(other.claimId);
      if (!seen || (match.exact && !seen.exact) || (match.exact === seen.exact && match.distance < seen.distance)) {
        best.set(other.claimId, { claim: { claimId: other.claimId, claimNumber: other.claimNumber }, ...match });
      }
    }
    const all = [...best.values()];
    return {
      receiptId: r.id,
      exact: byNumber(all.filter((m) => m.exact).map((m) => m.claim)),
      similar: byNumber(all.filter((m) => !m.exact).map((m) => ({ ...m.claim, distance: m.distance }))).sort((a, b) => a.distance! - b.distance!),
    };
  });
}

/**
 * The total read off the line's receipts against the line's amount. Only when every receipt of the line
 * was read with a total in one currency, the line's (a line covering two receipts is compared with their
 * sum; a receipt in another currency is the FX check's business). A line amount below the receipt is
 * still reported: the accountant sees a claimant claiming part of a receipt, and judges.
 */
function checkReadAmount(
  line: CheckLine,
  readings: (ReceiptReadingFacts | undefined)[],
  tolerances: Required<CheckTolerances>,
): { severity: Severity; params: Finding["params"] } | null {
  if (readings.length === 0) return null;
  let sum = 0n;
  let confidence = 1;
  let hasRegion = true;
  for (const r of readings) {
    if (!r?.total || (r.total.currency !== null && r.total.currency !== line.currency)) return null;
    sum += r.total.minor;
    confidence = Math.min(confidence, r.total.confidence);
    hasRegion &&= r.total.hasRegion;
  }
  const diff = sum - line.amountMinor;
  if ((diff < 0n ? -diff : diff) <= BigInt(tolerances.readAmountMinor)) return null;
  const first = readings[0]!;
  return {
    severity: confidence < tolerances.readConfidence ? "info" : "warning",
    params: {
      receiptId: first.receiptId,
      readMinor: sum.toString(),
      amountMinor: line.amountMinor.toString(),
      currency: line.currency,
      confidence,
      source: first.source,
      region: hasRegion ? "yes" : "no",
      receipts: readings.length,
    },
  };
}

function daysBetween(a: string, b: string): number {
  return DateTime.fromISO(b, { zone: "utc" }).diff(DateTime.fromISO(a, { zone: "utc" }), "days").days;
}

/**
 * The category limit is per line, in the limit's own currency: the line amount is converted at the
 * line date's reference rate. Without a rate the limit cannot be checked, and the accountant is told
 * so with an info finding (reason "no_rate") rather than left to assume it passed.
 */
function checkLimit(line: CheckLine, facts: CheckFacts): { severity: Severity; params: Finding["params"] } | null {
  const limit = facts.categoryLimits[line.categoryCode];
  if (!limit) return null;
  const base = {
    limitMinor: limit.limitMinor.toString(),
    limitCurrency: limit.currency,
    amountMinor: line.amountMinor.toString(),
    currency: line.currency,
  };
  let converted = line.amountMinor;
  let rate: string | undefined;
  if (line.currency !== limit.currency) {
    rate = facts.rateFor(line.currency, limit.currency, line.spentOn);
    if (rate === undefined) return { severity: "info", params: { ...base, reason: "no_rate" } };
    converted = convert({ minor: line.amountMinor, currency: line.currency }, limit.currency, rate).minor;
  }
  if (converted <= limit.limitMinor) return null;
  return { severity: "warning", params: { ...base, convertedMinor: converted.toString(), ...(rate === undefined ? {} : { rate }) } };
}

/**
 * The rate the claimant implies (stated company amount over line amount, in major units) against the
 * reference rate for the line's date; outside ±fxShare is a warning. Exact rational arithmetic, so a
 * deviation of exactly 3 % is inside. No stated amount, no reference rate or no positive line amount:
 * nothing to compare, no finding.
 */
function checkFx(line: CheckLine, facts: CheckFacts, fxShare: number): Finding["params"] | null {
  const stated = line.statedCompanyMinor;
  if (stated === undefined || stated === null || line.currency === facts.companyCurrency || line.amountMinor <= 0n) return null;
  const reference = facts.rateFor(line.currency, facts.companyCurrency, line.spentOn);
  if (reference === undefined) return null;
  const { scaled, scale } = parseRate(reference);
  const lineScale = 10n ** BigInt(currencyExponent(line.currency));
  const companyScale = 10n ** BigInt(currencyExponent(facts.companyCurrency));
  // implied / reference = N / D
  const n = stated * lineScale * 10n ** BigInt(scale);
  const d = line.amountMinor * companyScale * scaled;
  const share = decimalToScaled(fxShare, 12);
  const diff = n - d;
  if ((diff < 0n ? -diff : diff) * 10n ** 12n <= share * d) return null;
  return {
    impliedRate: scaledToDecimal(divideHalfEven(stated * lineScale * 10n ** 6n, line.amountMinor * companyScale), 6),
    referenceRate: reference,
    deviationPercent: Number(divideHalfEven(diff * 10_000n, d)) / 100,
    statedCompanyMinor: stated.toString(),
    companyCurrency: facts.companyCurrency,
  };
}

/** A non-negative number as an integer scaled by 10^digits (0.03, 12 → 30000000000n). */
function decimalToScaled(x: number, digits: number): bigint {
  return BigInt(x.toFixed(digits).replace(".", ""));
}

function scaledToDecimal(value: bigint, digits: number): string {
  const negative = value < 0n;
  const s = (negative ? -value : value).toString().padStart(digits + 1, "0");
  return `${negative ? "-" : ""}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
