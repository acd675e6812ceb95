/**
 * The budget ledger through the real commands: submission reserves (or is refused past the hard stop),
 * returns, rejections and withdrawals release, the accountant's approval adjusts and consumes; totals
 * always equal the ledger (budget_drift() empty); fifty simultaneous submissions never overspend a cell
 * and claims locking cells in opposite orders never deadlock.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "~/generated/prisma/client";
import { AppError, isAppError } from "~/domain/app-error";
import type { LineInput } from "~/domain/claim-input";
import { decideApproval, listApprovals } from "~/models/approval.server";
import { appendBudgetEntries, budgetDrift } from "~/models/budget-entries.server";
import { budgetPreview, consumeClaim, releaseClaim, reserveForSubmission } from "~/models/budget-ledger.server";
import { saveClaim, withdrawClaim } from "~/models/claim-commands.server";
import { decideReview } from "~/models/review.server";
import { runPostClaimVoucher } from "~/jobs/ledger-post-claim";
import { exportVouchers } from "~/models/ledger-export.server";
import { setupLedger } from "../fixtures/ledger";
import { prisma } from "~/utils/db.server";
import { createApprovalChain, createClaim, createGroup, createMember, createUser, refusal } from "./helpers";

const PERIOD = "2026-11";
const SPENT_ON = "2026-11-20";

async function budgetOrg() {
  const chain = await createApprovalChain();
  const group = await createGroup();
  const accountant = await createMember(chain.ids, [group]);
  return { ...chain, group, accountant };
}
type BudgetOrg = Awaited<ReturnType<typeof budgetOrg>>;

/** A cell with `budgetMinor` set through the ledger (a BUDGET entry), as an admin's entry would. */
async function createCell(o: BudgetOrg, budgetMinor: bigint, { categoryCode = null, ownerId = null }: { categoryCode?: string | null; ownerId?: string | null } = {}) {
  const id = randomUUID();
  await prisma.budgetCell.create({ data: { id, companyId: o.company.id, departmentId: o.department.id, period: PERIOD, categoryCode, currency: "CNY", ownerId } });
  await prisma.$transaction((tx) => appendBudgetEntries(tx, [{ cellId: id, kind: "BUDGET", budgetDelta: budgetMinor, idempotencyKey: `BUDGET:${id}:test` }]));
  return id;
}

const cell = (id: string) => prisma.budgetCell.findUniqueOrThrow({ where: { id } });
const entries = (claimId: string) => prisma.budgetEntry.findMany({ where: { claimId }, orderBy: { id: "asc" } });

type DraftLine = { minor: bigint; categoryCode?: string; currency?: string; id?: string };

/** A draft claim of `employee` with one receipt, ready to submit. */
async function draft(employee: { id: string; companyId: string; departmentId: string }) {
  const claim = await createClaim(employee);
  const sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
  const receipt = await prisma.receipt.create({ data: { id: randomUUID(), claimId: claim.id, fileSha256: sha, fileName: "r.jpg", uploadedById: employee.id } });
  return { claimId: claim.id, version: claim.version, receiptId: receipt.id };
}

function input(employee: { companyId: string; departmentId: string }, receiptId: string, lines: DraftLine[]) {
  return {
    purpose: "Customer visit",
    companyId: employee.companyId,
    departmentId: employee.departmentId,
    lines: lines.map(
      (l): LineInput => ({ ...(l.id ? { id: l.id } : {}), spentOn: SPENT_ON, categoryCode: l.categoryCode ?? "TAXI", merchant: "滴滴出行", amountMinor: l.minor, currency: l.currency ?? "CNY", note: "", receiptIds: [receiptId] }),
    ),
  };
}

async function submit(employee: { id: string; roles: string[]; companyId: string; departmentId: string }, lines: DraftLine[], d?: Awaited<ReturnType<typeof draft>>, db?: PrismaClient) {
  const { claimId, version, receiptId } = d ?? (await draft(employee));
  const result = await saveClaim({ viewer: employee as never, claimId, version, submit: true, input: input(employee, receiptId, lines), db });
  return { claimId, receiptId, ...result };
}

/** The manager approves every open step of the claim (as whoever it is assigned to), then the accountant takes it for review. */
async function toReview(o: BudgetOrg, claimId: string) {
  for (;;) {
    const task = await prisma.task.findFirst({ where: { claimId, type: "MANAGER_APPROVAL", status: "OPEN" } });
    if (!task) break;
    const approver = await prisma.user.findUniqueOrThrow({ where: { id: task.assigneeId! } });
    const claim = await prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    await decideApproval({ viewer: approver, taskId: task.id, claimVersion: claim.version, decision: "approve" });
  }
  const claim = await prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
  expect(claim.status).toBe("MANAGER_APPROVED");
  // What routing and "take next task" do, in one step: the claim is in review with this accountant.
  const taskId = randomUUID();
  await prisma.claim.update({ where: { id: claimId }, data: { status: "IN_REVIEW", groupId: o.group, version: { increment: 1 } } });
  await prisma.task.create({ data: { id: taskId, claimId, type: "REVIEW", groupId: o.group, status: "IN_PROGRESS", assigneeId: o.accountant.id, startedAt: new Date(), claimVersion: claim.version + 1 } });
  return { taskId, version: claim.version + 1 };
}

describe("budget ledger", () => {
  // Fifty connections, so fifty submissions really run at once (the app's client has a pool of ten).
  let wide: PrismaClient;
  beforeAll(() => {
    wide = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.APP_DATABASE_URL, max: 50 }) });
  });
  afterAll(async () => {
    await wide.$disconnect();
  });
  beforeAll(async () => {
    for (const [code, name, nameZh] of [
      ["TAXI", "Taxi", "出租车"],
      ["MEAL", "Meals", "餐费"],
    ] as const) {
      await prisma.expenseCategory.upsert({ where: { code }, update: {}, create: { code, name, nameZh } });
    }
  });
  afterEach(async () => {
    expect(await prisma.$transaction((tx) => budgetDrift(tx))).toEqual([]);
  });

  it("submit reserves, a partial approval adjusts and consumes; a retried consume counts once", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 1_000_000n);
    const sent = await submit(o.employee, [{ minor: 30_000n }, { minor: 20_000n }]);
    expect(sent.status).toBe("SUBMITTED");
    expect(sent.budget?.cells).toMatchObject([{ cellId, band: "ok", requestedMinor: 50_000n }]);
    expect(await cell(cellId)).toMatchObject({ budgetMinor: 1_000_000n, reservedMinor: 50_000n, consumedMinor: 0n });
    const lines = await prisma.claimLine.findMany({ where: { claimId: sent.claimId }, orderBy: { position: "asc" } });
    expect((await entries(sent.claimId)).map((e) => [e.kind, e.claimLineId, e.reservedDelta, e.idempotencyKey])).toEqual([
      ["RESERVE", lines[0]!.id, 30_000n, `RESERVE:${lines[0]!.id}:v${sent.version}`],
      ["RESERVE", lines[1]!.id, 20_000n, `RESERVE:${lines[1]!.id}:v${sent.version}`],
    ]);

    const review = await toReview(o, sent.claimId);
    // Approving more than claimed, or less than nothing, is refused at the line.
    const over = await refusal(decideReview({ viewer: o.accountant, taskId: review.taskId, claimVersion: review.version, decision: "approve", approvedAmounts: { [lines[0]!.id]: 30_001n } }), AppError);
    expect(over).toMatchObject({ code: "invalid", fieldErrors: { "lines.0.approved": "above_amount" } });
    const negative = await refusal(decideReview({ viewer: o.accountant, taskId: review.taskId, claimVersion: review.version, decision: "approve", approvedAmounts: { [lines[1]!.id]: -1n } }), AppError);
    expect(negative.fieldErrors).toEqual({ "lines.1.approved": "invalid" });

    const decided = await decideReview({ viewer: o.accountant, taskId: review.taskId, claimVersion: review.version, decision: "approve", approvedAmounts: { [lines[0]!.id]: 25_000n, [lines[1]!.id]: 20_000n } });
    expect(decided.status).toBe("APPROVED");
    const approved = await prisma.claim.findUniqueOrThrow({ where: { id: sent.claimId }, include: { lines: { orderBy: { position: "asc" } } } });
    // Only the line approved below its amount records an approved amount.
    expect(approved.lines.map((l) => l.approvedMinor)).toEqual([25_000n, null]);
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 0n, consumedMinor: 45_000n });
    const v = approved.version;
    const moves = (await entries(sent.claimId)).slice(2).map((e) => [e.kind, e.claimLineId, e.reservedDelta, e.consumedDelta, e.idempotencyKey]);
    expect(moves).toHaveLength(3);
    expect(moves).toEqual(expect.arrayContaining([
      ["ADJUST", lines[0]!.id, -5_000n, 0n, `ADJUST:${lines[0]!.id}:v${v}`],
      ["CONSUME", lines[0]!.id, -25_000n, 25_000n, `CONSUME:${lines[0]!.id}:v${v}`],
      ["CONSUME", lines[1]!.id, -20_000n, 20_000n, `CONSUME:${lines[1]!.id}:v${v}`],
    ]));
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: sent.claimId, type: "claim.approved" } });
    expect(audit.data).toMatchObject({ approvedLess: [{ lineId: lines[0]!.id, amountMinor: "30000", approvedMinor: "25000", currency: "CNY" }], budget: { consumedMinor: "45000" } });

    // A retried consume (the same version) writes nothing, twice over.
    for (let i = 0; i < 2; i++) await prisma.$transaction((tx) => consumeClaim(tx, { claimId: sent.claimId, version: v, actorId: o.accountant.id }));
    expect(await prisma.budgetEntry.count({ where: { claimId: sent.claimId } })).toBe(5);
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 0n, consumedMinor: 45_000n });
  });

  it("the whole chain: submit → reserve → approve less → consume → voucher (the job in the outbox) → export", async () => {
    const o = await budgetOrg();
    await setupLedger(prisma, o.company.id);
    const admin = await createUser(o.ids, { roles: ["EMPLOYEE", "ADMIN"] });
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: o.company.id } });
    const cellId = await createCell(o, 100_000n);
    const sent = await submit(o.employee, [{ minor: 60_000n }, { minor: 12_000n }]);
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 72_000n, consumedMinor: 0n });
    const lines = await prisma.claimLine.findMany({ where: { claimId: sent.claimId }, orderBy: { position: "asc" } });
    const review = await toReview(o, sent.claimId);
    await decideReview({ viewer: o.accountant, taskId: review.taskId, claimVersion: review.version, decision: "approve", approvedAmounts: { [lines[0]!.id]: 50_000n } });
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 0n, consumedMinor: 62_000n });

    // The approval put the voucher's job in the outbox; the worker's handler posts it.
    const job = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: `ledger-claim-${sent.claimId}` } });
    expect(job.jobName).toBe("post-claim-voucher");
    const posted = await runPostClaimVoucher(sent.claimId, job.jobKey);
    if (posted.status !== "posted") throw new Error(`not posted: ${JSON.stringify(posted)}`);
    const voucher = await prisma.voucher.findUniqueOrThrow({ where: { id: posted.voucherId }, include: { lines: { orderBy: { position: "asc" } } } });
    const debit = voucher.lines.reduce((n, l) => n + l.debitMinor, 0n);
    const credit = voucher.lines.reduce((n, l) => n + l.creditMinor, 0n);
    // The payable is what was approved (500.00 + 120.00), not what was claimed; debits equal credits.
    expect([voucher.totalMinor, debit, credit]).toEqual([62_000n, 62_000n, 62_000n]);
    expect(voucher.lines.at(-1)).toMatchObject({ accountCode: "224101", creditMinor: 62_000n, employeeId: o.employee.id });
    expect(voucher).toMatchObject({ kind: "CLAIM", claimId: sent.claimId, attachmentCount: 1, number: 1 });

    const csv = await exportVouchers({ viewer: admin, companyId: o.company.id, format: "csv" });
    expect(csv.voucherCount).toBe(1);
    const text = csv.body.toString("utf8");
    for (const l of voucher.lines) expect(text).toContain(l.externalId);
    // Exported again, only what is new: nothing.
    expect((await exportVouchers({ viewer: admin, companyId: o.company.id, format: "csv", onlyNew: true })).voucherCount).toBe(0);
  });

  it("a manager's return releases; the edited claim resubmitted reserves again at its new version", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 1_000_000n);
    const sent = await submit(o.employee, [{ minor: 40_000n }]);
    const item = (await listApprovals(o.manager)).find((i) => i.claimId === sent.claimId)!;
    await decideApproval({ viewer: o.manager, taskId: item.taskId, claimVersion: sent.version, decision: "return", comment: "金额不对" });
    const returned = await prisma.claim.findUniqueOrThrow({ where: { id: sent.claimId }, include: { lines: true } });
    expect(returned.status).toBe("RETURNED");
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 0n });
    const lineId = returned.lines[0]!.id;
    expect((await entries(sent.claimId)).map((e) => [e.kind, e.reservedDelta, e.idempotencyKey])).toEqual([
      ["RESERVE", 40_000n, `RESERVE:${lineId}:v${sent.version}`],
      ["RELEASE", -40_000n, `RELEASE:${lineId}:v${returned.version}`],
    ]);
    // Releasing again at the same version finds nothing held.
    expect(await prisma.$transaction((tx) => releaseClaim(tx, { claimId: sent.claimId, version: returned.version, actorId: o.manager.id, reason: "returned" }))).toEqual({ releasedMinor: 0n });

    const again = await saveClaim({ viewer: o.employee, claimId: sent.claimId, version: returned.version, submit: true, input: input(o.employee, sent.receiptId, [{ id: lineId, minor: 35_000n }]) });
    expect(again.status).toBe("SUBMITTED");
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 35_000n });
    const last = (await entries(sent.claimId)).at(-1)!;
    expect([last.kind, last.reservedDelta, last.idempotencyKey]).toEqual(["RESERVE", 35_000n, `RESERVE:${lineId}:v${again.version}`]);
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { claimId: sent.claimId, type: "claim.resubmitted" } })).data).toMatchObject({ budget: { cells: [{ cellId, band: "ok", requestedMinor: "35000" }] } });
  });

  it("an accountant's rejection and a claimant's withdrawal release what the claim holds", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 1_000_000n);
    const rejected = await submit(o.employee, [{ minor: 10_000n }]);
    const withdrawn = await submit(o.employee, [{ minor: 7_000n }, { minor: 3_000n }]);
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 20_000n });

    const review = await toReview(o, rejected.claimId);
    await decideReview({ viewer: o.accountant, taskId: review.taskId, claimVersion: review.version, decision: "reject", comment: "重复报销" });
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 10_000n });
    expect((await entries(rejected.claimId)).map((e) => [e.kind, e.reservedDelta, e.note])).toEqual([
      ["RESERVE", 10_000n, ""],
      ["RELEASE", -10_000n, "rejected"],
    ]);

    // Only the claimant, at the version they saw, and only before a manager decided.
    await expect(withdrawClaim({ viewer: o.manager, claimId: withdrawn.claimId, version: withdrawn.version })).rejects.toMatchObject({ code: "not_found" });
    await expect(withdrawClaim({ viewer: o.employee, claimId: withdrawn.claimId, version: withdrawn.version - 1 })).rejects.toMatchObject({ code: "stale" });
    await expect(withdrawClaim({ viewer: o.employee, claimId: rejected.claimId, version: review.version + 1 })).rejects.toMatchObject({ code: "not_editable" });
    const done = await withdrawClaim({ viewer: o.employee, claimId: withdrawn.claimId, version: withdrawn.version });
    expect(done).toEqual({ status: "WITHDRAWN", version: withdrawn.version + 1 });
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 0n });
    expect(await prisma.task.findMany({ where: { claimId: withdrawn.claimId }, select: { status: true } })).toEqual([{ status: "CANCELLED" }]);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: withdrawn.claimId, type: "claim.withdrawn" } });
    expect(event).toMatchObject({ fromStatus: "SUBMITTED", toStatus: "WITHDRAWN", data: { releasedMinor: "10000" } });
    expect((await listApprovals(o.manager)).some((i) => i.claimId === withdrawn.claimId)).toBe(false);
  });

  it("a retried reservation at the same version counts once and warns nobody twice", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 100_000n);
    const sent = await submit(o.employee, [{ minor: 85_000n }]);
    expect(sent.budget).toMatchObject({ alerted: true, approverIds: [] });
    const retried = await prisma.$transaction((tx) => reserveForSubmission(tx, { claimId: sent.claimId, version: sent.version, actorId: o.employee.id }));
    // The same band as the first time: its own reservation is not counted twice.
    expect(retried.cells).toMatchObject([{ cellId, band: "alert", reservedMinor: 0n, requestedMinor: 85_000n }]);
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 85_000n });
    expect(await prisma.budgetEntry.count({ where: { claimId: sent.claimId } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "budget.alert", data: { path: ["claimId"], equals: sent.claimId } } })).toBe(2);
  });

  it("the alert band warns the claimant and their manager", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 100_000n);
    const quiet = await submit(o.employee, [{ minor: 79_999n }]);
    expect(quiet.budget).toMatchObject({ alerted: false, cells: [{ band: "ok" }] });
    expect(await prisma.notification.count({ where: { userId: { in: [o.employee.id, o.manager.id] }, kind: "budget.alert" } })).toBe(0);

    const loud = await submit(o.employee, [{ minor: 1n }]);
    expect(loud.budget).toMatchObject({ alerted: true, cells: [{ cellId, band: "alert" }] });
    const told = await prisma.notification.findMany({ where: { kind: "budget.alert", data: { path: ["claimId"], equals: loud.claimId } }, select: { userId: true, data: true } });
    expect(told.map((n) => n.userId).sort()).toEqual([o.employee.id, o.manager.id].sort());
    expect(told[0]!.data).toMatchObject({ cells: [{ cellId, band: "alert", budgetMinor: "100000", usedMinor: "80000" }] });
    expect(await prisma.auditEvent.count({ where: { claimId: loud.claimId, type: "budget.alert" } })).toBe(1);
    // No step for a budget owner below the approval band.
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: loud.claimId } })).budgetApproverIds).toEqual([]);
  });

  it("past the approval band the budget owner approves as an extra step after the manager", async () => {
    const o = await budgetOrg();
    const owner = await createUser(o.ids, { roles: ["EMPLOYEE", "MANAGER"] });
    const cellId = await createCell(o, 100_000n, { categoryCode: "TAXI", ownerId: owner.id });
    await createCell(o, 10_000_000n); // the department's cell without a category: not used by a TAXI line
    const sent = await submit(o.employee, [{ minor: 105_000n }]);
    expect(sent.budget).toMatchObject({ approverIds: [owner.id], cells: [{ cellId, band: "approval" }] });
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: sent.claimId } })).budgetApproverIds).toEqual([owner.id]);

    const first = (await listApprovals(o.manager)).find((i) => i.claimId === sent.claimId)!;
    expect((await decideApproval({ viewer: o.manager, taskId: first.taskId, claimVersion: sent.version, decision: "approve" })).status).toBe("SUBMITTED");
    const second = (await listApprovals(owner)).find((i) => i.claimId === sent.claimId);
    expect(second).toMatchObject({ step: 2 });
    expect((await decideApproval({ viewer: owner, taskId: second!.taskId, claimVersion: sent.version, decision: "approve" })).status).toBe("MANAGER_APPROVED");

    // Without an owner on the cell, the department head approves; a head who is already a step is not asked twice.
    const o2 = await budgetOrg();
    await createCell(o2, 100_000n);
    const big = await submit(o2.employee, [{ minor: 105_000n }]);
    expect(big.budget?.approverIds).toEqual([o2.head.id]);
    const steps = await prisma.task.findMany({ where: { claimId: big.claimId } });
    expect(steps).toHaveLength(1);
  });

  it("past the hard stop the submission is refused with the numbers and nothing changes", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 100_000n);
    await submit(o.employee, [{ minor: 60_000n }]);
    const d = await draft(o.employee);
    const err = await refusal(saveClaim({ viewer: o.employee, claimId: d.claimId, version: d.version, submit: true, input: input(o.employee, d.receiptId, [{ minor: 30_000n }, { minor: 20_001n }]) }), AppError);
    expect(err.code).toBe("budget_exceeded");
    expect(err.status).toBe(422);
    expect(err.details).toEqual({
      cells: [
        {
          cellId,
          period: PERIOD,
          departmentId: o.department.id,
          categoryCode: null,
          currency: "CNY",
          budgetMinor: "100000",
          consumedMinor: "0",
          reservedMinor: "60000",
          requestedMinor: "50001",
          limitMinor: "110000",
        },
      ],
    });
    const after = await prisma.claim.findUniqueOrThrow({ where: { id: d.claimId }, include: { lines: true } });
    expect([after.status, after.version, after.lines.length]).toEqual(["DRAFT", d.version, 0]);
    expect(await prisma.budgetEntry.count({ where: { claimId: d.claimId } })).toBe(0);
    expect(await prisma.task.count({ where: { claimId: d.claimId } })).toBe(0);
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 60_000n });
    // Exactly at the stop (110 %) it passes.
    const fits = await saveClaim({ viewer: o.employee, claimId: d.claimId, version: d.version, submit: true, input: input(o.employee, d.receiptId, [{ minor: 30_000n }, { minor: 20_000n }]) });
    expect(fits.budget?.cells).toMatchObject([{ band: "approval", remainingAfterMinor: -10_000n }]);
  });

  it("an unbudgeted line and a line without a rate reserve nothing and do not block", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 100_000n, { categoryCode: "MEAL" });
    // TAXI has no cell and there is no department-wide cell; the USD line has no rate for its date.
    const sent = await submit(o.employee, [{ minor: 5_000n }, { minor: 1_000n, categoryCode: "MEAL", currency: "XAU" }, { minor: 2_000n, categoryCode: "MEAL" }]);
    expect(sent.status).toBe("SUBMITTED");
    const lines = await prisma.claimLine.findMany({ where: { claimId: sent.claimId }, orderBy: { position: "asc" } });
    expect(sent.budget).toMatchObject({ unbudgetedLineIds: [lines[0]!.id], missingRateLineIds: [lines[1]!.id] });
    expect(await cell(cellId)).toMatchObject({ reservedMinor: 2_000n });
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { claimId: sent.claimId, type: "claim.submitted" } })).data).toMatchObject({
      budget: { unbudgetedLineIds: [lines[0]!.id], missingRateLineIds: [lines[1]!.id] },
    });
  });

  it("the preview shows each line's cell and the band the claim would reach, leaving out the claim's own reservation", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 100_000n);
    const sent = await submit(o.employee, [{ minor: 50_000n }]);
    const preview = await budgetPreview(prisma, {
      companyId: o.company.id,
      departmentId: o.department.id,
      claimId: sent.claimId,
      lines: [
        { categoryCode: "TAXI", spentOn: SPENT_ON, amountMinor: 50_000n, currency: "CNY" },
        { categoryCode: "MEAL", spentOn: SPENT_ON, amountMinor: 40_000n, currency: "CNY" },
        { categoryCode: "TAXI", spentOn: "2026-10-31", amountMinor: 1n, currency: "CNY" },
        { categoryCode: "TAXI", spentOn: "", amountMinor: 1n, currency: "CNY" },
      ],
    });
    expect(preview[0]).toEqual({
      amountCompanyMinor: 50_000n,
      cell: { cellId, period: PERIOD, categoryCode: null, currency: "CNY", budgetMinor: 100_000n, consumedMinor: 0n, reservedMinor: 0n, remainingMinor: 100_000n, requestedMinor: 90_000n, limitMinor: 110_000n, band: "alert" },
    });
    expect(preview[1]?.cell?.cellId).toBe(cellId);
    expect(preview[2]).toEqual({ amountCompanyMinor: 1n, cell: null });
    expect(preview[3]).toEqual({ amountCompanyMinor: null, cell: null });
    // Someone else's view of the same cell counts the reservation.
    const other = await budgetPreview(prisma, { companyId: o.company.id, departmentId: o.department.id, lines: [{ categoryCode: "TAXI", spentOn: SPENT_ON, amountMinor: 70_000n, currency: "CNY" }] });
    expect(other[0]?.cell).toMatchObject({ reservedMinor: 50_000n, remainingMinor: 50_000n, band: "stop" });
  });

  it("fifty claims submitted at once against a nearly spent cell: exactly the ones that fit pass, never above the stop", async () => {
    const o = await budgetOrg();
    const cellId = await createCell(o, 100_000n);
    await submit(o.employee, [{ minor: 100_000n }]); // 100 %: 10,000 minor left below the 110 % stop
    const drafts = [];
    for (let i = 0; i < 50; i++) drafts.push(await draft(o.employee));
    await Promise.all(Array.from({ length: 50 }, () => wide.$queryRaw`SELECT 1`));
    const results = await Promise.allSettled(drafts.map((d) => submit(o.employee, [{ minor: 1_000n }], d, wide)));
    const passed = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(refused.every((e) => isAppError(e, "budget_exceeded")), String(refused.find((e) => !isAppError(e, "budget_exceeded")))).toBe(true);
    expect(passed).toHaveLength(10);
    expect(refused).toHaveLength(40);
    const after = await cell(cellId);
    expect(after.reservedMinor).toBe(110_000n);
    expect(after.reservedMinor * 100n).toBeLessThanOrEqual(after.budgetMinor * 110n);
    expect(await prisma.claim.count({ where: { id: { in: drafts.map((d) => d.claimId) }, status: "SUBMITTED" } })).toBe(10);
    expect(await prisma.budgetEntry.count({ where: { claimId: { in: drafts.map((d) => d.claimId) } } })).toBe(10);
  });

  it("claims touching several cells in opposite orders, submitted at once, never deadlock and all land", async () => {
    const o = await budgetOrg();
    const taxi = await createCell(o, 10_000_000n, { categoryCode: "TAXI" });
    const meal = await createCell(o, 10_000_000n, { categoryCode: "MEAL" });
    const drafts = [];
    for (let i = 0; i < 30; i++) drafts.push(await draft(o.employee));
    const results = await Promise.allSettled(
      drafts.map((d, i) =>
        submit(o.employee, i % 2 === 0 ? [{ minor: 100n, categoryCode: "TAXI" }, { minor: 200n, categoryCode: "MEAL" }] : [{ minor: 200n, categoryCode: "MEAL" }, { minor: 100n, categoryCode: "TAXI" }], d, wide),
      ),
    );
    const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    expect(await cell(taxi)).toMatchObject({ reservedMinor: 3_000n });
    expect(await cell(meal)).toMatchObject({ reservedMinor: 6_000n });
  });
});
