/**
 * Issue 8, item 7: four eyes stay four. In a two-step approval the steps are two different people,
 * never the claimant and never an accountant who reviewed the claim, delegation included; delegation
 * goes only to an active manager of the same company, for a bounded time, and can be revoked (audited).
 */
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import type { User } from "~/generated/prisma/client";
import { createDelegation, decideApproval, listApprovals, listDelegations, revokeDelegation } from "~/models/approval.server";
import { saveClaim } from "~/models/claim-commands.server";
import { action as approvalsAction } from "~/routes/approvals";
import { prisma } from "~/utils/db.server";
import { createApprovalChain, createClaim, createCompany, createDepartment, createUser, sessionCookie } from "./helpers";

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const today = isoDay(0);

/** The approval chain, its "other manager" acting as the deputy who stands in. */
async function org() {
  const { ids, head, manager, otherManager: deputy, employee } = await createApprovalChain();
  return { ids, head, manager, deputy, employee };
}

/** A claim of 12,000.00 CNY (above the company's threshold: two steps), submitted through the claim model. */
async function bigClaim(employee: User) {
  const claim = await createClaim(employee);
  const sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
  const receipt = await prisma.receipt.create({ data: { id: randomUUID(), claimId: claim.id, fileSha256: sha, fileName: "r.jpg", uploadedById: employee.id } });
  await saveClaim({
    viewer: employee,
    claimId: claim.id,
    version: claim.version,
    submit: true,
    input: {
      purpose: "Conference",
      companyId: employee.companyId,
      departmentId: employee.departmentId,
      lines: [{ spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "Hotel", amountMinor: 1_200_000n, currency: "CNY", note: "", receiptIds: [receipt.id] }],
    },
  });
  return prisma.claim.findUniqueOrThrow({ where: { id: claim.id } });
}

async function openStep(claimId: string) {
  return prisma.task.findFirstOrThrow({ where: { claimId, type: "MANAGER_APPROVAL", status: "OPEN" } });
}

async function postApprovals(user: User, form: Record<string, string>) {
  const request = new Request("http://localhost/approvals", {
    method: "POST",
    headers: { Cookie: await sessionCookie(user.id), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return approvalsAction({ request, params: {}, context: {} } as ActionFunctionArgs);
}

describe("four eyes in a two-step approval", () => {
  beforeAll(async () => {
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  });

  it("a delegate who approved step 1 cannot approve step 2, even standing in for the head", async () => {
    const { head, manager, deputy, employee } = await org();
    expect(await createDelegation({ manager, delegateEmail: deputy.email, from: today, to: today })).toEqual({ ok: true });
    expect(await createDelegation({ manager: head, delegateEmail: deputy.email, from: today, to: today })).toEqual({ ok: true });
    const claim = await bigClaim(employee);
    const step1 = await openStep(claim.id);
    expect(await decideApproval({ viewer: deputy, taskId: step1.id, claimVersion: claim.version, decision: "approve" })).toEqual({ status: "SUBMITTED" });
    const step2 = await openStep(claim.id);
    expect(step2).toMatchObject({ step: 2, assigneeId: head.id });
    await expect(decideApproval({ viewer: deputy, taskId: step2.id, claimVersion: claim.version, decision: "approve" })).rejects.toMatchObject({
      code: "not_allowed",
      reason: "approved_other_step",
    });
    // The same refusal through the page's action, with its message code.
    expect(await postApprovals(deputy, { intent: "approve", taskId: step2.id, claimVersion: String(claim.version) })).toMatchObject({ kind: "decision", ok: false, error: "approved_other_step" });
    // The head, a different person, still can.
    expect(await decideApproval({ viewer: head, taskId: step2.id, claimVersion: claim.version, decision: "approve" })).toEqual({ status: "MANAGER_APPROVED" });
  });

  it("the head who approved step 1 as the line manager's delegate cannot approve step 2; their own delegate can", async () => {
    const { head, manager, deputy, employee } = await org();
    expect(await createDelegation({ manager, delegateEmail: head.email, from: today, to: today })).toEqual({ ok: true });
    const claim = await bigClaim(employee);
    await decideApproval({ viewer: head, taskId: (await openStep(claim.id)).id, claimVersion: claim.version, decision: "approve" });
    const step2 = await openStep(claim.id);
    await expect(decideApproval({ viewer: head, taskId: step2.id, claimVersion: claim.version, decision: "approve" })).rejects.toMatchObject({ reason: "approved_other_step" });
    expect(await createDelegation({ manager: head, delegateEmail: deputy.email, from: today, to: today })).toEqual({ ok: true });
    expect(await decideApproval({ viewer: deputy, taskId: step2.id, claimVersion: claim.version, decision: "approve" })).toEqual({ status: "MANAGER_APPROVED" });
  });

  it("an accountant who reviewed the claim cannot approve it when it comes back for approval", async () => {
    const { ids, employee } = await org();
    const reviewer = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER", "ACCOUNTANT"] });
    const claim = await createClaim(employee, { status: "SUBMITTED", version: 7 });
    await prisma.task.createMany({
      data: [
        { id: randomUUID(), claimId: claim.id, type: "REVIEW", status: "DONE", outcome: "returned", assigneeId: reviewer.id, claimVersion: 4 },
        { id: randomUUID(), claimId: claim.id, type: "MANAGER_APPROVAL", step: 1, status: "OPEN", assigneeId: reviewer.id, claimVersion: 7 },
      ],
    });
    const step = await openStep(claim.id);
    await expect(decideApproval({ viewer: reviewer, taskId: step.id, claimVersion: 7, decision: "approve" })).rejects.toMatchObject({ code: "not_allowed", reason: "reviewed_claim" });
    expect((await prisma.task.findUniqueOrThrow({ where: { id: step.id } })).status).toBe("OPEN");
  });
});

describe("approvals nobody could be asked for (no manager, no head)", () => {
  it("are listed to and cleared by administrators of the claim's company only", async () => {
    const { ids } = await org();
    const orphan = await createUser(ids); // no line manager
    await prisma.department.update({ where: { id: ids.departmentId }, data: { headId: null } });
    const claim = await createClaim(orphan, { status: "SUBMITTED", version: 2 });
    const taskId = randomUUID();
    await prisma.task.create({ data: { id: taskId, claimId: claim.id, type: "MANAGER_APPROVAL", step: 1, status: "OPEN", assigneeId: null, claimVersion: 2 } });
    const adminHere = await createUser(ids, { roles: ["EMPLOYEE", "ADMIN"] });
    const adminElsewhere = await createUser(ids, { roles: ["EMPLOYEE", "ADMIN"] });
    await prisma.userCompany.createMany({ data: [{ userId: adminHere.id, companyId: ids.companyId }, { userId: adminElsewhere.id, companyId: (await createCompany()).id }] });

    expect((await listApprovals(adminElsewhere)).map((i) => i.claimId)).not.toContain(claim.id);
    await expect(decideApproval({ viewer: adminElsewhere, taskId, claimVersion: 2, decision: "approve" })).rejects.toMatchObject({ code: "not_allowed", reason: "not_an_approver" });
    expect((await listApprovals(adminHere)).map((i) => i.claimId)).toContain(claim.id);
    expect(await decideApproval({ viewer: adminHere, taskId, claimVersion: 2, decision: "approve" })).toEqual({ status: "MANAGER_APPROVED" });
  });
});

describe("delegation", () => {
  it("goes only to an active manager of the same company, from today on, for at most 90 days", async () => {
    const { ids, manager, deputy } = await org();
    const elsewhere = await createUser(await (async () => {
      const c = await createCompany();
      return { companyId: c.id, departmentId: (await createDepartment(c.id)).id };
    })(), { roles: ["EMPLOYEE", "MANAGER"] });
    const inactive = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"], active: false });
    const employee = await createUser(ids);
    const go = (delegateEmail: string, from = today, to = today) => createDelegation({ manager, delegateEmail, from, to });
    expect(await go(elsewhere.email)).toEqual({ ok: false, field: "delegateEmail", code: "other_company" });
    expect(await go(inactive.email)).toEqual({ ok: false, field: "delegateEmail", code: "not_a_manager" });
    expect(await go(employee.email)).toEqual({ ok: false, field: "delegateEmail", code: "not_a_manager" });
    expect(await go(manager.email)).toEqual({ ok: false, field: "delegateEmail", code: "self" });
    expect(await go(deputy.email, isoDay(-1), today)).toEqual({ ok: false, field: "from", code: "in_the_past" });
    expect(await go(deputy.email, today, isoDay(90))).toEqual({ ok: false, field: "to", code: "too_long" });
    expect(await go(deputy.email, "2026-02-30", "2026-03-02")).toEqual({ ok: false, field: "from", code: "invalid_date" });
    expect(await prisma.approvalDelegation.count({ where: { managerId: manager.id } })).toBe(0);
    expect(await go(deputy.email, today, isoDay(89))).toEqual({ ok: true });
  });

  it("is revoked by its manager on /approvals (audited): the delegate no longer sees or approves the claims", async () => {
    const { head, manager, deputy, employee } = await org();
    expect(await createDelegation({ manager, delegateEmail: deputy.email, from: today, to: isoDay(3) })).toEqual({ ok: true });
    const [delegation] = await listDelegations(manager.id);
    const claim = await bigClaim(employee);
    expect((await listApprovals(deputy)).map((i) => i.claimId)).toContain(claim.id);

    // Someone else cannot revoke it; nothing changes.
    expect(await postApprovals(head, { intent: "revoke", delegationId: delegation!.id })).toMatchObject({ kind: "revoke", ok: false });
    expect(await revokeDelegation({ manager: head, delegationId: delegation!.id })).toEqual({ ok: false });
    expect(await postApprovals(manager, { intent: "revoke", delegationId: delegation!.id })).toMatchObject({ kind: "revoke", ok: true });
    const row = await prisma.approvalDelegation.findUniqueOrThrow({ where: { id: delegation!.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(await prisma.auditEvent.findFirst({ where: { type: "delegation.revoked", actorId: manager.id } })).toMatchObject({ data: { delegationId: delegation!.id, delegateId: deputy.id } });
    expect(await listDelegations(manager.id)).toEqual([]);
    expect((await listApprovals(deputy)).map((i) => i.claimId)).not.toContain(claim.id);
    await expect(decideApproval({ viewer: deputy, taskId: (await openStep(claim.id)).id, claimVersion: claim.version, decision: "approve" })).rejects.toMatchObject({ code: "not_allowed" });
  });
});
