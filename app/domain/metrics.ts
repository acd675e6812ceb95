/**
 * The arithmetic behind the factory's figures: which local hour and day an instant belongs to in the
 * SSC's time zone (the rollup buckets), percentiles, SLA compliance, first-pass yield, errors per
 * 10,000 and backlog age buckets. Pure functions; the SQL in app/models/rollups.server.ts buckets the
 * same way (date_trunc('hour', t, zone)), and the tests hold both to it.
 */
import { DateTime, IANAZone } from "luxon";
import { SSC_TIME_ZONE } from "./calendar-date";

/** The SSC's own time zone: "today", the board's hours and every rollup bucket are local to it. */

function zoned(at: Date, timeZone: string): DateTime {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone ${timeZone}`);
  return DateTime.fromJSDate(at, { zone: timeZone });
}

/** The instant the local hour containing `at` began (what Postgres' date_trunc('hour', at, zone) gives). */
export function hourStart(at: Date, timeZone: string = SSC_TIME_ZONE): Date {
  return zoned(at, timeZone).startOf("hour").toJSDate();
}

/** The local calendar day of `at`, YYYY-MM-DD. */
export function localDay(at: Date, timeZone: string = SSC_TIME_ZONE): string {
  return zoned(at, timeZone).toISODate()!;
}

/** The local hour of day, 0–23. */
export function localHour(at: Date, timeZone: string = SSC_TIME_ZONE): number {
  return zoned(at, timeZone).hour;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A local day as the instants it spans, [start, end): 23 or 25 hours long across a DST switch. */
export function dayRange(day: string, timeZone: string = SSC_TIME_ZONE): { start: Date; end: Date } {
  const start = DateTime.fromISO(day, { zone: timeZone });
  if (!DAY_RE.test(day) || !start.isValid) throw new RangeError(`not a day: ${day}`);
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** The same weekday one week earlier (local days). */
export function sameWeekdayLastWeek(day: string): string {
  const d = DateTime.fromISO(day, { zone: "UTC" });
  if (!DAY_RE.test(day) || !d.isValid) throw new RangeError(`not a day: ${day}`);
  return d.minus({ days: 7 }).toISODate()!;
}

/**
 * The rollup buckets one task touches: its arrival hour and, once finished or cancelled, its
 * finishing hour (deduplicated, oldest first). Applying an event recomputes exactly these.
 */
export function taskBuckets(task: { createdAt: Date; finishedAt: Date | null }, timeZone: string = SSC_TIME_ZONE): Date[] {
  const hours = [hourStart(task.createdAt, timeZone)];
  if (task.finishedAt) {
    const f = hourStart(task.finishedAt, timeZone);
    if (f.getTime() !== hours[0]!.getTime()) hours.push(f);
  }
  return hours.sort((a, b) => a.getTime() - b.getTime());
}

/**
 * The p-th percentile (0 ≤ p ≤ 1) by linear interpolation between closest ranks — the same as
 * Postgres' percentile_cont and spreadsheets' PERCENTILE.INC. null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be within 0..1, got ${p}`);
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** A share, or null when there is nothing to divide by (the board shows "—", not 0% or 100%). */
export function share(part: number, whole: number): number | null {
  if (whole < 0 || part < 0 || part > whole) throw new RangeError(`share ${part}/${whole} is not a share`);
  return whole === 0 ? null : part / whole;
}

/** Finished within their due time out of those finished that had one. */
export function slaCompliance(met: number, tracked: number): number | null {
  return share(met, tracked);
}

/** Claims approved without ever having been returned, out of the claims approved. */
export function firstPassYield(approved: number, firstPass: number): number | null {
  return share(firstPass, approved);
}

/** Errors per 10,000 checked documents. */
export function errorsPer10k(errors: number, checked: number): number | null {
  return share(errors, checked) === null ? null : (errors * 10_000) / checked;
}

/** Backlog age buckets, oldest last: under 1 h, 1–4 h, 4–8 h, 8–24 h, over 1 day (wall-clock age since the task was created). */
export const AGE_BUCKETS = ["lt1h", "h1to4", "h4to8", "h8to24", "gt1d"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

const HOUR_MS = 3_600_000;
/** Upper bounds (exclusive) of the age buckets, in ms; the last bucket is open-ended. */
export const AGE_LIMITS_MS = [HOUR_MS, 4 * HOUR_MS, 8 * HOUR_MS, 24 * HOUR_MS];

/** Which backlog age bucket a task of this wall-clock age falls in (negative ages — clock skew — count as new). */
export function ageBucket(ageMs: number): AgeBucket {
  const i = AGE_LIMITS_MS.findIndex((limit) => ageMs < limit);
  return AGE_BUCKETS[i < 0 ? AGE_BUCKETS.length - 1 : i]!;
}

/** Milliseconds → days (fractions), as the board shows cycle times. */
export function msToDays(ms: number): number {
  return ms / 86_400_000;
}

/** Validates the board's cycle-time target: a positive number of days, at most 30, two decimals at most. */
export function parseTargetDays(input: unknown): { ok: true; days: number } | { ok: false; code: "required" | "not_a_number" | "out_of_range" | "too_precise" } {
  if (input === null || input === undefined || (typeof input === "string" && input.trim() === "")) return { ok: false, code: "required" };
  const n = typeof input === "number" ? input : Number(String(input).trim().replace(",", "."));
  if (!Number.isFinite(n)) return { ok: false, code: "not_a_number" };
  if (n <= 0 || n > 30) return { ok: false, code: "out_of_range" };
  if (Math.abs(Math.round(n * 100) - n * 100) > 1e-9) return { ok: false, code: "too_precise" };
  return { ok: true, days: Math.round(n * 100) / 100 };
}

export const DEFAULT_TARGET_DAYS = 0.22;
