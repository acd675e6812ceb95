import type { Worker } from "bullmq";
import { JOBS, QUEUES, SNAPSHOT_KINDS } from "~/domain/jobs";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { boardSnapshotHandler, SNAPSHOT_SCHEDULES, type BoardSnapshotResult } from "~/jobs/board-snapshot";
import { taskEventHandler, type TaskEventOutcome } from "~/jobs/task-event";
import { declareSchedules, runWorker, schedule } from "./run-worker";

export type MetricsResult = TaskEventOutcome | BoardSnapshotResult;

/**
 * The BullMQ worker for queue "metrics": task events (rollups, live counters, board announcements)
 * and the hourly/daily backlog snapshots, whose schedulers are declared here on every start.
 */
export async function startMetricsWorker(opts: { concurrency?: number } = {}): Promise<Worker<unknown, MetricsResult>> {
  await declareSchedules(SNAPSHOT_KINDS.map((kind) => schedule(JOBS.boardSnapshot, { kind }, { pattern: SNAPSHOT_SCHEDULES[kind].pattern, tz: SSC_TIME_ZONE })));
  return runWorker({ queue: QUEUES.metrics, handlers: [taskEventHandler, boardSnapshotHandler], concurrency: opts.concurrency ?? 4 });
}
