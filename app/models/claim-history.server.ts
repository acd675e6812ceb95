import type { ClaimStatus } from "~/domain/claim-machine";
import { prisma } from "~/utils/db.server";

export type HistoryEvent = {
  id: string;
  type: string;
  at: Date;
  actorName: string | null;
  fromStatus: ClaimStatus | null;
  toStatus: ClaimStatus | null;
  data: Record<string, unknown>;
};

/** The claim's audit trail, oldest first. Call only after the viewer's access was checked. */
export async function getClaimHistory(claimId: string): Promise<HistoryEvent[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { claimId },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { id: true, type: true, at: true, fromStatus: true, toStatus: true, data: true, actor: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    type: r.type,
    at: r.at,
    actorName: r.actor?.name ?? null,
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    data: typeof r.data === "object" && r.data !== null && !Array.isArray(r.data) ? (r.data as Record<string, unknown>) : {},
  }));
}
