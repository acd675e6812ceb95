/**
 * The SLA timer: every minute (a BullMQ job scheduler) the open review tasks whose state can change
 * are re-read from Postgres and moved forward to AT_RISK or BREACHED, each move once, with an audit
 * event the supervisor sees. Postgres holds the due times, so a flushed Redis loses nothing: the
 * scheduler is declared again when the worker starts.
 */
import { JOBS } from "~/domain/jobs";
import { openTaskSlaState, slaEscalation } from "~/domain/sla";
import { parseWorkCalendar, type SlaState } from "~/domain/work-calendar";
import { recordAudit } from "~/models/audit.server";
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
  for (const task of tasks) {
    const next = openTaskSlaState(now, task.slaDueAt!, task.slaMinutes ?? 0, parseWorkCalendar(task.claim.company.calendar)).state;
    const to = slaEscalation(task.slaState as SlaState, next);
    if (!to) continue;
    const moved = await prisma.$transaction(async (tx) => {
      // Conditional on the state we read: two sweeps at once announce each move once.
      const updated = await tx.task.updateMany({ where: { id: task.id, slaState: task.slaState }, data: { slaState: to } });
      if (updated.count === 0) return false;
      await recordAudit(tx, {
        claimId: task.claimId,
        type: to === "BREACHED" ? "task.sla_breached" : "task.sla_at_risk",
        data: { taskId: task.id, dueAt: task.slaDueAt!.toISOString() },
      });
      return true;
    });
    if (moved) result[to === "BREACHED" ? "breached" : "atRisk"] += 1;
  }
  return result;
}

export const slaSweepHandler = defineHandler(JOBS.slaSweep, () => runSlaSweep(), {
  // Quiet unless something moved: it runs every minute.
  describe: (r) => (r.atRisk || r.breached ? `${r.checked} checked, ${r.atRisk} now at risk, ${r.breached} now breached` : null),
});
