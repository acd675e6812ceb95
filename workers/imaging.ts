import { UnrecoverableError, Worker } from "bullmq";
import {
  markImagingAbandoned,
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

// BullMQ's message when the stalled checker fails a job instead of retrying it.
const STALLED_TOO_OFTEN = /stalled more than allowable limit/i;

/** True when BullMQ will not run this job again: retries used up, unrecoverable, or it kept killing its worker. */
export function isFinalFailure(job: { attemptsMade: number; opts: { attempts?: number } }, err: Error): boolean {
  const attempts = job.opts.attempts ?? defaultJobOptions.attempts ?? 1;
  return job.attemptsMade >= attempts || err instanceof UnrecoverableError || err.name === "UnrecoverableError" || STALLED_TOO_OFTEN.test(err.message);
}

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
      return renderReceiptJob.handler(payload.data);
    },
    {
      connection,
      prefix: env.QUEUE_PREFIX,
      concurrency: opts.concurrency ?? env.IMAGING_CONCURRENCY,
      lockDuration,
      // Checking twice per lock period bounds the takeover of a dead worker's job to about 2× lockDuration.
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      // A file that kills its worker twice (say, a decoder crash) is given up rather than retried forever.
      maxStalledCount: 2,
    },
  );
  // Without a listener an ioredis error event would crash the process; BullMQ reconnects by itself.
  worker.on("error", (err) => console.error(`[imaging] worker error: ${err.message}`));
  // Once BullMQ gives up, say so on the file: otherwise the claim page would show "processing" forever.
  worker.on("failed", (job, err) => {
    if (!job || !isFinalFailure(job, err)) return;
    const payload = renderReceiptJob.payloadSchema.safeParse(job.data);
    if (!payload.success) return;
    markImagingAbandoned(payload.data.sha256).catch((e: unknown) =>
      console.error(`[imaging] could not mark ${payload.data.sha256} failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  });
  worker.on("closed", () => {
    connection.disconnect();
  });
  return worker;
}
