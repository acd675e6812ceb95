import type { Worker } from "bullmq";
import { JOBS, QUEUES } from "~/domain/jobs";
import { postClaimVoucherHandler, type PostClaimJobResult } from "~/jobs/ledger-post-claim";
import { LEDGER_SWEEP_EVERY_MS, ledgerSweepHandler } from "~/jobs/ledger-sweep";
import type { SweepResult } from "~/models/ledger-posting.server";
import { declareSchedules, runWorker, schedule } from "./run-worker";

/**
 * The BullMQ worker for queue "ledger": an approved claim's voucher (post-claim-voucher) and the sweep
 * (a scheduler, declared on every start; also queued by payment outcomes). Concurrency 1: postings of one
 * company and month take its period's lock in turn anyway.
 */
export async function startLedgerWorker(opts: { everyMs?: number; concurrency?: number } = {}): Promise<Worker<unknown, PostClaimJobResult | SweepResult>> {
  await declareSchedules([schedule(JOBS.ledgerSweep, {}, { every: opts.everyMs ?? LEDGER_SWEEP_EVERY_MS })]);
  return runWorker({ queue: QUEUES.ledger, handlers: [postClaimVoucherHandler, ledgerSweepHandler], concurrency: opts.concurrency ?? 1 });
}
