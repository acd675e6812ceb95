/**
 * "Next" against the real Postgres: concurrent takers never share a task, the order is priority then
 * age, a preferred assignee comes first, segregation of duties holds, and groups fence the queue.
 * Every test makes its own groups and accountants, so it only ever sees its own tasks.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient, type Role, type User } from "~/generated/prisma/client";
import { queueSummary, reassignTask, takeNextTask } from "~/models/work-queue.server";
import { action as queueAction, loader as queueLoader } from "~/routes/queue";
import { prisma } from "~/utils/db.server";
import { sessionStorage } from "~/utils/session.server";
import { createClaim, createCompany, createDepartment, createUser } from "./helpers";

type Org = { companyId: string; departmentId: string };

async function createOrg(): Promise<Org> {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  return { companyId: company.id, departmentId: department.id };
}

async function createGroup(): Promise<string> {
  const code = `G${randomUUID().slice(0, 8).toUpperCase()}`;
  const g = await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: `Group ${code}`, nameZh: `组 ${code}` } });
  return g.id;
}

async function createAccountant(org: Org, groupIds: string[], roles: Role[] = ["EMPLOYEE", "ACCOUNTANT"]): Promise<User> {
  const user = await createUser(org, { roles });
  if (groupIds.length > 0) await prisma.groupMember.createMany({ data: groupIds.map((groupId) => ({ groupId, userId: user.id })) });
  return user;
}

/** A manager-approved claim with one open review task in `groupId`. */
async function queueClaim(
  claimant: User,
  groupId: string,
  task: { priority?: number; ageMinutes?: number; preferredAssigneeId?: string; approvedBy?: string } = {},
): Promise<{ claimId: string; taskId: string }> {
  const claim = await createClaim(claimant, { status: "MANAGER_APPROVED", version: 3, groupId });
  if (task.approvedBy) {
    await prisma.task.create({
      data: { id: randomUUID(), claimId: claim.id, type: "MANAGER_APPROVAL", status: "DONE", assigneeId: task.approvedBy, outcome: "approved", claimVersion: 2, finishedAt: new Date() },
    });
  }
  const taskId = randomUUID();
  await prisma.task.create({
    data: {
      id: taskId,
      claimId: claim.id,
      type: "REVIEW",
      groupId,
      priority: task.priority ?? 0,
      preferredAssigneeId: task.preferredAssigneeId ?? null,
      claimVersion: 3,
      createdAt: new Date(Date.now() - (task.ageMinutes ?? 0) * 60_000),
    },
  });
  return { claimId: claim.id, taskId };
}

const next = (user: User, db?: PrismaClient) => takeNextTask({ accountant: user }, db);

describe("takeNextTask", () => {
  // Fifty connections, so fifty transactions really run at once (the app's client has a pool of ten).
  let wide: PrismaClient;
  beforeAll(() => {
    wide = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL, max: 50 }) });
  });
  afterAll(async () => {
    await wide.$disconnect();
  });

  it("gives 20 tasks to 50 accountants pressing Next at once, each task exactly once", async () => {
    const org = await createOrg();
    const groups = [await createGroup(), await createGroup()];
    const claimant = await createUser(org);
    const accountants = await Promise.all(Array.from({ length: 50 }, () => createAccountant(org, groups)));
    const queued = await Promise.all(
      Array.from({ length: 20 }, (_, i) => queueClaim(claimant, groups[i % 2]!, { priority: i % 3, ageMinutes: i })),
    );
    // Open all fifty connections first, so the takes start together instead of behind connection set-up.
    await Promise.all(Array.from({ length: 50 }, () => wide.$queryRaw`SELECT 1`));

    const results = await Promise.all(accountants.map((a) => next(a, wide)));

    const taken = results.filter((r) => r !== null);
    expect(taken).toHaveLength(20);
    expect(results.filter((r) => r === null)).toHaveLength(30);
    expect(new Set(taken.map((r) => r.taskId)).size).toBe(20);
    expect(new Set(taken.map((r) => r.taskId))).toEqual(new Set(queued.map((q) => q.taskId)));

    const tasks = await prisma.task.findMany({ where: { id: { in: queued.map((q) => q.taskId) } } });
    const takerOf = new Map(results.flatMap((r, i) => (r ? [[r.taskId, accountants[i]!.id] as const] : [])));
    for (const t of tasks) {
      expect(t.status).toBe("IN_PROGRESS");
      expect(t.assigneeId).toBe(takerOf.get(t.id));
      expect(t.startedAt).not.toBeNull();
    }
    expect(new Set(tasks.map((t) => t.assigneeId)).size).toBe(20);

    const claims = await prisma.claim.findMany({ where: { id: { in: queued.map((q) => q.claimId) } } });
    expect(claims.map((c) => [c.status, c.version])).toEqual(Array.from({ length: 20 }, () => ["IN_REVIEW", 4]));
    const audit = await prisma.auditEvent.findMany({ where: { claimId: { in: queued.map((q) => q.claimId) }, type: "claim.review_started" } });
    expect(audit).toHaveLength(20);
    for (const e of audit) {
      const r = taken.find((x) => x.claimId === e.claimId)!;
      expect(e).toMatchObject({ fromStatus: "MANAGER_APPROVED", toStatus: "IN_REVIEW", actorId: takerOf.get(r.taskId), data: { taskId: r.taskId } });
    }
  });

  it("takes the highest priority first, then the oldest", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const me = await createAccountant(org, [group]);
    const low_old = await queueClaim(claimant, group, { priority: 0, ageMinutes: 300 });
    const low_older = await queueClaim(claimant, group, { priority: 0, ageMinutes: 600 });
    const high_new = await queueClaim(claimant, group, { priority: 1, ageMinutes: 60 });
    const high_old = await queueClaim(claimant, group, { priority: 1, ageMinutes: 120 });
    const order = [];
    for (let i = 0; i < 5; i++) order.push((await next(me))?.taskId ?? null);
    expect(order).toEqual([high_old.taskId, high_new.taskId, low_older.taskId, low_old.taskId, null]);
  });

  it("gives an accountant the task that prefers them first, and lets others take it when they have none", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const [alice, bob, carol] = await Promise.all([createAccountant(org, [group]), createAccountant(org, [group]), createAccountant(org, [group])]);
    const urgent = await queueClaim(claimant, group, { priority: 2, ageMinutes: 500 });
    const forAlice = await queueClaim(claimant, group, { priority: 0, ageMinutes: 1, preferredAssigneeId: alice!.id });
    const forBob = await queueClaim(claimant, group, { priority: 0, ageMinutes: 2, preferredAssigneeId: bob!.id });

    expect(await next(alice!)).toMatchObject({ taskId: forAlice.taskId });
    expect(await next(carol!)).toMatchObject({ taskId: urgent.taskId });
    // A preference, not a reservation: with nothing else waiting, Carol takes the one meant for Bob.
    expect(await next(carol!)).toMatchObject({ taskId: forBob.taskId });
    expect(await next(bob!)).toBeNull();
  });

  it("never gives accountants a claim they filed or approved as manager, even when it is all there is", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const filer = await createAccountant(org, [group]);
    const approver = await createAccountant(org, [group], ["EMPLOYEE", "ACCOUNTANT", "MANAGER"]);
    const other = await createAccountant(org, [group]);

    const own = await queueClaim(filer, group, { priority: 9 });
    expect(await next(filer)).toBeNull();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: own.taskId } })).status).toBe("OPEN");
    expect(await next(other)).toMatchObject({ taskId: own.taskId });

    // Preferred for the approver, too: a preference never overrides segregation.
    const approved = await queueClaim(await createUser(org), group, { approvedBy: approver.id, preferredAssigneeId: approver.id });
    expect(await next(approver)).toBeNull();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: approved.taskId } })).status).toBe("OPEN");
    expect(await next(filer)).toMatchObject({ taskId: approved.taskId });
  });

  it("never takes a task from a group the accountant is not a member of", async () => {
    const org = await createOrg();
    const [mine, theirs] = [await createGroup(), await createGroup()];
    const claimant = await createUser(org);
    const me = await createAccountant(org, [mine]);
    const member = await createAccountant(org, [theirs]);
    const elsewhere = await queueClaim(claimant, theirs, { priority: 5, ageMinutes: 999 });
    expect(await next(me)).toBeNull();
    const outsider = await createAccountant(org, []);
    expect(await next(outsider)).toBeNull();
    expect(await next(member)).toMatchObject({ taskId: elsewhere.taskId });
  });

  it("refuses anyone without the ACCOUNTANT role", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const supervisor = await createAccountant(org, [group], ["EMPLOYEE", "SUPERVISOR"]);
    await queueClaim(await createUser(org), group);
    await expect(next(supervisor)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("queueSummary", () => {
  it("counts open, in-progress, at-risk and breached review tasks per group and lists my tasks in progress", async () => {
    const org = await createOrg();
    const [g1, g2, notMine] = [await createGroup(), await createGroup(), await createGroup()];
    const claimant = await createUser(org);
    const me = await createAccountant(org, [g1, g2]);
    const a = await queueClaim(claimant, g1, { ageMinutes: 200 });
    const b = await queueClaim(claimant, g1, { ageMinutes: 30 });
    await queueClaim(claimant, g1, { ageMinutes: 10 });
    await queueClaim(claimant, notMine, { ageMinutes: 999 });
    await prisma.task.update({ where: { id: b.taskId }, data: { slaState: "AT_RISK" } });
    await prisma.task.update({ where: { id: a.taskId }, data: { slaState: "BREACHED" } });
    const taken = await takeNextTask({ accountant: me }); // the oldest: a

    const summary = await queueSummary({ userId: me.id });
    expect(summary.groups.map((g) => g.id).sort()).toEqual([g1, g2].sort());
    const first = summary.groups.find((g) => g.id === g1)!;
    expect(first).toMatchObject({ member: true, open: 2, inProgress: 1, atRisk: 1, breached: 0 });
    expect(Date.now() - first.oldestOpenAt!.getTime()).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(summary.groups.find((g) => g.id === g2)).toMatchObject({ open: 0, inProgress: 0, oldestOpenAt: null });
    expect(summary.myTasks).toEqual([expect.objectContaining({ taskId: taken!.taskId, claimId: a.claimId, slaState: "BREACHED" })]);

    const all = await queueSummary({ userId: me.id, allGroups: true });
    expect(all.groups.find((g) => g.id === notMine)).toMatchObject({ member: false, open: 1 });
  });
});

describe("reassignTask", () => {
  it("hands an open task to a member as preferred assignee and an in-progress one outright, audited; refuses outsiders and the claimant", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createAccountant(org, [group]);
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    const [alice, bob] = [await createAccountant(org, [group]), await createAccountant(org, [group])];
    const stranger = await createAccountant(org, [await createGroup()]);
    const open = await queueClaim(claimant, group, { ageMinutes: 5 });

    await expect(reassignTask({ supervisor: alice, taskId: open.taskId, toUserId: bob.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(reassignTask({ supervisor, taskId: open.taskId, toUserId: stranger.id })).rejects.toMatchObject({ code: "not_member" });
    await expect(reassignTask({ supervisor, taskId: open.taskId, toUserId: claimant.id })).rejects.toMatchObject({ code: "segregation" });
    const approvedByBob = await queueClaim(await createUser(org), group, { approvedBy: bob.id });
    await expect(reassignTask({ supervisor, taskId: approvedByBob.taskId, toUserId: bob.id })).rejects.toMatchObject({ code: "segregation" });

    expect(await reassignTask({ supervisor, taskId: open.taskId, toUserId: bob.id })).toEqual({ status: "OPEN" });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: open.taskId } })).toMatchObject({ status: "OPEN", preferredAssigneeId: bob.id, assigneeId: null });

    expect(await takeNextTask({ accountant: alice })).toMatchObject({ taskId: open.taskId });
    expect(await reassignTask({ supervisor, taskId: open.taskId, toUserId: bob.id })).toEqual({ status: "IN_PROGRESS" });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: open.taskId } })).toMatchObject({ status: "IN_PROGRESS", assigneeId: bob.id });

    const events = await prisma.auditEvent.findMany({ where: { claimId: open.claimId, type: "task.reassigned" }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.data)).toEqual([
      { taskId: open.taskId, taskStatus: "OPEN", fromUserId: null, toUserId: bob.id },
      { taskId: open.taskId, taskStatus: "IN_PROGRESS", fromUserId: alice.id, toUserId: bob.id },
    ]);
  });
});

describe("/queue route", () => {
  async function cookieFor(userId: string): Promise<string> {
    const session = await sessionStorage.getSession();
    session.set("userId", userId);
    return (await sessionStorage.commitSession(session)).split(";")[0]!;
  }
  async function call<T>(fn: (args: ActionFunctionArgs) => Promise<T>, user: User, method = "GET"): Promise<T | Response> {
    const headers = { Cookie: await cookieFor(user.id), "Content-Type": "application/x-www-form-urlencoded" };
    const request = new Request("http://localhost/queue", method === "GET" ? { headers } : { method, headers, body: "intent=next" });
    try {
      return await fn({ request, params: {}, context: {} });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  it("lets accountants take the next task (redirect to the workstation), supervisors only watch, employees not even that", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const me = await createAccountant(org, [group]);
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    const employee = await createUser(org);
    const queued = await queueClaim(employee, group);

    expect(((await call(queueLoader, employee)) as Response).status).toBe(403);
    const watching = await call(queueLoader, supervisor);
    expect(watching).toMatchObject({ canTake: false, groups: expect.arrayContaining([expect.objectContaining({ id: group, open: 1, member: false })]) });
    expect(((await call(queueAction, supervisor, "POST")) as Response).status).toBe(403);

    const taken = (await call(queueAction, me, "POST")) as Response;
    expect(taken.status).toBe(302);
    expect(taken.headers.get("Location")).toBe(`/work/${queued.taskId}`);
    expect(await call(queueAction, me, "POST")).toEqual({ outcome: "empty" });
    expect(await call(queueLoader, me)).toMatchObject({ canTake: true, myTasks: [expect.objectContaining({ taskId: queued.taskId })] });
  });
});
