/**
 * Quality sampling: which finished review tasks a QA reviewer re-checks, and what a check records.
 * Pure (no I/O, no Node built-ins: the QA panel imports the error lists in the browser).
 *
 * Stratified: every finished review is in the `base` stratum; it is also in
 *  - `new_operator` when the accountant who decided it is new on the floor: fewer than
 *    `newOperatorDays` days since their first review task was started, OR fewer than
 *    `newOperatorReviews` reviews finished before this one (either makes them new);
 *  - `high_amount` when the claim's total in company currency is at least the threshold set for that
 *    currency (no threshold for a currency = no high-amount stratum there);
 *  - `flagged` when the workstation's checks (claim-checks.ts) found something of severity warning
 *    or error on the claim (info, e.g. a weekend date, does not count).
 * The rate of the highest-rate stratum that applies is the sampling rate (ties go to the more specific
 * stratum: flagged, high_amount, new_operator, base), and that stratum is recorded with the check.
 *
 * The draw is deterministic: a hash of the review task id gives a number in [0, 10000); the task is
 * sampled when that number is below the rate in basis points. The same task always gets the same
 * answer (a retried transaction cannot sample twice or differently), and over many ids the share
 * sampled is the rate (see the tests).
 */

import { z } from "zod";

export const BP_SCALE = 10_000;

export const QA_STRATA = ["base", "new_operator", "high_amount", "flagged"] as const;
export type QaStratum = (typeof QA_STRATA)[number];

/** Ties are won by the stratum listed first. */
const TIE_ORDER: readonly QaStratum[] = ["flagged", "high_amount", "new_operator", "base"];

export type QaRates = Record<QaStratum, number>;

export type QaSamplingSettings = {
  /** Basis points per stratum, 0..10000. */
  rates: QaRates;
  newOperatorDays: number;
  newOperatorReviews: number;
  /** Minimum claim total (minor units of the company currency) of the high-amount stratum, per currency. */
  highAmountMinor: Readonly<Record<string, bigint>>;
};

export const DEFAULT_QA_SETTINGS: QaSamplingSettings = {
  rates: { base: 500, new_operator: 2000, high_amount: 2500, flagged: 1500 },
  newOperatorDays: 30,
  newOperatorReviews: 200,
  highAmountMinor: { CNY: 1_000_000n, HKD: 1_100_000n },
};

/** The settings form's field for each stratum's rate (percent text). */
export const RATE_FIELDS = ["baseRate", "newOperatorRate", "highAmountRate", "flaggedRate"] as const;
export const RATE_FIELD_STRATUM: Record<(typeof RATE_FIELDS)[number], QaStratum> = {
  baseRate: "base",
  newOperatorRate: "new_operator",
  highAmountRate: "high_amount",
  flaggedRate: "flagged",
};

export type QaFacts = { newOperator: boolean; highAmount: boolean; flagged: boolean };

/**
 * A number in [0, 10000) from the id: FNV-1a over the UTF-16 code units, then the murmur3 finaliser
 * so that ids differing in one character spread over the whole range; scaled (not taken modulo) so
 * every value is equally likely to within 2^-32.
 */
export function sampleDraw(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.floor(((h >>> 0) * BP_SCALE) / 2 ** 32);
}

/** The strata a finished review belongs to; always includes `base`. */
export function applicableStrata(facts: QaFacts): QaStratum[] {
  const strata: QaStratum[] = ["base"];
  if (facts.newOperator) strata.push("new_operator");
  if (facts.highAmount) strata.push("high_amount");
  if (facts.flagged) strata.push("flagged");
  return strata;
}

/** The applicable stratum with the highest rate, and that rate. */
export function samplingRate(facts: QaFacts, rates: QaRates): { stratum: QaStratum; rateBp: number } {
  const strata = applicableStrata(facts);
  let best: { stratum: QaStratum; rateBp: number } | null = null;
  for (const stratum of TIE_ORDER) {
    if (!strata.includes(stratum)) continue;
    const rateBp = clampRate(rates[stratum]);
    if (!best || rateBp > best.rateBp) best = { stratum, rateBp };
  }
  return best ?? { stratum: "base", rateBp: clampRate(rates.base) };
}

export type QaDraw = { drawn: boolean; stratum: QaStratum; rateBp: number; draw: number };

/** Whether the review task `taskId` goes to QA, and under which stratum. */
export function drawSample(taskId: string, facts: QaFacts, rates: QaRates): QaDraw {
  const { stratum, rateBp } = samplingRate(facts, rates);
  const draw = sampleDraw(taskId);
  return { drawn: draw < rateBp, stratum, rateBp, draw };
}

/**
 * Whether knowing the check flags can change the outcome or the recorded stratum. Flags are costly to
 * compute (receipt look-alikes across all claims), so the caller computes them only when this says so:
 * when the flagged rate is the highest that could apply and the draw falls below it (then the flags
 * decide whether the task is drawn, or which stratum it is recorded under). Otherwise the result
 * does not depend on them.
 */
export function flagsCanMatter(taskId: string, known: Omit<QaFacts, "flagged">, rates: QaRates): boolean {
  const withFlags = samplingRate({ ...known, flagged: true }, rates);
  return withFlags.stratum === "flagged" && sampleDraw(taskId) < withFlags.rateBp;
}

/** New on the floor: too few days since the first review, or too few reviews finished before this one. */
export function isNewOperator(
  { firstReviewAt, finishedReviews, now }: { firstReviewAt: Date | null; finishedReviews: number; now: Date },
  settings: Pick<QaSamplingSettings, "newOperatorDays" | "newOperatorReviews">,
): boolean {
  if (finishedReviews < settings.newOperatorReviews) return true;
  if (firstReviewAt === null) return settings.newOperatorDays > 0;
  return now.getTime() - firstReviewAt.getTime() < settings.newOperatorDays * 86_400_000;
}

/** High amount: the total in company currency reaches that currency's threshold (none set = never). */
export function isHighAmount(total: { minor: bigint; currency: string }, thresholds: QaSamplingSettings["highAmountMinor"]): boolean {
  const min = thresholds[total.currency];
  return min !== undefined && min > 0n && total.minor >= min;
}

/** The claim has check flags: any finding of severity warning or error. */
export function hasCheckFlags(findings: readonly { severity: "info" | "warning" | "error" }[]): boolean {
  return findings.some((f) => f.severity === "warning" || f.severity === "error");
}

function clampRate(bp: number): number {
  if (!Number.isFinite(bp)) return 0;
  return Math.min(BP_SCALE, Math.max(0, Math.trunc(bp)));
}

/** "5%" / "12.5%" from basis points, for forms and labels (a plain dot decimal, not localised). */
export function bpToPercentText(bp: number): string {
  return (bp / 100).toFixed(2).replace(/\.?0+$/, "");
}

/** A percentage typed by a person ("5", "12.5", "0.25 %") → basis points; null when not a number in 0..100 with ≤ 2 decimals. */
export function percentTextToBp(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bp <= BP_SCALE ? bp : null;
}

// ── What a QA check records ──

export const QA_ERROR_TYPES = [
  "wrong_category",
  "amount_mismatch",
  "missing_receipt_accepted",
  "duplicate_missed",
  "over_limit_accepted",
  "fx_error",
  "wrong_return_reason",
  "wrong_decision",
  "other",
] as const;
export type QaErrorType = (typeof QA_ERROR_TYPES)[number];

export const QA_SEVERITIES = ["minor", "major", "critical"] as const;
export type QaSeverity = (typeof QA_SEVERITIES)[number];

export type QaResult = { outcome: "pass"; comment: string | null } | { outcome: "error"; errorType: QaErrorType; severity: QaSeverity; comment: string };

export type QaResultField = "outcome" | "errorType" | "severity" | "comment";
export type QaResultProblem = "required" | "invalid" | "too_long";

export const QA_COMMENT_MAX = 2000;

const commentText = z
  .string()
  .nullish()
  .transform((c) => (c ?? "").trim())
  .refine((c) => c.length <= QA_COMMENT_MAX, "too_long");
const blank = (value: unknown) => value === undefined || value === null || value === "";
const requiredChoice = { error: (issue: { input?: unknown }) => (blank(issue.input) ? "required" : "invalid") };
const requiredOutcome = { error: (issue: { input?: unknown }) => (blank((issue.input as { outcome?: unknown } | undefined)?.outcome) ? "required" : "invalid") };

/**
 * The QA panel's form: Pass (with an optional comment), or an error with its type, severity and a
 * comment (the accountant reads it on their scorecard).
 */
export const QaResultSchema = z.discriminatedUnion(
  "outcome",
  [
    z.object({ outcome: z.literal("pass"), comment: commentText.transform((c) => c || null) }),
    z.object({
      outcome: z.literal("error"),
      errorType: z.enum(QA_ERROR_TYPES, requiredChoice),
      severity: z.enum(QA_SEVERITIES, requiredChoice),
      comment: commentText.refine((c) => c.length > 0, "required"),
    }),
  ],
  requiredOutcome,
);

/** A check as submitted → a result, or per-field problems (the first of each field). */
export function parseQaResult(input: {
  outcome?: string | null;
  errorType?: string | null;
  severity?: string | null;
  comment?: string | null;
}): { ok: true; result: QaResult } | { ok: false; problems: Partial<Record<QaResultField, QaResultProblem>> } {
  const parsed = QaResultSchema.safeParse(input);
  if (parsed.success) return { ok: true, result: parsed.data };
  const problems: Partial<Record<QaResultField, QaResultProblem>> = {};
  // A missing or unknown outcome is reported by the union itself, at no path.
  for (const issue of parsed.error.issues) problems[(issue.path[0] ?? "outcome") as QaResultField] ??= issue.message as QaResultProblem;
  return { ok: false, problems };
}
