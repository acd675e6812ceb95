/**
 * The piece-rate tables (points per piece, quality deductions, the value of a point), each row valid
 * from a date. Rows on or before a closed month are final: changing them would change what was paid.
 */
import { AppError } from "~/domain/app-error";
import { parseAmount } from "~/domain/money";
import { rateFormSchema, type RateKind } from "~/domain/pay-rate-forms";
import { BANDS, firstEditableDate, PAID_TASK_TYPES, SEVERITIES, type RateTable } from "~/domain/piece-rate";
import { Prisma } from "~/generated/prisma/client";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";
import { parseFields } from "~/utils/forms";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { closedMonths } from "./pay-periods.server";
import { isoDate } from "~/domain/calendar-date";

type Reader = Db | Tx;


export type RateRows = {
  pieceRates: { id: string; taskType: string; band: string; pointsHundredths: number; validFrom: string }[];
  deductions: { id: string; severity: string; pointsHundredths: number; validFrom: string }[];
  pointValues: { id: string; minorPerPoint: string; currency: string; validFrom: string }[];
};

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

async function assertEditable(tx: Tx, dates: string[]): Promise<void> {
  const first = firstEditableDate(await closedMonths(tx));
  if (first && dates.some((d) => d < first)) throw new AppError("closed_period", { fieldErrors: { validFrom: "closed_period" }, message: first });
}

/**
 * Creates or updates one rate row. Validated per field; refused (validFrom: closed_period) when the
 * row's old or new date is inside or before a closed month, because that would change what was paid.
 */
export async function saveRate(args: { actorId: string; kind: RateKind; id?: string | null; input: Record<string, unknown> }): Promise<{ id: string }> {
  const parsed = parseFields(rateFormSchema(args.kind), args.input);
  if (!parsed.ok) throw new AppError("invalid", { fieldErrors: parsed.fieldErrors });
  const data = parsed.value as Record<string, string | number>;
  const validFrom = new Date(`${String(data.validFrom)}T00:00:00Z`);
  let row: Record<string, unknown>;
  if (args.kind === "piece") row = { taskType: data.taskType, band: data.band, pointsHundredths: data.points, validFrom };
  else if (args.kind === "deduction") row = { severity: data.severity, pointsHundredths: data.points, validFrom };
  else {
    const minor = parseAmount(String(data.amount), String(data.currency));
    if (!minor.ok) throw new AppError("invalid", { fieldErrors: { amount: "invalid_amount" } }); // the schema refused it already
    row = { minorPerPoint: minor.minor, currency: data.currency, validFrom };
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const id = args.id ?? newId();
      const dates = [String(data.validFrom)];
      if (args.id) {
        const old = await findRate(tx, args.kind, args.id);
        if (!old) throw new AppError("not_found");
        dates.push(isoDate(old.validFrom));
      }
      await assertEditable(tx, dates);
      if (args.kind === "pointValue") {
        // One pay currency: a month priced partly in another currency could not be added up.
        const other = await tx.pointValue.findFirst({ where: { currency: { not: String(data.currency) }, ...(args.id ? { id: { not: args.id } } : {}) }, select: { currency: true } });
        if (other) throw new AppError("invalid", { fieldErrors: { currency: "currency_mismatch" }, message: other.currency });
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
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new AppError("invalid", { fieldErrors: { validFrom: "duplicate" } });
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
    if (!old) throw new AppError("not_found");
    await assertEditable(tx, [isoDate(old.validFrom)]);
    if (args.kind === "piece") await tx.pieceRate.delete({ where: { id: args.id } });
    else if (args.kind === "deduction") await tx.qualityDeduction.delete({ where: { id: args.id } });
    else await tx.pointValue.delete({ where: { id: args.id } });
    await recordAudit(tx, { actorId: args.actorId, type: "pay.rate_deleted", data: { kind: args.kind, id: args.id, validFrom: isoDate(old.validFrom) } });
  });
}
