/**
 * Operator and group scorecards for a month, read straight from the task, qa_check and audit rows
 * (definitions in docs/decisions/008-piece-rate-and-scorecards.md):
 *
 *   quantity    pieces: REVIEW and QA tasks finished (DONE) in the month by the operator / in the group
 *   quality     QA errors ÷ QA checks recorded in the month on the operator's (the group's) reviews
 *   efficiency  median handling time (finished − started) per task type
 *   service     SLA compliance of review tasks (finished ≤ sla_due_at), and returns later overturned:
 *               the operator returned the claim, and the claim's next review approved it with no
 *               receipt added or removed in between (nothing new was needed to approve it)
 *
 * Months are midnight to midnight in the SSC time zone, as for pay.
 */
import { monthRange } from "~/domain/piece-rate";
import { prisma, type Db } from "~/utils/db.server";
import { assertMonth } from "./pay-statements.server";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";

export type Score = {
  id: string;
  name: string;
  nameZh: string;
  pieces: number;
  checked: number;
  errors: number;
  medianReviewSeconds: number | null;
  medianQaSeconds: number | null;
  slaTotal: number;
  slaMet: number;
  returns: number;
  overturned: number;
};

type Row = {
  operator_id: string | null;
  group_id: string | null;
  by_operator: boolean;
  pieces: number;
  median_review: number | null;
  median_qa: number | null;
  sla_total: number;
  sla_met: number;
  returns: number;
  overturned: number;
};

type QaRow = { operator_id: string | null; group_id: string | null; by_operator: boolean; checked: number; errors: number };

export async function monthScorecards(args: { month: string }, db: Db = prisma): Promise<{ operators: Score[]; groups: Score[] }> {
  assertMonth(args.month);
  const { from, to } = monthRange(args.month, SSC_TIME_ZONE);
  const [work, qa] = await Promise.all([
    db.$queryRaw<Row[]>`
      WITH done AS (
        SELECT t.id, t.claim_id, t.type, t.assignee_id, t.group_id, t.started_at, t.finished_at, t.sla_due_at, t.outcome
          FROM task t
         WHERE t.status = 'DONE' AND t.type IN ('REVIEW', 'QA') AND t.assignee_id IS NOT NULL
           AND t.finished_at >= ${from} AND t.finished_at < ${to}
      ), scored AS (
        SELECT d.*,
               d.type = 'REVIEW' AND d.outcome = 'returned' AND EXISTS (
                 SELECT 1
                   FROM LATERAL (
                     SELECT n.created_at, n.status, n.outcome FROM task n
                      WHERE n.claim_id = d.claim_id AND n.type = 'REVIEW' AND n.created_at > d.finished_at
                      ORDER BY n.created_at LIMIT 1
                   ) nxt
                  WHERE nxt.status = 'DONE' AND nxt.outcome = 'approved'
                    AND NOT EXISTS (
                      SELECT 1 FROM audit_event a
                       WHERE a.claim_id = d.claim_id AND a.type IN ('receipt.added', 'receipt.removed')
                         AND a.at > d.finished_at AND a.at < nxt.created_at)
               ) AS overturned
          FROM done d
      )
      SELECT assignee_id AS operator_id, group_id, GROUPING(assignee_id) = 0 AS by_operator,
             count(*)::int AS pieces,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
               FILTER (WHERE type = 'REVIEW' AND started_at IS NOT NULL) AS median_review,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
               FILTER (WHERE type = 'QA' AND started_at IS NOT NULL) AS median_qa,
             count(*) FILTER (WHERE type = 'REVIEW' AND sla_due_at IS NOT NULL)::int AS sla_total,
             count(*) FILTER (WHERE type = 'REVIEW' AND sla_due_at IS NOT NULL AND finished_at <= sla_due_at)::int AS sla_met,
             count(*) FILTER (WHERE type = 'REVIEW' AND outcome = 'returned')::int AS returns,
             count(*) FILTER (WHERE overturned)::int AS overturned
        FROM scored
       GROUP BY GROUPING SETS ((assignee_id), (group_id))`,
    db.$queryRaw<QaRow[]>`
      SELECT q.operator_id, r.group_id, GROUPING(q.operator_id) = 0 AS by_operator,
             count(*)::int AS checked, count(*) FILTER (WHERE q.outcome = 'error')::int AS errors
        FROM qa_check q JOIN task r ON r.id = q.review_task_id
       WHERE q.outcome IS NOT NULL AND q.checked_at >= ${from} AND q.checked_at < ${to}
       GROUP BY GROUPING SETS ((q.operator_id), (r.group_id))`,
  ]);

  const [users, groups] = await Promise.all([
    db.user.findMany({
      where: { OR: [{ active: true, roles: { hasSome: ["ACCOUNTANT", "QA"] } }, { id: { in: [...work, ...qa].flatMap((r) => (r.operator_id ? [r.operator_id] : [])) } }] },
      select: { id: true, name: true },
    }),
    db.processingGroup.findMany({ select: { id: true, name: true, nameZh: true, code: true }, orderBy: { code: "asc" } }),
  ]);

  const empty = (id: string, name: string, nameZh: string): Score => ({
    id, name, nameZh, pieces: 0, checked: 0, errors: 0, medianReviewSeconds: null, medianQaSeconds: null, slaTotal: 0, slaMet: 0, returns: 0, overturned: 0,
  });
  const operators = new Map(users.map((u) => [u.id, empty(u.id, u.name, u.name)]));
  const groupScores = new Map(groups.map((g) => [g.id, empty(g.id, g.name, g.nameZh)]));
  const NO_GROUP = "";
  const target = (byOperator: boolean, operatorId: string | null, groupId: string | null): Score | undefined => {
    if (byOperator) return operatorId ? operators.get(operatorId) : undefined;
    const key = groupId ?? NO_GROUP;
    // Work with no group (QA tasks may have none) is shown as its own row rather than dropped.
    if (!groupScores.has(key)) groupScores.set(key, empty(key, "No group", "未分组"));
    return groupScores.get(key);
  };
  for (const r of work) {
    const s = target(r.by_operator, r.operator_id, r.group_id);
    if (!s) continue;
    Object.assign(s, {
      pieces: r.pieces,
      medianReviewSeconds: r.median_review === null ? null : Math.round(Number(r.median_review)),
      medianQaSeconds: r.median_qa === null ? null : Math.round(Number(r.median_qa)),
      slaTotal: r.sla_total,
      slaMet: r.sla_met,
      returns: r.returns,
      overturned: r.overturned,
    });
  }
  for (const r of qa) {
    const s = target(r.by_operator, r.operator_id, r.group_id);
    if (!s) continue;
    s.checked = r.checked;
    s.errors = r.errors;
  }
  return {
    operators: [...operators.values()].sort((a, b) => b.pieces - a.pieces || a.name.localeCompare(b.name, "zh-CN")),
    groups: [...groupScores.values()],
  };
}
