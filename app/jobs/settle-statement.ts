/**
 * A statement's links become payments PAID or RETURNED and claims PAID or PAYMENT_FAILED, with their
 * audit events and messages (settleStatement, in short transactions). Runs again harmlessly: a payment
 * that took its outcome is not moved twice; the payments sweep settles whatever a lost job left.
 */
import { JOBS } from "~/domain/jobs";
import { settleStatement, type SettleResult } from "~/models/bank-statements.server";
import { defineHandler } from "./job-handler";

export const settleStatementHandler = defineHandler(JOBS.settleStatement, (p, ctx): Promise<SettleResult> => settleStatement(p.statementId, { actorId: p.actorId, jobKey: ctx.jobId }), {
  describe: (r) => (r.paid || r.returned || r.unlinked ? `statement settled: ${r.paid} paid, ${r.returned} returned, ${r.unlinked} links undone` : null),
  onFinalFailure: (p, err) => {
    console.error(`[payments] statement ${p.statementId} was not settled (the payments sweep will retry): ${err.message}`);
    return Promise.resolve();
  },
});
