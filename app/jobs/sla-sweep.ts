/**
 * The SLA timer: every minute (a BullMQ job scheduler) the open review tasks whose state can change
 * are re-read from Postgres and moved forward to AT_RISK or BREACHED, each move once, with an audit
 * event the supervisor sees. Postgres holds the due times, so a flushed Redis loses nothing: the
 * scheduler is declared again when the worker starts.
 *
 * "Whose state can change": each open review carries `sla_check_at`, the next instant its state can change
 * (slaSweepStep), written by the sweep the first time it reads the task and after each move, and reset by the
 * database when the due time, the SLA or the company's calendar change. A sweep reads only the tasks whose
 * check time has come or was never computed (a partial index), so a steady minute reads a handful of rows
 * instead of the whole backlog (docs/decisions/041).
 */
import { JOBS } from "~/domain/jobs";
import { slaSweepStep } from "~/domain/sla";
import { parseWorkCalendar, type SlaState, type WorkCalendar } from "~/domain/work-calendar";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

export const SLA_SWEEP_EVERY_MS = 60_000;

export type SlaSweepResult = { checked: number; atRisk: number; breached: number };

/**
 * At most this many tasks per sweep, so a first sweep over a large backlog (after the migration, a calendar
 * change, a month-end pile crossing its time) stays bounded in memory and in the time it holds the worker; the
 * rest, still due, come in the next minute's sweep. No ORDER BY: ordered by id, the planner walked the primary
 * key of every task (two million in bench:load: 0.3–0.9 s) instead of the small partial index of open reviews.
 */
const READ_CAP = 10_000;

type DueTask = { id: string; claimId: string; companyId: string; dueAt: Date; slaMinutes: number | null; slaState: SlaState; checkAt: Date | null };

export async function runSlaSweep(now = new Date()): Promise<SlaSweepResult> {
  const tasks = await prisma.$queryRaw<DueTask[]>`
    SELECT t.id, t.claim_id AS "claimId", t.company_id AS "companyId", t.sla_due_at AS "dueAt", t.sla_minutes AS "slaMinutes",
           t.sla_state::text AS "slaState", t.sla_check_at AS "checkAt"
      FROM task t
     WHERE t.type = 'REVIEW' AND t.status IN ('OPEN', 'IN_PROGRESS') AND t.sla_state <> 'BREACHED' AND t.sla_due_at IS NOT NULL
       AND (t.sla_check_at IS NULL OR t.sla_check_at <= ${now})
     LIMIT ${READ_CAP}`;
  const result: SlaSweepResult = { checked: tasks.length, atRisk: 0, breached: 0 };
  const calendars = await loadCalendars(tasks);
  const moves: Move[] = [];
  const checks: Check[] = [];
  for (const task of tasks) {
    const { to, checkAt } = slaSweepStep(now, task.dueAt, task.slaMinutes ?? 0, task.slaState, calendars.get(task.companyId)!);
    if (to) moves.push({ id: task.id, claimId: task.claimId, from: task.slaState, to, dueAt: task.dueAt.toISOString(), checkAt: checkAt?.toISOString() ?? null });
    else checks.push({ id: task.id, state: task.slaState, readCheckAt: task.checkAt?.toISOString() ?? null, checkAt: checkAt?.toISOString() ?? null });
  }
  for (let i = 0; i < moves.length; i += WRITES_PER_STATEMENT) {
    for (const { to, n } of await applyMoves(moves.slice(i, i + WRITES_PER_STATEMENT))) result[to === "BREACHED" ? "breached" : "atRisk"] += n;
  }
  for (let i = 0; i < checks.length; i += WRITES_PER_STATEMENT) await storeCheckTimes(checks.slice(i, i + WRITES_PER_STATEMENT));
  return result;
}

/** The work calendars of the tasks' companies (a group has a handful of companies). */
async function loadCalendars(tasks: readonly DueTask[]): Promise<Map<string, WorkCalendar>> {
  const ids = [...new Set(tasks.map((t) => t.companyId))];
  if (ids.length === 0) return new Map();
  const companies = await prisma.company.findMany({ where: { id: { in: ids } }, select: { id: true, calendar: true } });
  return new Map(companies.map((c) => [c.id, parseWorkCalendar(c.calendar)]));
}

type Move = { id: string; claimId: string; from: string; to: SlaState; dueAt: string; checkAt: string | null };
export type Check = { id: string; state: string; readCheckAt: string | null; checkAt: string | null };

/**
 * At month-end a whole backlog can cross its due time at once (20,200 tasks in one sweep of the month-end
 * bench): one transaction per task kept Postgres busy for minutes. The moves (and the check times) go in
 * statements of this many.
 */
const WRITES_PER_STATEMENT = 500;

/**
 * One statement: each task moved only from the state the sweep read (two sweeps at once announce each move
 * once), and one audit event per task actually moved, in the same transaction.
 */
async function applyMoves(moves: readonly Move[]): Promise<{ to: SlaState; n: number }[]> {
  return prisma.$queryRaw<{ to: SlaState; n: number }[]>`
    WITH input AS (
      SELECT * FROM unnest(${moves.map((m) => m.id)}::text[], ${moves.map((m) => m.from)}::"SlaState"[], ${moves.map((m) => m.to)}::"SlaState"[],
                           ${moves.map((m) => m.claimId)}::text[], ${moves.map((m) => m.dueAt)}::text[], ${moves.map((m) => m.checkAt)}::timestamptz[])
                    AS i (id, from_state, to_state, claim_id, due_at, check_at)
    ), moved AS (
      UPDATE task t SET sla_state = i.to_state, sla_check_at = i.check_at FROM input i WHERE t.id = i.id AND t.sla_state = i.from_state
      RETURNING t.id, i.to_state, i.claim_id, i.due_at
    ), audited AS (
      INSERT INTO audit_event (claim_id, type, data)
      SELECT claim_id, CASE WHEN to_state = 'BREACHED' THEN 'task.sla_breached' ELSE 'task.sla_at_risk' END, jsonb_build_object('taskId', id, 'dueAt', due_at)
        FROM moved ORDER BY id
    )
    SELECT to_state::text AS "to", count(*)::int AS n FROM moved GROUP BY to_state`;
}

/**
 * The next check time of tasks that did not move, each only if nothing changed it since the read: not its
 * state (another sweep), not its check time (the database clears it when the calendar or due time change,
 * and a time computed from the old calendar must not overwrite that).
 */
export async function storeCheckTimes(checks: readonly Check[]): Promise<void> {
  await prisma.$executeRaw`
    UPDATE task t SET sla_check_at = i.check_at
      FROM unnest(${checks.map((c) => c.id)}::text[], ${checks.map((c) => c.state)}::"SlaState"[],
                  ${checks.map((c) => c.readCheckAt)}::timestamptz[], ${checks.map((c) => c.checkAt)}::timestamptz[]) AS i (id, state, read_check_at, check_at)
     WHERE t.id = i.id AND t.sla_state = i.state AND t.sla_check_at IS NOT DISTINCT FROM i.read_check_at`;
}

export const slaSweepHandler = defineHandler(JOBS.slaSweep, () => runSlaSweep(), {
  // Quiet unless something moved: it runs every minute.
  describe: (r) => (r.atRisk || r.breached ? `${r.checked} checked, ${r.atRisk} now at risk, ${r.breached} now breached` : null),
});
