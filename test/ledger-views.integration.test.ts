import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimVoucherPanel, claimVouchers, listExports, listPeriodsWithCounts, listVouchers, pendingView, voucherDetail } from "~/models/ledger-views.server";
import { prisma } from "~/utils/db.server";
import { claimVoucherLines, seedViewAccounts, seedViewVoucher } from "../fixtures/ledger-views";
import { createClaim, createOrg, createUser, type Org } from "./helpers";

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
});

async function ledgerOrg(): Promise<Org> {
  const org = await createOrg();
  await seedViewAccounts(db, org.companyId);
  return org;
}

describe("the ledger's read model", () => {
  it("lists the viewer's companies' vouchers with filters, search and paging; another company's voucher is not found", async () => {
    const a = await ledgerOrg();
    const b = await ledgerOrg();
    const employee = await createUser(a);
    const admin = await createUser(a, { roles: ["ADMIN"] });
    const accountantWithout = await createUser(a, { roles: ["ACCOUNTANT"] });
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: a.companyId } });
    const claim = await createClaim(employee, { status: "APPROVED" });

    const first = await seedViewVoucher(db, {
      companyId: a.companyId,
      date: "2026-11-30",
      claimId: claim.id,
      description: `报销 ${claim.number}`,
      attachmentCount: 2,
      lines: claimVoucherLines({ netMinor: 10_000n, vatMinor: 600n, employeeId: employee.id, departmentId: a.departmentId, projectCode: "P-1" }),
    });
    const others = [];
    for (let i = 0; i < 3; i += 1) others.push(await seedViewVoucher(db, { companyId: a.companyId, date: "2026-12-02", lines: claimVoucherLines({ netMinor: BigInt(100 + i) }) }));
    const foreign = await seedViewVoucher(db, { companyId: b.companyId, date: "2026-12-02", lines: claimVoucherLines({ netMinor: 5n }) });
    expect([first.number, ...others.map((o) => o.number)]).toEqual([1, 1, 2, 3]);

    const all = await listVouchers(admin);
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.id)).not.toContain(foreign.id);
    expect(all.items[0]!.voucherDate).toBe("2026-12-02");

    expect((await listVouchers(admin, { period: "2026-11" })).items.map((i) => i.label)).toEqual(["记-0001"]);
    expect((await listVouchers(admin, { kind: "REVERSAL" })).total).toBe(0);
    expect((await listVouchers(admin, { q: claim.number })).items.map((i) => i.id)).toEqual([first.id]);
    expect((await listVouchers(admin, { q: "记-0003" })).items.map((i) => i.id)).toEqual([others[2]!.id]);
    expect((await listVouchers(admin, { companyId: b.companyId })).total).toBe(0);
    expect((await listVouchers(accountantWithout)).total).toBe(0);
    await expect(listVouchers(employee)).rejects.toMatchObject({ code: "forbidden" });

    const detail = await voucherDetail(admin, first.id);
    expect(detail).toMatchObject({ label: "记-0001", period: "2026-11", attachmentCount: 2, totalMinor: "10600", claim: { id: claim.id, number: claim.number }, reversedBy: null });
    expect(detail!.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.projectCode])).toEqual([
      ["6602.01", "10000", "0", "P-1"],
      ["22210101", "600", "0", "P-1"],
      ["224101", "0", "10600", "P-1"],
    ]);
    expect(detail!.lines[0]!.accountNameZh).toBe("管理费用-差旅费");
    expect(detail!.lines[0]!.employee).toBe(employee.name);
    expect(await voucherDetail(admin, foreign.id)).toBeNull();

    // A red reversal links both ways and shows on the claim.
    // The database refuses a voucher that does not balance, and the refused posting gives its number back.
    const lopsided = await seedViewVoucher(db, {
      companyId: a.companyId,
      date: "2026-12-03",
      lines: [
        { accountCode: "6602.01", debitMinor: 100n },
        { accountCode: "224101", creditMinor: 90n },
      ],
    }).catch((e: unknown) => e);
    expect(String(lopsided)).toMatch(/does not balance/);
    const reversal = await seedViewVoucher(db, {
      companyId: a.companyId,
      date: "2026-12-03",
      reversesId: first.id,
      description: "冲销 记-0001",
      lines: [
        { accountCode: "6602.01", debitMinor: -10_000n },
        { accountCode: "22210101", debitMinor: -600n },
        { accountCode: "224101", creditMinor: -10_600n },
      ],
    });
    expect((await voucherDetail(admin, first.id))!.reversedBy).toMatchObject({ id: reversal.id, label: "记-0004" });
    expect((await voucherDetail(admin, reversal.id))!.reverses).toMatchObject({ id: first.id, label: "记-0001", period: "2026-11" });
    expect((await claimVouchers(prisma, claim.id)).map((v) => [v.label, v.kind])).toEqual([
      ["记-0001", "CLAIM"],
      ["记-0004", "REVERSAL"],
    ]);

    const periods = await listPeriodsWithCounts(admin);
    expect(periods.map((p) => [p.period, p.voucherCount, p.status])).toEqual([
      ["2026-12", 4, "OPEN"],
      ["2026-11", 1, "OPEN"],
    ]);
    expect(await listExports(admin)).toEqual([]);
  });

  it("pages by fifty", async () => {
    const a = await ledgerOrg();
    const admin = await createUser(a, { roles: ["SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: a.companyId } });
    for (let i = 0; i < 52; i += 1) await seedViewVoucher(db, { companyId: a.companyId, date: "2026-10-15", lines: claimVoucherLines({ netMinor: 1n }) });
    const p1 = await listVouchers(admin, { page: 1 });
    const p2 = await listVouchers(admin, { page: 2 });
    expect([p1.total, p1.items.length, p2.items.length]).toEqual([52, 50, 2]);
    expect(p2.items.map((i) => i.label)).toEqual(["记-0002", "记-0001"]);
  });

  it("the claim page's panel: the vouchers for anyone shown the claim, links only for a ledger reader of its company", async () => {
    const a = await ledgerOrg();
    const employee = await createUser(a);
    const reader = await createUser(a, { roles: ["ACCOUNTANT"] });
    const stranger = await createUser(a, { roles: ["ACCOUNTANT"] });
    await prisma.userCompany.create({ data: { userId: reader.id, companyId: a.companyId } });
    const claim = await createClaim(employee, { status: "APPROVED" });
    expect(await claimVoucherPanel(employee, { id: claim.id, companyId: a.companyId })).toEqual({ vouchers: [], linkable: false });
    await seedViewVoucher(db, { companyId: a.companyId, date: "2026-12-01", claimId: claim.id, lines: claimVoucherLines({ netMinor: 5_000n }) });
    const asEmployee = await claimVoucherPanel(employee, { id: claim.id, companyId: a.companyId });
    expect(asEmployee.vouchers.map((v) => [v.label, v.totalMinor])).toEqual([["记-0001", "5000"]]);
    expect(asEmployee.linkable).toBe(false);
    expect((await claimVoucherPanel(reader, { id: claim.id, companyId: a.companyId })).linkable).toBe(true);
    expect((await claimVoucherPanel(stranger, { id: claim.id, companyId: a.companyId })).linkable).toBe(false);
  });

  it("the not-yet-posted list: an approved claim with an unmapped category, with its number and the reason; nothing of another company", async () => {
    const a = await ledgerOrg();
    const b = await ledgerOrg();
    const employee = await createUser(a);
    const admin = await createUser(a, { roles: ["ADMIN"] });
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: b.companyId } });
    await prisma.expenseCategory.createMany({ data: [{ code: "TAXI", name: "Taxi", nameZh: "出租车", sortOrder: 30 }], skipDuplicates: true });
    const claim = await createClaim(employee, { status: "APPROVED" });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-20"), categoryCode: "TAXI", merchant: "Taxi", amountMinor: 4_200n, currency: "CNY" } });
    expect((await pendingView(admin)).rows.map((r) => r.claimNumber)).not.toContain(claim.number);
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: a.companyId } });
    const row = (await pendingView(admin)).rows.find((r) => r.claimId === claim.id);
    expect(row).toMatchObject({ claimNumber: claim.number, kind: "CLAIM", status: "ledger_unmapped", companyId: a.companyId });
    expect(row!.missing).toContainEqual(expect.objectContaining({ kind: "mapping", purpose: "EXPENSE", categoryCode: "TAXI" }));
  });
});
