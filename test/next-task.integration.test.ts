/**
 * "Next" against the real Postgres: concurrent takers never share a task, the order is priority then
 * age, a preferred assignee comes first, segregation of duties holds, and groups fence the queue.
 * Every test makes its own groups and accountants, so it only ever sees its own tasks.
 */
import pg from "pg";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PrismaClient, type User } from "~/generated/prisma/client";
import { JOBS, taskEventKey } from "~/domain/jobs";
import { queueSummary, reassignTask, takeNextTask } from "~/models/work-queue.server";
import { action as queueAction, loader as queueLoader } from "~/routes/queue";
import { KEEP_PLAN, newAppClient, prisma } from "~/utils/db.server";
import { sealAllAuditEvents, verifyAuditChainInDatabase } from "../scripts/audit-verify";
import { createGroup, createMember, createOrg, createUser, queueReviewTask, sessionCookie } from "./helpers";

const next = (user: User, db?: PrismaClient) => takeNextTask({ accountant: user }, db);

describe("takeNextTask", () => {
  // Fifty connections, so fifty transactions really run at once (the app's client has a pool of ten);
  // the app's own client otherwise (its connection options, Next's kept plan).
  let wide: PrismaClient;
  beforeAll(() => {
    wide = newAppClient(process.env.APP_DATABASE_URL!, { max: 50 });
  });
  afterAll(async () => {
    await wide.$disconnect();
  });

  it("gives 20 tasks to 50 accountants pressing Next at once, each task exactly once", async () => {
    const org = await createOrg();
    const groups = [await createGroup(), await createGroup()];
    const claimant = await createUser(org);
    const accountants = await Promise.all(Array.from({ length: 50 }, () => createMember(org, groups)));
    const queued = await Promise.all(
      Array.from({ length: 20 }, (_, i) => queueReviewTask(claimant, groups[i % 2]!, { priority: i % 3, ageMinutes: i })),
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
    // One statement writes the task event to the outbox as emitTaskEvent would: its key, a payload its worker accepts.
    const outbox = await prisma.outboxEvent.findMany({ where: { jobKey: { in: taken.map((r) => taskEventKey(r.taskId, "started")) } } });
    expect(outbox).toHaveLength(20);
    for (const o of outbox) {
      expect(o).toMatchObject({ queue: JOBS.taskEvent.queue, jobName: JOBS.taskEvent.name, status: "PENDING" });
      const payload = JOBS.taskEvent.payload.parse(o.payload);
      expect(o.jobKey).toBe(JOBS.taskEvent.key(payload));
      expect(payload.kind).toBe("started");
    }
    // Fifty statements appending to the audit log at once take no shared lock (decision 037); sealed, the chain is whole.
    expect(audit.filter((e) => e.chainSeq === null).length).toBe(20);
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    expect(await verifyAuditChainInDatabase(process.env.DATABASE_URL!)).toMatchObject({ ok: true, unsealed: { count: 0 } });
  });

  it("skips a task whose claim another transaction holds, and takes it once that one has committed", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const me = await createMember(org, [group]);
    const held = await queueReviewTask(claimant, group, { priority: 1, ageMinutes: 10 });
    const other = await queueReviewTask(claimant, group, { priority: 0, ageMinutes: 5 });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM claim WHERE id = ${held.claimId} FOR NO KEY UPDATE`;
        locked();
        await released;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    // The claim cannot move under the take, so Next passes over it instead of waiting or failing.
    expect(await next(me)).toMatchObject({ taskId: other.taskId });
    release();
    await holder;
    expect(await next(me)).toMatchObject({ taskId: held.taskId, claimId: held.claimId });
    const claim = await prisma.claim.findUniqueOrThrow({ where: { id: held.claimId } });
    expect([claim.status, claim.version]).toEqual(["IN_REVIEW", 4]);
  });

  it("is prepared once per connection under a name made from its text (Postgres may keep its plan); other statements stay unnamed", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const me = await createMember(org, [group]);
    await queueReviewTask(claimant, group);
    await queueReviewTask(claimant, group);
    const sent: { name?: string; text: string }[] = [];
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as { name?: string; text?: string } | string;
      if (typeof first === "object" && first?.text) sent.push({ name: first.name, text: first.text });
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query);
    try {
      expect(await next(me)).not.toBeNull();
      expect(await next(me)).not.toBeNull();
      await prisma.$queryRaw`SELECT 1`;
    } finally {
      spy.mockRestore();
    }
    const takes = sent.filter((q) => q.text.startsWith(KEEP_PLAN));
    expect(takes).toHaveLength(2);
    expect(takes[0]!.name).toMatch(/^af_[0-9a-f]{32}$/);
    expect(takes[1]!.name).toBe(takes[0]!.name);
    expect(sent.filter((q) => !q.text.startsWith(KEEP_PLAN)).every((q) => !q.name)).toBe(true);
  });

  it("takes the highest priority first, then the oldest", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const me = await createMember(org, [group]);
    const low_old = await queueReviewTask(claimant, group, { priority: 0, ageMinutes: 300 });
    const low_older = await queueReviewTask(claimant, group, { priority: 0, ageMinutes: 600 });
    const high_new = await queueReviewTask(claimant, group, { priority: 1, ageMinutes: 60 });
    const high_old = await queueReviewTask(claimant, group, { priority: 1, ageMinutes: 120 });
    const order = [];
    for (let i = 0; i < 5; i++) order.push((await next(me))?.taskId ?? null);
    expect(order).toEqual([high_old.taskId, high_new.taskId, low_older.taskId, low_old.taskId, null]);
  });

  it("gives an accountant the task that prefers them first, and lets others take it when they have none", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const claimant = await createUser(org);
    const [alice, bob, carol] = await Promise.all([createMember(org, [group]), createMember(org, [group]), createMember(org, [group])]);
    const urgent = await queueReviewTask(claimant, group, { priority: 2, ageMinutes: 500 });
    const forAlice = await queueReviewTask(claimant, group, { priority: 0, ageMinutes: 1, preferredAssigneeId: alice!.id });
    const forBob = await queueReviewTask(claimant, group, { priority: 0, ageMinutes: 2, preferredAssigneeId: bob!.id });

    expect(await next(alice!)).toMatchObject({ taskId: forAlice.taskId });
    expect(await next(carol!)).toMatchObject({ taskId: urgent.taskId });
    // A preference, not a reservation: with nothing else waiting, Carol takes the one meant for Bob.
    expect(await next(carol!)).toMatchObject({ taskId: forBob.taskId });
    expect(await next(bob!)).toBeNull();
  });

  it("never gives accountants a claim they filed or approved as manager, even when it is all there is", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const filer = await createMember(org, [group]);
    const approver = await createMember(org, [group], { roles: ["EMPLOYEE", "ACCOUNTANT", "MANAGER"] });
    const other = await createMember(org, [group]);

    const own = await queueReviewTask(filer, group, { priority: 9 });
    expect(await next(filer)).toBeNull();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: own.taskId } })).status).toBe("OPEN");
    expect(await next(other)).toMatchObject({ taskId: own.taskId });

    // Preferred for the approver, too: a preference never overrides segregation.
    const approved = await queueReviewTask(await createUser(org), group, { approvedBy: approver.id, preferredAssigneeId: approver.id });
    expect(await next(approver)).toBeNull();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: approved.taskId } })).status).toBe("OPEN");
    expect(await next(filer)).toMatchObject({ taskId: approved.taskId });
  });

  it("never takes a task from a group the accountant is not a member of", async () => {
    const org = await createOrg();
    const [mine, theirs] = [await createGroup(), await createGroup()];
    const claimant = await createUser(org);
    const me = await createMember(org, [mine]);
    const member = await createMember(org, [theirs]);
    const elsewhere = await queueReviewTask(claimant, theirs, { priority: 5, ageMinutes: 999 });
    expect(await next(me)).toBeNull();
    const outsider = await createMember(org, []);
    expect(await next(outsider)).toBeNull();
    expect(await next(member)).toMatchObject({ taskId: elsewhere.taskId });
  });

  it("refuses anyone without the ACCOUNTANT role", async () => {
    const org = await createOrg();
    const group = await createGroup();
    const supervisor = await createMember(org, [group], { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await queueReviewTask(await createUser(org), group);
    await expect(next(supervisor)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("queueSummary", () => {
  it("counts open, in-progress, at-risk and breached review tasks per group and lists my tasks in progress", async () => {
    const org = await createOrg();
    const [g1, g2, notMine] = [await createGroup(), await createGroup(), await createGroup()];
    const claimant = await createUser(org);
    const me = await createMember(org, [g1, g2]);
    const a = await queueReviewTask(claimant, g1, { ageMinutes: 200 });
    const b = await queueReviewTask(claimant, g1, { ageMinutes: 30 });
    await queueReviewTask(claimant, g1, { ageMinutes: 10 });
    await queueReviewTask(claimant, notMine, { ageMinutes: 999 });
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
    const claimant = await createMember(org, [group]);
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: org.companyId } });
    const [alice, bob] = [await createMember(org, [group]), await createMember(org, [group])];
    const stranger = await createMember(org, [await createGroup()]);
    const open = await queueReviewTask(claimant, group, { ageMinutes: 5 });

    await expect(reassignTask({ supervisor: alice, taskId: open.taskId, toUserId: bob.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(reassignTask({ supervisor, taskId: open.taskId, toUserId: stranger.id })).rejects.toMatchObject({ code: "not_member" });
    await expect(reassignTask({ supervisor, taskId: open.taskId, toUserId: claimant.id })).rejects.toMatchObject({ code: "segregation" });
    const approvedByBob = await queueReviewTask(await createUser(org), group, { approvedBy: bob.id });
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
  async function call<T>(fn: (args: ActionFunctionArgs) => Promise<T>, user: User, method = "GET"): Promise<T | Response> {
    const headers = { Cookie: await sessionCookie(user.id), "Content-Type": "application/x-www-form-urlencoded" };
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
    const me = await createMember(org, [group]);
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: org.companyId } });
    const employee = await createUser(org);
    const queued = await queueReviewTask(employee, group);

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
