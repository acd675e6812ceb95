import type { LoaderFunctionArgs } from "@remix-run/node";
import { readPackageFile } from "~/models/archive-record-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";

/** Archive staff of the record's company download one file of its package (audited); anything else is 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const filePath = new URL(request.url).searchParams.get("path") ?? "";
  try {
    const file = await readPackageFile(user, params.recordId ?? "", filePath);
    if (!file) throw new Response("Not found", { status: 404 });
    return new Response(new Uint8Array(file.bytes), {
      headers: {
        "Content-Type": file.mediaType,
        "Content-Length": String(file.bytes.length),
        "Content-Disposition": `attachment; filename="${file.name.replace(/[^\w.-]/g, "_")}"`,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (err) {
    if (err instanceof Response) throw err;
    throwAsResponse(err);
  }
}
