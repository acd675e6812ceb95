import { z } from "zod";
import { parseTargetDays } from "./metrics";

/**
 * The board settings form, checked the same way in the browser and by the model: the cycle-time
 * target in days (`parseTargetDays`: > 0 and ≤ 30, two decimals at most, "0,3" read as 0.3). Its error
 * codes are the field's: required, not_a_number, out_of_range, too_precise.
 */
export const TargetDaysSchema = z.unknown().transform((input, ctx) => {
  const parsed = parseTargetDays(input);
  if (parsed.ok) return parsed.days;
  ctx.issues.push({ code: "custom", input, message: parsed.code });
  return z.NEVER;
});

export const BoardTargetSchema = z.object({ days: TargetDaysSchema });
