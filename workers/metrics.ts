import type { Worker } from "bullmq";
import { JOBS, QUEUES, SNAPSHOT_KINDS } from "~/domain/jobs";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { boardSnapshotHandler, SNAPSHOT_SCHEDULES, type BoardSnapshotResult } from "~/jobs/board-snapshot";
import { rollupFlusher, taskEventHandler, type TaskEventOutcome } from "~/jobs/task-event";
import { declareSchedules, runWorker, schedule } from "./run-worker";

export type MetricsResult = TaskEventOutcome | BoardSnapshotResult;

/**
 * The BullMQ worker for queue "metrics": task events (each marks its rollup hours; the process's
 * rollup flusher recomputes them, refreshes the live counters and tells the board) and the hourly/daily
 * backlog snapshots, whose schedulers are declared here on every start.
 */
export async function startMetricsWorker(opts: { concurrency?: number } = {}): Promise<Worker<unknown, MetricsResult>> {
  await declareSchedules(SNAPSHOT_KINDS.map((kind) => schedule(JOBS.boardSnapshot, { kind }, { pattern: SNAPSHOT_SCHEDULES[kind].pattern, tz: SSC_TIME_ZONE })));
  const worker = runWorker({ queue: QUEUES.metrics, handlers: [taskEventHandler, boardSnapshotHandler], concurrency: opts.concurrency ?? 4 });
  const flusher = rollupFlusher();
  flusher.start();
  // A flush cut short by the shutdown rolls back as a whole; its marks stay for the next worker.
  worker.on("closing", () => void flusher.stop());
  return worker;
}
