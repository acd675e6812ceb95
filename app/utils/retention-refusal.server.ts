import { AppError } from "~/domain/app-error";

/** An AppError as the retention pages show it (status 200 with the refusal); anything else is a bug and rethrown. */
export function refusalOf(err: unknown): { ok: false; code: string; reason?: string; details: Record<string, unknown>; fieldErrors: Record<string, string> } {
  if (!(err instanceof AppError)) throw err;
  return { ok: false, code: err.code, reason: err.reason, details: err.details, fieldErrors: err.fieldErrors };
}
