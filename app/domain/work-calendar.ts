/**
 * Working-hours arithmetic for SLAs. Instants are UTC `Date`s; a calendar's hours, weekdays,
 * holidays and make-up workdays are wall-clock facts in its own time zone, resolved with luxon
 * so a DST switch never moves "09:00".
 *
 * Time is walked one working segment at a time (a day's hours minus its breaks, minus pauses),
 * never minute by minute, and whole days inside a long pause are jumped over.
 */
import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { SSC_TIME_ZONE } from "./calendar-date";

export type WorkCalendar = {
  timeZone: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workdays: number[];
  /** "HH:MM" wall-clock; `dayEnd` may be "24:00". Overnight shifts are not supported. */
  dayStart: string;
  dayEnd: string;
  /** Non-working gaps inside the day, e.g. lunch 12:00–13:00. */
  breaks?: { start: string; end: string }[];
  /** YYYY-MM-DD, non-working even on a workday. Wins over `extraWorkdays` if a date is in both. */
  holidays: string[];
  /** YYYY-MM-DD, working although not a workday (China's make-up days, 调休). */
  extraWorkdays: string[];
};

export type Interval = { from: Date; to: Date };

export type SlaState = "ON_TRACK" | "AT_RISK" | "BREACHED";

/**
 * The SSC's default: Shanghai, Mon–Fri 09:00–18:00 with lunch 12:00–13:00, and the 2026 public
 * holidays and make-up workdays as published by the State Council General Office on 2025-11-04
 * (国办发明电〔2025〕, 关于2026年部分节假日安排的通知). Other years are the administrator's to add.
 */
export const DEFAULT_CALENDAR: WorkCalendar = {
  timeZone: SSC_TIME_ZONE,
  workdays: [1, 2, 3, 4, 5],
  dayStart: "09:00",
  dayEnd: "18:00",
  breaks: [{ start: "12:00", end: "13:00" }],
  holidays: [
    // New Year's Day
    "2026-01-01", "2026-01-02", "2026-01-03",
    // Spring Festival (腊月廿八 to 正月初七)
    "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
    "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
    // Qingming
    "2026-04-04", "2026-04-05", "2026-04-06",
    // Labour Day
    "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
    // Dragon Boat Festival
    "2026-06-19", "2026-06-20", "2026-06-21",
    // Mid-Autumn Festival
    "2026-09-25", "2026-09-26", "2026-09-27",
    // National Day
    "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
  ],
  extraWorkdays: [
    "2026-01-04", // Sunday, for New Year's Day
    "2026-02-14", "2026-02-28", // Saturdays, for the Spring Festival
    "2026-05-09", // Saturday, for Labour Day
    "2026-09-20", "2026-10-10", // Sunday and Saturday, for National Day
  ],
};

const CLOCK = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "HH:MM");
const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

/** The shape of a stored calendar (company.calendar); parseWorkCalendar also checks that it is usable. */
export const WorkCalendarSchema = z.object({
  timeZone: z.string().min(1),
  workdays: z.array(z.number().int().min(1).max(7)),
  dayStart: CLOCK,
  dayEnd: CLOCK,
  breaks: z.array(z.object({ start: CLOCK, end: CLOCK })).optional(),
  holidays: z.array(DATE),
  extraWorkdays: z.array(DATE),
});

/**
 * A stored calendar (JSON from the database) as a WorkCalendar. None stored (null) means the default;
 * one that does not validate — wrong shape, unknown time zone, a day that ends before it starts, a
 * date that does not exist — also falls back to the default, with a warning, so SLA clocks keep
 * running on the SSC's hours rather than failing every claim of that company.
 */
export function parseWorkCalendar(json: unknown, warn: (message: string) => void = console.warn): WorkCalendar {
  if (json === null || json === undefined) return DEFAULT_CALENDAR;
  const shape = WorkCalendarSchema.safeParse(json);
  if (!shape.success) {
    warn(`[calendar] stored work calendar is invalid (${shape.error.issues.map((i) => `${i.path.join(".") || "calendar"}: ${i.message}`).join("; ")}); using the default`);
    return DEFAULT_CALENDAR;
  }
  try {
    parseCalendar(shape.data);
    for (const date of [...shape.data.holidays, ...shape.data.extraWorkdays]) parseDate(date);
  } catch (err) {
    warn(`[calendar] stored work calendar is invalid (${err instanceof Error ? err.message : String(err)}); using the default`);
    return DEFAULT_CALENDAR;
  }
  return shape.data;
}

const MINUTE_MS = 60_000;
// No real calendar goes two years without a working day; beyond that it is a misconfiguration.
const MAX_IDLE_DAYS = 731;

type Span = readonly [number, number]; // [start, end) in ms or minutes-of-day, by context

type ParsedCalendar = {
  zone: string;
  workdays: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  extraWorkdays: ReadonlySet<string>;
  /** Working spans of a day in minutes since midnight, sorted, breaks already removed. */
  spans: Span[];
};

function parseClock(value: string, what: string): number {
  if (value === "24:00") return 24 * 60;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw new RangeError(`work calendar: ${what} must be HH:MM, got ${JSON.stringify(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

// Checking a zone builds an Intl formatter (slow); a zone once known stays known.
const knownZones = new Set<string>();

function parseCalendar(cal: WorkCalendar): ParsedCalendar {
  if (!knownZones.has(cal.timeZone)) {
    if (!IANAZone.isValidZone(cal.timeZone)) throw new RangeError(`work calendar: unknown time zone ${cal.timeZone}`);
    knownZones.add(cal.timeZone);
  }
  for (const d of cal.workdays) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw new RangeError(`work calendar: workday ${d} is not 1–7`);
  }
  const start = parseClock(cal.dayStart, "dayStart");
  const end = parseClock(cal.dayEnd, "dayEnd");
  if (start >= end) throw new RangeError("work calendar: dayStart must be before dayEnd");
  const breaks = (cal.breaks ?? [])
    .map((b): Span => [parseClock(b.start, "break start"), parseClock(b.end, "break end")])
    .sort((a, b) => a[0] - b[0]);
  const spans: Span[] = [];
  let cursor = start;
  for (const [bs, be] of breaks) {
    if (bs >= be) throw new RangeError("work calendar: a break must start before it ends");
    if (bs > cursor) spans.push([cursor, Math.min(bs, end)]);
    cursor = Math.max(cursor, be);
  }
  if (cursor < end) spans.push([cursor, end]);
  return {
    zone: cal.timeZone,
    workdays: new Set(cal.workdays),
    holidays: new Set(cal.holidays),
    extraWorkdays: new Set(cal.extraWorkdays),
    spans: spans.filter(([a, b]) => a < b),
  };
}

// Calendar dates are walked as day numbers (days since 1970-01-01): plain arithmetic, no zone involved.
// Only the step from a local date to an instant needs the zone database, and that is luxon's.
const DAY_MS = 24 * 60 * MINUTE_MS;

function isoOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function isoWeekday(dayNumber: number): number {
  return ((new Date(dayNumber * DAY_MS).getUTCDay() + 6) % 7) + 1;
}

function parseDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const dayNumber = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : Number.NaN;
  if (!Number.isInteger(dayNumber) || isoOfDayNumber(dayNumber) !== date) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return dayNumber;
}

function workingDay(dayNumber: number, cal: ParsedCalendar): boolean {
  const iso = isoOfDayNumber(dayNumber);
  if (cal.holidays.has(iso)) return false;
  return cal.extraWorkdays.has(iso) || cal.workdays.has(isoWeekday(dayNumber));
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  return workingDay(parseDate(date), parseCalendar(cal));
}

// Local midnights are asked for again and again (every SLA on the board spans the same few weeks);
// they never change for a zone, so they are remembered. Bounded: cleared when it grows large.
const midnightCache = new Map<string, number>();
const MIDNIGHT_CACHE_LIMIT = 50_000;

/** Midnight at the start of a local date in `zone`, as an instant. */
function midnightMs(dayNumber: number, zone: string): number {
  const key = `${zone} ${dayNumber}`;
  const cached = midnightCache.get(key);
  if (cached !== undefined) return cached;
  const d = new Date(dayNumber * DAY_MS);
  // A midnight inside a spring-forward gap is moved forward by luxon, which is what a clock does.
  const t = DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { zone });
  if (!t.isValid) throw new RangeError(`date out of range: day ${dayNumber}`);
  if (midnightCache.size >= MIDNIGHT_CACHE_LIMIT) midnightCache.clear();
  midnightCache.set(key, t.toMillis());
  return t.toMillis();
}

/**
 * One local day: its first and last instant, and the instant of a wall-clock minute in it. On an
 * ordinary 24-hour day that is plain arithmetic; only a DST-switch day asks luxon for each time.
 */
type DayFrame = { startMs: number; endMs: number; at: (minuteOfDay: number) => number };

function dayFrame(dayNumber: number, zone: string): DayFrame {
  const startMs = midnightMs(dayNumber, zone);
  const endMs = midnightMs(dayNumber + 1, zone);
  if (endMs - startMs === DAY_MS) return { startMs, endMs, at: (m) => startMs + m * MINUTE_MS };
  const d = new Date(dayNumber * DAY_MS);
  const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  return {
    startMs,
    endMs,
    at: (m) =>
      m >= 24 * 60 ? endMs : DateTime.fromObject({ ...date, hour: Math.floor(m / 60), minute: m % 60 }, { zone }).toMillis(),
  };
}

/** The local date (as a day number) that an instant falls on in `zone`. */
function localDay(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  if (!local.isValid) throw new RangeError("instant out of range");
  return Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
}

function toMs(d: Date, what: string): number {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is an invalid Date`);
  return ms;
}

/** Pauses sorted and merged, so that each instant is in at most one. */
function mergePauses(pauses: readonly Interval[] | undefined): Span[] {
  const spans = (pauses ?? [])
    .map((p): Span => [toMs(p.from, "pause.from"), toMs(p.to, "pause.to")])
    .filter(([a, b]) => a < b)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of spans) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/**
 * Working time from `fromMs` on, as ascending, disjoint [start, end) pieces in ms. Stops after the
 * day containing `untilMs`; with `untilMs = Infinity` it runs until the caller stops asking.
 */
function* workingPieces(fromMs: number, untilMs: number, cal: ParsedCalendar, pauses: Span[]): Generator<Span> {
  let day = localDay(fromMs, cal.zone);
  let p = 0; // first pause that may still matter
  let idleDays = 0;
  for (;;) {
    const frame = dayFrame(day, cal.zone);
    if (frame.startMs > untilMs) return;
    while (p < pauses.length && pauses[p]![1] <= frame.startMs) p++;
    const pause = pauses[p];
    if (pause && pause[0] <= frame.startMs && pause[1] >= frame.endMs) {
      // The whole day is paused: jump to the day the pause ends (an open-ended pause may be years).
      if (pause[1] > untilMs) return;
      day = localDay(pause[1], cal.zone);
      continue;
    }
    if (workingDay(day, cal)) {
      idleDays = 0;
      for (const [startMinute, endMinute] of cal.spans) {
        let s = Math.max(frame.at(startMinute), fromMs);
        const e = frame.at(endMinute);
        for (let q = p; q < pauses.length && s < e; q++) {
          const [ps, pe] = pauses[q]!;
          if (ps >= e) break;
          if (pe <= s) continue;
          if (ps > s) yield [s, ps];
          s = pe;
        }
        if (s < e) yield [s, e];
      }
    } else if (++idleDays > MAX_IDLE_DAYS) {
      throw new RangeError(`work calendar has no working day within ${MAX_IDLE_DAYS} days`);
    }
    day += 1;
  }
}

/**
 * Working minutes in [from, to), less any paused time. Pauses may overlap each other, reach outside
 * the range, or be open-ended (`to` far in the future). Fractional when the instants are not on whole
 * minutes; 0 when `to` is not after `from`.
 */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkCalendar, pauses?: Interval[]): number {
  const fromMs = toMs(from, "from");
  const toMsValue = toMs(to, "to");
  if (toMsValue <= fromMs) return 0;
  let total = 0;
  for (const [s, e] of workingPieces(fromMs, toMsValue, parseCalendar(cal), mergePauses(pauses))) {
    if (s >= toMsValue) break;
    total += Math.min(e, toMsValue) - s;
  }
  return total / MINUTE_MS;
}

/**
 * The earliest instant t with workingMinutesBetween(start, t) === minutes. So a start at night or on
 * a weekend counts from the next working instant, and a total that ends exactly at a segment's end
 * gives that end (Friday 17:00 + 60 min = Friday 18:00, not Monday 09:00). Zero minutes gives `start`.
 */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkCalendar, pauses?: Interval[]): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a finite number ≥ 0, got ${minutes}`);
  const startMs = toMs(start, "start");
  let remaining = Math.round(minutes * MINUTE_MS);
  if (remaining === 0) return new Date(startMs);
  for (const [s, e] of workingPieces(startMs, Infinity, parseCalendar(cal), mergePauses(pauses))) {
    if (remaining <= e - s) return new Date(s + remaining);
    remaining -= e - s;
  }
  throw new Error("unreachable: workingPieces without a bound never ends");
}

/**
 * When an SLA of `slaMinutes` working minutes, started at `createdAt`, falls due. Pass the claim's
 * pauses (e.g. time back with the claimant); an open pause pushes the due time past its far-future end,
 * i.e. the clock is stopped.
 */
export function slaDueAt(createdAt: Date, slaMinutes: number, cal: WorkCalendar, pauses?: Interval[]): Date {
  return addWorkingMinutes(createdAt, slaMinutes, cal, pauses);
}

/**
 * Where an SLA stands: `usedShare` is working minutes used so far over the SLA's working minutes
 * (it passes 1 once breached, so the board can show how late). `dueAt` should come from `slaDueAt`
 * with the same pauses. AT_RISK from `atRiskShare` (default 75%), BREACHED once now ≥ dueAt.
 */
export function slaState(
  now: Date,
  createdAt: Date,
  dueAt: Date,
  cal: WorkCalendar,
  pauses?: Interval[],
  atRiskShare = 0.75,
): { state: SlaState; usedShare: number } {
  if (!(atRiskShare > 0 && atRiskShare <= 1)) throw new RangeError("atRiskShare must be in (0, 1]");
  const breached = toMs(now, "now") >= toMs(dueAt, "dueAt");
  const budget = workingMinutesBetween(createdAt, dueAt, cal, pauses);
  // A zero-minute SLA has no share to speak of: it is either not yet due or breached.
  const usedShare = budget === 0 ? (breached ? 1 : 0) : workingMinutesBetween(createdAt, now, cal, pauses) / budget;
  if (breached) return { state: "BREACHED", usedShare };
  return { state: usedShare >= atRiskShare ? "AT_RISK" : "ON_TRACK", usedShare };
}
