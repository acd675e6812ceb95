import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { assertReceiptsEditable, attachReceipts, ClaimCommandError, removeReceipt } from "~/models/claim-commands.server";
import { assertUploadAllowance, UploadQuotaError } from "~/models/upload-usage.server";
import { requireUser } from "~/utils/auth.server";
import { receiveUploads, type RejectedUpload } from "~/utils/upload.server";

export type UploadQuotaRefusal = ReturnType<UploadQuotaError["toJSON"]>;
export type ReceiptUploadResult = {
  added: { id: string; fileName: string }[];
  rejected: RejectedUpload[];
  /** Set when the user's upload allowance refused the request; nothing was stored. */
  quota?: UploadQuotaRefusal;
  /** The claim was submitted (or returned to a state that takes no files) before the upload arrived. */
  formError?: "not_editable";
};

/** Receipt uploads (multipart, field "receipts") and removals (intent=remove) for one claim. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const claimId = params.claimId ?? "";
  const contentType = request.headers.get("Content-Type") ?? "";
  try {
    if (!contentType.startsWith("multipart/form-data")) {
      const form = await request.formData();
      if (form.get("intent") !== "remove") throw new Response("Bad request", { status: 400 });
      await removeReceipt({ viewer: user, claimId, receiptId: String(form.get("receiptId") ?? "") });
      return { removed: true as const };
    }
    // Both checked before the body is read, so a refused request writes nothing; both again when attaching.
    await assertReceiptsEditable({ viewer: user, claimId });
    await assertUploadAllowance({ userId: user.id });
    const { accepted, rejected } = await receiveUploads(request);
    const added = await attachReceipts({ viewer: user, claimId, uploads: accepted });
    return { added, rejected } satisfies ReceiptUploadResult;
  } catch (err) {
    if (err instanceof UploadQuotaError) {
      const body: ReceiptUploadResult = { added: [], rejected: [], quota: err.toJSON() };
      const retryAfter = err.freesAt ? Math.max(1, Math.ceil((err.freesAt.getTime() - Date.now()) / 1000)) : undefined;
      return Response.json(body, { status: 429, headers: retryAfter ? { "Retry-After": String(retryAfter) } : {} });
    }
    if (err instanceof ClaimCommandError) {
      if (err.code === "not_found") throw new Response("Not found", { status: 404 });
      // An upload comes from the claim page's fetcher: answered with data, so the page says why instead of
      // being replaced by an error screen. A removal keeps the plain 409.
      if (contentType.startsWith("multipart/form-data")) {
        return Response.json({ added: [], rejected: [], formError: "not_editable" } satisfies ReceiptUploadResult, { status: 409 });
      }
      throw new Response("This claim can no longer be changed", { status: 409 });
    }
    throw err;
  }
}

export const loader = ({ params }: { params: { claimId?: string } }) => redirect(`/claims/${params.claimId ?? ""}`);
