/**
 * A released host-to-host run goes to the bank: at most once, ever. The handler may run twice (a
 * retry, a duplicate, a worker that died after claiming): sendRun claims NOT_SENT → SENDING in one
 * transaction with the outbox row, so a second run of the job finds nothing to send.
 */
import { JOBS } from "~/domain/jobs";
import { sendRun, type SendResult } from "~/models/payment-transmission.server";
import { defineHandler } from "./job-handler";

export const sendPaymentRunHandler = defineHandler(JOBS.sendPaymentRun, (p, ctx): Promise<SendResult> => sendRun(p.runId, { jobKey: ctx.jobId }), {
  describe: (r) => (r.sent ? `sent: ${r.outcome} → ${r.transmission}` : `nothing to send (${r.reason})`),
  onFinalFailure: (p, err) => {
    console.error(`[payments] run ${p.runId} was not sent: ${err.message}`);
    return Promise.resolve();
  },
});
