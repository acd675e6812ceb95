/**
 * The metrics job: a task changed (created, started, finished, cancelled, reassigned). The payload is
 * only a pointer; the task row is re-read and the rollup hours the change may have moved are marked
 * (app/models/rollups.server.ts), with the outbox row marked done in the same transaction. The marked
 * hours are recomputed from the task rows by the rollup flusher (./rollup-flusher.ts) — once per flush,
 * however many events marked them — which then refreshes the live counters in Redis and tells the wall
 * board (BoardChange). Recomputing instead of adding makes a redelivered or out-of-order event harmless
 * (docs/decisions/007 and 038).
 */
import type { BoardChange } from "~/contracts/board";
import { JOBS, type JobPayload } from "~/domain/jobs";
import { boardRedis, publishBoardChange } from "~/models/board-publisher.server";
import { markOutboxDone } from "~/models/outbox.server";
import { flushMarkedHours, markTaskHours, refreshStaleLiveDays, type AppliedBuckets } from "~/models/rollups.server";
import { env } from "~/utils/env.server";
import { prisma } from "~/utils/db.server";
import type { RedisClient } from "~/utils/redis.server";
import { defineHandler } from "./job-handler";
import { RollupFlusher } from "./rollup-flusher";

export type TaskEventPayload = JobPayload<typeof JOBS.taskEvent>;

export type TaskEventOutcome = { outcome: "marked"; hours: string[]; days: string[] } | { outcome: "skipped"; reason: "task_gone" };

/**
 * `jobKey` is the outbox row's key (the BullMQ job id). A reassignment's key carries a random suffix,
 * so it cannot be derived from the payload: the worker passes its job id. `afterCommit` is told whether
 * hours were marked: the worker then kicks its flusher (which announces after recomputing), else it
 * announces at once (a task taken or reassigned moves the board's live figures, not its rollups).
 */
export async function runTaskEvent(payload: TaskEventPayload, jobKey: string, afterCommit?: (marked: boolean) => void): Promise<TaskEventOutcome> {
  const marked = await prisma.$transaction(async (tx) => {
    const buckets = await markTaskHours(tx, payload.taskId, payload.kind);
    await markOutboxDone(tx, jobKey);
    return buckets;
  });
  if (!marked) return { outcome: "skipped", reason: "task_gone" };
  afterCommit?.(marked.hours.length > 0);
  return { outcome: "marked", hours: marked.hours.map((h) => h.toISOString()), days: marked.days };
}

/** What a flush needs besides the database: Redis for the live counters, and the board's publisher. */
export type FlushDeps = { redis: RedisClient; prefix: string; publish: (change: BoardChange) => unknown };

/**
 * One flush: the marked hours recomputed (in batches of `limit` until none is left), then the live
 * counters of every day marked behind its rollups rewritten from them (this flush's days, and any an
 * earlier flush could not write: it died, or Redis was down), and one BoardChange announced.
 * Returns every hour recomputed and every day rewritten.
 */
export async function flushRollups(deps: FlushDeps, { limit = 100 }: { limit?: number } = {}): Promise<AppliedBuckets> {
  const hours: Date[] = [];
  for (;;) {
    const batch = await flushMarkedHours({ limit });
    hours.push(...batch.hours);
    if (batch.hours.length < limit) break;
  }
  const days = await refreshStaleLiveDays(deps.redis, deps.prefix);
  if (hours.length === 0 && days.length === 0) return { hours, days };
  // Not awaited: the publisher coalesces a burst into one trailing message, which need not hold up the flush.
  void deps.publish({ at: new Date().toISOString(), kind: "tasks" });
  return { hours, days };
}

let flusher: RollupFlusher | null = null;

/** The process's flusher (one per metrics worker process), created on first use and started by the worker. */
export function rollupFlusher(): RollupFlusher {
  flusher ??= new RollupFlusher({
    flush: () => flushRollups({ redis: boardRedis(), prefix: env.QUEUE_PREFIX, publish: publishBoardChange }),
  });
  return flusher;
}

export const taskEventHandler = defineHandler(JOBS.taskEvent, (payload, { jobId }) =>
  runTaskEvent(payload, jobId, (marked) => {
    if (marked) rollupFlusher().kick();
    // Not awaited: the publisher coalesces a burst into one trailing message.
    else void publishBoardChange({ at: new Date().toISOString(), kind: payload.kind, taskId: payload.taskId });
  }),
);
