/**
 * The metrics job: a task changed (created, started, finished, cancelled, reassigned). The payload is
 * only a pointer; the task row is re-read and the rollup buckets it belongs to are recomputed from
 * the task rows (app/models/rollups.server.ts), with the outbox row marked done in the same
 * transaction. Recomputing instead of adding makes a redelivered or out-of-order event harmless.
 * After the commit the live counters in Redis are refreshed and the wall board is told (BoardChange).
 */
import type { BoardChange } from "~/contracts/board";
import { JOBS, type JobPayload } from "~/domain/jobs";
import { boardRedis, publishBoardChange } from "~/models/board-publisher.server";
import { markOutboxDone } from "~/models/outbox.server";
import { applyTaskToRollups, refreshLiveDays } from "~/models/rollups.server";
import { env } from "~/utils/env.server";
import { prisma } from "~/utils/db.server";
import type { RedisClient } from "~/utils/redis.server";
import { defineHandler } from "./job-handler";

export type TaskEventPayload = JobPayload<typeof JOBS.taskEvent>;

export type TaskEventOutcome = { outcome: "applied"; hours: string[]; days: string[] } | { outcome: "skipped"; reason: "task_gone" };

/** What the handler needs besides the payload: Redis for the live counters, and the board's publisher. */
export type TaskEventDeps = { redis: RedisClient; prefix: string; publish: (change: BoardChange) => unknown };

/**
 * `jobKey` is the outbox row's key (the BullMQ job id). A reassignment's key carries a random suffix,
 * so it cannot be derived from the payload: the worker passes its job id. Without `deps` only the
 * rollups are written (tests, replays).
 */
export async function runTaskEvent(payload: TaskEventPayload, jobKey: string, deps?: TaskEventDeps): Promise<TaskEventOutcome> {
  const applied = await prisma.$transaction(
    async (tx) => {
      const buckets = await applyTaskToRollups(tx, payload.taskId);
      await markOutboxDone(tx, jobKey);
      return buckets;
    },
    { timeout: 60_000 },
  );
  if (!applied) return { outcome: "skipped", reason: "task_gone" };
  if (deps) {
    await refreshLiveDays(deps.redis, deps.prefix, applied.days);
    // Not awaited: a burst is coalesced into one trailing message, which need not hold up this job.
    void deps.publish({ at: new Date().toISOString(), kind: payload.kind, taskId: payload.taskId });
  }
  return { outcome: "applied", hours: applied.hours.map((h) => h.toISOString()), days: applied.days };
}

export const taskEventHandler = defineHandler(JOBS.taskEvent, (payload, { jobId }) =>
  runTaskEvent(payload, jobId, { redis: boardRedis(), prefix: env.QUEUE_PREFIX, publish: publishBoardChange }),
);
