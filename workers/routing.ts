import type { Worker } from "bullmq";
import { QUEUES } from "~/domain/jobs";
import { routeClaimHandler, routingBatcher, type RouteClaimOutcome } from "~/jobs/route-claim";
import { runWorker, type WorkerLog } from "./run-worker";

/**
 * The BullMQ worker for queue "routing". `transactions` routing transactions at a time (default 4), each
 * taking the claims whose jobs arrived while the others were busy, up to `batch` (default 16): the worker
 * holds `transactions × batch` jobs at once so a batch can fill (docs/decisions/040).
 */
export function startRoutingWorker(opts: { transactions?: number; batch?: number; log?: WorkerLog } = {}): Worker<unknown, RouteClaimOutcome> {
  const transactions = opts.transactions ?? 4;
  const maxBatch = opts.batch ?? 16;
  const batcher = routingBatcher({ transactions, maxBatch });
  return runWorker({ queue: QUEUES.routing, handlers: [routeClaimHandler(batcher)], concurrency: transactions * maxBatch, log: opts.log });
}
