import type { LoaderFunctionArgs } from "@remix-run/node";
import { packetDetail } from "~/models/paper-packets.server";
import { requireUser } from "~/utils/auth.server";
import { formatDate, formatDateTime } from "~/utils/format";
import { renderPacketManifestPdf } from "~/utils/packet-manifest-pdf.server";
import { getLocale } from "~/utils/session.server";

/** The packet's printable manifest (PDF), to whoever may see the packet (its maker, archive staff of its company). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const packet = await packetDetail(user, params.packetId ?? "");
  if (!packet) throw new Response("Not found", { status: 404 });
  const locale = await getLocale(request, user.locale);
  const pdf = await renderPacketManifestPdf(packet, {
    locale,
    printedAt: formatDateTime(new Date(), locale, user.timeZone),
    createdOn: formatDate(packet.createdAt, locale, user.timeZone),
    sentOn: packet.sentAt ? formatDate(packet.sentAt, locale, user.timeZone) : null,
  });
  return new Response(Buffer.from(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="packet-${packet.code}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
