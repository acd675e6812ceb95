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
import { DEFAULT_QA_SETTINGS, drawSample, flagsCanMatter, hasCheckFlags, isHighAmount, isNewOperator, type QaDraw } from "~/domain/qa-sampling";
import { JOBS } from "~/domain/jobs";
import { Prisma } from "~/generated/prisma/client";
import { newId } from "~/utils/ids.server";
import type { AuditInput } from "./audit.server";
import { outboxRow } from "./outbox.server";
import { qaSamplingSettingsOf, type QaSettingRow } from "./qa-settings.server";

export type SampleOutcome = (QaDraw & { qaTaskId: string | null }) | null;

/**
 * What the draw reads, as columns of the decision's own read statement (the review task is `t`, its
 * operator `operatorId`): whether the review was drawn already, the settings row and thresholds, when
 * the operator first started a review and how many others they finished (up to what makes them
 * experienced: `newOperatorReviews`, read by newOperatorReviewsColumn in the lock statement before). The
 * claim's total comes from the same statement's claim facts.
 */
export function sampleFactsColumns(operatorId: string, newOperatorReviews: number): Prisma.Sql {
  return Prisma.sql`
    EXISTS (SELECT 1 FROM qa_check q WHERE q.review_task_id = t.id) AS "qaDrawn",
    (SELECT json_build_object('baseRateBp', s.base_rate_bp, 'newOperatorRateBp', s.new_operator_rate_bp, 'highAmountRateBp', s.high_amount_rate_bp,
                              'flaggedRateBp', s.flagged_rate_bp, 'newOperatorDays', s.new_operator_days, 'newOperatorReviews', s.new_operator_reviews)
       FROM qa_setting s WHERE s.id = 'qa') AS "qaSetting",
    (SELECT coalesce(json_agg(json_build_object('currency', th.currency, 'minMinor', th.min_minor::text)), '[]'::json) FROM qa_amount_threshold th) AS "qaThresholds",
    (SELECT min(o.started_at) FROM task o WHERE o.assignee_id = ${operatorId} AND o.type = 'REVIEW') AS "operatorFirstReviewAt",
    (SELECT count(*)::int FROM (
       SELECT 1 FROM task o
        WHERE o.assignee_id = ${operatorId} AND o.status = 'DONE' AND o.type = 'REVIEW' AND o.id <> t.id
        LIMIT ${newOperatorReviews}) x) AS "operatorFinishedReviews"`;
}

/**
 * The settings' newOperatorReviews (the default without a settings row), for the caller's lock statement:
 * the count above needs it as a value the planner sees. Under a LIMIT computed by a subquery the planner
 * guesses a tenth of the accountant's reviews and reads all of them through a bitmap (~20 ms for an
 * accountant with 24,000 reviews); with the value, it walks an index and stops at the limit (~0.5 ms).
 */
export const newOperatorReviewsColumn = Prisma.sql`coalesce((SELECT s.new_operator_reviews FROM qa_setting s WHERE s.id = 'qa'), ${DEFAULT_QA_SETTINGS.newOperatorReviews})::int AS "newOperatorReviews"`;

export type SampleFacts = {
  qaDrawn: boolean;
  qaSetting: QaSettingRow | null;
  qaThresholds: { currency: string; minMinor: string }[];
  operatorFirstReviewAt: Date | null;
  operatorFinishedReviews: number;
};

/**
 * The QA draw for a review task being finished (rules in app/domain/qa-sampling.ts): null when it was
 * drawn already. `findings` is the workstation's checks of the claim; it is only called when the flags can
 * change the result (they are the costly part).
 */
export async function drawFinishedReview({
  reviewTaskId,
  facts,
  claimTotal,
  at,
  findings,
}: {
  reviewTaskId: string;
  facts: SampleFacts;
  claimTotal: { minor: bigint; currency: string };
  at: Date;
  findings: () => Promise<readonly Pick<Finding, "severity">[]>;
}): Promise<QaDraw | null> {
  if (facts.qaDrawn) return null;
  const settings = qaSamplingSettingsOf(facts.qaSetting, facts.qaThresholds.map((th) => ({ currency: th.currency, minMinor: BigInt(th.minMinor) })));
  const known = {
    newOperator: isNewOperator({ firstReviewAt: facts.operatorFirstReviewAt, finishedReviews: facts.operatorFinishedReviews, now: at }, settings),
    highAmount: isHighAmount(claimTotal, settings.highAmountMinor),
  };
  const flagged = flagsCanMatter(reviewTaskId, known, settings.rates) ? hasCheckFlags(await findings()) : false;
  return drawSample(reviewTaskId, { ...known, flagged }, settings.rates);
}

/**
 * What a drawn review opens, for the decision's write statement: the QA task (no group: one QA pool) and
 * its qa_check row, the QA task's metrics event, and the qa.sampled audit event (the caller writes it with
 * the decision's own, last).
 */
export function sampledReviewWrites({
  draw,
  review,
  at,
}: {
  draw: QaDraw;
  review: { taskId: string; claimId: string; operatorId: string; complexity: string; claimVersion: number };
  at: Date;
}): { qaTaskId: string; sql: Prisma.Sql; event: ReturnType<typeof outboxRow>; audit: AuditInput } {
  const qaTaskId = newId();
  const sql = Prisma.sql`
    qa_task AS (
      INSERT INTO task (id, claim_id, type, status, group_id, complexity, claim_version, created_at)
      VALUES (${qaTaskId}, ${review.claimId}, 'QA', 'OPEN', NULL, ${review.complexity}, ${review.claimVersion}, ${at})
      RETURNING id
    ), qa_row AS (
      INSERT INTO qa_check (id, qa_task_id, review_task_id, claim_id, operator_id, stratum, sample_rate_bp, created_at)
      SELECT ${newId()}, id, ${review.taskId}, ${review.claimId}, ${review.operatorId}, ${draw.stratum}, ${draw.rateBp}, ${at} FROM qa_task
      RETURNING id
    )`;
  return {
    qaTaskId,
    sql,
    event: outboxRow(JOBS.taskEvent, { taskId: qaTaskId, kind: "created", at: at.toISOString() }),
    audit: {
      actorId: null,
      type: "qa.sampled",
      data: { claimId: review.claimId, qaTaskId, reviewTaskId: review.taskId, operatorId: review.operatorId, stratum: draw.stratum, sampleRateBp: draw.rateBp },
    },
  };
}
