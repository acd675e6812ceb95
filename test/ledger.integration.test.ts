/**
 * Issue 11, the ledger (real Postgres): approved claims become balanced, gaplessly numbered vouchers;
 * payments clear the payable; returns and admins reverse in red; closed periods refuse; exports are stable;
 * ERP numbers come back; the chart is imported.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Actor } from "~/domain/actor";
import { isAppError } from "~/domain/app-error";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { dateInZone, type VoucherDraft } from "~/domain/voucher";
import { importChartOfAccounts, listMappings, previewChartImport, removeMapping, setMapping } from "~/models/ledger-accounts.server";
import { exportVouchers, recordErpNumbers } from "~/models/ledger-export.server";
import { closePeriod, listPeriods } from "~/models/ledger-periods.server";
import { insertVoucherDrafts, pendingPostings, postClaimVoucher, postClaimVouchers, postPendingVouchers, reverseVoucher } from "~/models/ledger-posting.server";
import { markPaymentsFailed, markPaymentsPaid } from "~/models/payment-outcomes.server";
import { decideReview } from "~/models/review.server";
import { listVouchers, voucherDetail } from "~/models/ledger-views.server";
import { postClaimVoucherHandler } from "~/jobs/ledger-post-claim";
import { JOBS } from "~/domain/jobs";
import { enqueueJob } from "~/models/outbox.server";
import { getQueue } from "~/utils/queue.server";
import { startLedgerWorker } from "../workers/ledger";
import { startRelay } from "../workers/relay";
import type { Role } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { setupLedger } from "../fixtures/ledger";
import { createApprovedClaim, createReleasedRun, createTreasuryOrg, type TreasuryOrg } from "../fixtures/payment-runs";

const today = () => dateInZone(new Date(), SSC_TIME_ZONE);
const thisPeriod = () => today().slice(0, 7);

type LedgerOrg = TreasuryOrg & { bank: string; admin: Actor };

async function ledgerOrg(): Promise<LedgerOrg> {
  const o = await createTreasuryOrg();
  const { bankAccounts } = await setupLedger(prisma, o.company.id);
  const admin = await makeUser(o, ["EMPLOYEE", "ADMIN"]);
  return { ...o, bank: bankAccounts[o.payer.id]!, admin };
}

async function makeUser(o: TreasuryOrg, roles: Role[]): Promise<Actor> {
  const id = randomUUID();
  await prisma.user.create({ data: { id, email: `u-${id}@test.example`, name: `User ${id.slice(0, 6)}`, passwordHash: "!x", roles, companyId: o.company.id, departmentId: o.department.id } });
  await prisma.userCompany.create({ data: { userId: id, companyId: o.company.id } });
  return { id, roles };
}

async function voucherOf(id: string) {
  return prisma.voucher.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
}

/** The claim was approved at `at` (the voucher's date comes from the approval's audit event). */
async function approvedAt(claimId: string, at: string) {
  await prisma.auditEvent.create({ data: { claimId, type: "claim.approved", fromStatus: "IN_REVIEW", toStatus: "APPROVED", at: new Date(at), data: {} } });
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason?: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, reason: err.reason, details: err.details };
    throw err;
  }
  throw new Error("expected a refusal");
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
    expect(vouchers.map((v) => [v.number, v.period, v.totalMinor, v.voucherType])).toEqual([
      [1, thisPeriod(), 12_300n, "记"],
      [2, thisPeriod(), 4_500n, "记"],
      [3, thisPeriod(), 99_900n, "记"],
    ]);
    const v = await voucherOf(vouchers[0]!.id);
    expect(v.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.externalId, l.employeeId, l.departmentId])).toEqual([
      ["6602.01", 12_300n, 0n, `AF-${v.id}-1`, claims[0]!.claimantId, o.department.id],
      ["224101", 0n, 12_300n, `AF-${v.id}-2`, claims[0]!.claimantId, o.department.id],
    ]);
    expect(v.description).toContain(claims[0]!.number);
    expect(v.sourceKey).toBe(`claim:${claims[0]!.id}`);
    expect(await postClaimVoucher(prisma, claims[0]!.id)).toEqual({ status: "exists", voucherId: v.id });
    const period = await prisma.accountingPeriod.findUniqueOrThrow({ where: { companyId_period: { companyId: o.company.id, period: thisPeriod() } } });
    expect(period.nextVoucherNumber).toBe(4);
    expect(await prisma.auditEvent.count({ where: { claimId: claims[0]!.id, type: "ledger.voucher_posted" } })).toBe(1);
  });

  it("concurrent postings and rolled-back ones leave no gap in the numbers", async () => {
    const o = await ledgerOrg();
    const claims = [];
    for (let i = 0; i < 12; i += 1) claims.push((await createApprovedClaim(o, BigInt(1_000 + i))).claim);
    const draft = (n: number): VoucherDraft => ({
      companyId: o.company.id,
      kind: "CLAIM",
      date: today(),
      period: thisPeriod(),
      description: "rolled back",
      attachmentCount: 0,
      currency: "CNY",
      totalMinor: 100n,
      claimId: null,
      paymentId: null,
      reversesId: null,
      sourceKey: `test-rollback:${randomUUID()}:${n}`,
      lines: [
        { position: 1, accountCode: "6602.99", description: "x", debitMinor: 100n, creditMinor: 0n, currency: "CNY", originalMinor: 100n, rate: "1", departmentId: null, employeeId: null, projectCode: null },
        { position: 2, accountCode: "224101", description: "x", debitMinor: 0n, creditMinor: 100n, currency: "CNY", originalMinor: 100n, rate: "1", departmentId: null, employeeId: null, projectCode: null },
      ],
    });
    const rolledBack = async (n: number) => {
      await prisma
        .$transaction(async (tx) => {
          const r = await insertVoucherDrafts(tx, [draft(n)], null);
          expect(r.posted.size).toBe(1);
          throw new Error("refused after numbering");
        })
        .catch((err: Error) => expect(err.message).toBe("refused after numbering"));
    };
    await Promise.all([...claims.map((c) => postClaimVoucher(prisma, c.id)), rolledBack(1), rolledBack(2), rolledBack(3)]);
    const numbers = (await prisma.voucher.findMany({ where: { companyId: o.company.id }, orderBy: { number: "asc" }, select: { number: true } })).map((v) => v.number);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const period = await prisma.accountingPeriod.findUniqueOrThrow({ where: { companyId_period: { companyId: o.company.id, period: thisPeriod() } } });
    expect(period.nextVoucherNumber).toBe(13);

    // The job and the sweep posting the same claim at once: one voucher, one number.
    const { claim } = await createApprovedClaim(o, 2_000n);
    const both = await Promise.all([postClaimVoucher(prisma, claim.id), postClaimVouchers(prisma, [claim.id]).then(([r]) => r!)]);
    expect(both.map((r) => r.status).sort()).toEqual(["exists", "posted"]);
    expect(await prisma.voucher.count({ where: { claimId: claim.id } })).toBe(1);
    expect((await prisma.accountingPeriod.findUniqueOrThrow({ where: { companyId_period: { companyId: o.company.id, period: thisPeriod() } } })).nextVoucherNumber).toBe(14);
  });

  it("approved less, VAT and a foreign line: the amounts, the deductible VAT on its own line, the project", async () => {
    const o = await ledgerOrg();
    await prisma.exchangeRate.upsert({
      where: { base_quote_validOn: { base: "USD", quote: "CNY", validOn: new Date("2026-11-02T00:00:00Z") } },
      update: { rate: "7.1" },
      create: { base: "USD", quote: "CNY", validOn: new Date("2026-11-02T00:00:00Z"), rate: "7.1" },
    });
    const { claim } = await createApprovedClaim(o, 1n);
    await prisma.claim.update({ where: { id: claim.id }, data: { projectCode: "PRJ-7" } });
    await prisma.claimLine.deleteMany({ where: { claimId: claim.id } });
    type LineData = { categoryCode: string; amountMinor: bigint; currency: string; invoiceKind?: string; taxMinor?: bigint; transportMode?: string; approvedMinor?: bigint };
    const line = (position: number, data: LineData) => ({ id: randomUUID(), claimId: claim.id, position, spentOn: new Date("2026-11-20T00:00:00Z"), merchant: "m", ...data });
    await prisma.claimLine.createMany({
      data: [
        line(1, { categoryCode: "OFFICE", amountMinor: 11_300n, currency: "CNY", invoiceKind: "SPECIAL_VAT", taxMinor: 1_300n, approvedMinor: 5_650n }),
        line(2, { categoryCode: "RAIL", amountMinor: 10_900n, currency: "CNY", invoiceKind: "TRANSPORT_TICKET", transportMode: "RAIL" }),
        line(3, { categoryCode: "HOTEL", amountMinor: 10_000n, currency: "USD", invoiceKind: "SPECIAL_VAT", taxMinor: 600n }),
        line(4, { categoryCode: "MEAL", amountMinor: 8_000n, currency: "CNY", approvedMinor: 0n }),
      ],
    });
    const r = await postClaimVoucher(prisma, claim.id);
    if (r.status !== "posted") throw new Error(r.status);
    const v = await voucherOf(r.voucherId);
    expect(v.totalMinor).toBe(5_650n + 10_900n + 71_000n);
    expect(v.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.currency, l.originalMinor, l.rate, l.projectCode])).toEqual([
      ["6602.03", 5_000n, 0n, "CNY", 5_000n, "1", "PRJ-7"],
      ["22210101", 650n, 0n, "CNY", 650n, "1", "PRJ-7"],
      ["6602.01", 10_000n, 0n, "CNY", 10_000n, "1", "PRJ-7"],
      ["22210101", 900n, 0n, "CNY", 900n, "1", "PRJ-7"],
      ["6602.01", 71_000n, 0n, "USD", 10_000n, "7.1", "PRJ-7"],
      ["224101", 0n, 87_550n, "CNY", 87_550n, "1", "PRJ-7"],
    ]);
  });

  it("an unmapped category is refused with what is missing, and listed by pendingPostings", async () => {
    const o = await ledgerOrg();
    const { claim } = await createApprovedClaim(o, 5_000n);
    await prisma.glMapping.deleteMany({ where: { companyId: o.company.id, purpose: "EXPENSE", categoryCode: "TAXI" } });
    const err = await refusal(postClaimVoucher(prisma, claim.id));
    expect(err.code).toBe("ledger_unmapped");
    expect(err.details.missing).toEqual([{ kind: "mapping", purpose: "EXPENSE", categoryCode: "TAXI", departmentId: o.department.id }]);
    const pending = await pendingPostings(prisma, [o.company.id]);
    expect(pending).toEqual([expect.objectContaining({ source: `claim:${claim.id}`, claimNumber: claim.number, status: "ledger_unmapped", period: thisPeriod() })]);
    const sweep = await postPendingVouchers(prisma, { companyIds: [o.company.id] });
    expect(sweep.failed).toEqual([expect.objectContaining({ source: `claim:${claim.id}`, code: "ledger_unmapped" })]);
    expect(await prisma.voucher.count({ where: { companyId: o.company.id } })).toBe(0);
  });
});

describe("the approval hook", () => {
  it("an accountant's approval puts the voucher job in the outbox; the job posts it once and is done", async () => {
    const o = await ledgerOrg();
    const code = `G${randomUUID().slice(0, 8).toUpperCase()}`;
    const group = await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: `Group ${code}`, nameZh: `组 ${code}` } });
    await prisma.groupMember.create({ data: { groupId: group.id, userId: o.accountant.id } });
    const claimant = await makeUser(o, ["EMPLOYEE"]);
    const claim = await prisma.claim.create({
      data: { id: randomUUID(), number: `LED-${code}`, claimantId: claimant.id, companyId: o.company.id, departmentId: o.department.id, purpose: "客户拜访", status: "IN_REVIEW", version: 4, groupId: group.id },
    });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-24T00:00:00Z"), categoryCode: "TAXI", merchant: "滴滴", amountMinor: 6_600n, currency: "CNY" } });
    const taskId = randomUUID();
    await prisma.task.create({ data: { id: taskId, claimId: claim.id, type: "REVIEW", status: "IN_PROGRESS", groupId: group.id, assigneeId: o.accountant.id, claimVersion: 3, startedAt: new Date() } });

    await decideReview({ viewer: { id: o.accountant.id, roles: ["EMPLOYEE", "ACCOUNTANT"] }, taskId, claimVersion: 4, decision: "approve" });
    const job = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: `ledger-claim-${claim.id}` } });
    expect([job.queue, job.jobName, job.payload]).toEqual(["ledger", "post-claim-voucher", { claimId: claim.id }]);

    const first = await postClaimVoucherHandler.run({ claimId: claim.id }, { jobId: job.jobKey });
    expect(first.status).toBe("posted");
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("DONE");
    // Delivered twice (BullMQ is at-least-once): still one voucher.
    expect((await postClaimVoucherHandler.run({ claimId: claim.id }, { jobId: job.jobKey })).status).toBe("exists");
    const vouchers = await prisma.voucher.findMany({ where: { claimId: claim.id } });
    expect(vouchers.map((v) => [v.totalMinor, v.voucherDate.toISOString().slice(0, 10)])).toEqual([[6_600n, today()]]);
  });
});

describe("payments", () => {
  it("a paid payment clears the payable against the bank; a return after it was paid reverses it in red", async () => {
    const o = await ledgerOrg();
    const run = await createReleasedRun(o, [123_450n, 8_800n]);
    const payments = await prisma.payment.findMany({ where: { runId: run.runId }, orderBy: { position: "asc" } });
    await prisma.payment.updateMany({ where: { runId: run.runId }, data: { status: "SENT" } });
    await prisma.$transaction((tx) => markPaymentsPaid(tx, payments.map((p) => p.id), { actorId: null, source: "statement" }));
    expect(await prisma.outboxEvent.count({ where: { jobName: "ledger-sweep", jobKey: { startsWith: "ledger-sweep-" } } })).toBeGreaterThan(0);

    const sweep = await postPendingVouchers(prisma, { companyIds: [o.company.id] });
    expect(sweep).toEqual({ posted: 2, failed: [] });
    const paymentVoucher = await prisma.voucher.findUniqueOrThrow({ where: { sourceKey: `payment:${payments[0]!.id}` }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(paymentVoucher.kind).toBe("PAYMENT");
    expect(paymentVoucher.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.employeeId])).toEqual([
      ["224101", 123_450n, 0n, run.lines[0]!.employee.id],
      [o.bank, 0n, 123_450n, run.lines[0]!.employee.id],
    ]);
    expect(await postPendingVouchers(prisma, { companyIds: [o.company.id] })).toEqual({ posted: 0, failed: [] });

    await prisma.$transaction((tx) => markPaymentsFailed(tx, [{ paymentId: payments[0]!.id, reason: "AC04 账户已销户" }], "RETURNED", { actorId: null, source: "statement" }));
    expect((await pendingPostings(prisma, [o.company.id])).map((p) => p.source)).toEqual([`reversal:${paymentVoucher.id}`]);
    expect(await postPendingVouchers(prisma, { companyIds: [o.company.id] })).toEqual({ posted: 1, failed: [] });
    const red = await prisma.voucher.findUniqueOrThrow({ where: { sourceKey: `reversal:${paymentVoucher.id}` }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(red).toMatchObject({ kind: "REVERSAL", reversesId: paymentVoucher.id, totalMinor: -123_450n, period: thisPeriod() });
    expect(red.description).toContain("AC04");
    expect(red.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor])).toEqual([
      ["224101", -123_450n, 0n],
      [o.bank, 0n, -123_450n],
    ]);
    expect(await postPendingVouchers(prisma, { companyIds: [o.company.id] })).toEqual({ posted: 0, failed: [] });
  });
});

describe("reversal by an admin", () => {
  it("a reversed payment voucher of a payment still paid is posted again under payment:<id>#2", async () => {
    const o = await ledgerOrg();
    const run = await createReleasedRun(o, [5_500n]);
    const [payment] = await prisma.payment.findMany({ where: { runId: run.runId } });
    await prisma.payment.update({ where: { id: payment!.id }, data: { status: "SENT" } });
    await prisma.$transaction((tx) => markPaymentsPaid(tx, [payment!.id], { actorId: null, source: "statement" }));
    expect(await postPendingVouchers(prisma, { companyIds: [o.company.id] })).toEqual({ posted: 1, failed: [] });
    const first = await prisma.voucher.findUniqueOrThrow({ where: { sourceKey: `payment:${payment!.id}` } });
    await reverseVoucher({ viewer: o.admin, voucherId: first.id, reason: "银行科目错误" });
    expect((await pendingPostings(prisma, [o.company.id])).map((p) => p.source)).toEqual([`payment:${payment!.id}#2`]);
    expect(await postPendingVouchers(prisma, { companyIds: [o.company.id] })).toEqual({ posted: 1, failed: [] });
    expect(await prisma.voucher.count({ where: { paymentId: payment!.id } })).toBe(3);
    expect(await postPendingVouchers(prisma, { companyIds: [o.company.id] })).toEqual({ posted: 0, failed: [] });
  });

  it("reverses once, audited; the claim is posted again under claim:<id>#2; others are refused", async () => {
    const o = await ledgerOrg();
    const { claim } = await createApprovedClaim(o, 7_700n);
    const posted = await postClaimVoucher(prisma, claim.id);
    if (posted.status !== "posted") throw new Error(posted.status);
    const accountant = await makeUser(o, ["EMPLOYEE", "ACCOUNTANT"]);
    expect((await refusal(reverseVoucher({ viewer: accountant, voucherId: posted.voucherId, reason: "错" }))).code).toBe("forbidden");
    expect((await refusal(reverseVoucher({ viewer: o.admin, voucherId: posted.voucherId, reason: " " }))).code).toBe("invalid");
    const { reversalId } = await reverseVoucher({ viewer: o.admin, voucherId: posted.voucherId, reason: "部门错误" });
    const red = await voucherOf(reversalId);
    const original = await voucherOf(posted.voucherId);
    expect(red.description).toBe(`冲销 ${original.period} 记-${original.number} 部门错误`);
    expect(red.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.departmentId])).toEqual(original.lines.map((l) => [l.accountCode, -l.debitMinor, -l.creditMinor, l.departmentId]));
    expect(red.number).toBe(original.number + 1);
    expect(await prisma.auditEvent.count({ where: { claimId: claim.id, type: "ledger.voucher_reversed", actorId: o.admin.id } })).toBe(1);
    expect((await refusal(reverseVoucher({ viewer: o.admin, voucherId: posted.voucherId, reason: "again" }))).reason).toBe("already_reversed");
    expect((await refusal(reverseVoucher({ viewer: o.admin, voucherId: reversalId, reason: "x" }))).reason).toBe("reversal_of_reversal");

    const listed = await listVouchers(o.admin, { companyId: o.company.id, q: claim.number });
    expect(listed.total).toBe(2);
    expect(listed.items.map((i) => [i.id, i.kind, i.claimNumber])).toEqual([
      [reversalId, "REVERSAL", claim.number],
      [posted.voucherId, "CLAIM", claim.number],
    ]);
    const detail = await voucherDetail(o.admin, posted.voucherId);
    const claimantName = (await prisma.user.findUniqueOrThrow({ where: { id: claim.claimantId }, select: { name: true } })).name;
    expect(detail?.reversedBy?.id).toBe(reversalId);
    expect((await voucherDetail(o.admin, reversalId))?.reverses?.id).toBe(posted.voucherId);
    expect(detail?.lines.map((l) => [l.accountCode, l.accountNameZh, l.department?.nameZh, l.employee])).toEqual([
      ["6602.01", "管理费用-差旅费", o.department.nameZh, claimantName],
      ["224101", "其他应付款-员工报销", o.department.nameZh, claimantName],
    ]);
    const outsider = await makeUser(await ledgerOrg(), ["EMPLOYEE", "ADMIN"]);
    expect(await voucherDetail(outsider, posted.voucherId)).toBeNull();

    const again = await postClaimVoucher(prisma, claim.id);
    if (again.status !== "posted") throw new Error(again.status);
    expect((await voucherOf(again.voucherId)).sourceKey).toBe(`claim:${claim.id}#2`);
    expect(await postClaimVoucher(prisma, claim.id)).toEqual({ status: "exists", voucherId: again.voucherId });
  });
});

describe("periods", () => {
  it("closePeriod checks the month is over, earlier months are closed and nothing is pending; the trigger refuses a voucher into a closed month", async () => {
    const o = await ledgerOrg();
    const a = (await createApprovedClaim(o, 1_100n)).claim;
    await approvedAt(a.id, "2026-10-15T03:00:00Z");
    expect((await refusal(closePeriod({ viewer: o.admin, companyId: o.company.id, period: thisPeriod() }))).reason).toBe("period_not_over");
    const pendingRefusal = await refusal(closePeriod({ viewer: o.admin, companyId: o.company.id, period: "2026-10" }));
    expect(pendingRefusal.reason).toBe("pending_postings");
    expect(pendingRefusal.details.count).toBe(1);
    const accountant = await makeUser(o, ["EMPLOYEE", "ACCOUNTANT"]);
    expect((await refusal(closePeriod({ viewer: accountant, companyId: o.company.id, period: "2026-10" }))).code).toBe("forbidden");

    const posted = await postClaimVoucher(prisma, a.id);
    if (posted.status !== "posted") throw new Error(posted.status);
    expect((await voucherOf(posted.voucherId)).period).toBe("2026-10");
    // A later month cannot close before an earlier one.
    expect((await refusal(closePeriod({ viewer: o.admin, companyId: o.company.id, period: "2026-11" }))).reason).toBe("earlier_period_open");

    const closed = await closePeriod({ viewer: o.admin, companyId: o.company.id, period: "2026-10" });
    expect(closed).toMatchObject({ period: "2026-10", status: "CLOSED", voucherCount: 1, nextVoucherNumber: 2 });
    expect((await refusal(closePeriod({ viewer: o.admin, companyId: o.company.id, period: "2026-10" }))).reason).toBe("already_closed");
    expect(await prisma.auditEvent.count({ where: { type: "ledger.period_closed", actorId: o.admin.id } })).toBe(1);

    // The database itself refuses a voucher into the closed month (and a move of its numbering).
    await expect(
      prisma.$executeRaw`INSERT INTO voucher (id, company_id, period, number, voucher_type, kind, voucher_date, description, currency, total_minor, source_key)
                         VALUES (${randomUUID()}, ${o.company.id}, '2026-10', 99, '记', 'CLAIM', '2026-10-20', 'late', 'CNY', 0, ${`test:${randomUUID()}`})`,
    ).rejects.toThrow(/closed/);
    await expect(prisma.$executeRaw`UPDATE accounting_period SET next_voucher_number = next_voucher_number + 1 WHERE company_id = ${o.company.id} AND period = '2026-10'`).rejects.toThrow(/closed/);

    // A claim approved in the closed month is booked on the first day of the next open one.
    const b = (await createApprovedClaim(o, 2_200n)).claim;
    await approvedAt(b.id, "2026-10-20T03:00:00Z");
    const late = await postClaimVoucher(prisma, b.id);
    if (late.status !== "posted") throw new Error(late.status);
    const lateVoucher = await voucherOf(late.voucherId);
    expect([lateVoucher.period, lateVoucher.voucherDate.toISOString().slice(0, 10), lateVoucher.number]).toEqual(["2026-11", "2026-11-01", 1]);

    const periods = await listPeriods(prisma, o.company.id);
    expect(periods.map((p) => [p.period, p.status, p.voucherCount])).toEqual([
      ["2026-11", "OPEN", 1],
      ["2026-10", "CLOSED", 1],
    ]);
  });
});

describe("exports and ERP write-back", () => {
  it("exports twice with the same external ids; only-new exports nothing new; Kingdee and JSON layouts", async () => {
    const o = await ledgerOrg();
    for (const minor of [3_000n, 4_000n]) await postClaimVoucher(prisma, (await createApprovedClaim(o, minor)).claim.id);
    const first = await exportVouchers({ viewer: o.admin, companyId: o.company.id, format: "csv", onlyNew: true });
    expect([first.voucherCount, first.lineCount]).toEqual([2, 4]);
    const firstText = first.body.toString("utf8");
    expect(firstText.startsWith("\uFEFFvoucher_id,")).toBe(true);
    const ids = (text: string) => [...text.matchAll(/AF-[0-9a-f-]+-\d+/g)].map((m) => m[0]);
    const second = await exportVouchers({ viewer: o.admin, companyId: o.company.id, format: "csv" });
    expect(ids(second.body.toString("utf8"))).toEqual(ids(firstText));
    expect(ids(firstText)).toHaveLength(4);
    const none = await exportVouchers({ viewer: o.admin, companyId: o.company.id, format: "kingdee", onlyNew: true });
    expect([none.voucherCount, none.lineCount]).toEqual([0, 0]);
    const recorded = await prisma.voucherExport.findUniqueOrThrow({ where: { id: first.exportId } });
    expect(await prisma.voucherExportItem.count({ where: { exportId: first.exportId } })).toBe(2);
    expect(recorded.sha256).toMatch(/^[0-9a-f]{64}$/);

    await postClaimVoucher(prisma, (await createApprovedClaim(o, 5_000n)).claim.id);
    const kingdee = await exportVouchers({ viewer: o.admin, companyId: o.company.id, format: "kingdee", onlyNew: true });
    expect(kingdee.voucherCount).toBe(1);
    const rows = kingdee.body.toString("utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(rows[0]).toBe("凭证日期,会计年度,期间,凭证字,凭证号,分录号,摘要,科目代码,科目名称,币别,汇率,原币金额,借方金额,贷方金额,附件数,核算维度-部门,核算维度-职员,核算维度-项目,外部单据号");
    expect(rows[1]).toContain(",记,3,1,");
    expect(rows[1]).toContain(",6602.01,管理费用-差旅费,CNY,1,50.00,50.00,0.00,");
    const json = JSON.parse((await exportVouchers({ viewer: o.admin, companyId: o.company.id, format: "json", from: today(), to: today() })).body.toString("utf8"));
    expect(json.vouchers).toHaveLength(3);
    expect(json.vouchers[0].lines[0]).toMatchObject({ position: 1, account: { code: "6602.01" }, debit: "30.00", credit: "0.00" });

    const outsider = await ledgerOrg();
    expect((await refusal(exportVouchers({ viewer: outsider.admin, companyId: o.company.id, format: "csv" }))).code).toBe("not_found");
  });

  it("records the ERP's numbers: recorded, the same again, a different one is an error", async () => {
    const o = await ledgerOrg();
    const v1 = await postClaimVoucher(prisma, (await createApprovedClaim(o, 3_000n)).claim.id);
    const v2 = await postClaimVoucher(prisma, (await createApprovedClaim(o, 4_000n)).claim.id);
    if (v1.status !== "posted" || v2.status !== "posted") throw new Error("not posted");
    const first = await recordErpNumbers({ viewer: o.admin, companyId: o.company.id, erpSystem: "kingdee", csvText: `voucher_id,erp_number\r\n${v1.voucherId},记-0001\r\n` });
    expect(first.rows.map((r) => r.result)).toEqual(["recorded"]);
    const second = await recordErpNumbers({
      viewer: o.admin,
      companyId: o.company.id,
      erpSystem: "kingdee",
      csvText: `period,voucher_number,erp_number\n${thisPeriod()},1,记-0001\n${thisPeriod()},1,记-0009\n${thisPeriod()},2,记-0002\n${thisPeriod()},77,记-0077\n`,
    });
    expect(second.rows.map((r) => [r.line, r.result, r.code ?? null])).toEqual([
      [2, "same", null],
      [3, "error", "different_number"],
      [4, "recorded", null],
      [5, "error", "unknown_voucher"],
    ]);
    expect((await prisma.voucherErpRef.findUniqueOrThrow({ where: { voucherId: v1.voucherId } })).erpNumber).toBe("记-0001");
  });
});

describe("chart of accounts and mappings", () => {
  it("a chart with a bad row imports nothing; a good one upserts and never deletes; mappings set and removed", async () => {
    const o = await ledgerOrg();
    const bad = "code,name,name_zh,kind\n6602.10,Meetings,管理费用-会议费,EXPENSE\n66 02,Bad code,坏,EXPENSE\n6602.11,No kind,无类别,\n";
    const preview = await previewChartImport({ companyId: o.company.id, csvText: bad });
    expect(preview.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, []],
      [3, ["code_invalid"]],
      [4, ["kind_invalid"]],
    ]);
    expect((await refusal(importChartOfAccounts({ viewer: o.admin, companyId: o.company.id, csvText: bad }))).code).toBe("invalid");
    expect(await prisma.glAccount.count({ where: { companyId: o.company.id, code: "6602.10" } })).toBe(0);

    const before = await prisma.glAccount.count({ where: { companyId: o.company.id } });
    const good = "\uFEFFcode,name,name_zh,kind\r\n6602.10,Meetings,管理费用-会议费,费用\r\n6602.03,Office,\"管理费用-办公费, 新\",EXPENSE\r\n";
    expect(await importChartOfAccounts({ viewer: o.admin, companyId: o.company.id, csvText: good })).toEqual({ created: 1, updated: 1 });
    expect(await prisma.glAccount.count({ where: { companyId: o.company.id } })).toBe(before + 1);
    expect((await prisma.glAccount.findUniqueOrThrow({ where: { companyId_code: { companyId: o.company.id, code: "6602.03" } } })).nameZh).toBe("管理费用-办公费, 新");

    const { mappingId } = await setMapping({ viewer: o.admin, companyId: o.company.id, purpose: "EXPENSE", categoryCode: "TRAINING", departmentId: o.department.id, accountCode: "6602.10" });
    expect((await listMappings(prisma, o.company.id)).find((m) => m.id === mappingId)).toMatchObject({ accountCode: "6602.10", departmentId: o.department.id, categoryCode: "TRAINING" });
    // The same key again replaces the account.
    expect(await setMapping({ viewer: o.admin, companyId: o.company.id, purpose: "EXPENSE", categoryCode: "TRAINING", departmentId: o.department.id, accountCode: "6602.05" })).toEqual({ mappingId });
    expect((await refusal(setMapping({ viewer: o.admin, companyId: o.company.id, purpose: "EXPENSE", categoryCode: "TRAINING", accountCode: "9999" }))).code).toBe("invalid");
    await removeMapping({ viewer: o.admin, mappingId });
    expect(await prisma.glMapping.count({ where: { id: mappingId } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { actorId: o.admin.id, type: { in: ["ledger.chart_imported", "ledger.mapping_set", "ledger.mapping_removed"] } } })).toBe(4);
  });
});

// Last in the file: the worker's sweep posts whatever any earlier test left pending.
describe("the ledger worker", () => {
  it("the voucher job and the sweep after a payment reach Postgres through the relay and the worker; the sweep's scheduler is declared", async () => {
    const o = await ledgerOrg();
    const { claim } = await createApprovedClaim(o, 4_400n);
    const run = await createReleasedRun(o, [9_900n]);
    const [payment] = await prisma.payment.findMany({ where: { runId: run.runId } });
    await prisma.payment.update({ where: { id: payment!.id }, data: { status: "SENT" } });
    const worker = await startLedgerWorker({ everyMs: 3_600_000 });
    const relay = await startRelay({ pollMs: 50, log: () => undefined });
    try {
      await prisma.$transaction((tx) => enqueueJob(tx, JOBS.postClaimVoucher, { claimId: claim.id }));
      await prisma.$transaction((tx) => markPaymentsPaid(tx, [payment!.id], { actorId: null, source: "statement" }));
      const deadline = Date.now() + 20_000;
      const posted = () => prisma.voucher.count({ where: { OR: [{ sourceKey: `claim:${claim.id}` }, { sourceKey: `payment:${payment!.id}` }] } });
      while ((await posted()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await posted()).toBe(2);
      expect((await getQueue("ledger").getJobSchedulers()).map((s) => s.key)).toContain(JOBS.ledgerSweep.key({ slot: "scheduled" }));
    } finally {
      await relay.stop();
      await worker.close();
    }
  }, 60_000);
});
