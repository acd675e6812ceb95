/** Writes the demo piece rates (fixtures/pay-rates.ts), valid from 2025-01-01, before any seeded claim. */
import type { PrismaClient } from "~/generated/prisma/client";
import { PIECE_RATES, POINT_VALUE, QUALITY_DEDUCTIONS } from "../../fixtures/pay-rates";
import { stableId } from "./plan";

export const PAY_VALID_FROM = new Date("2025-01-01T00:00:00Z");

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
