/**
 * The simulation's pure parts: a seeded random source, the arrival curve over the day, Poisson and
 * lognormal sampling, the bots' decisions, the simulated clock and the event queue. No database here,
 * so every rule the simulator follows is testable on its own.
 */
import { type QaErrorType, type QaSeverity } from "~/domain/qa-sampling";
import { mulberry32 } from "~/domain/seeded-random";

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return mulberry32(seed);
}

// ───────────────────────────── sampling ─────────────────────────────

/** Exponential waiting time for a Poisson process of `rate` events per unit. */
export function exponential(rng: Rng, rate: number): number {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be > 0, got ${rate}`);
  // 1 − u is in (0, 1], so the log is finite.
  return -Math.log(1 - rng()) / rate;
}

/** A standard normal deviate (Box–Muller). */
export function standardNormal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson-distributed count with the given mean (Knuth's product method, in slices of 30 so e^−mean never underflows). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`mean must be ≥ 0, got ${mean}`);
  let remaining = mean;
  let count = 0;
  while (remaining > 0) {
    const slice = Math.min(remaining, 30);
    remaining -= slice;
    const limit = Math.exp(-slice);
    let product = rng();
    while (product > limit) {
      count += 1;
      product *= rng();
    }
  }
  return count;
}

/**
 * Lognormal with the given median and p90 (both > 0, p90 ≥ median): how long people take is skewed —
 * most claims are quick, a few take very long. σ = ln(p90 / median) / z₀.₉.
 */
export function lognormal(rng: Rng, median: number, p90: number): number {
  if (!(median > 0) || !(p90 >= median)) throw new RangeError(`need 0 < median ≤ p90, got ${median}, ${p90}`);
  const sigma = Math.log(p90 / median) / Z90;
  return median * Math.exp(sigma * standardNormal(rng));
}
const Z90 = 1.2815515655446004;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError("pick from an empty list");
  return items[Math.floor(rng() * items.length)]!;
}

// ───────────────────────────── arrivals over the day ─────────────────────────────

/**
 * Relative claim submissions per local hour of the day (index = hour): a morning peak after the
 * stand-up, a lunch dip, an afternoon peak, a thin evening tail from phones. Scaled so the average
 * over working hours 09:00–18:00 is 1: `--arrivals-per-hour` is then the mean per working hour.
 */
const RAW_CURVE = [
  0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.04, 0.12, 0.45, 1.05, 1.45, 1.25, 0.55, 0.85, 1.3, 1.35, 1.15, 0.9, 0.45, 0.25, 0.2, 0.12, 0.06, 0.03,
];
const WORKING_MEAN = RAW_CURVE.slice(9, 18).reduce((a, b) => a + b, 0) / 9;
export const ARRIVAL_CURVE: readonly number[] = RAW_CURVE.map((w) => w / WORKING_MEAN);
export const ARRIVAL_CURVE_MAX = Math.max(...ARRIVAL_CURVE);

/** Arrivals per hour at a local time of day given in fractional hours [0, 24). */
export function arrivalRate(hourOfDay: number, perWorkingHour: number): number {
  const h = ((Math.floor(hourOfDay) % 24) + 24) % 24;
  return perWorkingHour * ARRIVAL_CURVE[h]!;
}

/**
 * The next arrival after `t` (hours since local midnight, may run past 24) of a Poisson process whose
 * rate follows the curve, by thinning: candidates at the peak rate, each kept with rate(t)/peak.
 * Returns Infinity when the rate is zero.
 */
export function nextArrival(rng: Rng, t: number, perWorkingHour: number): number {
  if (!(perWorkingHour > 0)) return Number.POSITIVE_INFINITY;
  const peak = perWorkingHour * ARRIVAL_CURVE_MAX;
  let at = t;
  for (;;) {
    at += exponential(rng, peak);
    if (rng() * peak <= arrivalRate(at, perWorkingHour)) return at;
  }
}

// ───────────────────────────── the bots' behaviour ─────────────────────────────

export type Rates = {
  /** Share of reviews an accountant returns to the claimant when the checks found nothing serious. */
  returnRate: number;
  /** Share of reviews rejected outright. */
  rejectRate: number;
  /** Share of approvals a manager sends back. */
  managerReturnRate: number;
  /** Share of returned claims the employee fixes and resubmits (the rest are left). */
  fixRate: number;
};

export const DEFAULT_RATES: Rates = { returnRate: 0.1, rejectRate: 0.015, managerReturnRate: 0.04, fixRate: 0.9 };

/** Review handling time in minutes by complexity band (median, p90). */
export const HANDLING_MINUTES: Record<string, { median: number; p90: number }> = {
  S: { median: 4, p90: 8 },
  M: { median: 7, p90: 14 },
  L: { median: 12, p90: 25 },
  XL: { median: 20, p90: 45 },
};

export function handlingMinutes(rng: Rng, complexity: string): number {
  const band = HANDLING_MINUTES[complexity] ?? HANDLING_MINUTES.M!;
  // Nobody decides a claim in under half a minute.
  return Math.max(0.5, lognormal(rng, band.median, band.p90));
}

/** A manager gets to an approval after this many minutes (they have other work). */
export function managerDelayMinutes(rng: Rng): number {
  return lognormal(rng, 20, 90);
}

/** An employee fixes a returned claim after this many minutes. */
export function fixDelayMinutes(rng: Rng): number {
  return lognormal(rng, 45, 180);
}

export type ReviewFacts = { findingCodes: readonly string[]; errorFindings: number };
export type BotReview =
  | { decision: "approve" }
  | { decision: "return"; reasonCodes: string[]; comment: string }
  | { decision: "reject"; comment: string };

/** The check that most often explains a return, mapped to the seeded return reasons. */
const REASON_FOR_FINDING: Record<string, string> = {
  receipt_missing: "MISSING_RECEIPT",
  duplicate_receipt: "DUPLICATE",
  similar_receipt: "DUPLICATE",
  over_category_limit: "OVER_LIMIT",
  fx_rate_out_of_tolerance: "AMOUNT_MISMATCH",
  weekend_or_holiday: "MISSING_INFO",
  receipt_date_far: "MISSING_INFO",
};

/**
 * What a bot accountant decides: a claim with error findings is usually returned with the reason the
 * check points to; otherwise mostly approved, sometimes returned for something the checks cannot see
 * (illegible scan, wrong title), rarely rejected. Reasons are only ever chosen from `activeReasons`.
 */
export function reviewDecision(rng: Rng, facts: ReviewFacts, activeReasons: readonly string[], rates: Rates = DEFAULT_RATES): BotReview {
  const returnChance = facts.errorFindings > 0 ? Math.max(0.6, rates.returnRate) : rates.returnRate;
  const r = rng();
  if (r < rates.rejectRate) return { decision: "reject", comment: "Not a business expense (simulated)." };
  if (r < rates.rejectRate + returnChance && activeReasons.length > 0) {
    const fromChecks = facts.findingCodes.map((c) => REASON_FOR_FINDING[c]).filter((c): c is string => !!c && activeReasons.includes(c));
    const reason = fromChecks.length > 0 && rng() < 0.8 ? fromChecks[0]! : pick(rng, activeReasons);
    return { decision: "return", reasonCodes: [reason], comment: "Please correct and resubmit (simulated)." };
  }
  return { decision: "approve" };
}

export function managerDecision(rng: Rng, rates: Rates = DEFAULT_RATES): { decision: "approve" } | { decision: "return"; comment: string } {
  return rng() < rates.managerReturnRate ? { decision: "return", comment: "Please add the customer name (simulated)." } : { decision: "approve" };
}

// ───────────────────────────── accountants' errors and QA ─────────────────────────────

/** A wrong review decision as QA would record it: the app's error type and severity. */
export type BotError = { errorType: QaErrorType; severity: QaSeverity };

/** Picks from `[item, weight]` pairs in proportion to the weights (all ≥ 0, some > 0). */
export function weighted<T>(rng: Rng, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0) || entries.some(([, w]) => !(w >= 0))) throw new RangeError("weights must be ≥ 0 and not all 0");
  let r = rng() * total;
  for (const [item, w] of entries) {
    if (r < w) return item;
    r -= w;
  }
  // Only reached through rounding at the very top of the range: the last item with a weight.
  return entries.filter(([, w]) => w > 0).at(-1)![0];
}

/**
 * What kind of mistake fits each decision: an approval lets something through (wrong category, an
 * amount that does not match the receipt, a missing receipt, a duplicate, an over-limit line, a bad
 * FX rate, or it should not have been approved at all); a return cites the wrong reason or should not
 * have been returned; a rejection was the wrong call.
 */
export const ERROR_TYPE_WEIGHTS: Record<BotReview["decision"], readonly (readonly [QaErrorType, number])[]> = {
  approve: [
    ["wrong_category", 22],
    ["amount_mismatch", 18],
    ["missing_receipt_accepted", 12],
    ["over_limit_accepted", 12],
    ["duplicate_missed", 8],
    ["fx_error", 8],
    ["wrong_decision", 10],
    ["other", 10],
  ],
  return: [
    ["wrong_return_reason", 60],
    ["wrong_decision", 30],
    ["other", 10],
  ],
  reject: [
    ["wrong_decision", 85],
    ["other", 15],
  ],
};

/** Severity by error type (minor, major, critical): a duplicate paid twice or a wrong outcome is worse than a wrong category. */
export const SEVERITY_WEIGHTS: Record<QaErrorType, readonly [number, number, number]> = {
  wrong_category: [80, 18, 2],
  amount_mismatch: [50, 40, 10],
  missing_receipt_accepted: [30, 60, 10],
  duplicate_missed: [10, 50, 40],
  over_limit_accepted: [30, 60, 10],
  fx_error: [60, 35, 5],
  wrong_return_reason: [75, 23, 2],
  wrong_decision: [10, 60, 30],
  other: [80, 18, 2],
};

/** A check finding the bot let through on an approval, and the error QA records for it. */
const ERROR_FOR_FINDING: Record<string, QaErrorType> = {
  receipt_missing: "missing_receipt_accepted",
  duplicate_receipt: "duplicate_missed",
  similar_receipt: "duplicate_missed",
  over_category_limit: "over_limit_accepted",
  fx_rate_out_of_tolerance: "fx_error",
};

/**
 * Whether the bot's decision on a review was wrong, and how: with probability `errorRate` an error of
 * a type that fits the decision (an approval over a check finding is most often that finding let
 * through), with a severity by type. Null when the decision was right.
 */
export function reviewError(rng: Rng, decision: BotReview["decision"], facts: ReviewFacts, errorRate: number): BotError | null {
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`errorRate must be in [0, 1], got ${errorRate}`);
  if (!(rng() < errorRate)) return null;
  const fromChecks = decision === "approve" ? facts.findingCodes.map((c) => ERROR_FOR_FINDING[c]).filter((t): t is QaErrorType => !!t) : [];
  const errorType = fromChecks.length > 0 && rng() < 0.7 ? fromChecks[0]! : weighted(rng, ERROR_TYPE_WEIGHTS[decision]);
  const [minor, major, critical] = SEVERITY_WEIGHTS[errorType];
  const severity = weighted<QaSeverity>(rng, [
    ["minor", minor],
    ["major", major],
    ["critical", critical],
  ]);
  return { errorType, severity };
}

/** QA handling time in minutes by complexity band (median, p90): re-reading a decided claim is quicker than deciding it. */
export const QA_HANDLING_MINUTES: Record<string, { median: number; p90: number }> = {
  S: { median: 3, p90: 6 },
  M: { median: 5, p90: 10 },
  L: { median: 8, p90: 16 },
  XL: { median: 12, p90: 26 },
};

export function qaHandlingMinutes(rng: Rng, complexity: string): number {
  const band = QA_HANDLING_MINUTES[complexity] ?? QA_HANDLING_MINUTES.M!;
  return Math.max(0.5, lognormal(rng, band.median, band.p90));
}

/** What the QA reviewer writes for each error type (the accountant reads it on their scorecard). */
const ERROR_COMMENTS: Record<QaErrorType, string> = {
  wrong_category: "Booked under the wrong expense category (simulated).",
  amount_mismatch: "Approved amount does not match the receipt (simulated).",
  missing_receipt_accepted: "Approved a line without its receipt (simulated).",
  duplicate_missed: "The same receipt was claimed before (simulated).",
  over_limit_accepted: "Over the category limit without approval (simulated).",
  fx_error: "Converted at the wrong exchange rate (simulated).",
  wrong_return_reason: "Returned for the wrong reason (simulated).",
  wrong_decision: "This claim should have been decided otherwise (simulated).",
  other: "Not processed as the policy requires (simulated).",
};

export type QaVerdict = { outcome: "pass"; comment: null } | { outcome: "error"; errorType: QaErrorType; severity: QaSeverity; comment: string };

/**
 * What a QA bot records for a checked review: the bot accountant's remembered error, if it made one,
 * unless QA misses it (probability `missRate`); otherwise a pass. QA raises no false alarms here.
 */
export function qaVerdict(rng: Rng, error: BotError | undefined, missRate: number): QaVerdict {
  if (!(missRate >= 0 && missRate <= 1)) throw new RangeError(`missRate must be in [0, 1], got ${missRate}`);
  if (!error || rng() < missRate) return { outcome: "pass", comment: null };
  return { outcome: "error", errorType: error.errorType, severity: error.severity, comment: ERROR_COMMENTS[error.errorType] };
}

// ───────────────────────────── clock and events ─────────────────────────────

/**
 * Simulated time runs `speed` times faster than real time from `simStart`. The app stamps its rows
 * with real time; the simulated clock only paces the bots.
 */
export class SimClock {
  constructor(
    readonly simStartMs: number,
    readonly speed: number,
    private realStartMs: number,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be > 0, got ${speed}`);
  }
  /** Stops simulated time for `realMs` (while the app catches up with the bots). */
  hold(realMs: number): void {
    this.realStartMs += realMs;
  }
  simAt(realMs: number): number {
    return this.simStartMs + (realMs - this.realStartMs) * this.speed;
  }
  realAt(simMs: number): number {
    return this.realStartMs + (simMs - this.simStartMs) / this.speed;
  }
}

/** A min-heap of events by simulated time; equal times come out in the order they went in. */
export class EventQueue<T> {
  private heap: { at: number; seq: number; item: T }[] = [];
  private seq = 0;
  get size(): number {
    return this.heap.length;
  }
  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }
  pop(): { at: number; item: T } | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.before(l, m)) m = l;
        if (r < this.heap.length && this.before(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return { at: top.at, item: top.item };
  }
  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }
}

// ───────────────────────────── options ─────────────────────────────

export type SimOptions = {
  speed: number;
  hours: number;
  arrivalsPerHour: number;
  seed: number;
  /** null = every accountant; a number = that many; a list = those e-mail addresses. */
  accountants: number | string[] | null;
  /** Local start time of the simulated day, hours since midnight. */
  startHour: number;
  /** Share of bot accountants' review decisions that are wrong (0..1). */
  errorRate: number;
  /** null = every QA reviewer; a number = that many (0 = none); a list = those e-mail addresses. */
  qa: number | string[] | null;
  /** Share of the bot accountants' errors that QA bots miss (record as a pass), 0..1. */
  qaMissRate: number;
};

export const DEFAULT_OPTIONS: SimOptions = { speed: 60, hours: 9, arrivalsPerHour: 30, seed: 1, accountants: null, startHour: 9, errorRate: 0.01, qa: null, qaMissRate: 0.1 };

/** Parses `--name value` / `--name=value` arguments; throws a RangeError naming the bad option. */
export function parseOptions(argv: readonly string[]): SimOptions {
  const opts: SimOptions = { ...DEFAULT_OPTIONS };
  const positiveNumber = (name: string, raw: string) => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} must be a number > 0, got ${JSON.stringify(raw)}`);
    return n;
  };
  // A share as a fraction ("0.01") or a percentage ("1%"), 0..1.
  const share = (name: string, raw: string) => {
    const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(raw);
    const n = pct ? Number(pct[1]) / 100 : raw.trim() === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new RangeError(`--${name} must be a share from 0 to 1 (or 0% to 100%), got ${JSON.stringify(raw)}`);
    return n;
  };
  const people = (name: string, raw: string, allowZero: boolean): number | string[] => {
    const n = Number(raw);
    if (/^\d+$/.test(raw) && (n > 0 || allowZero)) return n;
    const emails = raw.split(",").map((e) => e.trim()).filter(Boolean);
    if (emails.length === 0 || emails.some((e) => !e.includes("@"))) throw new RangeError(`--${name} must be a count or comma-separated e-mails, got ${JSON.stringify(raw)}`);
    return emails;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new RangeError(`unexpected argument ${JSON.stringify(arg)}`);
    const name = m[1]!;
    if (name === "help") throw new RangeError("help");
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new RangeError(`--${name} needs a value`);
    switch (name) {
      case "speed":
        opts.speed = positiveNumber(name, value);
        break;
      case "hours":
        opts.hours = positiveNumber(name, value);
        break;
      case "arrivals-per-hour":
        opts.arrivalsPerHour = positiveNumber(name, value);
        break;
      case "seed": {
        const n = Number(value);
        if (!Number.isInteger(n)) throw new RangeError(`--seed must be an integer, got ${JSON.stringify(value)}`);
        opts.seed = n;
        break;
      }
      case "accountants":
        opts.accountants = people(name, value, false);
        break;
      case "qa":
        opts.qa = people(name, value, true);
        break;
      case "error-rate":
        opts.errorRate = share(name, value);
        break;
      case "qa-miss-rate":
        opts.qaMissRate = share(name, value);
        break;
      case "start": {
        const t = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value);
        if (!t) throw new RangeError(`--start must be HH:MM, got ${JSON.stringify(value)}`);
        opts.startHour = Number(t[1]) + Number(t[2]) / 60;
        break;
      }
      default:
        throw new RangeError(`unknown option --${name}`);
    }
  }
  return opts;
}

export const USAGE = `Usage: npm run simulate -- [options]
  --speed N               simulated seconds per real second (default 60: an hour a minute)
  --hours N               simulated hours to run (default 9)
  --arrivals-per-hour N   mean claims submitted per working hour (default 30), shaped by the time-of-day curve
  --seed N                random seed (default 1): same seed, same decisions
  --accountants N|emails  bot accountants: a count, or comma-separated e-mails (default: all)
  --start HH:MM           simulated local start time (default 09:00)
  --error-rate R          share of bot accountants' decisions that are wrong, 0..1 or N% (default 0.01)
  --qa N|emails           QA bots: a count (0 = none), or comma-separated e-mails (default: every QA reviewer)
  --qa-miss-rate R        share of those errors QA bots miss, 0..1 or N% (default 0.1)`;
