import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { isAppError } from "~/domain/app-error";
import { assertReceiptsEditable, attachReceipts, removeReceipt } from "~/models/claim-commands.server";
import { assertUploadAllowance, type UploadQuotaRefusal } from "~/models/upload-usage.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { resources } from "~/i18n/resources";
import { requireUser } from "~/utils/auth.server";
import { isObjectStoreUnavailable } from "~/utils/object-store.server";
import { getLocale } from "~/utils/session.server";
import { parseForm } from "~/utils/forms";
import { receiveUploads, type RejectedUpload } from "~/utils/upload.server";

export type { UploadQuotaRefusal };
export type ReceiptUploadResult = {
  added: { id: string; fileName: string }[];
  rejected: RejectedUpload[];
  /** Set when the user's upload allowance refused the request; nothing was stored. */
  quota?: UploadQuotaRefusal;
  /**
   * not_editable: the claim was submitted (or returned to a state that takes no files) before the upload arrived.
   * storage_unavailable: the object store did not answer; nothing was stored (503, Retry-After).
   */
  formError?: "not_editable" | "storage_unavailable";
  /** For API clients: the refusal in the request's language. */
  message?: string;
};

/** A removal (the uploads themselves are multipart files, read by `receiveUploads`). */
const RemoveReceiptSchema = z.object({ intent: z.literal("remove"), receiptId: z.string().max(64).default("") });

/** Receipt uploads (multipart, field "receipts") and removals (intent=remove) for one claim. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const claimId = params.claimId ?? "";
  const isUpload = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
  try {
    if (!isUpload) {
      const submission = parseForm(await request.formData(), RemoveReceiptSchema);
      if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
      await removeReceipt({ viewer: user, claimId, receiptId: submission.value.receiptId });
      return { removed: true as const };
    }
    // Both checked before the body is read, so a refused request writes nothing; both again when attaching.
    await assertReceiptsEditable({ viewer: user, claimId });
    await assertUploadAllowance({ userId: user.id });
    const { accepted, rejected } = await receiveUploads(request);
    const added = await attachReceipts({ viewer: user, claimId, uploads: accepted });
    return { added, rejected } satisfies ReceiptUploadResult;
  } catch (err) {
    if (isAppError(err, "too_many")) {
      const quota = err.details as UploadQuotaRefusal;
      const body: ReceiptUploadResult = { added: [], rejected: [], quota };
      const retryAfter = quota.freesAt ? Math.max(1, Math.ceil((Date.parse(quota.freesAt) - Date.now()) / 1000)) : undefined;
      return Response.json(body, { status: err.status, headers: retryAfter ? { "Retry-After": String(retryAfter) } : {} });
    }
    // An upload comes from the claim page's fetcher: answered with data, so the page says why instead of
    // being replaced by an error screen. A removal keeps the plain 409.
    if (isAppError(err, "not_editable")) {
      if (isUpload) return Response.json({ added: [], rejected: [], formError: "not_editable" } satisfies ReceiptUploadResult, { status: 409 });
      throw new Response("This claim can no longer be changed", { status: 409 });
    }
    if (isUpload && isObjectStoreUnavailable(err)) {
      // attachReceipts rolled its transaction back: no receipt row, no audit event, no temp file left.
      console.error(`[uploads] ${err.message}`);
      const message = resources[await getLocale(request, user.locale)].claims.receipts.storageUnavailable;
      const body: ReceiptUploadResult = { added: [], rejected: [], formError: "storage_unavailable", message };
      return Response.json(body, { status: 503, headers: { "Retry-After": "30" } });
    }
    throwAsResponse(err);
  }
}

export const loader = ({ params }: { params: { claimId?: string } }) => redirect(`/claims/${params.claimId ?? ""}`);
