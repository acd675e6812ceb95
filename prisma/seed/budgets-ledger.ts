/**
 * Demo budgets and books (issue 11), after the claims and the treasury are seeded:
 * - every company gets the chart of accounts and its mappings (fixtures/ledger.ts);
 * - every department with staff gets a budget cell per period from three months back to next month (HK
 *   budgets per year), sized from what its claims spend so that this month some cells sit near their limits
 *   (Sales past the alert band, IT past 100 %: its claims need the budget owner) and HQ Sales has its own
 *   entertainment cell;
 * - the budget ledger holds what the seeded claims would have written: a reservation for each line of a claim
 *   in flight, and reservation + consumption for each approved one (approved amount, company currency);
 * - every approved claim and paid payment gets its voucher (the ledger sweep), and the HQ months before last
 *   month are closed.
 */
import { budgetPeriodOf, periodMode } from "~/domain/budget";
import { isoDate } from "~/domain/calendar-date";
import { convert } from "~/domain/money";
import { appendBudgetEntries, type BudgetEntryInput } from "~/models/budget-entries.server";
import { rateLookupFor } from "~/models/exchange-rate.server";
import { closePeriod, listPeriods } from "~/models/ledger-periods.server";
import { postPendingVouchers } from "~/models/ledger-posting.server";
import type { Db } from "~/utils/db.server";
import { setupLedger } from "../../fixtures/ledger";

const IN_FLIGHT = ["SUBMITTED", "MANAGER_APPROVED", "IN_REVIEW"] as const;
const APPROVED = ["APPROVED", "SCHEDULED", "PAID", "PAYMENT_FAILED"] as const;

/** This month's target use of each department's budget, in % (others: 55 %). */
const THIS_MONTH_USE: Record<string, number> = { SALES: 92, MKT: 84, IT: 104, RD: 61, NET: 88 };

function monthsAround(now: Date, back: number, ahead: number): string[] {
  const out: string[] = [];
  for (let d = -back; d <= ahead; d++) {
    const m = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + d, 1));
    out.push(m.toISOString().slice(0, 7));
  }
  return out;
}

/** Rounds a budget up to a whole 100 units of the currency. */
const roundBudget = (minor: bigint) => ((minor + 9_999n) / 10_000n) * 10_000n;

export async function seedBudgetsAndLedger(db: Db, { now }: { now: Date }): Promise<void> {
  const companies = await db.company.findMany({ select: { id: true, code: true, currency: true } });
  for (const c of companies) await setupLedger(db, c.id);
  await db.company.updateMany({ where: { code: "HK" }, data: { budgetPeriod: "YEAR" } });

  const claims = await db.claim.findMany({
    where: { status: { in: [...IN_FLIGHT, ...APPROVED] } },
    select: {
      id: true,
      status: true,
      version: true,
      companyId: true,
      departmentId: true,
      claimantId: true,
      company: { select: { currency: true, budgetPeriod: true } },
      lines: { select: { id: true, spentOn: true, categoryCode: true, amountMinor: true, approvedMinor: true, currency: true } },
    },
  });
  // Company-currency amount per line, at the spent-on date's rate.
  const amounts = new Map<string, bigint>();
  for (const company of companies) {
    const lines = claims.filter((c) => c.companyId === company.id).flatMap((c) => c.lines);
    const rateFor = await rateLookupFor(lines.map((l) => ({ currency: l.currency, onDate: isoDate(l.spentOn) })), company.currency, db);
    for (const l of lines) {
      const minor = l.approvedMinor ?? l.amountMinor;
      const rate = l.currency === company.currency ? "1" : rateFor(l.currency, company.currency, isoDate(l.spentOn));
      if (rate !== undefined) amounts.set(l.id, convert({ minor, currency: l.currency }, company.currency, rate).minor);
    }
  }

  // Spend per department and period; cells sized from it.
  const spend = new Map<string, bigint>();
  const key = (departmentId: string, period: string, category: string | null = null) => `${departmentId}|${period}|${category ?? ""}`;
  for (const c of claims) {
    const mode = periodMode(c.company.budgetPeriod);
    for (const l of c.lines) {
      const k = key(c.departmentId, budgetPeriodOf(isoDate(l.spentOn), mode));
      spend.set(k, (spend.get(k) ?? 0n) + (amounts.get(l.id) ?? 0n));
    }
  }
  const departments = await db.department.findMany({ select: { id: true, code: true, companyId: true, company: { select: { code: true, currency: true } } } });
  const thisMonth = now.toISOString().slice(0, 7);
  const cells: { id: string; companyId: string; departmentId: string; period: string; categoryCode: string | null; currency: string; budget: bigint }[] = [];
  for (const d of departments) {
    if (d.code === "SSC") continue;
    const periods = d.company.code === "HK" ? [thisMonth.slice(0, 4)] : monthsAround(now, 3, 1);
    for (const period of periods) {
      const used = spend.get(key(d.id, period)) ?? 0n;
      const target = period === thisMonth || period.length === 4 ? (THIS_MONTH_USE[d.code] ?? 55) : 70 + ((period.charCodeAt(6) + d.code.length) % 4) * 7;
      const budget = used === 0n ? 5_000_000n : roundBudget((used * 100n) / BigInt(target));
      cells.push({ id: `cell-${d.id}-${period}`, companyId: d.companyId, departmentId: d.id, period, categoryCode: null, currency: d.company.currency, budget });
    }
    if (d.id === "dep-hq-sales") {
      cells.push({ id: `cell-${d.id}-${thisMonth}-ENTERTAIN`, companyId: d.companyId, departmentId: d.id, period: thisMonth, categoryCode: "ENTERTAIN", currency: d.company.currency, budget: 2_000_000n });
    }
  }
  await db.budgetCell.createMany({ data: cells.map(({ budget: _b, ...c }) => c) });

  const cellFor = (departmentId: string, period: string, category: string) =>
    cells.find((c) => c.departmentId === departmentId && c.period === period && c.categoryCode === category) ??
    cells.find((c) => c.departmentId === departmentId && c.period === period && c.categoryCode === null);
  const entries: BudgetEntryInput[] = cells.map((c) => ({ cellId: c.id, kind: "BUDGET", budgetDelta: c.budget, idempotencyKey: `BUDGET:seed:${c.id}`, note: "seed" }));
  for (const c of claims) {
    const mode = periodMode(c.company.budgetPeriod);
    for (const l of c.lines) {
      const amount = amounts.get(l.id);
      const cell = cellFor(c.departmentId, budgetPeriodOf(isoDate(l.spentOn), mode), l.categoryCode);
      if (amount === undefined || amount === 0n || !cell) continue;
      const claimed = l.currency === c.company.currency ? l.amountMinor : amount;
      const base = { cellId: cell.id, claimId: c.id, claimLineId: l.id, actorId: c.claimantId };
      entries.push({ ...base, kind: "RESERVE", reservedDelta: claimed, claimVersion: 2, idempotencyKey: `RESERVE:${l.id}:v2` });
      if ((APPROVED as readonly string[]).includes(c.status)) {
        if (claimed !== amount) entries.push({ ...base, kind: "ADJUST", reservedDelta: amount - claimed, claimVersion: c.version, idempotencyKey: `ADJUST:${l.id}:v${c.version}` });
        entries.push({ ...base, kind: "CONSUME", reservedDelta: -amount, consumedDelta: amount, claimVersion: c.version, idempotencyKey: `CONSUME:${l.id}:v${c.version}` });
      }
    }
  }
  await db.$transaction(async (tx) => {
    for (let i = 0; i < entries.length; i += 2_000) await appendBudgetEntries(tx, entries.slice(i, i + 2_000));
  });

  // The books: every approved claim and paid payment, then HQ's months before last month closed.
  const swept = await postPendingVouchers(db);
  const admin = await db.user.findFirstOrThrow({ where: { email: "admin@demo.af" }, select: { id: true, roles: true } });
  const lastMonth = monthsAround(now, 1, 0)[0]!;
  const hq = companies.find((c) => c.code === "HQ")!;
  let closed = 0;
  for (const p of (await listPeriods(db, hq.id)).sort((a, b) => a.period.localeCompare(b.period))) {
    if (p.period >= lastMonth || p.status === "CLOSED") continue;
    await closePeriod({ viewer: { id: admin.id, roles: admin.roles }, companyId: hq.id, period: p.period }, db);
    closed++;
  }
  console.log(`[seed] ${cells.length} budget cells, ${entries.length} budget entries; ${swept.posted} vouchers (${swept.failed.length} not posted); ${closed} HQ periods closed`);
}
