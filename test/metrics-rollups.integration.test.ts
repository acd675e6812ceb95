/**
 * Incremental rollups equal a full rebuild. A seeded random mix of claim and task transitions runs
 * through the app's own model functions (saveClaim, decideApproval, the routing job, takeNextTask,
 * reassignTask, decideReview) while the clock jumps forward by minutes to hours, so tasks arrive and
 * finish in many different hours and days. The metrics outbox rows they write are delivered to the
 * task-event handler in batches: shuffled, some held back until after later transitions (out of
 * order), some delivered twice (redelivery). Afterwards the rollups must be exactly what
 * rebuildRollups() computes from the task rows, and the live counters in Redis must match them.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { User } from "~/generated/prisma/client";
import { mulberry32 as rng } from "~/domain/seeded-random";
import { JOBS } from "~/domain/jobs";
import { localDay } from "~/domain/metrics";
import { flushRollups, runTaskEvent } from "~/jobs/task-event";
import { runRouteClaim } from "~/jobs/route-claim";
import { decideApproval, openApprovalTask, routeJobKey } from "~/models/approval.server";
import type { BoardChange } from "~/contracts/board";
import { saveClaim } from "~/models/claim-commands.server";
import { decideReview } from "~/models/review.server";
import { flushMarkedHours, liveDayFromRollups, readLiveDay, rebuildRollups, refreshLiveDays, writeLiveDay } from "~/models/rollups.server";
import { reassignTask, takeNextTask } from "~/models/work-queue.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { createClaim, createCompany, createDepartment, createUser } from "./helpers";


type Row = Record<string, unknown>;

async function rollupState(): Promise<{ hourly: Row[]; daily: Row[] }> {
  const hourly = await prisma.$queryRaw<Row[]>`
    SELECT hour_start::text AS h, day::text AS d, task_type, group_id, complexity, operator_id, created, finished, cancelled,
           approved, returned, rejected, handled, handling_ms::text AS handling_ms, waiting_ms::text AS waiting_ms, sla_tracked, sla_met
      FROM metric_hourly ORDER BY 1, 3, 4, 5, 6`;
  const daily = await prisma.$queryRaw<Row[]>`
    SELECT day::text AS d, task_type, group_id, complexity, operator_id, created, finished, cancelled,
           approved, returned, rejected, handled, handling_ms::text AS handling_ms, waiting_ms::text AS waiting_ms, sla_tracked, sla_met
      FROM metric_daily ORDER BY 1, 2, 3, 4, 5`;
  return { hourly, daily };
}

describe("metrics rollups", () => {
  const redis = new Redis(env.REDIS_URL);
  const prefix = `${env.QUEUE_PREFIX}-rollups-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  });
  afterAll(() => {
    vi.useRealTimers();
    redis.disconnect();
  });

  it("after a random mix of events, delivered shuffled, late and twice, equal a full rebuild", async () => {
    const seed = Number(process.env.METRICS_TEST_SEED ?? 20261127);
    const random = rng(seed);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

    // The organisation: a manager (and a head for large claims), employees, two groups of accountants, a supervisor.
    const company = await createCompany({ secondApprovalMinor: 500_000n });
    const department = await createDepartment(company.id);
    const ids = { companyId: company.id, departmentId: department.id };
    const head = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"] });
    await prisma.department.update({ where: { id: department.id }, data: { headId: head.id } });
    const manager = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"], managerId: head.id });
    const employees = await Promise.all([0, 1, 2].map(() => createUser(ids, { managerId: manager.id })));
    const supervisor = await createUser(ids, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: ids.companyId } });
    // Routing sends every claim to the default group; the second group gets nothing (an empty backlog row).
    await prisma.routingRule.deleteMany({});
    await prisma.processingGroup.updateMany({ data: { isDefault: false } });
    const group = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `MR${randomUUID().slice(0, 6)}`, name: "Metrics", nameZh: "指标组", isDefault: true, slaMinutes: 120 } });
    const accountants: User[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await createUser(ids, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
      await prisma.groupMember.create({ data: { groupId: group.id, userId: a.id } });
      accountants.push(a);
    }
    const reason = `R${randomUUID().slice(0, 6)}`;
    await prisma.returnReason.create({ data: { code: reason, name: "Missing receipt", nameZh: "缺少票据" } });

    // Whatever other test files left behind is in the rollups before the incremental path starts.
    await rebuildRollups();

    let clock = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(clock);
    const tick = () => {
      // Mostly minutes, sometimes hours: arrivals and completions fall into many hours and several days.
      clock += random() < 0.15 ? Math.floor(random() * 10 * 3_600_000) : Math.floor(random() * 40 * 60_000);
      vi.setSystemTime(clock);
    };

    const receiptFor = async (claimId: string, uploader: string) => {
      const sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
      await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
      return (await prisma.receipt.create({ data: { id: randomUUID(), claimId, fileSha256: sha, fileName: "r.jpg", uploadedById: uploader } })).id;
    };
    const submit = async (claimId: string, employee: User, version: number, receiptId: string) => {
      const big = random() < 0.2;
      await saveClaim({
        viewer: employee,
        claimId,
        version,
        submit: true,
        input: {
          purpose: "Trip",
          companyId: employee.companyId,
          departmentId: employee.departmentId,
          lines: [{ spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: big ? 800_000n : BigInt(1_000 + Math.floor(random() * 90_000)), currency: "CNY", note: "", receiptIds: [receiptId] }],
        },
      });
    };
    const receiptOf = new Map<string, { employee: User; receiptId: string }>();

    // Delivery: every metrics outbox row is collected; a batch delivers some of them in random order.
    const seen = new Set<bigint>();
    let undelivered: { id: bigint; jobKey: string; payload: unknown }[] = [];
    const delivered: { jobKey: string; payload: unknown }[] = [];
    const published: BoardChange[] = [];
    const deps = { redis, prefix, publish: (c: BoardChange) => published.push(c) };
    const collect = async () => {
      const rows = await prisma.outboxEvent.findMany({ where: { queue: "metrics" }, select: { id: true, jobKey: true, payload: true }, orderBy: { id: "asc" } });
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        undelivered.push(r);
      }
    };
    // A delivered event only marks its hours; the flusher runs now and then (so one flush covers several
    // events, and events arrive for hours a flush has just recomputed), and once at the end.
    let kicks = 0;
    const deliver = async (e: { jobKey: string; payload: unknown }) => {
      await runTaskEvent(JOBS.taskEvent.payload.parse(e.payload), e.jobKey, () => kicks++);
      delivered.push(e);
      const r = random();
      if (r < 0.15) await flushMarkedHours({ limit: 1 + Math.floor(random() * 2) }); // part of what is marked
      else if (r < 0.35) await flushRollups(deps, { limit: 1 + Math.floor(random() * 3) }); // all of it
    };
    const deliverBatch = async (share: number) => {
      await collect();
      const now: typeof undelivered = [];
      const later: typeof undelivered = [];
      for (const e of undelivered) {
        if (random() < share) now.push(e);
        else later.push(e);
      }
      now.sort(() => random() - 0.5);
      for (const e of now) {
        await deliver(e);
        if (random() < 0.2) await deliver(e); // redelivered straight away
      }
      // An old event redelivered long after the task moved on.
      if (delivered.length > 0 && random() < 0.5) await deliver(pick(delivered));
      undelivered = later;
    };

    const counts = { filed: 0, approvals: 0, managerReturns: 0, routed: 0, taken: 0, approved: 0, returned: 0, rejected: 0, reassigned: 0, resubmitted: 0, cancelled: 0 };
    for (let step = 0; step < 160; step++) {
      tick();
      const r = random();
      if (r < 0.2) {
        const employee = pick(employees);
        const claim = await createClaim(employee);
        const receiptId = await receiptFor(claim.id, employee.id);
        receiptOf.set(claim.id, { employee, receiptId });
        await submit(claim.id, employee, claim.version, receiptId);
        counts.filed++;
      } else if (r < 0.4) {
        const open = await prisma.task.findMany({ where: { type: "MANAGER_APPROVAL", status: "OPEN", claim: { companyId: company.id, status: "SUBMITTED" } }, include: { claim: true } });
        if (open.length === 0) continue;
        const task = pick(open);
        const approver = task.assigneeId === head.id ? head : manager;
        if (random() < 0.12) {
          // The only withdrawal the app knows: a second open step of the same claim is cancelled when the first is returned.
          await prisma.$transaction((tx) => openApprovalTask(tx, task.claimId, task.claim.version));
          await decideApproval({ viewer: approver, taskId: task.id, claimVersion: task.claim.version, decision: "return", comment: "Wrong cost centre" });
          counts.managerReturns++;
          counts.cancelled++;
        } else if (random() < 0.85) {
          const result = await decideApproval({ viewer: approver, taskId: task.id, claimVersion: task.claim.version, decision: "approve" });
          counts.approvals++;
          if (result.status === "MANAGER_APPROVED") {
            const claim = await prisma.claim.findUniqueOrThrow({ where: { id: task.claimId } });
            tick();
            const routed = await runRouteClaim({ claimId: claim.id, version: claim.version });
            expect(routed.outcome).toBe("routed");
            await prisma.outboxEvent.updateMany({ where: { jobKey: routeJobKey(claim.id, claim.version) }, data: { status: "DONE" } });
            counts.routed++;
          }
        } else {
          await decideApproval({ viewer: approver, taskId: task.id, claimVersion: task.claim.version, decision: "return", comment: "Please explain" });
          counts.managerReturns++;
        }
      } else if (r < 0.55) {
        const taken = await takeNextTask({ accountant: pick(accountants) });
        if (taken) counts.taken++;
      } else if (r < 0.8) {
        const inProgress = await prisma.task.findMany({ where: { type: "REVIEW", status: "IN_PROGRESS", groupId: group.id }, include: { claim: true } });
        if (inProgress.length === 0) continue;
        const task = pick(inProgress);
        const viewer = accountants.find((a) => a.id === task.assigneeId)!;
        // The first three decisions are one of each kind, so every run is a mix whatever rows the
        // unordered look-ups return; the rest are drawn.
        const decided = counts.approved + counts.returned + counts.rejected;
        const d = decided < 3 ? [0.1, 0.7, 0.9][decided]! : random();
        if (d < 0.6) {
          await decideReview({ viewer, taskId: task.id, claimVersion: task.claim.version, decision: "approve" });
          counts.approved++;
        } else if (d < 0.85) {
          await decideReview({ viewer, taskId: task.id, claimVersion: task.claim.version, decision: "return", reasonCodes: [reason] });
          counts.returned++;
        } else {
          await decideReview({ viewer, taskId: task.id, claimVersion: task.claim.version, decision: "reject", comment: "Private expense" });
          counts.rejected++;
        }
      } else if (r < 0.87) {
        let inProgress = await prisma.task.findMany({ where: { type: "REVIEW", status: "IN_PROGRESS", groupId: group.id } });
        // Nothing in progress to re-assign: take one first, so every run re-assigns at some point.
        if (inProgress.length === 0 && (await takeNextTask({ accountant: pick(accountants) }))) {
          counts.taken++;
          inProgress = await prisma.task.findMany({ where: { type: "REVIEW", status: "IN_PROGRESS", groupId: group.id } });
        }
        if (inProgress.length === 0) continue;
        const task = pick(inProgress);
        const to = pick(accountants.filter((a) => a.id !== task.assigneeId));
        await reassignTask({ supervisor, taskId: task.id, toUserId: to.id });
        counts.reassigned++;
      } else if (r < 0.93) {
        const returned = await prisma.claim.findMany({ where: { companyId: company.id, status: "RETURNED" } });
        if (returned.length === 0) continue;
        const claim = pick(returned);
        const { employee, receiptId } = receiptOf.get(claim.id)!;
        await submit(claim.id, employee, claim.version, receiptId);
        counts.resubmitted++;
      } else {
        await deliverBatch(0.7);
      }
    }
    // Everything still outstanding, then a few old events once more.
    await collect();
    undelivered.sort(() => random() - 0.5);
    for (const e of undelivered) await deliver(e);
    for (let i = 0; i < 10; i++) await deliver(pick(delivered));
    await flushRollups(deps);
    expect(await prisma.metricDirtyHour.count()).toBe(0);
    expect(kicks).toBeGreaterThan(0);
    vi.useRealTimers();

    // The mix was a mix: every kind of transition happened.
    for (const [k, n] of Object.entries(counts)) expect(n, `${k} (seed ${seed})`).toBeGreaterThan(0);

    const incremental = await rollupState();
    const tasks = await prisma.task.findMany({ where: { claim: { companyId: company.id } }, select: { createdAt: true, finishedAt: true, status: true } });
    const days = new Set(tasks.flatMap((t) => [localDay(t.createdAt), ...(t.finishedAt ? [localDay(t.finishedAt)] : [])]));
    expect(days.size, "tasks spread over several local days").toBeGreaterThan(1);
    expect(incremental.hourly.length).toBeGreaterThan(10);

    await rebuildRollups();
    const rebuilt = await rollupState();
    expect(incremental.hourly).toEqual(rebuilt.hourly);
    expect(incremental.daily).toEqual(rebuilt.daily);

    // The test's tasks are all in the rollups: arrivals and completions add up to the task rows.
    const mine = await prisma.$queryRaw<{ created: number; finished: number; cancelled: number }[]>`
      SELECT sum(created)::int AS created, sum(finished)::int AS finished, sum(cancelled)::int AS cancelled
        FROM metric_daily WHERE group_id = ${group.id} OR (task_type = 'MANAGER_APPROVAL' AND operator_id IN (${manager.id}, ${head.id}))`;
    expect(mine[0]!.finished).toBe(tasks.filter((t) => t.status === "DONE").length);
    expect(mine[0]!.cancelled).toBe(tasks.filter((t) => t.status === "CANCELLED").length);

    // Live counters written along the way equal what the rollups say now, for every day touched recently.
    for (const day of days) {
      const fromRollups = await liveDayFromRollups(day);
      const live = await readLiveDay(redis, prefix, day);
      expect({ pieces: live.pieces, perHour: live.perHour }, day).toEqual({ pieces: fromRollups.pieces, perHour: fromRollups.perHour });
    }
    expect(published.length).toBeGreaterThan(0);
    expect(published[0]).toMatchObject({ kind: "tasks" });
    // Every delivered row is marked done in the outbox.
    expect(await prisma.outboxEvent.count({ where: { queue: "metrics", status: "PENDING", jobKey: { in: delivered.map((d) => d.jobKey) } } })).toBe(0);
  });

  it("a day's live counters a flush could not write (it died after its commit, or Redis was down) are written by the next flush", async () => {
    const deps = { redis, prefix: `${prefix}-stale`, publish: () => undefined };
    await flushRollups(deps); // nothing left over from before
    expect(await prisma.metricLiveStale.count()).toBe(0);
    const company = await createCompany();
    const department = await createDepartment(company.id);
    const operator = await createUser({ companyId: company.id, departmentId: department.id }, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
    const claim = await createClaim(operator);
    const finishedAt = new Date();
    const day = localDay(finishedAt);
    await refreshLiveDays(deps.redis, deps.prefix, [day]);
    const before = await readLiveDay(deps.redis, deps.prefix, day);
    expect(before.source).toBe("redis");

    // A QA piece finished; its event marks its hours; a flusher recomputes them and dies before it writes Redis.
    const task = await prisma.task.create({
      data: { id: randomUUID(), claimId: claim.id, type: "QA", status: "DONE", assigneeId: operator.id, claimVersion: claim.version, createdAt: new Date(finishedAt.getTime() - 60_000), startedAt: new Date(finishedAt.getTime() - 30_000), finishedAt },
    });
    await runTaskEvent({ taskId: task.id, kind: "finished", at: finishedAt.toISOString() }, `stale-${task.id}`);
    expect((await flushMarkedHours()).days).toEqual([day]);
    const fromRollups = await liveDayFromRollups(day);
    expect(fromRollups.pieces).toContainEqual({ operatorId: operator.id, pieces: 1 });
    expect((await readLiveDay(deps.redis, deps.prefix, day)).pieces).toEqual(before.pieces); // behind
    expect(await prisma.metricLiveStale.count()).toBe(1);

    // The next flush finds Redis down: nothing recomputed, nothing written, the mark stays.
    const down = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    down.on("error", () => undefined);
    await expect(flushRollups({ ...deps, redis: down })).rejects.toThrow();
    down.disconnect();
    expect(await prisma.metricLiveStale.count()).toBe(1);

    // The one after writes it, though it recomputes no hour.
    const flushed = await flushRollups(deps);
    expect(flushed).toEqual({ hours: [], days: [day] });
    const live = await readLiveDay(deps.redis, deps.prefix, day);
    expect({ source: live.source, pieces: live.pieces, perHour: live.perHour }).toEqual({ source: "redis", pieces: fromRollups.pieces, perHour: fromRollups.perHour });
    expect(await prisma.metricLiveStale.count()).toBe(0);
  });

  it("a day marked again while a flush writes it keeps its mark (its next flush writes the newer figures)", async () => {
    const deps = { redis, prefix: `${prefix}-remark`, publish: () => undefined };
    await flushRollups(deps);
    const day = localDay(new Date());
    await prisma.$executeRaw`INSERT INTO metric_live_stale (day) VALUES (${day}::date)`;
    // Redis answers slowly; meanwhile a recompute marks the day again.
    const slow = new Proxy(redis, {
      get(target, key, receiver) {
        if (key !== "eval") return Reflect.get(target, key, receiver);
        return async (...args: unknown[]) => {
          await prisma.$executeRaw`UPDATE metric_live_stale SET mark = nextval('metric_live_stale_mark_seq') WHERE day = ${day}::date`;
          return (target.eval as (...a: unknown[]) => Promise<unknown>)(...args);
        };
      },
    });
    expect((await flushRollups({ ...deps, redis: slow })).days).toEqual([day]);
    expect(await prisma.metricLiveStale.count()).toBe(1);
    expect((await flushRollups(deps)).days).toEqual([day]);
    expect(await prisma.metricLiveStale.count()).toBe(0);
  });

  it("marks and flushes running side by side (three flushers, events arriving meanwhile) end where a rebuild does", async () => {
    const tasks = await prisma.task.findMany({ select: { id: true } });
    expect(tasks.length).toBeGreaterThan(20);
    const expected = await (async () => {
      await rebuildRollups();
      return rollupState();
    })();
    // Lose the rollups, then let every task's created event (its arrival and, when finished, its finishing hour) arrive, 8 at a time, while three flushers run.
    await prisma.$executeRaw`DELETE FROM metric_daily`;
    await prisma.$executeRaw`DELETE FROM metric_hourly`;
    const deps = { redis, prefix: `${prefix}-side`, publish: () => undefined };
    let marking = true;
    const flusher = async () => {
      let flushed = 0;
      while (marking) flushed += (await flushRollups(deps, { limit: 2 })).hours.length;
      return flushed;
    };
    const flushers = [flusher(), flusher(), flusher()];
    const queue = [...tasks];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) await runTaskEvent({ taskId: t.id, kind: "created", at: new Date().toISOString() }, `side-${t.id}`);
      }),
    );
    marking = false;
    const flushedMeanwhile = (await Promise.all(flushers)).reduce((a, b) => a + b, 0);
    await flushRollups(deps);
    expect(flushedMeanwhile, "the flushers worked while events arrived").toBeGreaterThan(0);
    expect(await prisma.metricDirtyHour.count()).toBe(0);
    expect(await rollupState()).toEqual(expected);
  });

  it("a flush takes out rows the task rows no longer back, from the hour and from its day, and moves the day by the difference only", async () => {
    await rebuildRollups();
    const expected = await rollupState();
    const [some] = await prisma.$queryRaw<{ hour: Date; day: string }[]>`SELECT hour_start AS hour, day::text AS day FROM metric_hourly ORDER BY hour_start LIMIT 1`;
    // A row no task backs (as a task deleted since would leave), with its day's share; and a figure off by 5.
    await prisma.$executeRaw`INSERT INTO metric_hourly (hour_start, day, task_type, group_id, complexity, operator_id, created) VALUES (${some!.hour}, ${some!.day}::date, 'REVIEW', 'ghost', 'S', '', 2)`;
    await prisma.$executeRaw`INSERT INTO metric_daily (day, task_type, group_id, complexity, operator_id, created) VALUES (${some!.day}::date, 'REVIEW', 'ghost', 'S', '', 2)`;
    await prisma.$executeRaw`UPDATE metric_hourly SET created = created + 5 WHERE hour_start = ${some!.hour} AND group_id <> 'ghost' AND created > 0`;
    await prisma.$executeRaw`UPDATE metric_daily SET created = created + 5 WHERE day = ${some!.day}::date AND (task_type, group_id, complexity, operator_id) IN (SELECT task_type, group_id, complexity, operator_id FROM metric_hourly WHERE hour_start = ${some!.hour} AND group_id <> 'ghost' AND created > 0)`;
    await prisma.$executeRaw`INSERT INTO metric_dirty_hour (hour_start) VALUES (${some!.hour})`;
    const flushed = await flushMarkedHours();
    expect(flushed.hours.map((h) => h.getTime())).toEqual([some!.hour.getTime()]);
    expect(flushed.days).toEqual([some!.day]);
    expect(await rollupState()).toEqual(expected);
    // Flushed again with nothing different: no day changed.
    await prisma.$executeRaw`INSERT INTO metric_dirty_hour (hour_start) VALUES (${some!.hour})`;
    expect((await flushMarkedHours()).days).toEqual([]);
  });

  it("rebuilds missing live counters from Postgres, and an older computation never overwrites a newer one", async () => {
    const day = "2026-11-20";
    const p = `${prefix}-live`;
    const first = await readLiveDay(redis, p, day);
    expect(first.source).toBe("rebuilt");
    expect((await readLiveDay(redis, p, day)).source).toBe("redis");
    const fresh = await liveDayFromRollups(day);
    expect(await writeLiveDay(redis, p, { ...fresh, pieces: [{ operatorId: "x", pieces: 9 }], stamp: fresh.stamp + 1000 })).toBe(true);
    expect(await writeLiveDay(redis, p, { ...fresh, stamp: fresh.stamp })).toBe(false);
    expect((await readLiveDay(redis, p, day)).pieces).toEqual([{ operatorId: "x", pieces: 9 }]);
  });

  it("skips an event for a task that no longer exists and marks its outbox row done", async () => {
    const jobKey = `metrics-finished-${randomUUID()}`;
    await prisma.outboxEvent.create({ data: { queue: "metrics", jobName: "task-event", jobKey, payload: {} } });
    const result = await runTaskEvent({ taskId: randomUUID(), kind: "finished", at: new Date().toISOString() }, jobKey);
    expect(result).toEqual({ outcome: "skipped", reason: "task_gone" });
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey } })).status).toBe("DONE");
  });
});
