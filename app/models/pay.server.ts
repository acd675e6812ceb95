/**
 * Piece-rate pay: monthly statements from the task and qa_check rows, closing a month, checking a closed
 * month by recomputing it, the rate tables, and the payroll CSV. The arithmetic is app/domain/piece-rate.ts;
 * this file only gathers its inputs — one grouped query for all operators, whatever their number.
 */
import { z } from "zod";
import {
  BANDS,
  compareStatements,
  computeStatement,
  figuresOf,
  firstEditableDate,
  monthDays,
  monthOf,
  monthRange,
  PAID_TASK_TYPES,
  pointsToString,
  SEVERITIES,
  type ErrorItem,
  type RateTable,
  type Statement,
  type StatementDifference,
  type StatementFigures,
  type WorkItem,
} from "~/domain/piece-rate";
import { isCurrencyCode, minorToDecimalString } from "~/domain/money";
import { DEFAULT_CALENDAR } from "~/domain/work-calendar";
import { Prisma } from "~/generated/prisma/client";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { lockAuditChainFirst, recordAudit } from "./audit.server";

/** The SSC works (and is paid) by its own calendar: a task finished at 23:30 Shanghai time is that day's work. */
export const SSC_TIME_ZONE = DEFAULT_CALENDAR.timeZone;
/** Used for an operator's statement when no point value applies (an empty month). */
export const DEFAULT_PAY_CURRENCY = "CNY";

type Reader = Db | Tx;

export class PayError extends Error {
  constructor(
    readonly code: "invalid_month" | "already_closed" | "not_closed" | "month_not_over" | "missing_rates" | "invalid" | "not_found" | "closed_period",
    readonly fieldErrors: Record<string, string> = {},
    message?: string,
  ) {
    super(message ?? code);
    this.name = "PayError";
  }
}

export type Operator = { id: string; name: string; email: string };
export type OperatorStatement = { operator: Operator; statement: Statement };

export type RateRows = {
  pieceRates: { id: string; taskType: string; band: string; pointsHundredths: number; validFrom: string }[];
  deductions: { id: string; severity: string; pointsHundredths: number; validFrom: string }[];
  pointValues: { id: string; minorPerPoint: string; currency: string; validFrom: string }[];
};

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export async function listRates(db: Reader = prisma): Promise<RateRows> {
  const [pieceRates, deductions, pointValues] = await readTogether(
    db,
    () => db.pieceRate.findMany({ orderBy: [{ taskType: "desc" }, { band: "asc" }, { validFrom: "asc" }] }),
    () => db.qualityDeduction.findMany({ orderBy: [{ severity: "asc" }, { validFrom: "asc" }] }),
    () => db.pointValue.findMany({ orderBy: { validFrom: "asc" } }),
  );
  const bandOrder = (b: string) => BANDS.indexOf(b as never);
  const sevOrder = (s: string) => SEVERITIES.indexOf(s as never);
  return {
    pieceRates: pieceRates
      .map((r) => ({ id: r.id, taskType: r.taskType, band: r.band, pointsHundredths: r.pointsHundredths, validFrom: isoDate(r.validFrom) }))
      .sort((a, b) => PAID_TASK_TYPES.indexOf(a.taskType as never) - PAID_TASK_TYPES.indexOf(b.taskType as never) || bandOrder(a.band) - bandOrder(b.band) || a.validFrom.localeCompare(b.validFrom)),
    deductions: deductions
      .map((d) => ({ id: d.id, severity: d.severity, pointsHundredths: d.pointsHundredths, validFrom: isoDate(d.validFrom) }))
      .sort((a, b) => sevOrder(a.severity) - sevOrder(b.severity) || a.validFrom.localeCompare(b.validFrom)),
    pointValues: pointValues.map((p) => ({ id: p.id, minorPerPoint: p.minorPerPoint.toString(), currency: p.currency, validFrom: isoDate(p.validFrom) })),
  };
}

export function rateTableOf(rows: RateRows): RateTable {
  return {
    pieceRates: rows.pieceRates,
    deductions: rows.deductions,
    pointValues: rows.pointValues.map((p) => ({ ...p, minorPerPoint: BigInt(p.minorPerPoint) })),
  };
}

export function assertMonth(month: string): void {
  try {
    monthDays(month);
  } catch {
    throw new PayError("invalid_month");
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

export type PeriodInfo = { month: string; closedAt: Date; closedBy: { id: string; name: string } | null } | null;

export async function getPeriod(month: string, db: Reader = prisma): Promise<PeriodInfo> {
  const period = await db.payPeriod.findUnique({ where: { month } });
  if (!period) return null;
  const by = await db.user.findUnique({ where: { id: period.closedBy }, select: { id: true, name: true } });
  return { month, closedAt: period.closedAt, closedBy: by };
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

async function storedStatements(db: Reader, month: string, operatorId?: string): Promise<OperatorStatement[]> {
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
  if (!operator) throw new PayError("not_found");
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

/**
 * Closes a month: computes every statement and stores it with the period, in one transaction with its
 * audit event. Refused while the month is still running, when it is already closed, or when some work
 * has no rate (closing would pay it as zero for good).
 */
export async function closeMonth(args: { month: string; actorId: string; now?: Date }): Promise<{ operators: number; total: bigint; currency: string }> {
  assertMonth(args.month);
  const now = args.now ?? new Date();
  if (monthRange(args.month, SSC_TIME_ZONE).to > now) throw new PayError("month_not_over");
  try {
    return await prisma.$transaction(
      async (tx) => {
        // Before any query: a REPEATABLE READ snapshot must not predate the audit chain's head (audit.server.ts).
        await lockAuditChainFirst(tx);
        // Taken first: a second close of the same month waits here and then fails on the key.
        await tx.payPeriod.create({ data: { month: args.month, closedBy: args.actorId, closedAt: now } });
        const statements = await computeMonthStatements({ month: args.month, db: tx });
        const missing = statements.filter((s) => s.statement.missing.length > 0);
        if (missing.length > 0) {
          throw new PayError("missing_rates", {}, `no rate for some work of ${missing.map((m) => m.operator.email).join(", ")}`);
        }
        await tx.payStatement.createMany({
          data: statements.map(({ operator, statement: s }) => ({
            id: newId(),
            month: args.month,
            operatorId: operator.id,
            pieces: s.pieces,
            grossPointsHundredths: BigInt(s.grossPointsHundredths),
            deductionPointsHundredths: BigInt(s.deductionPointsHundredths),
            netPointsHundredths: BigInt(s.netPointsHundredths),
            amountMinor: s.amount.minor,
            currency: s.amount.currency,
            lines: { lines: s.lines, deductions: s.deductions, missing: s.missing, floored: s.floored },
          })),
        });
        const currencies = [...new Set(statements.map((s) => s.statement.amount.currency))];
        const total = statements.reduce((n, s) => n + s.statement.amount.minor, 0n);
        await recordAudit(tx, {
          actorId: args.actorId,
          type: "pay.month_closed",
          data: { month: args.month, operators: statements.length, totalMinor: total.toString(), currencies },
        });
        return { operators: statements.length, total, currency: currencies[0] ?? DEFAULT_PAY_CURRENCY };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 120_000, maxWait: 10_000 },
    );
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new PayError("already_closed");
    throw err;
  }
}

export type RecomputeCheck = { matches: boolean; differences: (StatementDifference & { operatorName: string })[] };

/** Recomputes a closed month from the rows and compares it with what was stored when it was closed. */
export async function recomputeClosedMonth(args: { month: string }): Promise<RecomputeCheck> {
  assertMonth(args.month);
  if (!(await getPeriod(args.month))) throw new PayError("not_closed");
  const [stored, fresh] = await Promise.all([storedStatements(prisma, args.month), computeMonthStatements({ month: args.month })]);
  const toMap = (list: OperatorStatement[]) => new Map<string, StatementFigures>(list.map((s) => [s.operator.id, figuresOf(s.statement)]));
  // An operator added after the close with nothing done in the month is not a difference.
  const freshMap = toMap(fresh.filter((s) => s.statement.pieces > 0 || s.statement.deductions.length > 0 || stored.some((x) => x.operator.id === s.operator.id)));
  const names = new Map([...stored, ...fresh].map((s) => [s.operator.id, s.operator.name]));
  const differences = compareStatements(toMap(stored), freshMap).map((d) => ({ ...d, operatorName: names.get(d.operatorId) ?? d.operatorId }));
  return { matches: differences.length === 0, differences };
}

export async function closedMonths(db: Reader = prisma): Promise<string[]> {
  return (await db.payPeriod.findMany({ select: { month: true }, orderBy: { month: "asc" } })).map((p) => p.month);
}

// ── rates ──

export type RateKind = "piece" | "deduction" | "pointValue";

const dateField = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "invalid_date")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "invalid_date");
const pointsField = z
  .string()
  .trim()
  .min(1, "required")
  .regex(/^\d{1,7}(\.\d{1,2})?$/, "invalid_points")
  .transform((v) => Math.round(Number(v) * 100));

export const PieceRateForm = z.object({
  taskType: z.enum(PAID_TASK_TYPES, { message: "invalid_choice" }),
  band: z.enum(["S", "M", "L", "XL"], { message: "invalid_choice" }),
  points: pointsField.refine((h) => h <= 100_000, "too_large"),
  validFrom: dateField,
});
export const DeductionForm = z.object({
  severity: z.enum(SEVERITIES, { message: "invalid_choice" }),
  points: pointsField.refine((h) => h <= 1_000_000, "too_large"),
  validFrom: dateField,
});
export const PointValueForm = z.object({
  amount: z.string().trim().min(1, "required").regex(/^\d{1,6}(\.\d+)?$/, "invalid_amount"),
  currency: z.string().trim().toUpperCase().refine(isCurrencyCode, "invalid_currency"),
  validFrom: dateField,
});

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** Point value amounts are typed in major units ("2.50") and stored in minor units, exactly. */
function minorFromAmount(amount: string, currency: string): bigint | null {
  const exp = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const [whole, frac = ""] = amount.split(".");
  if (frac.replace(/0+$/, "").length > exp) return null;
  return BigInt(whole!) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, "0").slice(0, exp) || "0");
}

async function assertEditable(tx: Tx, dates: string[]): Promise<void> {
  const first = firstEditableDate(await closedMonths(tx));
  if (first && dates.some((d) => d < first)) throw new PayError("closed_period", { validFrom: "closed_period" }, first);
}

/**
 * Creates or updates one rate row. Validated per field; refused (validFrom: closed_period) when the
 * row's old or new date is inside or before a closed month, because that would change what was paid.
 */
export async function saveRate(args: { actorId: string; kind: RateKind; id?: string | null; input: Record<string, unknown> }): Promise<{ id: string }> {
  const schema = args.kind === "piece" ? PieceRateForm : args.kind === "deduction" ? DeductionForm : PointValueForm;
  const parsed = schema.safeParse(args.input);
  if (!parsed.success) throw new PayError("invalid", fieldErrorsOf(parsed.error));
  const data = parsed.data as Record<string, string | number>;
  const validFrom = new Date(`${String(data.validFrom)}T00:00:00Z`);
  let row: Record<string, unknown>;
  if (args.kind === "piece") row = { taskType: data.taskType, band: data.band, pointsHundredths: data.points, validFrom };
  else if (args.kind === "deduction") row = { severity: data.severity, pointsHundredths: data.points, validFrom };
  else {
    const minor = minorFromAmount(String(data.amount), String(data.currency));
    if (minor === null) throw new PayError("invalid", { amount: "too_many_decimals" });
    if (minor > 100_000_000n) throw new PayError("invalid", { amount: "too_large" });
    row = { minorPerPoint: minor, currency: data.currency, validFrom };
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const id = args.id ?? newId();
      const dates = [String(data.validFrom)];
      if (args.id) {
        const old = await findRate(tx, args.kind, args.id);
        if (!old) throw new PayError("not_found");
        dates.push(isoDate(old.validFrom));
      }
      await assertEditable(tx, dates);
      if (args.kind === "pointValue") {
        // One pay currency: a month priced partly in another currency could not be added up.
        const other = await tx.pointValue.findFirst({ where: { currency: { not: String(data.currency) }, ...(args.id ? { id: { not: args.id } } : {}) }, select: { currency: true } });
        if (other) throw new PayError("invalid", { currency: "currency_mismatch" }, other.currency);
      }
      if (args.kind === "piece") {
        const d = row as Prisma.PieceRateUncheckedCreateInput;
        if (args.id) await tx.pieceRate.update({ where: { id }, data: d });
        else await tx.pieceRate.create({ data: { ...d, id } });
      } else if (args.kind === "deduction") {
        const d = row as Prisma.QualityDeductionUncheckedCreateInput;
        if (args.id) await tx.qualityDeduction.update({ where: { id }, data: d });
        else await tx.qualityDeduction.create({ data: { ...d, id } });
      } else {
        const d = row as Prisma.PointValueUncheckedCreateInput;
        if (args.id) await tx.pointValue.update({ where: { id }, data: d });
        else await tx.pointValue.create({ data: { ...d, id } });
      }
      await recordAudit(tx, {
        actorId: args.actorId,
        type: args.id ? "pay.rate_updated" : "pay.rate_created",
        data: { kind: args.kind, id, ...Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])) },
      });
      return { id };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new PayError("invalid", { validFrom: "duplicate" });
    throw err;
  }
}

async function findRate(tx: Tx, kind: RateKind, id: string): Promise<{ validFrom: Date } | null> {
  if (kind === "piece") return tx.pieceRate.findUnique({ where: { id }, select: { validFrom: true } });
  if (kind === "deduction") return tx.qualityDeduction.findUnique({ where: { id }, select: { validFrom: true } });
  return tx.pointValue.findUnique({ where: { id }, select: { validFrom: true } });
}

export async function deleteRate(args: { actorId: string; kind: RateKind; id: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const old = await findRate(tx, args.kind, args.id);
    if (!old) throw new PayError("not_found");
    await assertEditable(tx, [isoDate(old.validFrom)]);
    if (args.kind === "piece") await tx.pieceRate.delete({ where: { id: args.id } });
    else if (args.kind === "deduction") await tx.qualityDeduction.delete({ where: { id: args.id } });
    else await tx.pointValue.delete({ where: { id: args.id } });
    await recordAudit(tx, { actorId: args.actorId, type: "pay.rate_deleted", data: { kind: args.kind, id: args.id, validFrom: isoDate(old.validFrom) } });
  });
}

// ── payroll export ──

function csvCell(value: string): string {
  // A cell starting with = + - @ would be run as a formula by Excel: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_HEADER = ["month", "status", "operator_email", "operator_name", "pieces", "gross_points", "deduction_points", "net_points", "amount", "currency"];

/** The month for payroll: UTF-8 with a BOM (Excel then reads Chinese names), one row per operator. */
export async function payrollCsv(args: { month: string }): Promise<string> {
  const { period, statements } = await monthStatements(args);
  const status = period ? "closed" : "provisional";
  const rows = statements.map(({ operator, statement: s }) => [
    args.month,
    status,
    operator.email,
    operator.name,
    String(s.pieces),
    pointsToString(s.grossPointsHundredths),
    pointsToString(s.deductionPointsHundredths),
    pointsToString(s.netPointsHundredths),
    minorToDecimalString(s.amount.minor, s.amount.currency),
    s.amount.currency,
  ]);
  return `\uFEFF${[CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** The month shown by default: the current one in the SSC calendar. */
export function defaultMonth(now: Date = new Date()): string {
  return monthOf(now, SSC_TIME_ZONE);
}
