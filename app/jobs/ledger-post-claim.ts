/**
 * An approved claim's expense voucher (put in the outbox by the approval). Idempotent by the voucher's
 * source key. A claim that cannot be posted yet (an unmapped category, a missing rate, a closed month) is
 * not retried here: it stays on the ledger's exceptions list and the sweep posts it once it can.
 */
import { isAppError } from "~/domain/app-error";
import { JOBS } from "~/domain/jobs";
import { postClaimVoucher, type PostResult } from "~/models/ledger-posting.server";
import { markOutboxDone } from "~/models/outbox.server";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

export type PostClaimJobResult = PostResult | { status: "failed"; code: string };

export async function runPostClaimVoucher(claimId: string, jobKey: string): Promise<PostClaimJobResult> {
  let result: PostClaimJobResult;
  try {
    result = await postClaimVoucher(prisma, claimId);
  } catch (err) {
    if (!isAppError(err, "ledger_unmapped", "period_closed")) throw err;
    result = { status: "failed", code: err.code };
  }
  await prisma.$transaction((tx) => markOutboxDone(tx, jobKey));
  return result;
}

export const postClaimVoucherHandler = defineHandler(JOBS.postClaimVoucher, (p, ctx) => runPostClaimVoucher(p.claimId, ctx.jobId), {
  describe: (r) => (r.status === "posted" ? `voucher ${r.voucherId} posted` : r.status === "failed" ? `not posted: ${r.code}` : null),
});
