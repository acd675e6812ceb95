import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { runSlaSweep } from "~/jobs/sla-sweep";
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
