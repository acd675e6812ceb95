/**
 * The SLA timer: every minute (a BullMQ job scheduler) the open review tasks whose state can change
 * are re-read from Postgres and moved forward to AT_RISK or BREACHED, each move once, with an audit
 * event the supervisor sees. Postgres holds the due times, so a flushed Redis loses nothing: the
 * scheduler is declared again when the worker starts.
 */
import { JOBS } from "~/domain/jobs";
import { openTaskSlaState, slaEscalation } from "~/domain/sla";
import { parseWorkCalendar, type SlaState } from "~/domain/work-calendar";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

export const SLA_SWEEP_EVERY_MS = 60_000;
// A quarter of a day's SLA can stretch across a long holiday (Spring Festival is 9 days): look that far ahead.
const LOOKAHEAD_DAYS = 14;

export type SlaSweepResult = { checked: number; atRisk: number; breached: number };

export async function runSlaSweep(now = new Date()): Promise<SlaSweepResult> {
  const horizon = new Date(now.getTime() + LOOKAHEAD_DAYS * 86_400_000);
  const tasks = await prisma.task.findMany({
    where: {
      type: "REVIEW",
      status: { in: ["OPEN", "IN_PROGRESS"] },
      slaState: { not: "BREACHED" },
      slaDueAt: { not: null, lte: horizon },
    },
    select: { id: true, claimId: true, slaDueAt: true, slaMinutes: true, slaState: true, claim: { select: { company: { select: { calendar: true } } } } },
  });
  const result: SlaSweepResult = { checked: tasks.length, atRisk: 0, breached: 0 };
  const moves: Move[] = [];
  for (const task of tasks) {
    const next = openTaskSlaState(now, task.slaDueAt!, task.slaMinutes ?? 0, parseWorkCalendar(task.claim.company.calendar)).state;
    const to = slaEscalation(task.slaState as SlaState, next);
    if (to) moves.push({ id: task.id, claimId: task.claimId, from: task.slaState, to, dueAt: task.slaDueAt!.toISOString() });
  }
  for (let i = 0; i < moves.length; i += MOVES_PER_STATEMENT) {
    for (const { to, n } of await applyMoves(moves.slice(i, i + MOVES_PER_STATEMENT))) result[to === "BREACHED" ? "breached" : "atRisk"] += n;
  }
  return result;
}

type Move = { id: string; claimId: string; from: string; to: SlaState; dueAt: string };

/**
 * At month-end a whole backlog can cross its due time at once (20,200 tasks in one sweep of the month-end
 * bench): one transaction per task kept Postgres busy for minutes. The moves go in statements of this many.
 */
const MOVES_PER_STATEMENT = 500;

/**
 * One statement: each task moved only from the state the sweep read (two sweeps at once announce each move
 * once), and one audit event per task actually moved, in the same transaction.
 */
async function applyMoves(moves: readonly Move[]): Promise<{ to: SlaState; n: number }[]> {
  return prisma.$queryRaw<{ to: SlaState; n: number }[]>`
    WITH input AS (
      SELECT * FROM unnest(${moves.map((m) => m.id)}::text[], ${moves.map((m) => m.from)}::"SlaState"[], ${moves.map((m) => m.to)}::"SlaState"[],
                           ${moves.map((m) => m.claimId)}::text[], ${moves.map((m) => m.dueAt)}::text[]) AS i (id, from_state, to_state, claim_id, due_at)
    ), moved AS (
      UPDATE task t SET sla_state = i.to_state FROM input i WHERE t.id = i.id AND t.sla_state = i.from_state
      RETURNING t.id, i.to_state, i.claim_id, i.due_at
    ), audited AS (
      INSERT INTO audit_event (claim_id, type, data)
      SELECT claim_id, CASE WHEN to_state = 'BREACHED' THEN 'task.sla_breached' ELSE 'task.sla_at_risk' END, jsonb_build_object('taskId', id, 'dueAt', due_at)
        FROM moved ORDER BY id
    )
    SELECT to_state::text AS "to", count(*)::int AS n FROM moved GROUP BY to_state`;
}

export const slaSweepHandler = defineHandler(JOBS.slaSweep, () => runSlaSweep(), {
  // Quiet unless something moved: it runs every minute.
  describe: (r) => (r.atRisk || r.breached ? `${r.checked} checked, ${r.atRisk} now at risk, ${r.breached} now breached` : null),
});
