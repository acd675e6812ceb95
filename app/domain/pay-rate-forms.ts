/**
 * The rate forms of /pay/rates, one schema per kind of row, shared by the browser (Conform's
 * `onValidate`) and the server (the route's `parseForm`, and `saveRate`, the truth for every caller).
 * Error messages are the codes the page translates (`rates.errors.<code>` in the "pay" namespace).
 */
import { z } from "zod";
import { isCurrencyCode, parseAmount } from "./money";
import { PAID_TASK_TYPES, SEVERITIES } from "./piece-rate";

export type RateKind = "piece" | "deduction" | "pointValue";
export const RATE_KINDS: readonly RateKind[] = ["piece", "deduction", "pointValue"];

/** The largest value of a point, in minor units (1,000,000.00 in a two-decimal currency). */
const MAX_POINT_VALUE_MINOR = 100_000_000n;

const dateField = z
  .string({ error: "invalid_date" })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "invalid_date")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "invalid_date");
const pointsField = z
  .string({ error: "required" })
  .trim()
  .min(1, "required")
  .regex(/^\d{1,7}(\.\d{1,2})?$/, "invalid_points")
  .transform((v) => Math.round(Number(v) * 100));

export const PieceRateForm = z.object({
  taskType: z.enum(PAID_TASK_TYPES, { message: "invalid_choice" }),
  band: z.enum(["S", "M", "L", "XL"], { message: "invalid_choice" }),
  points: pointsField.refine((h) => h <= 100_000, "too_large"),
  validFrom: dateField,
});
export const DeductionForm = z.object({
  severity: z.enum(SEVERITIES, { message: "invalid_choice" }),
  points: pointsField.refine((h) => h <= 1_000_000, "too_large"),
  validFrom: dateField,
});
/** A point's value is typed in major units ("2.50") of the pay currency and stored in minor units, exactly. */
export const PointValueForm = z
  .object({
    amount: z.string({ error: "required" }).trim().min(1, "required").regex(/^\d{1,6}(\.\d+)?$/, "invalid_amount"),
    currency: z.string({ error: "invalid_currency" }).trim().toUpperCase().refine(isCurrencyCode, "invalid_currency"),
    validFrom: dateField,
  })
  .superRefine(({ amount, currency }, ctx) => {
    if (!isCurrencyCode(currency) || !/^\d+(\.\d+)?$/.test(amount)) return; // refused field by field above
    const minor = parseAmount(amount, currency);
    if (!minor.ok) ctx.addIssue({ code: "custom", path: ["amount"], message: minor.code === "too_many_decimals" ? "too_many_decimals" : "invalid_amount" });
    else if (minor.minor > MAX_POINT_VALUE_MINOR) ctx.addIssue({ code: "custom", path: ["amount"], message: "too_large" });
  });

export function rateFormSchema(kind: RateKind) {
  return kind === "piece" ? PieceRateForm : kind === "deduction" ? DeductionForm : PointValueForm;
}
