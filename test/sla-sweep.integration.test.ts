import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { DEFAULT_CALENDAR } from "~/domain/work-calendar";
import { Prisma } from "~/generated/prisma/client";
import { runSlaSweep, storeCheckTimes } from "~/jobs/sla-sweep";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { getQueue } from "~/utils/queue.server";
import { startSlaWorker } from "../workers/sla";
import { createClaim, createClaimant } from "./helpers";

async function reviewTask(dueInMs: number) {
  const { user } = await createClaimant();
  const claim = await createClaim(user, { status: "MANAGER_APPROVED" });
  return prisma.task.create({
    data: { id: randomUUID(), claimId: claim.id, type: "REVIEW", claimVersion: 1, slaMinutes: 480, slaDueAt: new Date(Date.now() + dueInMs) },
  });
}

describe("SLA timer", () => {
  it("moves tasks to at risk and breached once each, with an audit event", async () => {
    const soon = await reviewTask(30 * 60_000); // at most 30 working minutes of 480 left
    const late = await reviewTask(-60_000);
    const far = await reviewTask(40 * 86_400_000);
    const first = await runSlaSweep();
    expect(first.atRisk).toBeGreaterThanOrEqual(1);
    expect(first.breached).toBeGreaterThanOrEqual(1);
    const states = await prisma.task.findMany({ where: { id: { in: [soon.id, late.id, far.id] } }, select: { id: true, slaState: true } });
    expect(Object.fromEntries(states.map((s) => [s.id, s.slaState]))).toEqual({ [soon.id]: "AT_RISK", [late.id]: "BREACHED", [far.id]: "ON_TRACK" });

    await runSlaSweep();
    expect(await prisma.auditEvent.count({ where: { claimId: soon.claimId, type: "task.sla_at_risk" } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { claimId: late.claimId, type: "task.sla_breached" } })).toBe(1);
  });

  it("moves a whole breached backlog in a few statements, each task once even with two sweeps at once", async () => {
    const { user } = await createClaimant();
    const claims = Array.from({ length: 1_100 }, () => ({ id: randomUUID(), number: `SLA-${randomUUID()}`, claimantId: user.id, companyId: user.companyId, departmentId: user.departmentId, purpose: "backlog", status: "MANAGER_APPROVED" as const }));
    await prisma.claim.createMany({ data: claims });
    const due = new Date(Date.now() - 60_000);
    await prisma.task.createMany({ data: claims.map((c) => ({ id: randomUUID(), claimId: c.id, type: "REVIEW" as const, claimVersion: 1, slaMinutes: 480, slaDueAt: due })) });
    const [a, b] = await Promise.all([runSlaSweep(), runSlaSweep()]);
    const ids = claims.map((c) => c.id);
    expect(await prisma.task.count({ where: { claimId: { in: ids }, slaState: "BREACHED" } })).toBe(1_100);
    const events = await prisma.auditEvent.findMany({ where: { claimId: { in: ids }, type: "task.sla_breached" }, select: { claimId: true, data: true } });
    expect(events).toHaveLength(1_100);
    expect(new Set(events.map((e) => e.claimId)).size).toBe(1_100);
    expect(events[0]!.data).toEqual({ taskId: expect.any(String), dueAt: due.toISOString() });
    // Each move announced by exactly one of the two sweeps (other files' tasks may move too: at least ours).
    expect(a.breached + b.breached).toBeGreaterThanOrEqual(1_100);
  });

  it("reads a task again only when its state can change: the stored check time, cleared when the due time or the calendar change", async () => {
    const far = await reviewTask(40 * 86_400_000);
    await runSlaSweep();
    const stored = await prisma.task.findUniqueOrThrow({ where: { id: far.id }, select: { slaCheckAt: true, slaState: true, companyId: true } });
    expect(stored.slaState).toBe("ON_TRACK");
    expect(stored.slaCheckAt!.getTime()).toBeGreaterThan(Date.now());
    expect(stored.slaCheckAt!.getTime()).toBeLessThan(far.slaDueAt!.getTime());

    // A minute before its check time nothing about it changes; at the check time it is at risk, and looked at next when due.
    await runSlaSweep(new Date(stored.slaCheckAt!.getTime() - 60_000));
    expect(await prisma.task.findUniqueOrThrow({ where: { id: far.id }, select: { slaState: true, slaCheckAt: true } })).toEqual({ slaState: "ON_TRACK", slaCheckAt: stored.slaCheckAt });
    await runSlaSweep(stored.slaCheckAt!);
    expect(await prisma.task.findUniqueOrThrow({ where: { id: far.id }, select: { slaState: true, slaCheckAt: true } })).toEqual({ slaState: "AT_RISK", slaCheckAt: far.slaDueAt });
    await runSlaSweep(far.slaDueAt!);
    expect(await prisma.task.findUniqueOrThrow({ where: { id: far.id }, select: { slaState: true, slaCheckAt: true } })).toEqual({ slaState: "BREACHED", slaCheckAt: null });
    expect(await prisma.auditEvent.count({ where: { claimId: far.claimId, type: { in: ["task.sla_at_risk", "task.sla_breached"] } } })).toBe(2);

    // The database clears the check time when what it was computed from changes.
    const other = await reviewTask(40 * 86_400_000);
    await runSlaSweep();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: other.id } })).slaCheckAt).not.toBeNull();
    await prisma.task.update({ where: { id: other.id }, data: { slaDueAt: new Date(Date.now() + 41 * 86_400_000) } });
    expect((await prisma.task.findUniqueOrThrow({ where: { id: other.id } })).slaCheckAt).toBeNull();
    await runSlaSweep();
    const company = (await prisma.task.findUniqueOrThrow({ where: { id: other.id } })).companyId!;
    expect((await prisma.task.findUniqueOrThrow({ where: { id: other.id } })).slaCheckAt).not.toBeNull();
    const calendar = (await prisma.company.findUniqueOrThrow({ where: { id: company } })).calendar;
    await prisma.company.update({ where: { id: company }, data: { calendar: { ...DEFAULT_CALENDAR, holidays: ["2099-01-01"] } } });
    try {
      expect((await prisma.task.findUniqueOrThrow({ where: { id: other.id } })).slaCheckAt).toBeNull();
    } finally {
      await prisma.company.update({ where: { id: company }, data: { calendar: calendar ?? Prisma.DbNull } });
    }
  });

  it("leaves a task alone until its check time, and never overwrites a check time changed since it read it", async () => {
    const task = await reviewTask(40 * 86_400_000);
    const ahead = new Date(Date.now() + 3_600_000);
    await prisma.task.update({ where: { id: task.id }, data: { slaCheckAt: ahead } });
    await runSlaSweep();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).slaCheckAt).toEqual(ahead);

    // A sweep that read the task with no check time, while the calendar was changed and another sweep stored a
    // new one, must not write the time it computed from what it read.
    await storeCheckTimes([{ id: task.id, state: "ON_TRACK", readCheckAt: null, checkAt: new Date(Date.now() + 7_200_000).toISOString() }]);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).slaCheckAt).toEqual(ahead);
    await storeCheckTimes([{ id: task.id, state: "AT_RISK", readCheckAt: ahead.toISOString(), checkAt: null }]);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).slaCheckAt).toEqual(ahead);
    await storeCheckTimes([{ id: task.id, state: "ON_TRACK", readCheckAt: ahead.toISOString(), checkAt: task.slaDueAt!.toISOString() }]);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).slaCheckAt).toEqual(task.slaDueAt);
  });

  it("declares its every-minute scheduler again after Redis lost it", async () => {
    const redis = new Redis(env.REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const worker = await startSlaWorker({ everyMs: 60_000 });
    try {
      const schedulers = await getQueue("sla").getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toContain(JOBS.slaSweep.key({}));
    } finally {
      await worker.close();
    }
  });
});
