import type { Worker } from "bullmq";
import { JOBS, QUEUES } from "~/domain/jobs";
import { SLA_SWEEP_EVERY_MS, slaSweepHandler, type SlaSweepResult } from "~/jobs/sla-sweep";
import { declareSchedules, runWorker, schedule } from "./run-worker";

/** Declares the every-minute SLA sweep (idempotent: upsert) and starts its worker. */
export async function startSlaWorker(opts: { everyMs?: number } = {}): Promise<Worker<unknown, SlaSweepResult>> {
  await declareSchedules([schedule(JOBS.slaSweep, {}, { every: opts.everyMs ?? SLA_SWEEP_EVERY_MS })]);
  return runWorker({ queue: QUEUES.sla, handlers: [slaSweepHandler], concurrency: 1 });
}
