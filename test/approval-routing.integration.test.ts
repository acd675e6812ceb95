import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import { taskEventKey } from "~/domain/jobs";
import type { Role } from "~/generated/prisma/enums";
import { runRouteClaim } from "~/jobs/route-claim";
import { createDelegation, decideApproval, listApprovals, routeJobKey } from "~/models/approval.server";
import { saveClaim } from "~/models/claim-commands.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { startRelay } from "../workers/relay";
import { startRoutingWorker } from "../workers/routing";
import { createApprovalChain, createClaim, waitFor } from "./helpers";

const org = createApprovalChain;

/** A task's arrival and its "created" metrics event carry one instant (the rollups count both; a test clock must see one time). */
async function expectCreatedOnce(taskId: string) {
  const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { createdAt: true } });
  const event = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: taskEventKey(taskId, "created") } });
  expect((event.payload as { at: string }).at).toBe(task.createdAt.toISOString());
}

/** A claim with one TAXI line and a receipt, submitted through the claim model (which opens the approval task). */
async function submittedClaim(employee: { id: string; companyId: string; departmentId: string; roles: Role[] }, amount: string, categoryCode = "TAXI") {
  const claim = await createClaim(employee);
  const sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
  const receipt = await prisma.receipt.create({ data: { id: randomUUID(), claimId: claim.id, fileSha256: sha, fileName: "r.jpg", uploadedById: employee.id } });
  const result = await saveClaim({
    viewer: employee,
    claimId: claim.id,
    version: claim.version,
    submit: true,
    input: {
      purpose: "Trip",
      companyId: employee.companyId,
      departmentId: employee.departmentId,
      lines: [{ spentOn: "2026-11-02", categoryCode, merchant: "滴滴出行", amountMinor: BigInt(Math.round(Number(amount) * 100)), currency: "CNY", note: "", receiptIds: [receipt.id] }],
    },
  });
  expect(result.status).toBe("SUBMITTED");
  return prisma.claim.findUniqueOrThrow({ where: { id: claim.id } });
}

describe("manager approval and routing", () => {
  let travel: { id: string };
  let fallback: { id: string };
  const redis = new Redis(env.REDIS_URL);

  beforeAll(async () => {
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
    await prisma.expenseCategory.upsert({ where: { code: "OFFICE" }, update: {}, create: { code: "OFFICE", name: "Office", nameZh: "办公" } });
    await prisma.routingRule.deleteMany({});
    await prisma.processingGroup.updateMany({ data: { isDefault: false } });
    fallback = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `DEF${randomUUID().slice(0, 6)}`, name: "Default", nameZh: "默认组", isDefault: true } });
    travel = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `TRV${randomUUID().slice(0, 6)}`, name: "Travel", nameZh: "差旅组", slaMinutes: 240 } });
    await prisma.routingRule.create({ data: { id: randomUUID(), position: 1, name: "Taxis to travel", groupId: travel.id, conditions: { categoryCodes: ["TAXI"] } } });
  });
  afterAll(async () => {
    redis.disconnect();
  });

  it("the line manager approves; the claim is routed once to the rule's group, with an SLA due time", async () => {
    const { manager, otherManager, employee } = await org();
    const claim = await submittedClaim(employee, "45.50");

    const inbox = await listApprovals(manager);
    const item = inbox.find((i) => i.claimId === claim.id);
    expect(item).toMatchObject({ claimNumber: claim.number, claimVersion: claim.version, step: 1, onBehalfOf: null, totals: [{ minor: 4550n, currency: "CNY" }] });
    // Totals per currency, in the order the lines first use them (a second line in USD, then CNY again).
    await prisma.claimLine.createMany({
      data: [
        { id: randomUUID(), claimId: claim.id, position: 2, spentOn: new Date("2026-11-03"), categoryCode: "TAXI", merchant: "Uber", amountMinor: 1200n, currency: "USD", note: "" },
        { id: randomUUID(), claimId: claim.id, position: 3, spentOn: new Date("2026-11-04"), categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: 50n, currency: "CNY", note: "" },
      ],
    });
    expect((await listApprovals(manager)).find((i) => i.claimId === claim.id)?.totals).toEqual([{ minor: 4600n, currency: "CNY" }, { minor: 1200n, currency: "USD" }]);
    await prisma.claimLine.deleteMany({ where: { claimId: claim.id, position: { in: [2, 3] } } });
    expect(await listApprovals(otherManager)).not.toContainEqual(expect.objectContaining({ claimId: claim.id }));

    await expect(decideApproval({ viewer: employee, taskId: item!.taskId, claimVersion: claim.version, decision: "approve" })).rejects.toThrow(AppError);
    await expect(decideApproval({ viewer: otherManager, taskId: item!.taskId, claimVersion: claim.version, decision: "approve" })).rejects.toMatchObject({ code: "not_allowed" });
    await expect(decideApproval({ viewer: manager, taskId: item!.taskId, claimVersion: claim.version - 1, decision: "approve" })).rejects.toMatchObject({ code: "stale" });

    const decided = await decideApproval({ viewer: manager, taskId: item!.taskId, claimVersion: claim.version, decision: "approve" });
    expect(decided.status).toBe("MANAGER_APPROVED");
    const approved = await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } });
    expect(approved.status).toBe("MANAGER_APPROVED");
    const outbox = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: routeJobKey(claim.id, approved.version) } });
    expect(outbox.status).toBe("PENDING");
    await expect(decideApproval({ viewer: manager, taskId: item!.taskId, claimVersion: approved.version, decision: "approve" })).rejects.toMatchObject({ code: "already_decided" });

    // Redis loses everything before the relay ran: Postgres still has the job.
    await redis.flushdb();
    const relay = await startRelay({ pollMs: 50, log: () => undefined });
    const worker = startRoutingWorker({ transactions: 2 });
    try {
      const task = await waitFor(() => prisma.task.findFirst({ where: { claimId: claim.id, type: "REVIEW" } }).then((t) => t ?? undefined), { what: "review task" });
      expect(task.groupId).toBe(travel.id);
      expect(task.status).toBe("OPEN");
      expect(task.slaMinutes).toBe(240);
      expect(task.slaDueAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
      await expectCreatedOnce(task.id);
      await waitFor(async () => (await prisma.outboxEvent.findUniqueOrThrow({ where: { id: outbox.id } })).status === "DONE", { what: "outbox done" });
    } finally {
      await worker.close();
      await relay.stop();
    }
    // Running the job again (a duplicate delivery) changes nothing.
    expect(await runRouteClaim({ claimId: claim.id, version: approved.version })).toEqual({ outcome: "skipped", reason: "already_routed" });
    expect(await prisma.task.count({ where: { claimId: claim.id, type: "REVIEW" } })).toBe(1);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).groupId).toBe(travel.id);
    expect(await prisma.auditEvent.count({ where: { claimId: claim.id, type: "claim.routed" } })).toBe(1);
  });

  it("claims at or above the threshold also need the department head; a delegate can stand in", async () => {
    const { head, manager, otherManager, employee } = await org();
    const claim = await submittedClaim(employee, "12000.00");
    const first = (await listApprovals(manager)).find((i) => i.claimId === claim.id)!;
    expect((await decideApproval({ viewer: manager, taskId: first.taskId, claimVersion: claim.version, decision: "approve" })).status).toBe("SUBMITTED");

    const today = new Date().toISOString().slice(0, 10);
    expect(await createDelegation({ manager: head, delegateEmail: otherManager.email, from: today, to: today })).toEqual({ ok: true });
    const second = (await listApprovals(otherManager)).find((i) => i.claimId === claim.id);
    expect(second).toMatchObject({ step: 2, onBehalfOf: head.name });
    expect((await decideApproval({ viewer: otherManager, taskId: second!.taskId, claimVersion: claim.version, decision: "approve" })).status).toBe("MANAGER_APPROVED");
    const tasks = await prisma.task.findMany({ where: { claimId: claim.id, type: "MANAGER_APPROVAL" }, orderBy: { step: "asc" } });
    expect(tasks.map((t) => [t.step, t.status, t.assigneeId])).toEqual([
      [1, "DONE", manager.id],
      [2, "DONE", otherManager.id],
    ]);
    for (const t of tasks) await expectCreatedOnce(t.id);
  });

  it("a manager returns a claim with a comment; the claimant can edit and resubmit", async () => {
    const { manager, employee } = await org();
    const claim = await submittedClaim(employee, "88.00");
    const item = (await listApprovals(manager)).find((i) => i.claimId === claim.id)!;
    await expect(decideApproval({ viewer: manager, taskId: item.taskId, claimVersion: claim.version, decision: "return", comment: " " })).rejects.toMatchObject({ code: "comment_required" });
    expect((await decideApproval({ viewer: manager, taskId: item.taskId, claimVersion: claim.version, decision: "return", comment: "请补充发票" })).status).toBe("RETURNED");
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: claim.id, type: "claim.returned" } });
    expect(event.data).toMatchObject({ comment: "请补充发票", by: "manager" });
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe("RETURNED");
  });

  it("a claim no rule matches goes to the default group", async () => {
    const { manager, employee } = await org();
    const claim = await submittedClaim(employee, "30.00", "OFFICE");
    const item = (await listApprovals(manager)).find((i) => i.claimId === claim.id)!;
    await decideApproval({ viewer: manager, taskId: item.taskId, claimVersion: claim.version, decision: "approve" });
    const approved = await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } });
    const routed = await runRouteClaim({ claimId: claim.id, version: approved.version });
    expect(routed).toMatchObject({ outcome: "routed", groupId: fallback.id });
  });

  it("nobody approves their own claim, even as a manager", async () => {
    const { manager, head } = await org();
    const claim = await submittedClaim({ ...manager, roles: ["EMPLOYEE", "MANAGER"] }, "50.00");
    // The manager's own manager is the head: the task is the head's, never the claimant's.
    expect((await listApprovals(manager)).some((i) => i.claimId === claim.id)).toBe(false);
    expect((await listApprovals(head)).some((i) => i.claimId === claim.id)).toBe(true);
  });
});
