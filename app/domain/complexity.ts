/**
 * How much work a claim is, as a T-shirt size for queues, staffing and piece rates. Points:
 *
 *   points = lines + ceil(receipt pages / 2) + 3 × foreign currencies
 *
 * A line is one thing to check; a receipt page is half of one (most pages are read at a glance); each
 * currency other than the company's costs three, for finding and checking the rate. Every term only
 * grows with its input, so the band is monotone: more of anything never makes a claim smaller.
 */
export type ComplexityBand = "S" | "M" | "L" | "XL";

/** Upper bounds, inclusive: S ≤ 3 < M ≤ 7 < L ≤ 14 < XL. */
export const COMPLEXITY_THRESHOLDS = { S: 3, M: 7, L: 14 } as const;

export const FOREIGN_CURRENCY_POINTS = 3;

export type ComplexityInput = {
  lineCount: number;
  receiptPages: number;
  /** The claim's distinct line currencies (repeats are ignored). */
  currencies: readonly string[];
  companyCurrency: string;
};

export function complexityPoints(input: ComplexityInput): number {
  for (const [name, value] of [["lineCount", input.lineCount], ["receiptPages", input.receiptPages]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  }
  const foreign = new Set(input.currencies.filter((c) => c !== input.companyCurrency)).size;
  return input.lineCount + Math.ceil(input.receiptPages / 2) + FOREIGN_CURRENCY_POINTS * foreign;
}

export function bandForPoints(points: number): ComplexityBand {
  if (points <= COMPLEXITY_THRESHOLDS.S) return "S";
  if (points <= COMPLEXITY_THRESHOLDS.M) return "M";
  if (points <= COMPLEXITY_THRESHOLDS.L) return "L";
  return "XL";
}

export function complexityBand(input: ComplexityInput): ComplexityBand {
  return bandForPoints(complexityPoints(input));
}
