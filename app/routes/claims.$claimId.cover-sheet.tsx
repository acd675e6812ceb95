import type { LoaderFunctionArgs } from "@remix-run/node";
import { buildCoverSheet } from "~/domain/cover-sheet";
import { getClaimDetail } from "~/models/claim.server";
import { requireUser } from "~/utils/auth.server";
import { renderCoverSheetPdf } from "~/utils/cover-sheet-pdf.server";
import { formatDateTime } from "~/utils/format";
import { getLocale } from "~/utils/session.server";

/** The claim's printable cover sheet (issue 12): a one-page PDF, to whoever may see the claim (same visibility as its page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claim = await getClaimDetail({ claimId: params.claimId ?? "", viewer: user });
  if (!claim) throw new Response("Not found", { status: 404 });
  const locale = await getLocale(request, user.locale);
  const sheet = buildCoverSheet({
    number: claim.number,
    status: claim.status,
    purpose: claim.purpose,
    submittedAt: claim.submittedAt,
    claimant: claim.claimant,
    company: claim.company,
    department: claim.department,
    lines: claim.lines,
    receipts: claim.receipts.map((r) => ({ id: r.id, fileName: r.fileName, pages: r.pages?.length ? r.pages.length : null })),
  });
  const pdf = await renderCoverSheetPdf(sheet, { locale, printedAt: formatDateTime(new Date(), locale, user.timeZone) });
  return new Response(Buffer.from(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="cover-sheet-${claim.number}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
