import { UnrecoverableError, Worker } from "bullmq";
import { routeClaimJob, type RouteClaimOutcome } from "~/jobs/route-claim";
import { env } from "~/utils/env.server";
import { QUEUES } from "~/utils/queue.server";
import { createRedis } from "~/utils/redis.server";

/** The BullMQ worker for queue "routing": one short transaction per claim, so a few at a time is plenty. */
export function startRoutingWorker(opts: { concurrency?: number } = {}): Worker<unknown, RouteClaimOutcome> {
  return new Worker<unknown, RouteClaimOutcome>(
    QUEUES.routing,
    async (job) => {
      if (job.name !== routeClaimJob.name) throw new UnrecoverableError(`unknown job name ${job.name}`);
      const payload = routeClaimJob.payloadSchema.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError(`bad payload: ${payload.error.message}`);
      return routeClaimJob.handler(payload.data);
    },
    {
      connection: createRedis("worker"),
      prefix: env.QUEUE_PREFIX,
      concurrency: opts.concurrency ?? 4,
      lockDuration: env.WORKER_LOCK_MS,
    },
  );
}
