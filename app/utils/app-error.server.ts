import type { Submission } from "@conform-to/react";
import { data } from "@remix-run/node";
import { AppError } from "~/domain/app-error";
import type { FormReply } from "./forms";

/**
 * The one place an `AppError` becomes an HTTP answer. Anything that is not an AppError is rethrown
 * untouched: it is a bug, and Remix turns it into a logged 500.
 */

/** For loaders and for actions without a form: throws a Response the route's ErrorBoundary renders. */
export function throwAsResponse(error: unknown): never {
  if (error instanceof AppError) throw new Response(error.message, { status: error.status });
  throw error;
}

/** Runs `fn`; an AppError it throws becomes the Response `throwAsResponse` makes. */
export async function orErrorResponse<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throwAsResponse(error);
  }
}

/**
 * For a form's action: an AppError goes back to the form as its form error (the code) and its field
 * errors, with the error's status; `useForm({ lastResult })` shows them beside the fields.
 */
export function replyWithError(
  submission: Submission<unknown>,
  error: unknown,
  options: { status?: number; headers?: HeadersInit; hideFields?: string[] } = {},
) {
  if (!(error instanceof AppError)) throw error;
  const fieldErrors = Object.fromEntries(Object.entries(error.fieldErrors).map(([name, code]) => [name, [code]]));
  const reply: FormReply = submission.reply({ formErrors: [error.code], fieldErrors, hideFields: options.hideFields });
  if (error.reason) reply.reason = error.reason;
  if (Object.keys(error.details).length > 0) reply.details = error.details;
  const status = options.status ?? error.status;
  // A refusal shown on the page as 200 is returned bare, as a plain action result: pinning 200 with
  // data() would also hide the status of a loader that fails on the revalidation after the action (a
  // task no longer the caller's answers 404, not 200 with the form's error).
  return status === 200 && !options.headers ? reply : data(reply, { status, headers: options.headers });
}
