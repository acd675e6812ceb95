/**
 * The reading room's register (issue 12): per month, the requests of the viewer's companies by kind and
 * purpose, decisions and their turnaround, views logged, loans out, returned and overdue. The figures
 * are worked out by monthlyRegister (app/domain/archive-access.ts) from the last two years' facts.
 */
import type { Actor } from "~/domain/actor";
import { monthlyRegister, type ArchiveRequestKind, type ArchiveRequestStatus, type MonthRow, type PurposeKind } from "~/domain/archive-access";
import type { Db, Tx } from "~/utils/db.server";
import { archiveCompanyIds } from "./archive-staff.server";

const MONTHS_BACK = 24;

export async function archiveReadingRoomStats(db: Db | Tx, viewer: Actor, now = new Date()): Promise<MonthRow[]> {
  const companies = await archiveCompanyIds(db, viewer);
  if (companies.length === 0) return [];
  const since = new Date(now.getTime() - MONTHS_BACK * 31 * 86_400_000);
  const requests = await db.$queryRawUnsafe<
    { kind: string; purpose_kind: string; requested_at: Date; decided_at: Date | null; status: string; lent_at: Date | null; returned_at: Date | null; due_on: Date | null }[]
  >(
    `SELECT r.kind, r.purpose_kind, r.requested_at, r.decided_at, r.status, r.lent_at, r.returned_at, r.due_on
       FROM archive_request r
       LEFT JOIN archive_record ar ON ar.id = r.record_id
       LEFT JOIN archive_box b ON b.id = r.box_id
      WHERE COALESCE(ar.company_id, b.company_id) = ANY($1::text[])
        AND (r.requested_at >= $2 OR r.decided_at >= $2 OR r.lent_at >= $2 OR r.returned_at >= $2 OR r.status = 'ON_LOAN')`,
    companies,
    since,
  );
  const views = await db.$queryRawUnsafe<{ viewed_at: Date }[]>(
    `SELECT v.viewed_at FROM archive_view v JOIN archive_record ar ON ar.id = v.record_id WHERE ar.company_id = ANY($1::text[]) AND v.viewed_at >= $2`,
    companies,
    since,
  );
  return monthlyRegister(
    {
      requests: requests.map((r) => ({
        kind: r.kind as ArchiveRequestKind,
        purposeKind: r.purpose_kind as PurposeKind,
        requestedAt: r.requested_at,
        decidedAt: r.decided_at,
        status: r.status as ArchiveRequestStatus,
        lentAt: r.lent_at,
        returnedAt: r.returned_at,
        dueOn: r.due_on ? r.due_on.toISOString().slice(0, 10) : null,
      })),
      views: views.map((v) => ({ viewedAt: v.viewed_at })),
    },
    now,
  );
}
