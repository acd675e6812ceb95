/**
 * The wall board's figures against the real Postgres and Redis: a known day's tasks, claims and QA
 * checks give exactly the expected BoardData; the cycle-time target is validated, audited and only a
 * supervisor's or admin's; backlog snapshots are written once per slot; and the running metrics
 * worker (with the relay) announces a finished task on the board channel and declares its schedulers.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskStatus, TaskType, User } from "~/generated/prisma/client";
import { runBoardSnapshot, SNAPSHOT_SCHEDULES } from "~/jobs/board-snapshot";
import type { BoardChange } from "~/contracts/board";
import { QUEUES } from "~/domain/jobs";
import { boardChannel } from "~/models/board-publisher.server";
import { getBoardData } from "~/models/board-data.server";
import { saveBoardTarget } from "~/models/board-settings.server";
import { rebuildRollups } from "~/models/rollups.server";
import { decideReview } from "~/models/review.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { getQueue } from "~/utils/queue.server";
import { startMetricsWorker } from "../workers/metrics";
import { startRelay } from "../workers/relay";
import { clearLeftoverJobs, createClaim, createCompany, createDepartment, createUser, waitFor } from "./helpers";

const Z = (iso: string) => new Date(iso);
const H = 3_600_000;
// Thursday 2030-03-14, 14:00 in Shanghai. Far from every other test's rows, so the day is ours alone.
const NOW = Z("2030-03-14T06:00:00Z");

describe("wall board data", () => {
  const redis = new Redis(env.REDIS_URL);
  let groupId: string;
  let a: User;
  let b: User;
  let manager: User;
  let employee: User;
  let supervisor: User;
  let paperCompanyId: string;

  const task = async (claimId: string, t: { type?: TaskType; status?: TaskStatus; assigneeId?: string | null; createdAt: Date; startedAt?: Date; finishedAt?: Date; outcome?: string; slaDueAt?: Date; slaState?: "ON_TRACK" | "AT_RISK" | "BREACHED" }) => {
    const id = randomUUID();
    const type = t.type ?? "REVIEW";
    await prisma.task.create({
      data: {
        id,
        claimId,
        type,
        status: t.status ?? "DONE",
        groupId: type === "MANAGER_APPROVAL" ? null : groupId,
        assigneeId: t.assigneeId ?? null,
        claimVersion: 1,
        createdAt: t.createdAt,
        startedAt: t.startedAt ?? null,
        finishedAt: t.finishedAt ?? null,
        outcome: t.outcome ?? null,
        slaMinutes: t.slaDueAt ? 480 : null,
        slaDueAt: t.slaDueAt ?? null,
        slaState: t.slaState ?? "ON_TRACK",
      },
    });
    return id;
  };

  beforeAll(async () => {
    const company = await createCompany();
    const department = await createDepartment(company.id);
    const ids = { companyId: company.id, departmentId: department.id };
    manager = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"] });
    employee = await createUser(ids, { managerId: manager.id });
    supervisor = await createUser(ids, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    a = await createUser(ids, { roles: ["EMPLOYEE", "ACCOUNTANT"], name: "Accountant A" });
    b = await createUser(ids, { roles: ["EMPLOYEE", "ACCOUNTANT"], name: "Accountant B" });
    const code = `BD${randomUUID().slice(0, 6)}`;
    groupId = (await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: "Board", nameZh: "看板组" } })).id;
    await prisma.groupMember.createMany({ data: [a, b].map((u) => ({ groupId, userId: u.id })) });

    // c1: submitted 09:00 local, manager approved 09:30, reviewed and approved by A at 11:00 within SLA.
    const c1 = await createClaim(employee, { status: "APPROVED", submittedAt: Z("2030-03-14T01:00:00Z") });
    await task(c1.id, { type: "MANAGER_APPROVAL", assigneeId: manager.id, createdAt: Z("2030-03-14T01:00:00Z"), startedAt: Z("2030-03-14T01:20:00Z"), finishedAt: Z("2030-03-14T01:30:00Z"), outcome: "approved" });
    await task(c1.id, { assigneeId: a.id, createdAt: Z("2030-03-14T02:00:00Z"), startedAt: Z("2030-03-14T02:10:00Z"), finishedAt: Z("2030-03-14T03:00:00Z"), outcome: "approved", slaDueAt: Z("2030-03-14T04:00:00Z") });
    // c2: first submitted the day before, returned by B, resubmitted, approved by A at 13:00, after its due time.
    const c2 = await createClaim(employee, { status: "APPROVED", submittedAt: Z("2030-03-14T00:30:00Z") });
    await task(c2.id, { type: "MANAGER_APPROVAL", assigneeId: manager.id, createdAt: Z("2030-03-13T02:00:00Z"), startedAt: Z("2030-03-13T02:30:00Z"), finishedAt: Z("2030-03-13T03:00:00Z"), outcome: "approved" });
    await task(c2.id, { assigneeId: b.id, createdAt: Z("2030-03-13T03:00:00Z"), startedAt: Z("2030-03-13T04:00:00Z"), finishedAt: Z("2030-03-13T05:00:00Z"), outcome: "returned", slaDueAt: Z("2030-03-13T09:00:00Z") });
    await task(c2.id, { assigneeId: a.id, createdAt: Z("2030-03-14T01:00:00Z"), startedAt: Z("2030-03-14T01:30:00Z"), finishedAt: Z("2030-03-14T05:00:00Z"), outcome: "approved", slaDueAt: Z("2030-03-14T04:00:00Z") });
    // c3: rejected by B at 12:00 local, within SLA.
    const c3 = await createClaim(employee, { status: "REJECTED", submittedAt: Z("2030-03-14T00:00:00Z") });
    await task(c3.id, { assigneeId: b.id, createdAt: Z("2030-03-14T00:30:00Z"), startedAt: Z("2030-03-14T03:30:00Z"), finishedAt: Z("2030-03-14T04:00:00Z"), outcome: "rejected", slaDueAt: Z("2030-03-14T05:00:00Z") });
    // Open backlog: new and on track; in progress for 5 h and at risk; waiting 2 days, past due (the sweep has not run yet).
    const open = await createClaim(employee, { status: "MANAGER_APPROVED" });
    await task(open.id, { status: "OPEN", createdAt: new Date(NOW.getTime() - 0.5 * H), slaDueAt: new Date(NOW.getTime() + 3 * H) });
    const prog = await createClaim(employee, { status: "IN_REVIEW" });
    await task(prog.id, { status: "IN_PROGRESS", assigneeId: a.id, createdAt: new Date(NOW.getTime() - 5 * H), startedAt: new Date(NOW.getTime() - H), slaDueAt: new Date(NOW.getTime() + H / 3), slaState: "AT_RISK" });
    const old = await createClaim(employee, { status: "MANAGER_APPROVED" });
    await task(old.id, { status: "OPEN", createdAt: new Date(NOW.getTime() - 48 * H), slaDueAt: new Date(NOW.getTime() - H), slaState: "AT_RISK" });
    // Paper originals of this company: one overdue (due 2030-03-12), one received at 10:00 today, one awaited and not yet due.
    const original = (claimId: string, status: "AWAITING" | "RECEIVED", dueOn: string, receivedAt: Date | null) =>
      prisma.paperOriginal.create({ data: { claimId, companyId: company.id, status, receiptCount: 1, expectedSince: Z("2030-03-01T01:00:00Z"), dueOn: new Date(`${dueOn}T00:00:00Z`), receivedAt } });
    await original(open.id, "AWAITING", "2030-03-12", null);
    await original(c1.id, "RECEIVED", "2030-03-20", Z("2030-03-14T02:00:00Z"));
    await original(prog.id, "AWAITING", "2030-03-20", null);
    paperCompanyId = company.id;
    // The same weekday last week: one piece by A at 11:30 local.
    const lw = await createClaim(employee, { status: "APPROVED" });
    await task(lw.id, { assigneeId: a.id, createdAt: Z("2030-03-07T02:00:00Z"), startedAt: Z("2030-03-07T03:00:00Z"), finishedAt: Z("2030-03-07T03:30:00Z"), outcome: "approved" });
    // QA: three checks in the last 30 days (one error), one error 40 days ago, one still open.
    const checks: { at: Date | null; outcome: "pass" | "error" | null }[] = [
      { at: Z("2030-03-04T03:00:00Z"), outcome: "pass" },
      { at: Z("2030-03-05T03:00:00Z"), outcome: "error" },
      { at: Z("2030-03-06T03:00:00Z"), outcome: "pass" },
      { at: Z("2030-02-02T03:00:00Z"), outcome: "error" },
      { at: null, outcome: null },
    ];
    for (const c of checks) {
      const claim = await createClaim(employee, { status: "APPROVED" });
      const done = Z("2030-02-01T03:00:00Z");
      const reviewTaskId = await task(claim.id, { assigneeId: b.id, createdAt: done, startedAt: done, finishedAt: done, outcome: "approved" });
      const qaTaskId = await task(claim.id, { type: "QA", status: c.at ? "DONE" : "OPEN", assigneeId: c.at ? supervisor.id : null, createdAt: done, ...(c.at ? { startedAt: done, finishedAt: done, outcome: c.outcome! } : {}) });
      await prisma.qaCheck.create({
        data: {
          id: randomUUID(),
          qaTaskId,
          reviewTaskId,
          claimId: claim.id,
          operatorId: b.id,
          stratum: "base",
          sampleRateBp: 500,
          outcome: c.outcome,
          checkedAt: c.at,
          ...(c.outcome === "error" ? { errorType: "wrong_amount", severity: "minor" } : {}),
        },
      });
    }
    await rebuildRollups();
  });

  afterAll(() => {
    redis.disconnect();
  });

  it("computes the day's figures from the rollups and the live queries", async () => {
    const board = await getBoardData({ now: NOW, redis });
    expect(board.timeZone).toBe("Asia/Shanghai");
    expect(board.day).toBe("2030-03-14");
    expect(board.generatedAt).toBe(NOW.toISOString());
    // Pieces finished today: c1's review, c2's second review, c3's review — not c1's manager approval (09:30),
    // which is no piece of the floor's (the leaderboard does not count it either).
    expect(board.completedToday).toEqual({ tasks: 3, claims: 2 });
    const hours = Object.fromEntries(board.perHour.filter((h) => h.today || h.lastWeek).map((h) => [h.hour, [h.today, h.lastWeek]]));
    expect(hours).toEqual({ 11: [1, 1], 12: [1, 0], 13: [1, 0] });
    expect(board.perHour).toHaveLength(24);

    const row = board.backlog.find((r) => r.groupId === groupId)!;
    expect(row).toMatchObject({ name: "Board", nameZh: "看板组", open: 2, inProgress: 1, atRisk: 1, breached: 1 });
    expect(row.ages).toEqual({ lt1h: 1, h1to4: 0, h4to8: 1, h8to24: 0, gt1d: 1 });
    expect(board.sla.atRisk).toBe(board.backlog.reduce((s, r) => s + r.atRisk, 0));
    expect(board.sla.breached).toBe(board.backlog.reduce((s, r) => s + r.breached, 0));

    // c1: 09:00 → 11:00 = 2 h; c2: first task the day before at 10:00 → 13:00 today = 27 h.
    const c1 = 2 / 24;
    const c2 = 27 / 24;
    expect(board.cycleTime.claims).toBe(2);
    expect(board.cycleTime.p50Days).toBeCloseTo((c1 + c2) / 2, 9);
    expect(board.cycleTime.p90Days).toBeCloseTo(c1 + 0.9 * (c2 - c1), 9);
    expect(board.cycleTime.targetDays).toBe(0.22);
    expect({ finished: board.sla.finished, met: board.sla.met }).toEqual({ finished: 3, met: 2 });
    expect(board.sla.compliance).toBeCloseTo(2 / 3, 9);
    expect(board.firstPassYield).toEqual({ approved: 2, firstPass: 1, rate: 0.5 });
    expect(board.quality.checked).toBe(3);
    expect(board.quality.errors).toBe(1);
    expect(board.quality.per10k).toBeCloseTo(10_000 / 3, 6);
    // The paper tile of a board showing this company only (other tests' originals are in other companies).
    const scoped = await getBoardData({ now: NOW, redis, scope: { companyIds: [paperCompanyId] } });
    expect(scoped.paper).toEqual({ expected: 2, receivedToday: 1, overdue: 1 });
    // Managers' approvals are not SSC pieces.
    expect(board.leaderboard).toEqual([
      { operatorId: a.id, name: "Accountant A", pieces: 2 },
      { operatorId: b.id, name: "Accountant B", pieces: 1 },
    ]);
    // The second load reads the live counters kept in Redis, and agrees.
    expect(await getBoardData({ now: NOW, redis })).toEqual(board);
  });

  it("keeps the cycle-time target: validated, audited, supervisors and admins only", async () => {
    await expect(saveBoardTarget({ actor: employee, days: "0.5" })).rejects.toMatchObject({ name: "AppError", code: "forbidden" });
    await expect(saveBoardTarget({ actor: supervisor, days: "abc" })).rejects.toMatchObject({ code: "invalid", fieldErrors: { days: "not_a_number" } });
    await expect(saveBoardTarget({ actor: supervisor, days: "0" })).rejects.toMatchObject({ code: "invalid", fieldErrors: { days: "out_of_range" } });
    expect(await saveBoardTarget({ actor: supervisor, days: "0,3" })).toEqual({ ok: true, days: 0.3 });
    expect((await getBoardData({ now: NOW, redis })).cycleTime.targetDays).toBe(0.3);
    const audit = await prisma.auditEvent.findMany({ where: { type: "board.target_changed", actorId: supervisor.id } });
    expect(audit.map((e) => e.data)).toEqual([{ key: "cycle_target_days", from: 0.22, to: 0.3 }]);
    // Saving the same value again changes nothing and audits nothing.
    expect(await saveBoardTarget({ actor: supervisor, days: 0.3 })).toEqual({ ok: true, days: 0.3 });
    expect(await prisma.auditEvent.count({ where: { type: "board.target_changed" } })).toBe(1);
  });

  it("writes a backlog snapshot once per slot", async () => {
    const first = await runBoardSnapshot({ kind: "hourly" }, new Date(NOW.getTime() + 10 * 60_000));
    expect(first.takenAt).toBe(NOW.toISOString());
    expect(first.written).toBe(first.groups);
    const again = await runBoardSnapshot({ kind: "hourly" }, new Date(NOW.getTime() + 20 * 60_000));
    expect(again.written).toBe(0);
    const row = await prisma.backlogSnapshot.findUniqueOrThrow({ where: { kind_takenAt_groupId: { kind: "hourly", takenAt: NOW, groupId } } });
    expect(row).toMatchObject({ open: 2, inProgress: 1, onTrack: 1, atRisk: 1, breached: 1, ageLt1h: 1, ageH4to8: 1, ageGt1d: 1 });
    const daily = await runBoardSnapshot({ kind: "daily" }, NOW);
    expect(daily.takenAt).toBe("2030-03-13T16:00:00.000Z"); // local midnight
  });

  it("the running worker marks a finished task's hours, its flusher recomputes them and announces it on the board channel", async () => {
    const claim = await createClaim(employee, { status: "IN_REVIEW", version: 2, groupId });
    const taskId = await task(claim.id, { status: "IN_PROGRESS", assigneeId: a.id, createdAt: new Date(), startedAt: new Date() });
    const subscriber = new Redis(env.REDIS_URL);
    const messages: BoardChange[] = [];
    await subscriber.subscribe(boardChannel(env.QUEUE_PREFIX));
    subscriber.on("message", (_channel, message: string) => messages.push(JSON.parse(message) as BoardChange));
    await clearLeftoverJobs();
    const worker = await startMetricsWorker({ concurrency: 2 });
    const relay = await startRelay({ pollMs: 50, log: () => undefined });
    try {
      const schedulers = await getQueue(QUEUES.metrics).getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual([SNAPSHOT_SCHEDULES.daily.id, SNAPSHOT_SCHEDULES.hourly.id].sort());
      const committed = Date.now();
      await decideReview({ viewer: a, taskId, claimVersion: 2, decision: "approve" });
      const change = await waitFor(() => messages.find((m) => m.kind === "tasks" && Date.parse(m.at) >= committed), { timeoutMs: 10_000, what: "board announcement" });
      // Announced within a second of the decision (kicked by the mark, not by the 5 s poll).
      expect(Date.parse(change.at) - committed).toBeLessThan(1_000);
      const board = await getBoardData({ redis });
      expect(board.leaderboard.find((l) => l.operatorId === a.id)?.pieces).toBeGreaterThanOrEqual(1);
      expect(await prisma.metricDirtyHour.count()).toBe(0);
    } finally {
      await relay.stop();
      await worker.close();
      await subscriber.quit();
    }
  });
});
