import type { Worker } from "bullmq";
import { QUEUES } from "~/domain/jobs";
import { routeClaimHandler, type RouteClaimOutcome } from "~/jobs/route-claim";
import { runWorker, type WorkerLog } from "./run-worker";

/** The BullMQ worker for queue "routing": one short transaction per claim, so a few at a time is plenty. */
export function startRoutingWorker(opts: { concurrency?: number; log?: WorkerLog } = {}): Worker<unknown, RouteClaimOutcome> {
  return runWorker({ queue: QUEUES.routing, handlers: [routeClaimHandler], concurrency: opts.concurrency ?? 4, log: opts.log });
}
