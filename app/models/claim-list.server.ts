import type { ClaimStatus } from "~/domain/claim-machine";
import { sumByCurrency, type Money } from "~/domain/money";
import { prisma, type Db } from "~/utils/db.server";

export const PAGE_SIZE = 50;

export type ClaimListItem = {
  id: string;
  number: string;
  purpose: string;
  status: ClaimStatus;
  submittedAt: Date | null;
  updatedAt: Date;
  totals: Money[];
  lineCount: number;
};

/** The claimant's own claims, newest first, optionally of one status. */
export async function listMyClaims({
  viewerId,
  status,
  page = 1,
}: {
  viewerId: string;
  status?: ClaimStatus;
  page?: number;
}, db: Db = prisma): Promise<{ items: ClaimListItem[]; total: number; counts: Partial<Record<ClaimStatus, number>> }> {
  const where = { claimantId: viewerId, ...(status ? { status } : {}) };
  const [rows, total, grouped] = await Promise.all([
    db.claim.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        number: true,
        purpose: true,
        status: true,
        submittedAt: true,
        updatedAt: true,
        // In claim order: the totals list their currencies in the order the lines first use them, as the claim page does.
        lines: { orderBy: [{ position: "asc" }, { id: "asc" }], select: { amountMinor: true, currency: true } },
      },
    }),
    db.claim.count({ where }),
    db.claim.groupBy({ by: ["status"], where: { claimantId: viewerId }, _count: { _all: true } }),
  ]);
  return {
    items: rows.map(({ lines, ...c }) => ({
      ...c,
      totals: sumByCurrency(lines.map((l) => ({ minor: l.amountMinor, currency: l.currency }))),
      lineCount: lines.length,
    })),
    total,
    counts: Object.fromEntries(grouped.map((g) => [g.status, g._count._all])),
  };
}
