import type { Worker } from "bullmq";
import { JOBS, QUEUES } from "~/domain/jobs";
import { PAYMENTS_SWEEP_EVERY_MS, paymentsSweepHandler, type PaymentsSweepResult } from "~/jobs/payments-sweep";
import { sendPaymentRunHandler } from "~/jobs/send-payment-run";
import { settleStatementHandler } from "~/jobs/settle-statement";
import type { SettleResult } from "~/models/bank-statements.server";
import type { SendResult } from "~/models/payment-transmission.server";
import { declareSchedules, runWorker, schedule } from "./run-worker";

/**
 * The BullMQ worker for queue "payments": released runs to the bank (send-payment-run), statements'
 * links settled (settle-statement) and the sweep
 * that asks about runs sent or unknown (a scheduler every 30 s, declared on every start).
 */
export async function startPaymentsWorker(opts: { everyMs?: number; concurrency?: number } = {}): Promise<Worker<unknown, SendResult | SettleResult | PaymentsSweepResult>> {
  await declareSchedules([schedule(JOBS.paymentsSweep, {}, { every: opts.everyMs ?? PAYMENTS_SWEEP_EVERY_MS })]);
  return runWorker({ queue: QUEUES.payments, handlers: [sendPaymentRunHandler, settleStatementHandler, paymentsSweepHandler], concurrency: opts.concurrency ?? 2 });
}
