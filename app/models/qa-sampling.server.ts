/**
 * The QA draw when a review is finished, inside the decision's transaction: which reviews a QA
 * reviewer re-checks (rules in app/domain/qa-sampling.ts), and the QA task and qa_check row opened
 * for each one drawn.
 *
 * QA tasks (task.type = 'QA') have no processing group: QA is one pool worked by users with the QA
 * role, apart from the accountants' group queues (which only count REVIEW tasks). The qa_check row
 * beside each QA task says which review was drawn, whose work it was, why (stratum, rate) and, once
 * checked, the outcome.
 *
 * Audit events of QA are written with claim_id NULL and the claim id in their data: they are the SSC's
 * internal quality records and stay out of the claim's history that its claimant reads.
 */
import type { Finding } from "~/domain/claim-checks";
import { drawSample, flagsCanMatter, hasCheckFlags, isHighAmount, isNewOperator, type QaDraw } from "~/domain/qa-sampling";
import type { Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { loadClaimFacts } from "./approval.server";
import { recordAudit } from "./audit.server";
import { getQaSettings } from "./qa-settings.server";
import { emitTaskEvent } from "./task-events.server";

export type SampleOutcome = (QaDraw & { qaTaskId: string | null }) | null;

/**
 * Called by decideReview right after it finished the review task, in the same transaction. Draws the
 * task (app/domain/qa-sampling.ts); when drawn, opens the QA task and its qa_check row, emits the task
 * event and audits it. `findings` is the workstation's checks of the claim; it is only called when the
 * flags can change the result (they are the costly part). A review already drawn is left alone.
 */
export async function sampleFinishedReview(
  tx: Tx,
  { reviewTaskId, at = new Date(), findings }: { reviewTaskId: string; at?: Date; findings: () => Promise<readonly Pick<Finding, "severity">[]> },
): Promise<SampleOutcome> {
  const task = await tx.task.findUnique({
    where: { id: reviewTaskId },
    select: { id: true, claimId: true, type: true, status: true, assigneeId: true, complexity: true, claimVersion: true },
  });
  if (!task || task.type !== "REVIEW" || task.status !== "DONE" || !task.assigneeId) return null;
  if (await tx.qaCheck.findUnique({ where: { reviewTaskId }, select: { id: true } })) return null;
  const operatorId = task.assigneeId;
  const settings = await getQaSettings(tx);

  const [operator] = await tx.$queryRaw<{ firstReviewAt: Date | null; finishedReviews: number }[]>`
    SELECT (SELECT min(started_at) FROM task WHERE assignee_id = ${operatorId} AND type = 'REVIEW') AS "firstReviewAt",
           (SELECT count(*)::int FROM (
              SELECT 1 FROM task
               WHERE assignee_id = ${operatorId} AND status = 'DONE' AND type = 'REVIEW' AND id <> ${reviewTaskId}
               LIMIT ${settings.newOperatorReviews}) s) AS "finishedReviews"`;
  const facts = await loadClaimFacts(tx, task.claimId);
  const known = {
    newOperator: isNewOperator({ firstReviewAt: operator?.firstReviewAt ?? null, finishedReviews: operator?.finishedReviews ?? 0, now: at }, settings),
    highAmount: isHighAmount({ minor: facts.totalCompanyMinor, currency: facts.claim.company.currency }, settings.highAmountMinor),
  };
  const flagged = flagsCanMatter(reviewTaskId, known, settings.rates) ? hasCheckFlags(await findings()) : false;
  const draw = drawSample(reviewTaskId, { ...known, flagged }, settings.rates);
  if (!draw.drawn) return { ...draw, qaTaskId: null };

  const qaTaskId = newId();
  await tx.task.create({
    data: {
      id: qaTaskId,
      claimId: task.claimId,
      type: "QA",
      status: "OPEN",
      groupId: null,
      complexity: task.complexity,
      claimVersion: task.claimVersion,
      createdAt: at,
    },
  });
  await tx.qaCheck.create({
    data: { id: newId(), qaTaskId, reviewTaskId, claimId: task.claimId, operatorId, stratum: draw.stratum, sampleRateBp: draw.rateBp, createdAt: at },
  });
  await emitTaskEvent(tx, qaTaskId, "created", at);
  await recordAudit(tx, {
    actorId: null,
    type: "qa.sampled",
    data: { claimId: task.claimId, qaTaskId, reviewTaskId, operatorId, stratum: draw.stratum, sampleRateBp: draw.rateBp },
  });
  return { ...draw, qaTaskId };
}
