import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { createHash } from "node:crypto";
import { isAppError } from "~/domain/app-error";
import { ExportSchema } from "~/domain/ledger-forms";
import { exportVouchers } from "~/models/ledger-export.server";
import { requireRole } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";

/** Makes an export and hands its file over (the export row keeps the bytes' SHA-256); a refusal goes back to the page. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "ADMIN");
  const submission = parseForm(await request.formData(), ExportSchema);
  if (submission.status !== "success") {
    const field = Object.keys(submission.error ?? {})[0] ?? "";
    return redirect(`/ledger/exports?error=invalid&field=${encodeURIComponent(field)}`, 303);
  }
  try {
    const file = await exportVouchers({ viewer: user, ...submission.value });
    return new Response(new Uint8Array(file.body), {
      headers: {
        "Content-Type": file.mimeType,
        "Content-Disposition": `attachment; filename="${file.fileName.replace(/[^\w.-]/g, "_")}"`,
        "Cache-Control": "no-store",
        "X-Content-SHA256": createHash("sha256").update(file.body).digest("hex"),
        "X-Export-Id": file.exportId,
      },
    });
  } catch (err) {
    if (isAppError(err)) {
      if (err.status === 404 || err.status === 403) throw new Response(err.message, { status: err.status });
      return redirect(`/ledger/exports?error=${encodeURIComponent(err.code)}`, 303);
    }
    throw err;
  }
}
