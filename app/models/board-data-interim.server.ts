/**
 * TEMPORARY: the wall board's figures straight from task / claim / audit / qa_check rows, until the
 * metrics worker's getBoardData (app/models/board-data.server.ts) lands. Correct, not fast.
 */
import { DateTime } from "luxon";
import { AGE_BUCKETS, type AgeBucket, type BoardData } from "~/models/board-contract";
import { DEFAULT_CALENDAR } from "~/domain/work-calendar";
import { prisma } from "~/utils/db.server";

const DEFAULT_TARGET_DAYS = 0.22;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

function ageBucket(ms: number): AgeBucket {
  const h = ms / 3_600_000;
  if (h < 1) return "lt1h";
  if (h < 4) return "h1to4";
  if (h < 8) return "h4to8";
  if (h < 24) return "h8to24";
  return "gt1d";
}

export async function getBoardData({ now = new Date() }: { now?: Date } = {}): Promise<BoardData> {
  const timeZone = DEFAULT_CALENDAR.timeZone;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const dayStart = local.startOf("day");
  const from = dayStart.toJSDate();
  const to = dayStart.plus({ days: 1 }).toJSDate();
  const lwFrom = dayStart.minus({ weeks: 1 }).toJSDate();
  const lwTo = dayStart.minus({ weeks: 1 }).plus({ days: 1 }).toJSDate();

  const [hourRows, claimRows, groups, openTasks, reviewDone, qa, leaders] = await Promise.all([
    prisma.$queryRaw<{ day: string; hour: number; n: bigint }[]>`
      SELECT CASE WHEN finished_at >= ${from} THEN 'today' ELSE 'lastWeek' END AS day,
             EXTRACT(HOUR FROM finished_at AT TIME ZONE ${timeZone})::int AS hour, count(*) AS n
        FROM task
       WHERE status = 'DONE' AND ((finished_at >= ${from} AND finished_at < ${to}) OR (finished_at >= ${lwFrom} AND finished_at < ${lwTo}))
       GROUP BY 1, 2`,
    // Claims that reached APPROVED today: their first submission and whether they were ever returned.
    prisma.$queryRaw<{ claim_id: string; approved_at: Date; submitted_at: Date | null; returned: boolean }[]>`
      SELECT a.claim_id, max(a.at) AS approved_at,
             (SELECT min(s.at) FROM audit_event s WHERE s.claim_id = a.claim_id AND s.to_status = 'SUBMITTED') AS submitted_at,
             EXISTS (SELECT 1 FROM audit_event r WHERE r.claim_id = a.claim_id AND r.to_status = 'RETURNED') AS returned
        FROM audit_event a
       WHERE a.to_status = 'APPROVED' AND a.at >= ${from} AND a.at < ${to}
       GROUP BY a.claim_id`,
    prisma.processingGroup.findMany({ orderBy: { code: "asc" }, select: { id: true, code: true, name: true, nameZh: true } }),
    prisma.task.findMany({
      where: { type: "REVIEW", status: { in: ["OPEN", "IN_PROGRESS"] } },
      select: { groupId: true, status: true, slaState: true, createdAt: true },
    }),
    prisma.task.findMany({
      where: { type: "REVIEW", status: "DONE", finishedAt: { gte: from, lt: to } },
      select: { finishedAt: true, slaDueAt: true },
    }),
    prisma.$queryRaw<{ checked: bigint; errors: bigint }[]>`
      SELECT count(*) AS checked, count(*) FILTER (WHERE outcome = 'error') AS errors
        FROM qa_check WHERE checked_at IS NOT NULL AND checked_at > ${new Date(now.getTime() - 30 * 86_400_000)} AND checked_at <= ${now}`,
    prisma.$queryRaw<{ operator_id: string; name: string; pieces: bigint }[]>`
      SELECT t.assignee_id AS operator_id, u.name, count(*) AS pieces
        FROM task t JOIN app_user u ON u.id = t.assignee_id
       WHERE t.status = 'DONE' AND t.finished_at >= ${from} AND t.finished_at < ${to} AND t.type <> 'MANAGER_APPROVAL'
       GROUP BY t.assignee_id, u.name ORDER BY pieces DESC, u.name ASC LIMIT 50`,
  ]);

  const perHour = Array.from({ length: 24 }, (_, hour) => ({ hour, today: 0, lastWeek: 0 }));
  let tasksToday = 0;
  for (const r of hourRows) {
    const slot = perHour[r.hour];
    if (!slot) continue;
    if (r.day === "today") {
      slot.today += Number(r.n);
      tasksToday += Number(r.n);
    } else slot.lastWeek += Number(r.n);
  }

  const backlog = groups.map((g) => {
    const rows = openTasks.filter((t) => t.groupId === g.id);
    const ages = Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
    for (const t of rows) ages[ageBucket(now.getTime() - t.createdAt.getTime())] += 1;
    return {
      groupId: g.id,
      code: g.code,
      name: g.name,
      nameZh: g.nameZh,
      open: rows.filter((t) => t.status === "OPEN").length,
      inProgress: rows.filter((t) => t.status === "IN_PROGRESS").length,
      atRisk: rows.filter((t) => t.slaState === "AT_RISK").length,
      breached: rows.filter((t) => t.slaState === "BREACHED").length,
      ages,
    };
  });

  const cycles = claimRows
    .filter((c) => c.submitted_at)
    .map((c) => (c.approved_at.getTime() - c.submitted_at!.getTime()) / 86_400_000)
    .sort((a, b) => a - b);
  const met = reviewDone.filter((t) => !t.slaDueAt || (t.finishedAt && t.finishedAt <= t.slaDueAt)).length;
  const firstPass = claimRows.filter((c) => !c.returned).length;
  const checked = Number(qa[0]?.checked ?? 0);
  const errors = Number(qa[0]?.errors ?? 0);

  return {
    generatedAt: now.toISOString(),
    timeZone,
    day: dayStart.toISODate()!,
    completedToday: { tasks: tasksToday, claims: claimRows.length },
    perHour,
    backlog,
    cycleTime: { claims: cycles.length, p50Days: percentile(cycles, 50), p90Days: percentile(cycles, 90), targetDays: DEFAULT_TARGET_DAYS },
    sla: {
      finished: reviewDone.length,
      met,
      compliance: reviewDone.length ? met / reviewDone.length : null,
      atRisk: backlog.reduce((s, b) => s + b.atRisk, 0),
      breached: backlog.reduce((s, b) => s + b.breached, 0),
    },
    firstPassYield: { approved: claimRows.length, firstPass, rate: claimRows.length ? firstPass / claimRows.length : null },
    quality: { checked, errors, per10k: checked ? (errors / checked) * 10_000 : null },
    paper: null,
    leaderboard: leaders.map((l) => ({ operatorId: l.operator_id, name: l.name, pieces: Number(l.pieces) })),
  };
}
