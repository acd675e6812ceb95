/**
 * Piece-rate pay: an operator's month of finished tasks and QA errors, priced by the rates valid on
 * the date of each piece of work (deductions: on the date the error was recorded), into a statement.
 *
 * Points are integer hundredths (150 = 1.50 points). Money is computed once, exactly:
 *
 *   amount = max(0, round_half_even( (Σ pieces × points × value(date) − Σ errors × points × value(date)) / 100 ))
 *
 * where value(date) is the minor units one point is worth on that date. The floor at zero is the only
 * adjustment: a month whose deductions exceed its earnings pays nothing, and the shortfall is not
 * carried into the next month (each month stands alone, so recomputing one never depends on another).
 *
 * Rates are looked up by date, never "the current rate", so a closed month recomputed after new rates
 * (valid from a later date) gives the same statement.
 */
import { DateTime } from "luxon";
import type { ComplexityBand } from "./complexity";
import { AppError } from "./app-error";
import { divideHalfEven, type Money } from "./money";

/** Only the SSC operators' own work is paid by the piece; manager approvals, payments, archiving are not. */
export const PAID_TASK_TYPES = ["REVIEW", "QA"] as const;
export type PaidTaskType = (typeof PAID_TASK_TYPES)[number];
export const BANDS: readonly ComplexityBand[] = ["S", "M", "L", "XL"];
export const SEVERITIES = ["minor", "major", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Dated = { validFrom: string };
export type PieceRateEntry = Dated & { taskType: string; band: string; pointsHundredths: number };
export type DeductionEntry = Dated & { severity: string; pointsHundredths: number };
export type PointValueEntry = Dated & { minorPerPoint: bigint; currency: string };
export type RateTable = {
  pieceRates: readonly PieceRateEntry[];
  deductions: readonly DeductionEntry[];
  pointValues: readonly PointValueEntry[];
};

/** Finished tasks of one type and band on one date (SSC time zone); a single task is a count of 1. */
export type WorkItem = { taskType: string; band: string; workDate: string; count: number };
/** QA errors of one severity recorded on one date (SSC time zone). */
export type ErrorItem = { severity: string; errorDate: string; count: number };

export type StatementLine = { taskType: string; band: string; pieces: number; pointsHundredths: number };
export type DeductionLine = { severity: string; errors: number; pointsHundredths: number };
/** Work or errors that no rate covered: counted, not paid, and shown so someone adds the rate. */
export type MissingRate = { kind: "piece_rate" | "deduction" | "point_value"; key: string; date: string; count: number };

export type Statement = {
  month: string;
  lines: StatementLine[];
  deductions: DeductionLine[];
  pieces: number;
  grossPointsHundredths: number;
  deductionPointsHundredths: number;
  /** May be negative: deductions larger than the month's earnings. */
  netPointsHundredths: number;
  /** Never negative (see the file comment). */
  amount: Money;
  /** True when the computed amount was below zero and was paid as zero. */
  floored: boolean;
  missing: MissingRate[];
};

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isMonth(value: string): boolean {
  return MONTH_RE.test(value);
}

export function isIsoDate(value: string): boolean {
  return DATE_RE.test(value) && DateTime.fromISO(value, { zone: "UTC" }).isValid;
}

/** First and last calendar day of a month, and the first day of the next: "2026-02" → 02-01, 02-28, 03-01. */
export function monthDays(month: string): { first: string; last: string; next: string } {
  if (!isMonth(month)) throw new AppError("invalid_month", { message: `not a month (YYYY-MM): ${month}` });
  const start = DateTime.fromISO(`${month}-01`, { zone: "UTC" });
  return { first: start.toISODate()!, last: start.endOf("month").toISODate()!, next: start.plus({ months: 1 }).toISODate()! };
}

/** The month's start and end (exclusive) as instants, midnight to midnight in the given time zone. */
export function monthRange(month: string, timeZone: string): { from: Date; to: Date } {
  const { first, next } = monthDays(month);
  return {
    from: DateTime.fromISO(first, { zone: timeZone }).toJSDate(),
    to: DateTime.fromISO(next, { zone: timeZone }).toJSDate(),
  };
}

/** The month an instant falls in, in a time zone. */
export function monthOf(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat("yyyy-MM");
}

export function shiftMonth(month: string, delta: number): string {
  monthDays(month);
  return DateTime.fromISO(`${month}-01`, { zone: "UTC" }).plus({ months: delta }).toFormat("yyyy-MM");
}

/** The entry in force on `date`: the latest whose validFrom is on or before it. */
export function inForce<T extends Dated>(entries: readonly T[], date: string): T | undefined {
  let best: T | undefined;
  for (const e of entries) if (e.validFrom <= date && (!best || e.validFrom > best.validFrom)) best = e;
  return best;
}

/**
 * The first date a rate may take effect from, given the closed months: a rate valid from any day up to
 * the end of a closed month could change that month's statement, so it must start after the last one.
 */
export function firstEditableDate(closedMonths: readonly string[]): string | null {
  if (closedMonths.length === 0) return null;
  const latest = [...closedMonths].sort().at(-1)!;
  return monthDays(latest).next;
}

function compareBand(a: string, b: string): number {
  const ia = BANDS.indexOf(a as ComplexityBand);
  const ib = BANDS.indexOf(b as ComplexityBand);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}

function compareType(a: string, b: string): number {
  const ia = PAID_TASK_TYPES.indexOf(a as PaidTaskType);
  const ib = PAID_TASK_TYPES.indexOf(b as PaidTaskType);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new AppError("invalid_count", { message: `count must be a whole number ≥ 0, got ${count}` });
}

/**
 * One operator's statement for a month. `work` and `errors` must fall inside the month (dates in the SSC
 * time zone); `currency` is used when no point value applies (an empty month).
 */
export function computeStatement(input: {
  month: string;
  work: readonly WorkItem[];
  errors: readonly ErrorItem[];
  rates: RateTable;
  currency: string;
}): Statement {
  const { first, last } = monthDays(input.month);
  const inMonth = (date: string) => {
    if (!isIsoDate(date)) throw new AppError("invalid_date", { message: `not a date: ${date}` });
    if (date < first || date > last) throw new AppError("outside_month", { message: `${date} is not in ${input.month}` });
  };
  const currencies = new Set<string>();
  const missing = new Map<string, MissingRate>();
  const noteMissing = (kind: MissingRate["kind"], key: string, date: string, count: number) => {
    const id = `${kind}|${key}|${date}`;
    const m = missing.get(id);
    if (m) m.count += count;
    else missing.set(id, { kind, key, date, count });
  };
  const valueOn = (date: string, count: number, key: string): bigint | undefined => {
    const pv = inForce(input.rates.pointValues, date);
    if (!pv) {
      noteMissing("point_value", key, date, count);
      return undefined;
    }
    currencies.add(pv.currency);
    return pv.minorPerPoint;
  };

  let value = 0n; // minor units × 100
  const lines = new Map<string, StatementLine>();
  let pieces = 0;
  let gross = 0;
  for (const w of input.work) {
    inMonth(w.workDate);
    checkCount(w.count);
    if (w.count === 0) continue;
    const key = `${w.taskType}|${w.band}`;
    const line = lines.get(key) ?? { taskType: w.taskType, band: w.band, pieces: 0, pointsHundredths: 0 };
    lines.set(key, line);
    line.pieces += w.count;
    pieces += w.count;
    const rate = inForce(input.rates.pieceRates.filter((r) => r.taskType === w.taskType && r.band === w.band), w.workDate);
    if (!rate) {
      noteMissing("piece_rate", key, w.workDate, w.count);
      continue;
    }
    const points = rate.pointsHundredths * w.count;
    line.pointsHundredths += points;
    gross += points;
    const perPoint = valueOn(w.workDate, w.count, key);
    if (perPoint !== undefined) value += BigInt(points) * perPoint;
  }

  const deductions = new Map<string, DeductionLine>();
  let deducted = 0;
  for (const e of input.errors) {
    inMonth(e.errorDate);
    checkCount(e.count);
    if (e.count === 0) continue;
    const line = deductions.get(e.severity) ?? { severity: e.severity, errors: 0, pointsHundredths: 0 };
    deductions.set(e.severity, line);
    line.errors += e.count;
    const rate = inForce(input.rates.deductions.filter((d) => d.severity === e.severity), e.errorDate);
    if (!rate) {
      noteMissing("deduction", e.severity, e.errorDate, e.count);
      continue;
    }
    const points = rate.pointsHundredths * e.count;
    line.pointsHundredths += points;
    deducted += points;
    const perPoint = valueOn(e.errorDate, e.count, e.severity);
    if (perPoint !== undefined) value -= BigInt(points) * perPoint;
  }

  if (currencies.size > 1) {
    throw new AppError("mixed_currencies", { message: `point values in ${input.month} are in ${[...currencies].join(", ")}` });
  }
  const currency = currencies.values().next().value ?? input.currency;
  const rounded = divideHalfEven(value, 100n);
  return {
    month: input.month,
    lines: [...lines.values()].sort((a, b) => compareType(a.taskType, b.taskType) || compareBand(a.band, b.band)),
    deductions: [...deductions.values()].sort(
      (a, b) => SEVERITIES.indexOf(a.severity as Severity) - SEVERITIES.indexOf(b.severity as Severity),
    ),
    pieces,
    grossPointsHundredths: gross,
    deductionPointsHundredths: deducted,
    netPointsHundredths: gross - deducted,
    amount: { minor: rounded < 0n ? 0n : rounded, currency },
    floored: rounded < 0n,
    missing: [...missing.values()].sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key)),
  };
}

/** The figures a payroll run depends on; two statements with equal figures pay the same. */
export type StatementFigures = Pick<
  Statement,
  "pieces" | "grossPointsHundredths" | "deductionPointsHundredths" | "netPointsHundredths"
> & { amountMinor: bigint; currency: string };

export function figuresOf(s: Statement): StatementFigures {
  return {
    pieces: s.pieces,
    grossPointsHundredths: s.grossPointsHundredths,
    deductionPointsHundredths: s.deductionPointsHundredths,
    netPointsHundredths: s.netPointsHundredths,
    amountMinor: s.amount.minor,
    currency: s.amount.currency,
  };
}

export type StatementDifference = {
  operatorId: string;
  field: keyof StatementFigures | "operator";
  stored: string;
  recomputed: string;
};

/** Field-by-field differences between the stored statements of a closed month and a recomputation. */
export function compareStatements(
  stored: ReadonlyMap<string, StatementFigures>,
  recomputed: ReadonlyMap<string, StatementFigures>,
): StatementDifference[] {
  const diffs: StatementDifference[] = [];
  const ids = [...new Set([...stored.keys(), ...recomputed.keys()])].sort();
  const fields: (keyof StatementFigures)[] = ["pieces", "grossPointsHundredths", "deductionPointsHundredths", "netPointsHundredths", "amountMinor", "currency"];
  for (const id of ids) {
    const a = stored.get(id);
    const b = recomputed.get(id);
    if (!a || !b) {
      diffs.push({ operatorId: id, field: "operator", stored: a ? "present" : "absent", recomputed: b ? "present" : "absent" });
      continue;
    }
    for (const f of fields) if (String(a[f]) !== String(b[f])) diffs.push({ operatorId: id, field: f, stored: String(a[f]), recomputed: String(b[f]) });
  }
  return diffs;
}

/** Hundredths as a plain decimal string: 1250 → "12.50", -5 → "-0.05". */
export function pointsToString(hundredths: number): string {
  const negative = hundredths < 0;
  const abs = Math.abs(hundredths);
  return `${negative ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** "1.5" / "2" / "0.25" → hundredths; null when not a number ≥ 0 with at most two decimals. */
export function parsePoints(text: string): number | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}
