import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { output, ZodType } from "zod";
import type { $ZodErrorMap, $ZodType } from "zod/v4/core";

/**
 * Every form is parsed here, by the browser (Conform's `onValidate`, for hints as you type) and by the
 * action (the truth), with the same Zod schema. Errors are codes, not sentences: a schema may name its
 * own (`z.string().regex(RE, "bad_iban")`), and anything it leaves unnamed gets one of the generic codes
 * below. Screens translate codes through `FieldError` (`forms.<code>`, or a namespace of their own).
 */
export const FORM_ERROR_CODES = ["required", "too_short", "too_long", "too_small", "too_big", "invalid"] as const;
export type FormErrorCode = (typeof FORM_ERROR_CODES)[number];

export const formErrorCode: $ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined || issue.input === null || issue.input === "" ? "required" : "invalid";
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "required" : "too_short";
      if (issue.origin === "array" || issue.origin === "set") return Number(issue.minimum) <= 1 ? "required" : "too_small";
      return "too_small";
    case "too_big":
      return issue.origin === "string" ? "too_long" : "too_big";
    default:
      return "invalid";
  }
};

/** Parses a submitted form with its schema; the result's `reply()` goes back to `useForm` as `lastResult`. */
export function parseForm<Schema extends $ZodType>(payload: FormData | URLSearchParams, schema: Schema) {
  return parseWithZod(payload, { schema, error: formErrorCode });
}

/** What an action sends back to a form: Conform's result, plus the AppError's reason and details when it failed on a rule. */
export type FormReply = SubmissionResult<string[]> & { reason?: string; details?: Record<string, unknown> };

/** The facts a failed action attached (`AppError.details`), e.g. `{ seconds }` until a retry. */
export function replyDetails(reply: SubmissionResult<string[]> | FormReply | undefined): Record<string, unknown> {
  return reply && "details" in reply && reply.details ? reply.details : {};
}

/** The finer reason under a failed action's code (`AppError.reason`), if it sent one. */
export function replyReason(reply: SubmissionResult<string[]> | FormReply | undefined): string | undefined {
  return reply && "reason" in reply ? reply.reason : undefined;
}

/**
 * For a model that checks its input itself (its callers are routes, scripts and tests alike): the same
 * schema and codes as `parseForm`, with the first code per field, ready for `AppError`'s `fieldErrors`.
 */
export function parseFields<Schema extends ZodType>(
  schema: Schema,
  input: unknown,
): { ok: true; value: output<Schema> } | { ok: false; fieldErrors: Record<string, string> } {
  const parsed = schema.safeParse(input, { error: formErrorCode });
  if (parsed.success) return { ok: true, value: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { ok: false, fieldErrors };
}
