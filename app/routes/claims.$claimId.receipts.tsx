import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { assertReceiptsEditable, attachReceipts, ClaimCommandError, removeReceipt } from "~/models/claim-commands.server";
import { requireUser } from "~/utils/auth.server";
import { receiveUploads } from "~/utils/upload.server";

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
    await assertReceiptsEditable({ viewer: user, claimId });
    const { accepted, rejected } = await receiveUploads(request);
    const added = await attachReceipts({ viewer: user, claimId, uploads: accepted });
    return { added, rejected };
  } catch (err) {
    if (err instanceof ClaimCommandError) {
      if (err.code === "not_found") throw new Response("Not found", { status: 404 });
      throw new Response("This claim can no longer be changed", { status: 409 });
    }
    throw err;
  }
}

export const loader = ({ params }: { params: { claimId?: string } }) => redirect(`/claims/${params.claimId ?? ""}`);
