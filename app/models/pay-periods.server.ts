/** Pay periods: the months closed for payroll, by whom and when. A closed month's pay and rates are final. */
import { prisma, type Db, type Tx } from "~/utils/db.server";

type Reader = Db | Tx;

export type PeriodInfo = { month: string; closedAt: Date; closedBy: { id: string; name: string } | null } | null;

export async function getPeriod(month: string, db: Reader = prisma): Promise<PeriodInfo> {
  const period = await db.payPeriod.findUnique({ where: { month } });
  if (!period) return null;
  const by = await db.user.findUnique({ where: { id: period.closedBy }, select: { id: true, name: true } });
  return { month, closedAt: period.closedAt, closedBy: by };
}

export async function closedMonths(db: Reader = prisma): Promise<string[]> {
  return (await db.payPeriod.findMany({ select: { month: true }, orderBy: { month: "asc" } })).map((p) => p.month);
}
