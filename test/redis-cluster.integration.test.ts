/**
 * The app on a three-master Redis Cluster (issue 13, docs/decisions/026): a started cluster on local
 * ports, the app configured with REDIS_CLUSTER_NODES, and then the real paths: a review decision's
 * outbox row → the relay → BullMQ (hash-tagged queue keys) → the metrics worker → the live counters
 * (Lua write, MULTI read, DEL per day, rebuild) → the board announcement, received by the board hub's
 * own subscriber on another connection. The app's modules are imported after the environment points
 * at the cluster (env.server.ts reads it once).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type Stoppable } from "./local-services";

type App = {
  db: typeof import("~/utils/db.server");
  redis: typeof import("~/utils/redis.server");
  queue: typeof import("~/utils/queue.server");
  rollups: typeof import("~/models/rollups.server");
  hub: typeof import("~/models/board-hub.server");
  publisher: typeof import("~/models/board-publisher.server");
  review: typeof import("~/models/review.server");
  shutdown: typeof import("~/utils/shutdown.server");
  helpers: typeof import("./helpers");
  metrics: typeof import("../workers/metrics");
  relay: typeof import("../workers/relay");
};

let cluster: ({ nodes: { host: string; port: number }[] } & Stoppable) | undefined;
let app: App;
const prefix = `afc-${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  cluster = await startRedisCluster();
  Object.assign(process.env, {
    REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(","),
    REDIS_URL: `redis://${cluster.nodes[0]!.host}:${cluster.nodes[0]!.port}/0`,
    QUEUE_PREFIX: prefix,
  });
  app = {
    db: await import("~/utils/db.server"),
    redis: await import("~/utils/redis.server"),
    queue: await import("~/utils/queue.server"),
    rollups: await import("~/models/rollups.server"),
    hub: await import("~/models/board-hub.server"),
    publisher: await import("~/models/board-publisher.server"),
    review: await import("~/models/review.server"),
    shutdown: await import("~/utils/shutdown.server"),
    helpers: await import("./helpers"),
    metrics: await import("../workers/metrics"),
    relay: await import("../workers/relay"),
  };
}, 60_000);

afterAll(async () => {
  try {
    if (app) await app.shutdown.runShutdownHooks();
  } finally {
    await cluster?.stop();
  }
});

describe("the app on a Redis Cluster", () => {
  it("is configured for the cluster, and the cluster refuses keys of different slots in one command", async () => {
    expect(app.redis.redisMode()).toBe("cluster");
    const probe = app.redis.createRedis("queue");
    try {
      const nodes = (await probe.call("CLUSTER", "NODES")) as string;
      expect(nodes.trim().split("\n").filter((l) => l.includes("master"))).toHaveLength(3);
      // What the hash tags are for: without them this is what a multi-key command gets.
      await expect(probe.del(`${prefix}:a`, `${prefix}:b-other-slot-7`)).rejects.toThrow(/CROSSSLOT/);
    } finally {
      probe.disconnect();
    }
  });

  it("runs a decision through the outbox, the relay, BullMQ and the metrics worker into the live counters and the board's pub/sub", async () => {
    const { helpers, db } = app;
    const { prisma } = db;
    const org = await helpers.createOrg();
    const groupId = await helpers.createGroup();
    const accountant = await helpers.createMember(org, [groupId]);
    const employee = await helpers.createUser(org);
    const claim = await helpers.createClaim(employee, { status: "IN_REVIEW", version: 2, groupId });
    const taskId = randomUUID();
    await prisma.task.create({
      data: { id: taskId, claimId: claim.id, type: "REVIEW", status: "IN_PROGRESS", groupId, assigneeId: accountant.id, claimVersion: 2, createdAt: new Date(), startedAt: new Date(), slaState: "ON_TRACK" },
    });

    // The board hub's own subscription (a Cluster connection of its own), as a web process opens it.
    const messages: { kind: string; taskId?: string }[] = [];
    const unsubscribe = await app.hub.redisSubscribe(
      (m) => messages.push(JSON.parse(m) as { kind: string; taskId?: string }),
      () => undefined,
    );
    await helpers.clearLeftoverJobs();
    const worker = await app.metrics.startMetricsWorker({ concurrency: 2 });
    const relay = await app.relay.startRelay({ pollMs: 50, log: () => undefined });
    try {
      await app.review.decideReview({ viewer: accountant, taskId, claimVersion: 2, decision: "approve" });
      await helpers.waitFor(() => messages.find((m) => m.kind === "tasks"), { timeoutMs: 20_000, what: "the board announcement through the cluster" });

      // The job really went through BullMQ on the cluster, under the hash-tagged prefix.
      const outbox = await prisma.outboxEvent.findFirstOrThrow({ where: { queue: "metrics", payload: { path: ["taskId"], equals: taskId }, jobName: "task-event" } });
      expect(outbox.status).toBe("DONE");
      const job = await app.queue.getQueue("metrics").getJob(outbox.jobKey);
      expect(job?.finishedOn).toBeGreaterThan(0);
      expect(app.queue.getQueue("metrics").keys.wait).toBe(`${prefix}:{metrics}:metrics:wait`);

      // Live counters: written by the worker (Lua), read with MULTI, cleared (DEL per day), rebuilt.
      const redis = app.publisher.boardRedis();
      const { localDay } = await import("~/domain/metrics");
      const day = localDay(new Date(), "Asia/Shanghai");
      const live = await app.rollups.readLiveDay(redis, prefix, day);
      expect(live.source).toBe("redis");
      expect(live.pieces.find((p) => p.operatorId === accountant.id)?.pieces).toBeGreaterThanOrEqual(1);
      await app.rollups.clearLiveDays(redis, prefix);
      expect(await redis.exists(app.rollups.liveKeys(prefix, day).stamp)).toBe(0);
      const rebuilt = await app.rollups.readLiveDay(redis, prefix, day);
      expect(rebuilt.source).toBe("rebuilt");
      expect(rebuilt.pieces).toEqual(live.pieces);
      expect(rebuilt.perHour).toEqual(live.perHour);
      expect((await app.rollups.readLiveDay(redis, prefix, day)).source).toBe("redis");

      // Pub/sub both ways across connections: the app's publisher reaches the hub's subscriber.
      const marker = randomUUID();
      await app.publisher.publishBoardChange({ at: new Date().toISOString(), kind: "target", taskId: marker });
      await helpers.waitFor(() => messages.some((m) => m.taskId === marker), { timeoutMs: 5_000, what: "a published change" });
    } finally {
      await relay.stop();
      await worker.close();
      await unsubscribe();
    }
  });
});
