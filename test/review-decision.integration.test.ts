/**
 * The accountant's decision against the real Postgres: approve, return with reasons, reject; a stale
 * version, a missing reason, another accountant and the claimant themselves are refused and change
 * nothing; and the workstation's checks see the same receipt bytes on another claim.
 */
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { User } from "~/generated/prisma/client";
import { AppError } from "~/domain/app-error";
import { decideReview, getWorkstation } from "~/models/review.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser, refusal } from "./helpers";

type Org = { companyId: string; departmentId: string };

async function setup() {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const org: Org = { companyId: company.id, departmentId: department.id };
  const code = `G${randomUUID().slice(0, 8).toUpperCase()}`;
  const group = await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: `Group ${code}`, nameZh: `组 ${code}` } });
  const claimant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  const accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  const other = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  await prisma.groupMember.createMany({ data: [claimant, accountant, other].map((u) => ({ groupId: group.id, userId: u.id })) });
  const category = `C${randomUUID().slice(0, 8).toUpperCase()}`;
  await prisma.expenseCategory.create({ data: { code: category, name: `Cat ${category}`, nameZh: `类 ${category}` } });
  const reasons = [`R${randomUUID().slice(0, 8)}`, `R${randomUUID().slice(0, 8)}`];
  await prisma.returnReason.createMany({ data: reasons.map((r, i) => ({ code: r, name: `Reason ${r}`, nameZh: `原因 ${r}`, sortOrder: i })) });
  return { org, groupId: group.id, claimant, accountant, other, category, reasons };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** An IN_REVIEW claim (version 4) with one line, one receipt, and a review task in progress for `assignee`. */
async function reviewClaim(s: Setup, assignee: User, fileBytes = randomUUID()) {
  const claim = await createClaim(s.claimant, { status: "IN_REVIEW", version: 4, groupId: s.groupId });
  const sha256 = createHash("sha256").update(fileBytes).digest("hex");
  await prisma.storedFile.upsert({ where: { sha256 }, update: {}, create: { sha256, sizeBytes: 10, mimeType: "image/jpeg", status: "READY" } });
  const lineId = randomUUID();
  await prisma.claimLine.create({
    data: { id: lineId, claimId: claim.id, position: 1, spentOn: new Date("2026-11-24T00:00:00Z"), categoryCode: s.category, merchant: "Hotel", amountMinor: 12_345n, currency: "CNY" },
  });
  const receiptId = randomUUID();
  await prisma.receipt.create({ data: { id: receiptId, claimId: claim.id, fileSha256: sha256, fileName: "r.jpg", uploadedById: s.claimant.id } });
  await prisma.lineReceipt.create({ data: { lineId, receiptId } });
  const taskId = randomUUID();
  await prisma.task.create({
    data: { id: taskId, claimId: claim.id, type: "REVIEW", status: "IN_PROGRESS", groupId: s.groupId, assigneeId: assignee.id, claimVersion: 3, startedAt: new Date() },
  });
  return { claimId: claim.id, claimNumber: claim.number, taskId, sha256, fileBytes };
}

async function snapshot(claimId: string, taskId: string) {
  const claim = await prisma.claim.findUniqueOrThrow({ where: { id: claimId }, select: { status: true, version: true } });
  const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { status: true, outcome: true, finishedAt: true } });
  const events = await prisma.auditEvent.count({ where: { claimId } });
  return { claim, task, events };
}

const refused = (p: Promise<unknown>) => refusal(p, AppError);

describe("decideReview", () => {
  it("approves: claim APPROVED with a new version, task DONE, audit event", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    const result = await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "approve" });
    expect(result.status).toBe("APPROVED");
    const after = await snapshot(c.claimId, c.taskId);
    expect(after.claim).toEqual({ status: "APPROVED", version: 5 });
    expect(after.task.status).toBe("DONE");
    expect(after.task.outcome).toBe("approved");
    expect(after.task.finishedAt).toBeInstanceOf(Date);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: c.claimId, type: "claim.approved" } });
    expect(audit).toMatchObject({ actorId: s.accountant.id, fromStatus: "IN_REVIEW", toStatus: "APPROVED" });
  });

  it("refuses a decision at an old version with `stale` and changes nothing", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    const before = await snapshot(c.claimId, c.taskId);
    const err = await refused(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 3, decision: "approve" }));
    expect(err.code).toBe("stale");
    expect(await snapshot(c.claimId, c.taskId)).toEqual(before);
  });

  it("refuses a return without reason codes, and one with an unknown code", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    const before = await snapshot(c.claimId, c.taskId);
    expect((await refused(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "return", reasonCodes: [] }))).code).toBe("reason_required");
    expect((await refused(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "return", reasonCodes: ["NO_SUCH"] }))).code).toBe("invalid_reason");
    expect((await refused(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "reject", comment: "  " }))).code).toBe("comment_required");
    expect(await snapshot(c.claimId, c.taskId)).toEqual(before);
  });

  it("returns with reasons: claim RETURNED, task outcome returned, audit data", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    const result = await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "return", reasonCodes: s.reasons, comment: " Missing invoice " });
    expect(result.status).toBe("RETURNED");
    const after = await snapshot(c.claimId, c.taskId);
    expect(after.claim).toEqual({ status: "RETURNED", version: 5 });
    expect(after.task.outcome).toBe("returned");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: c.claimId, type: "claim.returned" } });
    expect(audit.data).toMatchObject({ reasonCodes: s.reasons, comment: "Missing invoice", by: "accountant" });
  });

  it("rejects with a comment", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    expect((await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "reject", comment: "Private expense" })).status).toBe("REJECTED");
    expect((await snapshot(c.claimId, c.taskId)).task.outcome).toBe("rejected");
  });

  it("refuses another accountant, who is not the assignee", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    const before = await snapshot(c.claimId, c.taskId);
    expect((await refused(decideReview({ viewer: s.other, taskId: c.taskId, claimVersion: 4, decision: "approve" }))).code).toBe("not_assignee");
    expect(await snapshot(c.claimId, c.taskId)).toEqual(before);
  });

  it("never lets the claimant decide their own claim, even when assigned", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.claimant);
    const before = await snapshot(c.claimId, c.taskId);
    const err = await refused(decideReview({ viewer: s.claimant, taskId: c.taskId, claimVersion: 4, decision: "approve" }));
    expect(err.code).toBe("not_allowed");
    expect(err.reason).toBe("own_claim");
    expect(await snapshot(c.claimId, c.taskId)).toEqual(before);
  });

  it("never lets the manager who approved the claim decide it", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    await prisma.task.create({
      data: { id: randomUUID(), claimId: c.claimId, type: "MANAGER_APPROVAL", status: "DONE", outcome: "approved", assigneeId: s.accountant.id, claimVersion: 2, finishedAt: new Date() },
    });
    const err = await refused(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "approve" }));
    expect(err.reason).toBe("approved_as_manager");
  });

  it("refuses a second decision on a finished task", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "approve" });
    expect((await refused(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 5, decision: "reject", comment: "x" }))).code).toBe("already_decided");
  });
});

describe("getWorkstation", () => {
  it("shows the task to its assignee, with a duplicate_receipt finding for the same bytes on another claim", async () => {
    const s = await setup();
    const first = await reviewClaim(s, s.other);
    const second = await reviewClaim(s, s.accountant, first.fileBytes);
    const ws = await getWorkstation({ taskId: second.taskId, viewer: s.accountant });
    expect(ws).not.toBeNull();
    expect(ws?.canDecide).toBe(true);
    expect(ws?.returnReasons.map((r) => r.code)).toEqual(expect.arrayContaining(s.reasons));
    const dup = ws?.findings.find((f) => f.code === "duplicate_receipt");
    expect(dup?.params).toMatchObject({ claimId: first.claimId, claimNumber: first.claimNumber });
    expect(ws?.findings.some((f) => f.code === "receipt_missing")).toBe(false);
  });

  it("flags a look-alike (close perceptual hash) on another claim as similar_receipt", async () => {
    const s = await setup();
    const first = await reviewClaim(s, s.other);
    const second = await reviewClaim(s, s.accountant);
    const prefix = randomUUID().replace(/-/g, "").slice(0, 4);
    await prisma.storedFile.update({ where: { sha256: first.sha256 }, data: { phash: `${prefix}000000000000` } });
    await prisma.storedFile.update({ where: { sha256: second.sha256 }, data: { phash: `${prefix}000000000007` } });
    const ws = await getWorkstation({ taskId: second.taskId, viewer: s.accountant });
    const similar = ws?.findings.find((f) => f.code === "similar_receipt");
    expect(similar?.params).toMatchObject({ claimId: first.claimId, distance: 3 });
  });

  it("is not found for another accountant, and read-only for a supervisor of the claim's company (not found for one of another)", async () => {
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    expect(await getWorkstation({ taskId: c.taskId, viewer: s.other })).toBeNull();
    const supervisor = await createUser(s.org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: s.org.companyId } });
    const ws = await getWorkstation({ taskId: c.taskId, viewer: supervisor });
    expect(ws?.canDecide).toBe(false);
    const elsewhere = await createUser(s.org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: elsewhere.id, companyId: (await createCompany()).id } });
    expect(await getWorkstation({ taskId: c.taskId, viewer: elsewhere })).toBeNull();
  });
});
