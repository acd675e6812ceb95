/**
 * What the health endpoints report (docs/deploy.md). Liveness (/healthz) asks nothing of anyone: the
 * process answers and is not stopping. Readiness (/readyz) asks Postgres and Redis, each within a
 * short deadline: without Postgres nothing can be served (503); without Redis pages, submissions and
 * decisions still work (the outbox holds their jobs), so the instance is "degraded" but ready (200).
 */
import { prisma } from "~/utils/db.server";
import { createRedis, type RedisClient } from "~/utils/redis.server";
import { isDraining, onShutdown } from "~/utils/shutdown.server";

export type DependencyState = "up" | "down";
export type Readiness = { ready: boolean; status: "ok" | "degraded" | "unavailable" | "draining"; postgres: DependencyState; redis: DependencyState; ms: number };

/** Not for the balancer (that asks /healthz): generous enough for a cold first query on a busy machine. */
const DEADLINE_MS = 3_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

let redis: RedisClient | undefined;

function probeRedis(): RedisClient {
  if (!redis) {
    const r = createRedis("queue");
    r.on("error", () => undefined); // a down Redis is an answer here, not a crash
    redis = r;
    onShutdown(async () => {
      redis = undefined;
      await r.quit().catch(() => r.disconnect());
    });
  }
  return redis;
}

export async function checkReadiness(): Promise<Readiness> {
  const started = Date.now();
  if (isDraining()) return { ready: false, status: "draining", postgres: "down", redis: "down", ms: 0 };
  const [pg, rd] = await Promise.allSettled([
    within(prisma.$queryRaw`SELECT 1`, DEADLINE_MS),
    (async () => {
      const r = probeRedis();
      // Known to be down (lost and retrying): say so at once instead of queueing a PING behind the reconnect.
      if (r.status === "reconnecting" || r.status === "end" || r.status === "close") throw new Error(`redis ${r.status}`);
      return within(r.ping(), DEADLINE_MS);
    })(),
  ]);
  const postgres: DependencyState = pg.status === "fulfilled" ? "up" : "down";
  const redisState: DependencyState = rd.status === "fulfilled" ? "up" : "down";
  const ready = postgres === "up";
  return { ready, status: !ready ? "unavailable" : redisState === "up" ? "ok" : "degraded", postgres, redis: redisState, ms: Date.now() - started };
}

export function checkLiveness(): { live: boolean; status: "ok" | "draining" } {
  return isDraining() ? { live: false, status: "draining" } : { live: true, status: "ok" };
}
