/**
 * Demo piece rates (docs/decisions/008-piece-rate-and-scorecards.md): only the SSC operators' own work —
 * reviews and QA checks — is paid by the piece, weighted by complexity band; QA errors deduct by
 * severity; one point is worth 3.00 CNY. Valid from 2025-01-01, before any seeded claim.
 */
import type { PrismaClient } from "~/generated/prisma/client";
import { stableId } from "./plan";

export const PAY_VALID_FROM = new Date("2025-01-01T00:00:00Z");

/** Points per piece, in hundredths. A QA check re-reads a finished claim: cheaper than the review itself. */
export const PIECE_RATES: { taskType: "REVIEW" | "QA"; band: "S" | "M" | "L" | "XL"; pointsHundredths: number }[] = [
  { taskType: "REVIEW", band: "S", pointsHundredths: 100 },
  { taskType: "REVIEW", band: "M", pointsHundredths: 160 },
  { taskType: "REVIEW", band: "L", pointsHundredths: 250 },
  { taskType: "REVIEW", band: "XL", pointsHundredths: 400 },
  { taskType: "QA", band: "S", pointsHundredths: 60 },
  { taskType: "QA", band: "M", pointsHundredths: 80 },
  { taskType: "QA", band: "L", pointsHundredths: 100 },
  { taskType: "QA", band: "XL", pointsHundredths: 120 },
];

export const QUALITY_DEDUCTIONS: { severity: "minor" | "major" | "critical"; pointsHundredths: number }[] = [
  { severity: "minor", pointsHundredths: 50 },
  { severity: "major", pointsHundredths: 300 },
  { severity: "critical", pointsHundredths: 1000 },
];

export const POINT_VALUE = { minorPerPoint: 300n, currency: "CNY" };

/** Replaces the rate tables with the defaults (pay periods and statements go with the users on --reset). */
export async function seedPay(db: PrismaClient): Promise<void> {
  await db.$transaction([
    db.pieceRate.deleteMany({}),
    db.qualityDeduction.deleteMany({}),
    db.pointValue.deleteMany({}),
    db.pieceRate.createMany({
      data: PIECE_RATES.map((r) => ({ id: stableId("piece-rate", r.taskType, r.band), ...r, validFrom: PAY_VALID_FROM })),
    }),
    db.qualityDeduction.createMany({
      data: QUALITY_DEDUCTIONS.map((d) => ({ id: stableId("deduction", d.severity), ...d, validFrom: PAY_VALID_FROM })),
    }),
    db.pointValue.create({ data: { id: stableId("point-value", "default"), ...POINT_VALUE, validFrom: PAY_VALID_FROM } }),
  ]);
}
