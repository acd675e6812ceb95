import type { ReturnNotice } from "~/contracts/claim";
import { prisma } from "~/utils/db.server";

/**
 * The latest return of a claim (by an accountant with reason codes, or by a manager with a comment).
 * Call only after the viewer's access to the claim was checked. Reasons an admin has since retired are
 * still named; a code no longer in the table is shown as the code.
 */
export async function latestReturnNotice(claimId: string): Promise<ReturnNotice | null> {
  const event = await prisma.auditEvent.findFirst({
    where: { claimId, toStatus: "RETURNED" },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: { at: true, data: true, actor: { select: { name: true } } },
  });
  if (!event) return null;
  const data = typeof event.data === "object" && event.data !== null && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : {};
  const codes = Array.isArray(data.reasonCodes) ? data.reasonCodes.filter((c): c is string => typeof c === "string") : [];
  const rows = codes.length ? await prisma.returnReason.findMany({ where: { code: { in: codes } }, select: { code: true, name: true, nameZh: true } }) : [];
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return {
    at: event.at,
    by: data.by === "manager" ? "manager" : data.by === "archive" ? "archive" : "accountant",
    paperReason: typeof data.paperReason === "string" ? data.paperReason : null,
    actorName: event.actor?.name ?? null,
    comment: typeof data.comment === "string" && data.comment.trim() ? data.comment : null,
    reasons: codes.map((code) => byCode.get(code) ?? { code, name: code, nameZh: code }),
  };
}
