import type { LoaderFunctionArgs } from "@remix-run/node";
import { paymentFileFor } from "~/models/payment-runs.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";

/** GET /treasury/runs/:runId/file → the approved payment file as made (its SHA-256 in a header), recorded in the audit log. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  try {
    const file = await paymentFileFor(user, params.runId!);
    return new Response(file.bytes, {
      headers: {
        "Content-Type": file.mimeType,
        "Content-Disposition": `attachment; filename="${file.fileName}"`,
        "Cache-Control": "no-store",
        "X-Content-SHA256": file.sha256,
      },
    });
  } catch (err) {
    throwAsResponse(err);
  }
}
