import { UnrecoverableError, Worker } from "bullmq";
import {
  renderReceiptJob,
  type RenderReceiptOutcome,
} from "~/jobs/render-receipt";
import { env } from "~/utils/env.server";
import { defaultJobOptions, QUEUES } from "~/utils/queue.server";
import { createRedis } from "~/utils/redis.server";

export type ImagingWorkerOptions = {
  concurrency?: number;
  /** How long a job stays claimed by a worker that stopped renewing its lock (crashed, killed). */
  lockDuration?: number;
};

/**
 * The BullMQ worker for queue "imaging": validates the payload and runs the render-receipt job.
 * A killed worker's job becomes available again after `lockDuration` plus at most two stalled checks.
 */
export function startImagingWorker(opts: ImagingWorkerOptions = {}): Worker<unknown, RenderReceiptOutcome> {
  const lockDuration = opts.lockDuration ?? env.WORKER_LOCK_MS;
  const connection = createRedis("worker");
  const worker = new Worker<unknown, RenderReceiptOutcome>(
    QUEUES.imaging,
    async (job) => {
      if (job.name !== renderReceiptJob.name) throw new UnrecoverableError(`unknown job name ${job.name}`);
      const payload = renderReceiptJob.payloadSchema.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError(`bad payload: ${payload.error.message}`);
      return renderReceiptJob.handler(payload.data, {
        attemptsMade: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? defaultJobOptions.attempts ?? 1,
      });
    },
    {
      connection,
      prefix: env.QUEUE_PREFIX,
      concurrency: opts.concurrency ?? env.IMAGING_CONCURRENCY,
      lockDuration,
      // Checking twice per lock period bounds the takeover of a dead worker's job to about 2× lockDuration.
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      // A job that kills its worker twice (say, out of memory) is failed rather than retried forever.
      maxStalledCount: 2,
    },
  );
  // Without a listener an ioredis error event would crash the process; BullMQ reconnects by itself.
  worker.on("error", (err) => console.error(`[imaging] worker error: ${err.message}`));
  worker.on("closed", () => {
    connection.disconnect();
  });
  return worker;
}
