import type { Worker } from "bullmq";
import { QUEUES } from "~/domain/jobs";
import { renderReceiptHandler, type RenderReceiptOutcome } from "~/jobs/render-receipt";
import { env } from "~/utils/env.server";
import { runWorker } from "./run-worker";

export type ImagingWorkerOptions = {
  concurrency?: number;
  /** How long a job stays claimed by a worker that stopped renewing its lock (crashed, killed). */
  lockDuration?: number;
};

/**
 * The BullMQ worker for queue "imaging": the render-receipt job. A killed worker's job becomes
 * available again after `lockDuration` plus at most two stalled checks; once BullMQ gives up on a
 * file, the handler marks it FAILED.
 */
export function startImagingWorker(opts: ImagingWorkerOptions = {}): Worker<unknown, RenderReceiptOutcome> {
  const lockDuration = opts.lockDuration ?? env.WORKER_LOCK_MS;
  return runWorker({
    queue: QUEUES.imaging,
    handlers: [renderReceiptHandler],
    concurrency: opts.concurrency ?? env.IMAGING_CONCURRENCY,
    options: {
      lockDuration,
      // Checking twice per lock period bounds the takeover of a dead worker's job to about 2× lockDuration.
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      // A file that kills its worker twice (say, a decoder crash) is given up rather than retried forever.
      maxStalledCount: 2,
    },
  });
}
