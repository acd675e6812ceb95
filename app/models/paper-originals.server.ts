/**
 * A claim's paper originals: the row opened when the claim is first submitted (one per claim, for ever),
 * and reads of where they are.
 */
import { workingDaysAfter } from "~/domain/paper-desk";
import type { PaperStatus } from "~/domain/paper-trail";
import { parseWorkCalendar } from "~/domain/work-calendar";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { isoDate } from "~/domain/calendar-date";

/** What the company sets for paper originals, read with the submission (`paperOriginalInsertSql`). */
export type OriginalsPolicy = { calendar: unknown; originalsDueWorkingDays: number };

/** A json column of the company's `OriginalsPolicy`, for a statement that reads it beside other things. */
export function originalsPolicySql(companyId: string): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('calendar', co.calendar, 'originalsDueWorkingDays', co.originals_due_working_days) FROM company co WHERE co.id = ${companyId})`;
}

/**
 * Opens the claim's paper originals, in the submitting statement (a data-modifying CTE): AWAITING, one per
 * receipt the claim has, due the company's `originals_due_working_days` working days after the day of
 * submission (its work calendar). A resubmission after a return finds the row there and leaves it alone.
 */
export function paperOriginalInsertSql(claim: { id: string; companyId: string; submittedAt: Date }, policy: OriginalsPolicy): Prisma.Sql {
  const dueOn = workingDaysAfter(claim.submittedAt, policy.originalsDueWorkingDays, parseWorkCalendar(policy.calendar));
  return Prisma.sql`INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, updated_at)
    VALUES (${claim.id}, ${claim.companyId}, 'AWAITING', (SELECT count(*) FROM receipt WHERE claim_id = ${claim.id})::int, ${claim.submittedAt}, ${dueOn}::date, now())
    ON CONFLICT (claim_id) DO NOTHING`;
}

export type PaperOriginalView = {
  claimId: string;
  status: PaperStatus;
  receiptCount: number;
  expectedSince: string;
  dueOn: string;
  packet: { id: string; code: string; status: string } | null;
  receivedAt: string | null;
  resendDueOn: string | null;
  boxId: string | null;
  position: number | null;
  openDiscrepancies: { id: string; kind: string; missingReceipts: number[]; resendDueOn: string | null; raisedAt: string }[];
};

/**
 * Where a claim's originals are, or null before it was submitted. No visibility check: the caller has
 * already established that the viewer may see the claim.
 */
export async function paperOriginalOf(claimId: string, db: Db | Tx = prisma): Promise<PaperOriginalView | null> {
  const row = await db.paperOriginal.findUnique({ where: { claimId } });
  if (!row) return null;
  const [packet, discrepancies] = await Promise.all([
    row.packetId ? db.paperPacket.findUnique({ where: { id: row.packetId }, select: { id: true, code: true, status: true } }) : null,
    db.paperDiscrepancy.findMany({ where: { claimId, resolvedAt: null }, orderBy: { raisedAt: "asc" } }),
  ]);
  return {
    claimId,
    status: row.status as PaperStatus,
    receiptCount: row.receiptCount,
    expectedSince: row.expectedSince.toISOString(),
    dueOn: isoDate(row.dueOn),
    packet,
    receivedAt: row.receivedAt?.toISOString() ?? null,
    resendDueOn: row.resendDueOn ? isoDate(row.resendDueOn) : null,
    boxId: row.boxId,
    position: row.position,
    openDiscrepancies: discrepancies.map((d) => ({
      id: d.id,
      kind: d.kind,
      missingReceipts: d.missingReceipts,
      resendDueOn: d.resendDueOn ? isoDate(d.resendDueOn) : null,
      raisedAt: d.raisedAt.toISOString(),
    })),
  };
}
