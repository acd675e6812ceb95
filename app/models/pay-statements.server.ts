/**
 * Piece-rate statements: each operator's month computed from the task and qa_check rows (provisional),
 * or as stored when the month was closed (what was paid). The arithmetic is app/domain/piece-rate.ts;
 * this file only gathers its inputs — one grouped query for all operators, whatever their number.
 */
import { AppError } from "~/domain/app-error";
import { computeStatement, monthDays, monthOf, monthRange, type ErrorItem, type Statement, type WorkItem } from "~/domain/piece-rate";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { Prisma } from "~/generated/prisma/client";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";
import { getPeriod, type PeriodInfo } from "./pay-periods.server";
import { listRates, rateTableOf, type RateRows } from "./pay-rates.server";

/** The SSC works (and is paid) by its own calendar: a task finished at 23:30 Shanghai time is that day's work. */
/** Used for an operator's statement when no point value applies (an empty month). */
export const DEFAULT_PAY_CURRENCY = "CNY";

type Reader = Db | Tx;

export type Operator = { id: string; name: string; email: string };
export type OperatorStatement = { operator: Operator; statement: Statement };

export function assertMonth(month: string): void {
  try {
    monthDays(month);
  } catch {
    throw new AppError("invalid_month");
  }
}

/**
 * The SSC date a row is priced on, as SQL. Pricing only changes on the dates some rate starts, so the
 * month is cut into spans at those dates and each row is dated by the first day of its span: every day
 * of a span has the same rates, so the statement is exactly the same as pricing day by day, and the
 * query returns operators × types × bands × spans rows instead of one per day.
 */
function pricingDateSql(column: string, first: string, changeDates: readonly string[]): Prisma.Sql {
  const local = Prisma.sql`(${Prisma.raw(column)} AT TIME ZONE ${SSC_TIME_ZONE})::date`;
  const whens = [...changeDates].sort().reverse().map((d) => Prisma.sql`WHEN ${local} >= ${d}::date THEN ${d}::text`);
  return whens.length === 0 ? Prisma.sql`${first}::text` : Prisma.sql`CASE ${Prisma.join(whens, " ")} ELSE ${first}::text END`;
}

/** The days inside the month (after its first) on which some rate, deduction or point value starts. */
function rateChangeDates(rates: RateRows, month: string): string[] {
  const { first, last } = monthDays(month);
  const all = [...rates.pieceRates, ...rates.deductions, ...rates.pointValues].map((r) => r.validFrom);
  return [...new Set(all.filter((d) => d > first && d <= last))];
}

/** Finished paid work and recorded QA errors of a month, grouped per operator, type, band and pricing date. */
async function gatherMonth(db: Reader, month: string, rates: RateRows, operatorId?: string) {
  const { from, to } = monthRange(month, SSC_TIME_ZONE);
  const { first } = monthDays(month);
  const changes = rateChangeDates(rates, month);
  const onlyTask = operatorId ? Prisma.sql`AND t.assignee_id = ${operatorId}` : Prisma.empty;
  const onlyCheck = operatorId ? Prisma.sql`AND q.operator_id = ${operatorId}` : Prisma.empty;
  const [work, errors] = await readTogether(
    db,
    () => db.$queryRaw<{ operator_id: string; task_type: string; band: string; work_date: string; n: number }[]>`
      SELECT t.assignee_id AS operator_id, t.type::text AS task_type, t.complexity AS band,
             ${pricingDateSql("t.finished_at", first, changes)} AS work_date, count(*)::int AS n
        FROM task t
       WHERE t.status = 'DONE' AND t.type IN ('REVIEW', 'QA') AND t.assignee_id IS NOT NULL
         AND t.finished_at >= ${from} AND t.finished_at < ${to} ${onlyTask}
       GROUP BY 1, 2, 3, 4`,
    () => db.$queryRaw<{ operator_id: string; severity: string; error_date: string; n: number }[]>`
      SELECT q.operator_id, q.severity, ${pricingDateSql("q.checked_at", first, changes)} AS error_date, count(*)::int AS n
        FROM qa_check q
       WHERE q.outcome = 'error' AND q.checked_at >= ${from} AND q.checked_at < ${to} ${onlyCheck}
       GROUP BY 1, 2, 3`,
  );
  const workBy = new Map<string, WorkItem[]>();
  for (const r of work) {
    const list = workBy.get(r.operator_id) ?? [];
    list.push({ taskType: r.task_type, band: r.band, workDate: r.work_date, count: r.n });
    workBy.set(r.operator_id, list);
  }
  const errorsBy = new Map<string, ErrorItem[]>();
  for (const r of errors) {
    const list = errorsBy.get(r.operator_id) ?? [];
    list.push({ severity: r.severity, errorDate: r.error_date, count: r.n });
    errorsBy.set(r.operator_id, list);
  }
  return { workBy, errorsBy };
}

/** Everyone paid by the piece: active accountants and QA reviewers, plus anyone else who did paid work. */
async function operatorsFor(db: Reader, ids: readonly string[]): Promise<Operator[]> {
  const users = await db.user.findMany({
    where: { OR: [{ active: true, roles: { hasSome: ["ACCOUNTANT", "QA"] } }, { id: { in: [...ids] } }] },
    select: { id: true, name: true, email: true },
  });
  return users.sort((a, b) => a.name.localeCompare(b.name, "zh-CN") || a.email.localeCompare(b.email));
}

/** Every operator's statement for a month, computed now from the rows. */
export async function computeMonthStatements(args: { month: string; db?: Reader }): Promise<OperatorStatement[]> {
  assertMonth(args.month);
  const db = args.db ?? prisma;
  const rows = await listRates(db);
  const rates = rateTableOf(rows);
  const { workBy, errorsBy } = await gatherMonth(db, args.month, rows);
  const operators = await operatorsFor(db, [...new Set([...workBy.keys(), ...errorsBy.keys()])]);
  return operators.map((operator) => ({
    operator,
    statement: computeStatement({
      month: args.month,
      work: workBy.get(operator.id) ?? [],
      errors: errorsBy.get(operator.id) ?? [],
      rates,
      currency: DEFAULT_PAY_CURRENCY,
    }),
  }));
}

function storedToStatement(row: {
  month: string;
  pieces: number;
  grossPointsHundredths: bigint;
  deductionPointsHundredths: bigint;
  netPointsHundredths: bigint;
  amountMinor: bigint;
  currency: string;
  lines: Prisma.JsonValue;
}): Statement {
  const extra = (row.lines ?? {}) as Pick<Statement, "lines" | "deductions" | "missing" | "floored">;
  return {
    month: row.month,
    lines: extra.lines ?? [],
    deductions: extra.deductions ?? [],
    missing: extra.missing ?? [],
    floored: extra.floored ?? false,
    pieces: row.pieces,
    grossPointsHundredths: Number(row.grossPointsHundredths),
    deductionPointsHundredths: Number(row.deductionPointsHundredths),
    netPointsHundredths: Number(row.netPointsHundredths),
    amount: { minor: row.amountMinor, currency: row.currency },
  };
}

export async function storedStatements(db: Reader, month: string, operatorId?: string): Promise<OperatorStatement[]> {
  const rows = await db.payStatement.findMany({ where: { month, ...(operatorId ? { operatorId } : {}) } });
  const users = await db.user.findMany({ where: { id: { in: rows.map((r) => r.operatorId) } }, select: { id: true, name: true, email: true } });
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows
    .map((r) => ({ operator: byId.get(r.operatorId) ?? { id: r.operatorId, name: r.operatorId, email: "" }, statement: storedToStatement(r) }))
    .sort((a, b) => a.operator.name.localeCompare(b.operator.name, "zh-CN") || a.operator.email.localeCompare(b.operator.email));
}

/**
 * The month as payroll sees it: for a closed month the statements stored when it was closed (what was
 * paid), otherwise computed now (provisional).
 */
export async function monthStatements(args: { month: string }): Promise<{ period: PeriodInfo; statements: OperatorStatement[] }> {
  assertMonth(args.month);
  const period = await getPeriod(args.month);
  const statements = period ? await storedStatements(prisma, args.month) : await computeMonthStatements({ month: args.month });
  return { period, statements };
}

/** One operator's statement for a month (stored if the month is closed and they were paid in it). */
export async function operatorStatement(args: { month: string; operatorId: string }): Promise<{ period: PeriodInfo; entry: OperatorStatement }> {
  assertMonth(args.month);
  const period = await getPeriod(args.month);
  if (period) {
    const [stored] = await storedStatements(prisma, args.month, args.operatorId);
    if (stored) return { period, entry: stored };
  }
  const operator = await prisma.user.findUnique({ where: { id: args.operatorId }, select: { id: true, name: true, email: true } });
  if (!operator) throw new AppError("not_found");
  const rows = await listRates();
  const { workBy, errorsBy } = await gatherMonth(prisma, args.month, rows, args.operatorId);
  const statement = computeStatement({
    month: args.month,
    work: workBy.get(operator.id) ?? [],
    errors: errorsBy.get(operator.id) ?? [],
    rates: rateTableOf(rows),
    currency: DEFAULT_PAY_CURRENCY,
  });
  return { period, entry: { operator, statement } };
}

/** The month shown by default: the current one in the SSC calendar. */
export function defaultMonth(now: Date = new Date()): string {
  return monthOf(now, SSC_TIME_ZONE);
}
