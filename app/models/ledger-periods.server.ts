/**
 * Accounting periods (months) of a company: listed with their vouchers, and closed by an admin once the
 * month is over and everything dated in it is posted. A closed period is final: its numbering stops and
 * the database refuses any voucher into it (triggers in the ledger migration).
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { dateInZone, periodOf } from "~/domain/voucher";
import { prisma, type Db } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { requireLedgerCompany } from "./ledger-access.server";
import { pendingPostings } from "./ledger-posting.server";

export type PeriodSummary = {
  period: string;
  status: "OPEN" | "CLOSED";
  /** The number the next voucher will get. */
  nextVoucherNumber: number;
  voucherCount: number;
  /** Sum of the vouchers' totals (reversals count negative), company currency. */
  totalMinor: bigint;
  closedAt: Date | null;
  closedBy: { id: string; name: string } | null;
};

/** The company's periods, newest first, with their voucher counts (one query). */
export async function listPeriods(db: Db, companyId: string): Promise<PeriodSummary[]> {
  const rows = await db.$queryRaw<
    { period: string; status: "OPEN" | "CLOSED"; next_voucher_number: number; voucher_count: number; total_minor: bigint; closed_at: Date | null; closed_by: string | null; closed_by_name: string | null }[]
  >`
    SELECT p.period, p.status, p.next_voucher_number, p.closed_at, p.closed_by, u.name AS closed_by_name,
           COALESCE(v.n, 0)::int AS voucher_count, COALESCE(v.total, 0)::bigint AS total_minor
      FROM accounting_period p
      LEFT JOIN app_user u ON u.id = p.closed_by
      LEFT JOIN (SELECT period, count(*) AS n, sum(total_minor) AS total FROM voucher WHERE company_id = ${companyId} GROUP BY period) v ON v.period = p.period
     WHERE p.company_id = ${companyId}
     ORDER BY p.period DESC`;
  return rows.map((r) => ({
    period: r.period,
    status: r.status,
    nextVoucherNumber: r.next_voucher_number,
    voucherCount: r.voucher_count,
    totalMinor: r.total_minor,
    closedAt: r.closed_at,
    closedBy: r.closed_by ? { id: r.closed_by, name: r.closed_by_name ?? "" } : null,
  }));
}

const PERIOD_RE = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/**
 * Closes a month of a company's ledger (ADMIN, for a company they work for). Refused while the month is not
 * over (in the SSC's time zone), while an earlier month is still open, or while anything the ledger owes is
 * dated in it or before (pendingPostings: post it, or fix its mapping, first). One transaction with its audit
 * event; the period's row lock waits for postings into it that are under way.
 */
export async function closePeriod({ viewer, companyId, period }: { viewer: Actor; companyId: string; period: string }, db: Db = prisma): Promise<PeriodSummary> {
  await requireLedgerCompany(db, viewer, companyId, ["ADMIN"]);
  if (!PERIOD_RE.test(period)) throw new AppError("invalid", { fieldErrors: { period: "invalid" } });
  const current = periodOf(dateInZone(new Date(), SSC_TIME_ZONE));
  if (period >= current) throw new AppError("not_allowed", { reason: "period_not_over", details: { period, current } });
  const earlier = await db.accountingPeriod.findFirst({ where: { companyId, status: "OPEN", period: { lt: period } }, orderBy: { period: "asc" }, select: { period: true } });
  if (earlier) throw new AppError("not_allowed", { reason: "earlier_period_open", details: { period: earlier.period } });
  const pending = (await pendingPostings(db, [companyId])).filter((p) => p.period !== null && p.period <= period);
  if (pending.length > 0) {
    throw new AppError("not_allowed", {
      reason: "pending_postings",
      details: { count: pending.length, sources: pending.slice(0, 20).map((p) => ({ source: p.source, status: p.status, period: p.period })) },
    });
  }
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO accounting_period (company_id, period) VALUES (${companyId}, ${period}) ON CONFLICT DO NOTHING`;
    const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM accounting_period WHERE company_id = ${companyId} AND period = ${period} FOR UPDATE`;
    if (row?.status !== "OPEN") throw new AppError("conflict", { reason: "already_closed" });
    const vouchers = await tx.voucher.count({ where: { companyId, period } });
    await tx.accountingPeriod.update({ where: { companyId_period: { companyId, period } }, data: { status: "CLOSED", closedAt: new Date(), closedBy: viewer.id } });
    await recordAudit(tx, { actorId: viewer.id, type: "ledger.period_closed", data: { companyId, period, vouchers } });
  });
  const [summary] = (await listPeriods(db, companyId)).filter((p) => p.period === period);
  return summary!;
}
