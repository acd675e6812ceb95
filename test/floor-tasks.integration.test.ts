/**
 * The supervisor's floor view (/queue/tasks) against the real Postgres: a group's open and in-progress
 * review tasks, breached first, then at risk, paged with counts; re-assignment through the route's
 * action (supervisors only, audited, errors as codes); and the re-assigned accountant's Next.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import type { User } from "~/generated/prisma/client";
import { listFloorTasks } from "~/models/floor-tasks.server";
import { takeNextTask } from "~/models/work-queue.server";
import { action as floorAction, loader as floorLoader } from "~/routes/queue_.tasks";
import { prisma } from "~/utils/db.server";
import { createGroup, createMember, createOrg, createUser, queueReviewTask, sessionCookie } from "./helpers";

async function call<T>(fn: (args: ActionFunctionArgs & LoaderFunctionArgs) => Promise<T>, user: User, form?: Record<string, string>, url = "http://localhost/queue/tasks"): Promise<T | Response> {
  const headers = { Cookie: await sessionCookie(user.id), "Content-Type": "application/x-www-form-urlencoded" };
  const request = new Request(url, form ? { method: "POST", headers, body: new URLSearchParams(form).toString() } : { headers });
  try {
    return await fn({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("floor view", () => {
  it("lists a group's open and in-progress reviews, breached first, then at risk, with totals, holders and eligible members", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const other = await createGroup();
    const claimant = await createUser(org, { name: "Claire Claimant" });
    const a = await createMember(org, [group], { name: "Amy Accountant" });
    const b = await createMember(org, [group], { name: "Ben Accountant" });
    await createMember(org, [group], { name: "Quinn QA only", roles: ["EMPLOYEE", "QA"] });
    const onTrackOld = await queueReviewTask(claimant, group, { ageMinutes: 300, lines: [[1500, "CNY"], [2500, "CNY"], [700, "USD"]] });
    const atRisk = await queueReviewTask(claimant, group, { sla: "AT_RISK", ageMinutes: 10 });
    const breached = await queueReviewTask(claimant, group, { sla: "BREACHED", ageMinutes: 5, approvedBy: b.id });
    const working = await queueReviewTask(claimant, group, { status: "IN_PROGRESS", assigneeId: a.id, ageMinutes: 60 });
    const highPriority = await queueReviewTask(claimant, group, { priority: 10, ageMinutes: 1 });
    await queueReviewTask(claimant, other, { sla: "BREACHED" });

    const floor = await listFloorTasks({ groupId: group, page: 1 });
    expect(floor.counts).toEqual({ total: 5, open: 4, inProgress: 1, atRisk: 1, breached: 1 });
    expect(floor.tasks.map((t) => t.taskId)).toEqual([breached.taskId, atRisk.taskId, highPriority.taskId, onTrackOld.taskId, working.taskId]);

    const old = floor.tasks.find((t) => t.taskId === onTrackOld.taskId)!;
    expect(old).toMatchObject({ claimNumber: onTrackOld.claimNumber, claimant: { name: "Claire Claimant" }, status: "OPEN", assignee: null, preferred: null });
    expect(old.totals).toEqual([{ currency: "CNY", minor: "4000" }, { currency: "USD", minor: "700" }]);
    expect(old.candidates.map((c) => c.name)).toEqual(["Amy Accountant", "Ben Accountant"]);
    // Ben approved the breached claim as its manager: he may not get it. Amy holds the one in progress.
    expect(floor.tasks.find((t) => t.taskId === breached.taskId)!.candidates.map((c) => c.id)).toEqual([a.id]);
    const inProgress = floor.tasks.find((t) => t.taskId === working.taskId)!;
    expect(inProgress.assignee).toEqual({ id: a.id, name: "Amy Accountant" });
    expect(inProgress.candidates.map((c) => c.id)).toEqual([b.id]);

    const page2 = await listFloorTasks({ groupId: group, page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ page: 2, pages: 3, pageSize: 2 });
    expect(page2.tasks.map((t) => t.taskId)).toEqual([highPriority.taskId, onTrackOld.taskId]);
    // A page past the end shows the last one rather than nothing.
    expect((await listFloorTasks({ groupId: group, page: 99, pageSize: 2 })).page).toBe(3);
  });

  it("the route refuses accountants and employees with 403; an admin sees the floor but may not re-assign", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const a = await createMember(org, [group], { name: "Accountant" });
    const { taskId } = await queueReviewTask(claimant, group);
    const admin = await createUser(org, { roles: ["EMPLOYEE", "ADMIN"] });
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: org.companyId } });
    const form = { intent: "reassign", taskId, toUserId: a.id, seenStatus: "OPEN", seenHolder: "" };

    for (const user of [a, claimant]) {
      const loaded = await call(floorLoader, user);
      expect(loaded instanceof Response && loaded.status).toBe(403);
      const acted = await call(floorAction, user, form);
      expect(acted instanceof Response && acted.status).toBe(403);
    }
    const adminView = await call(floorLoader, admin, undefined, `http://localhost/queue/tasks?group=${group}`);
    expect(adminView).not.toBeInstanceOf(Response);
    if (adminView instanceof Response) return;
    expect(adminView.canReassign).toBe(false);
    expect(adminView.floor?.tasks.map((t) => t.taskId)).toEqual([taskId]);
    const adminActs = await call(floorAction, admin, form);
    expect(adminActs instanceof Response && adminActs.status).toBe(403);
    expect(await prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { preferredAssigneeId: true } })).toEqual({ preferredAssigneeId: null });
  });

  it("a supervisor re-assigns an open task to B (audited), B's Next gets exactly it; errors come back as codes", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const a = await createMember(org, [group], { name: "A" });
    const b = await createMember(org, [group], { name: "B" });
    const outsider = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: org.companyId } });
    // The target is the youngest, lowest-priority task: without the re-assignment B's Next would take another.
    await queueReviewTask(claimant, group, { priority: 5, ageMinutes: 100 });
    const target = await queueReviewTask(claimant, group, { ageMinutes: 1, approvedBy: a.id });

    const view = await call(floorLoader, supervisor, undefined, `http://localhost/queue/tasks?group=${group}`);
    if (view instanceof Response) throw new Error(`loader answered ${view.status}`);
    expect(view.canReassign).toBe(true);

    const base = { intent: "reassign", taskId: target.taskId, seenStatus: "OPEN", seenHolder: "" };
    expect(await call(floorAction, supervisor, { ...base, toUserId: a.id })).toEqual({ ok: false, taskId: target.taskId, code: "segregation" });
    expect(await call(floorAction, supervisor, { ...base, toUserId: outsider.id })).toEqual({ ok: false, taskId: target.taskId, code: "not_member" });
    expect(await call(floorAction, supervisor, { ...base, toUserId: "" })).toEqual({ ok: false, taskId: target.taskId, code: "choose" });
    expect(await prisma.auditEvent.count({ where: { type: "task.reassigned", claimId: target.claimId } })).toBe(0);

    expect(await call(floorAction, supervisor, { ...base, toUserId: b.id })).toEqual({ ok: true, taskId: target.taskId, status: "OPEN" });
    const audit = await prisma.auditEvent.findMany({ where: { type: "task.reassigned", claimId: target.claimId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: supervisor.id, data: { taskId: target.taskId, taskStatus: "OPEN", fromUserId: null, toUserId: b.id } });
    const listed = await listFloorTasks({ groupId: group, page: 1 });
    expect(listed.tasks.find((t) => t.taskId === target.taskId)?.preferred).toEqual({ id: b.id, name: "B" });

    // The same form again (it still says "nobody preferred"): the task moved on, so it is stale.
    expect(await call(floorAction, supervisor, { ...base, toUserId: b.id })).toEqual({ ok: false, taskId: target.taskId, code: "stale" });

    expect(await takeNextTask({ accountant: b })).toEqual({ taskId: target.taskId, claimId: target.claimId });

    // In progress now: a form from before B took it is stale; a fresh one moves the assignee.
    expect(await call(floorAction, supervisor, { ...base, seenHolder: b.id, toUserId: a.id })).toEqual({ ok: false, taskId: target.taskId, code: "stale" });
    const other = await createMember(org, [group], { name: "C" });
    expect(await call(floorAction, supervisor, { ...base, seenStatus: "IN_PROGRESS", seenHolder: b.id, toUserId: other.id })).toEqual({
      ok: true,
      taskId: target.taskId,
      status: "IN_PROGRESS",
    });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: target.taskId }, select: { assigneeId: true } })).toEqual({ assigneeId: other.id });
  });

  it("shows a supervisor only the tasks of their companies' claims, counts included, and refuses to re-assign any other", async () => {
    const orgA = await createOrg();
    const orgB = await createOrg();
    const group = await createGroup();
    const a = await createMember(orgA, [group], { name: "A" });
    const b = await createMember(orgA, [group], { name: "B" });
    const inA = await queueReviewTask(await createUser(orgA), group, { sla: "BREACHED" });
    const inB = await queueReviewTask(await createUser(orgB), group, { status: "IN_PROGRESS", assigneeId: a.id });
    const supervisorB = await createUser(orgB, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisorB.id, companyId: orgB.companyId } });

    const view = await call(floorLoader, supervisorB, undefined, `http://localhost/queue/tasks?group=${group}`);
    if (view instanceof Response) throw new Error(`loader answered ${view.status}`);
    expect(view.floor?.tasks.map((t) => t.taskId)).toEqual([inB.taskId]);
    expect(view.floor?.counts).toEqual({ total: 1, open: 0, inProgress: 1, atRisk: 0, breached: 0 });
    expect(view.groups.find((g) => g.id === group)).toMatchObject({ waiting: 1, breached: 0 });
    const found = await call(floorLoader, supervisorB, undefined, `http://localhost/queue/tasks?group=${group}&claim=${inA.claimNumber}`);
    if (found instanceof Response) throw new Error(`loader answered ${found.status}`);
    expect(found.floor?.tasks).toEqual([]);

    // Company A's task: refused as if it did not exist, and nothing changes.
    const form = { intent: "reassign", taskId: inA.taskId, toUserId: b.id, seenStatus: "OPEN", seenHolder: "" };
    expect(await call(floorAction, supervisorB, form)).toEqual({ ok: false, taskId: inA.taskId, code: "not_found" });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: inA.taskId }, select: { preferredAssigneeId: true } })).toEqual({ preferredAssigneeId: null });
    // Their own company's task moves.
    expect(await call(floorAction, supervisorB, { intent: "reassign", taskId: inB.taskId, toUserId: b.id, seenStatus: "IN_PROGRESS", seenHolder: a.id })).toEqual({
      ok: true,
      taskId: inB.taskId,
      status: "IN_PROGRESS",
    });
  });
});
