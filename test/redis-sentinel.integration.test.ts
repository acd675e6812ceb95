/**
 * The app behind a Redis Sentinel (issue 13, docs/decisions/026): a master, a replica and one Sentinel
 * on local ports, the app configured with REDIS_SENTINELS. The app's connections find the master through
 * the Sentinel, the live counters and the board's pub/sub work on it, and after a failover the same
 * connections follow the new master. The app's modules are imported after the environment is set.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentinelFailover, startRedisSentinel, type Stoppable } from "./local-services";

type App = {
  redis: typeof import("~/utils/redis.server");
  publisher: typeof import("~/models/board-publisher.server");
  hub: typeof import("~/models/board-hub.server");
  rollups: typeof import("~/models/rollups.server");
  shutdown: typeof import("~/utils/shutdown.server");
  helpers: typeof import("./helpers");
};

let redis: Awaited<ReturnType<typeof startRedisSentinel>> & Stoppable;
let app: App;
const prefix = `afs-${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  redis = await startRedisSentinel();
  Object.assign(process.env, {
    REDIS_SENTINELS: `127.0.0.1:${redis.sentinelPort}`,
    REDIS_SENTINEL_NAME: redis.name,
    REDIS_URL: "redis://127.0.0.1:6379/0", // host ignored with Sentinels: only the database (and credentials) count
    QUEUE_PREFIX: prefix,
  });
  app = {
    redis: await import("~/utils/redis.server"),
    publisher: await import("~/models/board-publisher.server"),
    hub: await import("~/models/board-hub.server"),
    rollups: await import("~/models/rollups.server"),
    shutdown: await import("~/utils/shutdown.server"),
    helpers: await import("./helpers"),
  };
}, 60_000);

afterAll(async () => {
  try {
    if (app) await app.shutdown.runShutdownHooks();
  } finally {
    await redis?.stop();
  }
});

describe("the app behind a Redis Sentinel", () => {
  it("finds the master, keeps the live counters and the board's pub/sub, and follows a failover", async () => {
    expect(app.redis.redisMode()).toBe("sentinel");
    const conn = app.publisher.boardRedis();
    const port = async () => Number(((await conn.call("CONFIG", "GET", "port")) as string[])[1]);
    expect(await port()).toBe(redis.masterPort);

    const received: string[] = [];
    const unsubscribe = await app.hub.redisSubscribe((m) => received.push(m), () => undefined);
    try {
      const day = "2030-05-06";
      const live = { day, pieces: [{ operatorId: "op-1", pieces: 3 }], perHour: Array.from({ length: 24 }, (_, h) => (h === 9 ? 3 : 0)), stamp: Date.now() };
      expect(await app.rollups.writeLiveDay(conn, prefix, live)).toBe(true);
      expect((await app.rollups.readLiveDay(conn, prefix, day)).pieces).toEqual(live.pieces);
      await app.publisher.publishBoardChange({ at: new Date().toISOString(), kind: "target", taskId: "before" });
      await app.helpers.waitFor(() => received.some((m) => m.includes('"before"')), { timeoutMs: 5_000, what: "a message before the failover" });

      const newMaster = await sentinelFailover(redis);
      expect(newMaster).toBe(redis.replicaPort);
      // The same connections, asked again, are on the new master and can write there.
      await app.helpers.waitFor(async () => (await port()) === redis.replicaPort && (await app.rollups.writeLiveDay(conn, prefix, { ...live, stamp: Date.now() })), { timeoutMs: 20_000, what: "the app on the new master" });
      expect((await app.rollups.readLiveDay(conn, prefix, day)).pieces).toEqual(live.pieces);
      await app.helpers.waitFor(
        async () => {
          await app.publisher.publishBoardChange({ at: new Date().toISOString(), kind: "target", taskId: "after" });
          return received.some((m) => m.includes('"after"'));
        },
        { timeoutMs: 20_000, intervalMs: 300, what: "the board's subscriber on the new master" },
      );
    } finally {
      await unsubscribe();
    }
  });
});
