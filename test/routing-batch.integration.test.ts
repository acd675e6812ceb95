import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { runRouteClaim, runRouteClaims, type RouteClaimPayload } from "~/jobs/route-claim";
import { prisma } from "~/utils/db.server";
import { startRelay } from "../workers/relay";
import { startRoutingWorker } from "../workers/routing";
import { createClaim, createClaimant, waitFor } from "./helpers";

/** Several claims routed in one transaction (docs/decisions/040): each as if alone, nothing doubled. */
describe("routing claims in batches", () => {
  let claimant: { id: string; companyId: string; departmentId: string };
  let fallback: { id: string };
  let travel: { id: string };

  beforeAll(async () => {
    claimant = (await createClaimant()).user;
    for (const code of ["TAXI", "MEAL"]) {
      await prisma.expenseCategory.upsert({ where: { code }, update: {}, create: { code, name: code, nameZh: code } });
    }
    await prisma.routingRule.deleteMany({});
    await prisma.processingGroup.updateMany({ data: { isDefault: false } });
    fallback = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `BF${randomUUID().slice(0, 6)}`, name: "Batch default", nameZh: "批量默认", isDefault: true } });
    travel = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `BT${randomUUID().slice(0, 6)}`, name: "Batch travel", nameZh: "批量差旅", slaMinutes: 240 } });
    await prisma.routingRule.create({
      data: { id: randomUUID(), position: 1, name: "Taxis", groupId: travel.id, conditions: { companyIds: [claimant.companyId], categoryCodes: ["TAXI"] } },
    });
  });

  /** A claim as manager approval leaves it: MANAGER_APPROVED at version 2, its approval event and its routing job in the outbox. */
  async function approved(categoryCode: string, minor: number): Promise<RouteClaimPayload> {
    const claim = await createClaim(claimant, { status: "MANAGER_APPROVED", version: 2 });
    await prisma.claimLine.create({
      data: { id: randomUUID(), claimId: claim.id, position: 0, spentOn: new Date("2026-11-02"), categoryCode, merchant: "商户", amountMinor: BigInt(minor), currency: "CNY" },
    });
    await prisma.auditEvent.create({ data: { claimId: claim.id, type: "claim.manager_approved", fromStatus: "SUBMITTED", toStatus: "MANAGER_APPROVED" } });
    const payload = { claimId: claim.id, version: 2 };
    await prisma.outboxEvent.create({ data: { queue: JOBS.routeClaim.queue, jobName: JOBS.routeClaim.name, jobKey: JOBS.routeClaim.key(payload), payload } });
    return payload;
  }

  it("gives each claim of a batch the outcome it would get alone, all in one transaction", async () => {
    const taxi = await approved("TAXI", 4_550);
    const big = await approved("MEAL", 9_000_000);
    const stale = await approved("MEAL", 1_000);
    const routedBefore = await approved("MEAL", 2_000);
    expect(await runRouteClaim(routedBefore)).toMatchObject({ outcome: "routed", groupId: fallback.id });
    const gone = { claimId: randomUUID(), version: 2 };
    const batch = [taxi, big, { ...stale, version: 1 }, routedBefore, gone];

    const outcomes = await runRouteClaims(batch);
    expect(outcomes.map((o) => (o.outcome === "routed" ? o.groupId : o.reason))).toEqual([travel.id, fallback.id, "not_waiting_for_routing", "already_routed", "claim_gone"]);

    const tasks = await prisma.task.findMany({ where: { claimId: { in: [taxi.claimId, big.claimId] }, type: "REVIEW" } });
    const taskOf = (claimId: string) => tasks.find((t) => t.claimId === claimId)!;
    expect(tasks).toHaveLength(2);
    expect(taskOf(taxi.claimId)).toMatchObject({ groupId: travel.id, slaMinutes: 240, claimVersion: 2, status: "OPEN", complexity: "S" });
    expect(taskOf(big.claimId)).toMatchObject({ groupId: fallback.id, slaMinutes: 480, claimVersion: 2 });
    expect(taskOf(big.claimId).priority).toBeGreaterThan(taskOf(taxi.claimId).priority); // high value jumps the queue
    expect(taskOf(taxi.claimId).slaDueAt!.getTime()).toBeLessThan(taskOf(big.claimId).slaDueAt!.getTime() + 1);
    // Both rows written by one transaction.
    const xmins = await prisma.$queryRaw<{ x: string }[]>`SELECT DISTINCT xmin::text AS x FROM task WHERE id = ANY(${tasks.map((t) => t.id)}::text[])`;
    expect(xmins).toHaveLength(1);

    const claims = await prisma.claim.findMany({ where: { id: { in: [taxi.claimId, big.claimId, stale.claimId] } } });
    expect(Object.fromEntries(claims.map((c) => [c.id, c.groupId]))).toEqual({ [taxi.claimId]: travel.id, [big.claimId]: fallback.id, [stale.claimId]: null });

    // Every job of the batch is done, routed or skipped; the one for a claim that is gone had no row.
    const jobs = await prisma.outboxEvent.findMany({ where: { jobKey: { in: batch.map((p) => JOBS.routeClaim.key(p)) } } });
    expect(jobs.map((j) => j.status).sort()).toEqual(["DONE", "DONE", "DONE"]);
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: JOBS.routeClaim.key(stale) } })).status).toBe("PENDING");

    // Each new task's "created" event for the metrics, and one claim.routed audit event per routed claim.
    for (const t of tasks) {
      const events = await prisma.outboxEvent.findMany({ where: { queue: JOBS.taskEvent.queue, payload: { path: ["taskId"], equals: t.id } } });
      expect(events.map((e) => (e.payload as { kind: string }).kind)).toEqual(["created"]);
      const audit = await prisma.auditEvent.findMany({ where: { claimId: t.claimId, type: "claim.routed" } });
      expect(audit.map((a) => a.data)).toEqual([expect.objectContaining({ taskId: t.id, groupId: t.groupId, priority: t.priority })]);
    }

    // The same batch again (a duplicate delivery): nothing new.
    expect((await runRouteClaims([taxi, big])).map((o) => o.outcome)).toEqual(["skipped", "skipped"]);
    expect(await prisma.task.count({ where: { claimId: { in: [taxi.claimId, big.claimId] } } })).toBe(2);
  });

  it("refuses the same claim twice in one call", async () => {
    const one = await approved("MEAL", 100);
    await expect(runRouteClaims([one, one])).rejects.toThrow(/same claim twice/);
    expect(await prisma.task.count({ where: { claimId: one.claimId } })).toBe(0);
  });

  it("two batches over the same claims at once, in opposite orders: each claim routed once, neither waits forever", async () => {
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => approved(i % 2 ? "TAXI" : "MEAL", 1_000 + i)));
    const [a, b] = await Promise.all([runRouteClaims(claims), runRouteClaims([...claims].reverse())]);
    const byClaim = new Map<string, string[]>();
    claims.forEach((c, i) => byClaim.set(c.claimId, [a[i]!.outcome, b[claims.length - 1 - i]!.outcome].sort()));
    for (const outcomes of byClaim.values()) expect(outcomes).toEqual(["routed", "skipped"]);
    const counts = await prisma.task.groupBy({ by: ["claimId"], where: { claimId: { in: claims.map((c) => c.claimId) } }, _count: true });
    expect(counts.map((c) => c._count)).toEqual(Array(12).fill(1));
  });

  it("the routing worker routes jobs that arrive together in shared transactions", async () => {
    const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => approved(i % 3 ? "MEAL" : "TAXI", 500 + i)));
    const relay = await startRelay({ pollMs: 20, log: () => undefined });
    const worker = startRoutingWorker({ transactions: 1, batch: 8, log: { info: () => undefined, warn: console.warn, error: console.error } });
    try {
      await waitFor(async () => (await prisma.task.count({ where: { claimId: { in: claims.map((c) => c.claimId) } } })) === 40, { what: "40 review tasks" });
    } finally {
      await worker.close();
      await relay.stop();
    }
    const tasks = await prisma.task.findMany({ where: { claimId: { in: claims.map((c) => c.claimId) } }, include: { claim: true } });
    expect(new Set(tasks.map((t) => t.claimId)).size).toBe(40);
    for (const t of tasks) expect(t.groupId).toBe(t.claim.groupId);
    expect(tasks.filter((t) => t.groupId === travel.id)).toHaveLength(14);
    const transactions = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(DISTINCT xmin::text) AS n FROM task WHERE id = ANY(${tasks.map((t) => t.id)}::text[])`;
    expect(Number(transactions[0]!.n)).toBeLessThan(40);
    const keys = claims.map((c) => JOBS.routeClaim.key(c));
    expect(await prisma.outboxEvent.count({ where: { jobKey: { in: keys }, status: "DONE" } })).toBe(40);
  });
});
