/**
 * The one error the application throws on purpose: something the person asking can be told about
 * (a stale form, a missing claim, a rule that forbids the step). Anything else is a bug and becomes a 500.
 *
 * - `code` is stable and machine-readable; screens translate it (`errors.<code>` or their own key).
 * - `fieldErrors` name the form fields at fault, each with a code of its own.
 * - `status` is the HTTP status a route answers with; it defaults from the code (see `STATUS_BY_CODE`).
 * - `details` carries facts a screen may show (a retry time, a limit); never anything secret.
 */
export type FieldErrors = Record<string, string>;

export type AppErrorOptions = {
  status?: number;
  fieldErrors?: FieldErrors;
  /** A finer reason under the code, e.g. code "not_allowed" with reason "segregation". */
  reason?: string;
  details?: Record<string, unknown>;
  message?: string;
  cause?: unknown;
};

const STATUS_BY_CODE: Record<string, number> = {
  invalid: 422,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  not_allowed: 403,
  stale: 409,
  conflict: 409,
  too_many: 429,
};

export class AppError<Code extends string = string> extends Error {
  readonly status: number;
  readonly fieldErrors: FieldErrors;
  readonly reason: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(
    readonly code: Code,
    options: AppErrorOptions = {},
  ) {
    super(options.message ?? (options.reason ? `${code}: ${options.reason}` : code), { cause: options.cause });
    this.name = "AppError";
    this.status = options.status ?? STATUS_BY_CODE[code] ?? 400;
    this.fieldErrors = options.fieldErrors ?? {};
    this.reason = options.reason;
    this.details = options.details ?? {};
  }
}

/** True for an AppError, optionally one of the given codes: `isAppError(err, "stale")`. */
export function isAppError<Code extends string>(error: unknown, ...codes: Code[]): error is AppError<Code> {
  return error instanceof AppError && (codes.length === 0 || codes.includes(error.code as Code));
}
