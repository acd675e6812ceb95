/**
 * The metrics job: a task changed (created, started, finished, cancelled, reassigned). The payload is
 * only a pointer; the task row is re-read and the rollup buckets it belongs to are recomputed from
 * the task rows (app/models/rollups.server.ts), with the outbox row marked done in the same
 * transaction. Recomputing instead of adding makes a redelivered or out-of-order event harmless.
 * After the commit the live counters in Redis are refreshed and the wall board is told (BoardChange).
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import type { BoardChange } from "~/contracts/board";
import { boardChannel } from "~/models/board-publisher.server";
import { markOutboxDone } from "~/models/outbox.server";
import { applyTaskToRollups, refreshLiveDays } from "~/models/rollups.server";
import { METRICS_TASK_EVENT_JOB, taskEventKey, type TaskEventKind } from "~/models/task-events.server";
import { prisma } from "~/utils/db.server";

export const TASK_EVENT_JOB = METRICS_TASK_EVENT_JOB;

export const taskEventPayload = z.object({
  taskId: z.string().min(1),
  kind: z.enum(["created", "started", "finished", "cancelled", "reassigned"]),
  at: z.string().datetime({ offset: true }),
});
export type TaskEventJobPayload = z.infer<typeof taskEventPayload>;

export type TaskEventOutcome = { outcome: "applied"; hours: string[]; days: string[] } | { outcome: "skipped"; reason: "task_gone" };

/** What the handler needs besides the payload: Redis for live counters and the board channel. */
export type TaskEventDeps = { redis: Redis; prefix: string; publish?: (change: BoardChange) => void };

/**
 * `jobKey` is the outbox row's key (the BullMQ job id). A reassignment's key carries a random suffix,
 * so it cannot be derived from the payload: the worker passes its job id.
 */
export async function runTaskEvent(payload: TaskEventJobPayload, jobKey: string, deps?: TaskEventDeps): Promise<TaskEventOutcome> {
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
    const change: BoardChange = { at: new Date().toISOString(), kind: payload.kind, taskId: payload.taskId };
    if (deps.publish) deps.publish(change);
    else await deps.redis.publish(boardChannel(deps.prefix), JSON.stringify(change));
  }
  return { outcome: "applied", hours: applied.hours.map((h) => h.toISOString()), days: applied.days };
}

/** The outbox key of a one-off event, for callers that have only the payload (tests, replays). */
export function oneOffJobKey(taskId: string, kind: Exclude<TaskEventKind, "reassigned">): string {
  return taskEventKey(taskId, kind);
}

export const taskEventJob = { name: TASK_EVENT_JOB, payloadSchema: taskEventPayload, handler: runTaskEvent };
