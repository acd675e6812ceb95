import { Worker } from "bullmq";
import { runSlaSweep, SLA_SWEEP_EVERY_MS, SLA_SWEEP_JOB, type SlaSweepResult } from "~/jobs/sla-sweep";
import { env } from "~/utils/env.server";
import { getQueue, QUEUES } from "~/utils/queue.server";
import { createRedis } from "~/utils/redis.server";

/** Declares the every-minute SLA sweep (idempotent: upsert) and starts its worker. */
export async function startSlaWorker(opts: { everyMs?: number } = {}): Promise<Worker<unknown, SlaSweepResult>> {
  await getQueue(QUEUES.sla).upsertJobScheduler(SLA_SWEEP_JOB, { every: opts.everyMs ?? SLA_SWEEP_EVERY_MS }, { name: SLA_SWEEP_JOB });
  return new Worker<unknown, SlaSweepResult>(QUEUES.sla, () => runSlaSweep(), {
    connection: createRedis("worker"),
    prefix: env.QUEUE_PREFIX,
    concurrency: 1,
  });
}
