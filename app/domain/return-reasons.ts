import { z } from "zod";

/**
 * A reason an accountant may give for returning a claim, as an administrator saves it: a code of capital
 * letters, digits and "_" (stored upper-case), and its name in English and Chinese.
 */
export const ReturnReasonInputSchema = z.object({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,40}$/, "invalid_code"),
  name: z.string().trim().min(1, "required").max(200, "too_long"),
  nameZh: z.string().trim().min(1, "required").max(200, "too_long"),
  active: z.boolean(),
});

export type ReturnReasonInput = z.input<typeof ReturnReasonInputSchema>;
