import type { LoaderFunctionArgs } from "@remix-run/node";
import { getBox } from "~/models/archive-boxes.server";
import { renderBoxLabelPdf } from "~/utils/archive-box-pdf.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { getLocale } from "~/utils/session.server";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";

/** The box label (PDF): the label as a Code 128 barcode and in text, company, year, type, location, count and date range. Archive staff of the box's company only (getBox: another company's box is 404). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const box = await getBox(user, params.boxId ?? "").catch(throwAsResponse);
  if (!box) throw new Response("Not found", { status: 404 });
  const locale = await getLocale(request, user.locale);
  const pdf = await renderBoxLabelPdf(box, { locale, printedAt: formatDateTime(new Date(), locale, user.timeZone) });
  return new Response(Buffer.from(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="box-label-${box.label.replace(/[^A-Za-z0-9._-]/g, "_")}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
