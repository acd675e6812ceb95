/**
 * The QA forms' schemas, shared by the browser (Conform's `onValidate`) and the server (the route's
 * `parseForm` and the model, which is the truth for every caller). Error messages are the codes the
 * screens translate (`settings.problem.<code>`, `problem.<code>` in the "quality" namespace).
 */
import { z } from "zod";
import { parseAmount } from "./money";
import { percentTextToBp, RATE_FIELDS } from "./qa-sampling";

/** A rate as a percentage with up to two decimals ("12.5") → basis points. */
const percentField = z
  .string({ error: "required" })
  .trim()
  .min(1, "required")
  .refine((t) => percentTextToBp(t) !== null, "percent")
  .transform((t) => percentTextToBp(t)!);

/** A whole number from 0 to `max`. */
const wholeField = (max: number) =>
  z
    .string({ error: "required" })
    .trim()
    .min(1, "required")
    .regex(/^\d+$/, "whole_number")
    .transform(Number)
    .refine((n) => n <= max, "range");

/** A high-amount threshold in major units, or blank for none (null). */
const thresholdField = (currency: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw?.trim()) return null;
      const amount = parseAmount(raw, currency);
      if (amount.ok && amount.minor > 0n) return amount.minor;
      ctx.addIssue({ code: "custom", message: !amount.ok && amount.code === "too_many_decimals" ? "too_many_decimals" : "amount" });
      return z.NEVER;
    });

export const thresholdFieldName = (currency: string) => `threshold_${currency}` as const;

/**
 * The sampling settings form: a rate per stratum (percent), the new-operator limits (whole days and
 * reviews) and a threshold per currency in `currencies` (the form's `threshold_<CUR>` fields).
 */
export function qaSettingsSchema(currencies: readonly string[]) {
  return z.object({
    ...(Object.fromEntries(RATE_FIELDS.map((f) => [f, percentField])) as Record<(typeof RATE_FIELDS)[number], typeof percentField>),
    newOperatorDays: wholeField(3650),
    newOperatorReviews: wholeField(100_000),
    ...(Object.fromEntries(currencies.map((c) => [thresholdFieldName(c), thresholdField(c)])) as Record<`threshold_${string}`, ReturnType<typeof thresholdField>>),
  });
}
/** What the schema gives for a valid form: basis points, whole numbers, and minor units (or null) per threshold field. */
export type QaSettingsInput = z.output<ReturnType<typeof qaSettingsSchema>> & { [field: `threshold_${string}`]: bigint | null | undefined };
