/**
 * Closing a month for payroll (its statements stored with the period, for good) and checking a closed
 * month by recomputing it from the rows.
 */
import { AppError } from "~/domain/app-error";
import { compareStatements, figuresOf, monthRange, type StatementDifference, type StatementFigures } from "~/domain/piece-rate";
import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { getPeriod } from "./pay-periods.server";
import { assertMonth, computeMonthStatements, DEFAULT_PAY_CURRENCY, storedStatements, type OperatorStatement } from "./pay-statements.server";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";

/**
 * Closes a month: computes every statement and stores it with the period, in one transaction with its
 * audit event. Refused while the month is still running, when it is already closed, or when some work
 * has no rate (closing would pay it as zero for good).
 */
export async function closeMonth(args: { month: string; actorId: string; now?: Date }): Promise<{ operators: number; total: bigint; currency: string }> {
  assertMonth(args.month);
  const now = args.now ?? new Date();
  if (monthRange(args.month, SSC_TIME_ZONE).to > now) throw new AppError("month_not_over");
  try {
    return await prisma.$transaction(
      async (tx) => {
        // Taken first: a second close of the same month waits here and then fails on the key.
        await tx.payPeriod.create({ data: { month: args.month, closedBy: args.actorId, closedAt: now } });
        const statements = await computeMonthStatements({ month: args.month, db: tx });
        const missing = statements.filter((s) => s.statement.missing.length > 0);
        if (missing.length > 0) {
          throw new AppError("missing_rates", { message: `no rate for some work of ${missing.map((m) => m.operator.email).join(", ")}` });
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
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new AppError("already_closed");
    throw err;
  }
}

export type RecomputeCheck = { matches: boolean; differences: (StatementDifference & { operatorName: string })[] };

/** Recomputes a closed month from the rows and compares it with what was stored when it was closed. */
export async function recomputeClosedMonth(args: { month: string }): Promise<RecomputeCheck> {
  assertMonth(args.month);
  if (!(await getPeriod(args.month))) throw new AppError("not_closed");
  const [stored, fresh] = await Promise.all([storedStatements(prisma, args.month), computeMonthStatements({ month: args.month })]);
  const toMap = (list: OperatorStatement[]) => new Map<string, StatementFigures>(list.map((s) => [s.operator.id, figuresOf(s.statement)]));
  // An operator added after the close with nothing done in the month is not a difference.
  const freshMap = toMap(fresh.filter((s) => s.statement.pieces > 0 || s.statement.deductions.length > 0 || stored.some((x) => x.operator.id === s.operator.id)));
  const names = new Map([...stored, ...fresh].map((s) => [s.operator.id, s.operator.name]));
  const differences = compareStatements(toMap(stored), freshMap).map((d) => ({ ...d, operatorName: names.get(d.operatorId) ?? d.operatorId }));
  return { matches: differences.length === 0, differences };
}
