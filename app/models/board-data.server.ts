/**
 * What the wall board shows (BoardData, app/contracts/board.ts), computed on request.
 *
 * History comes from the rollups (metric_daily / metric_hourly) and the live counters in Redis that
 * mirror them (today's and last week's pieces per operator and tasks per hour); only small live
 * queries touch the task table: the open review tasks (backlog), today's approved claims (cycle time,
 * first-pass yield, through the finished_at index) and the last 30 days of QA checks. So the cost does
 * not grow with the years of finished tasks behind it.
 *
 * Every board has a scope (docs/decisions/013-board-links.md): the companies whose claims it shows.
 * The claim-based figures are filtered by the claim's company, which each task carries (task.company_id,
 * copied from the claim by the database when the task is created: docs/decisions/041). The rollups and live counters have no
 * company dimension, so they serve only a scope that covers every company; a narrower board reads
 * today's and last week's figures from that day's task rows of its companies' claims (two days of
 * rows by the finished_at index: the cost still does not grow with history).
 */
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { coversEveryCompany, type BoardScope } from "~/domain/board-links";
import {
  AGE_LIMITS_MS,
  dayRange,
  errorsPer10k,
  firstPassYield,
  localDay,
  msToDays,
  percentile,
  sameWeekdayLastWeek,
  slaCompliance,
} from "~/domain/metrics";
import type { AgeBucket, BoardBacklogRow, BoardData } from "~/contracts/board";
import { env } from "~/utils/env.server";
// Every read here may lag a moment: from the read replica when there is one (docs/decisions/026).
import { readReplica as prisma } from "~/utils/db.server";
import type { RedisClient } from "~/utils/redis.server";
import { boardRedis } from "./board-publisher.server";
import { getBoardTarget } from "./board-settings.server";
import { paperFigures } from "./paper-check.server";
import { liveDayFromRollups, PIECE_TYPES, readLiveDay, type LiveDay } from "./rollups.server";

const QUALITY_WINDOW_MS = 30 * 86_400_000;

/** Live counters from Redis; straight from the rollups when Redis is unreachable (slower, still right). */
async function liveDay(redis: RedisClient, day: string): Promise<LiveDay> {
  try {
    return await readLiveDay(redis, env.QUEUE_PREFIX, day);
  } catch (err) {
    console.warn(`[board] live counters unavailable (${err instanceof Error ? err.message : String(err)}); reading the rollups`);
    return liveDayFromRollups(day, SSC_TIME_ZONE, prisma);
  }
}

/**
 * Open and in-progress review tasks per processing group, by SLA state and wall-clock age; with
 * `companyIds`, only the tasks of those companies' claims (null: every company, for the snapshot job).
 * The company is on the task: an EXISTS probe of the claim per open task took 260–1,020 ms over the
 * 20,000-task backlog of bench:load under load. Every column read here is in task_open_review_board_idx, so
 * this is an index-only scan (count(t.group_id), not count(t.id): the id is not in that index).
 */
export async function backlogByGroup(now: Date, companyIds: readonly string[] | null = null): Promise<(BoardBacklogRow & { onTrack: number; oldestCreatedAt: Date | null })[]> {
  const ids = companyIds ? [...companyIds] : null;
  const [l1, l4, l8, l24] = AGE_LIMITS_MS.map((ms) => new Date(now.getTime() - ms));
  const rows = await prisma.$queryRaw<(Omit<BoardBacklogRow, "ages"> & Record<AgeBucket, number> & { onTrack: number; oldestCreatedAt: Date | null })[]>`
    SELECT g.id AS "groupId", g.code, g.name, g.name_zh AS "nameZh",
           count(t.group_id) FILTER (WHERE t.status = 'OPEN')::int AS open,
           count(t.group_id) FILTER (WHERE t.status = 'IN_PROGRESS')::int AS "inProgress",
           count(t.group_id) FILTER (WHERE t.sla_state <> 'BREACHED' AND (t.sla_due_at IS NULL OR t.sla_due_at > ${now}) AND t.sla_state <> 'AT_RISK')::int AS "onTrack",
           count(t.group_id) FILTER (WHERE t.sla_state = 'AT_RISK' AND (t.sla_due_at IS NULL OR t.sla_due_at > ${now}))::int AS "atRisk",
           count(t.group_id) FILTER (WHERE t.sla_state = 'BREACHED' OR t.sla_due_at <= ${now})::int AS breached,
           count(t.group_id) FILTER (WHERE t.created_at > ${l1})::int AS lt1h,
           count(t.group_id) FILTER (WHERE t.created_at <= ${l1} AND t.created_at > ${l4})::int AS h1to4,
           count(t.group_id) FILTER (WHERE t.created_at <= ${l4} AND t.created_at > ${l8})::int AS h4to8,
           count(t.group_id) FILTER (WHERE t.created_at <= ${l8} AND t.created_at > ${l24})::int AS h8to24,
           count(t.group_id) FILTER (WHERE t.created_at <= ${l24})::int AS gt1d,
           min(t.created_at) AS "oldestCreatedAt"
      FROM processing_group g
      LEFT JOIN task t ON t.group_id = g.id AND t.type = 'REVIEW' AND t.status IN ('OPEN', 'IN_PROGRESS')
                      AND (${ids}::text[] IS NULL OR t.company_id = ANY(${ids}::text[]))
     GROUP BY g.id
     ORDER BY g.code`;
  return rows.map(({ lt1h, h1to4, h4to8, h8to24, gt1d, ...r }) => ({ ...r, ages: { lt1h, h1to4, h4to8, h8to24, gt1d } }));
}

/**
 * Claims whose review was approved in [start, end): how many, how many never went back, and each one's
 * journey from its start to that approval (ms) — aggregated in the statement, so a busy day is one row,
 * not thousands (bench:board, 3,000 approvals: 31–50 ms as rows, 22–29 ms as one).
 */
async function approvedClaims(start: Date, end: Date, companyIds: readonly string[]): Promise<{ claims: number; firstPass: number; journeysMs: number[] }> {
  const [row] = await prisma.$queryRaw<{ claims: number; firstPass: number; journeysMs: number[] }[]>`
    SELECT count(*)::int AS claims, count(*) FILTER (WHERE NOT coalesce(j.returned, false))::int AS "firstPass",
           coalesce(array_agg((extract(epoch FROM a.finished_at - least(c.submitted_at, j.first_at)) * 1000)::float8), '{}') AS "journeysMs"
      FROM (SELECT DISTINCT ON (t.claim_id) t.claim_id, t.finished_at
              FROM task t
             WHERE t.finished_at >= ${start} AND t.finished_at < ${end}
               AND t.type = 'REVIEW' AND t.status = 'DONE' AND t.outcome = 'approved' AND t.company_id = ANY(${[...companyIds]}::text[])
             ORDER BY t.claim_id, t.finished_at) a
      -- The claim by its key, once per approved claim (LIMIT 1 keeps the planner from turning it into a join):
      -- as a plain join it hashed a sequential scan of every claim (309 ms over 490,000 claims for a
      -- day's 2,905 approvals, bench:board) against 67 ms this way.
      CROSS JOIN LATERAL (
        SELECT c.submitted_at FROM claim c WHERE c.id = a.claim_id LIMIT 1) c
      -- One aggregate over the claim's own few tasks (claim_id index). A lone min(created_at) here is
      -- rewritten by the planner into a walk of the created_at index, which took 1.5 s for 465 claims
      -- right after a bulk load (statistics not yet analysed); together with bool_or it cannot be.
      CROSS JOIN LATERAL (
        SELECT min(x.created_at) AS first_at, bool_or(x.status = 'DONE' AND x.outcome = 'returned') AS returned
          FROM task x WHERE x.claim_id = a.claim_id) j`;
  return row ?? { claims: 0, firstPass: 0, journeysMs: [] };
}

/**
 * One local day's pieces per operator and per hour, counted from the task rows of the
 * given companies' claims: the same figures `liveDayFromRollups` reads, for a board that may not see
 * every company (the rollups have no company dimension).
 */
export async function scopedLiveDay(day: string, companyIds: readonly string[], tz: string = SSC_TIME_ZONE): Promise<LiveDay> {
  const { start, end } = dayRange(day, tz);
  const ids = [...companyIds];
  const [pieces, hours] = await Promise.all([
    prisma.$queryRaw<{ operatorId: string; pieces: number }[]>`
      SELECT t.assignee_id AS "operatorId", count(*)::int AS pieces
        FROM task t
       WHERE t.finished_at >= ${start} AND t.finished_at < ${end} AND t.status = 'DONE'
         AND t.assignee_id IS NOT NULL AND t.type::text = ANY(${[...PIECE_TYPES]}::text[])
         AND t.company_id = ANY(${ids}::text[])
       GROUP BY t.assignee_id
       ORDER BY pieces DESC, t.assignee_id`,
    prisma.$queryRaw<{ hour: number; n: number }[]>`
      SELECT extract(hour FROM date_trunc('hour', t.finished_at, ${tz}) AT TIME ZONE ${tz})::int AS hour, count(*)::int AS n
        FROM task t
       WHERE t.finished_at >= ${start} AND t.finished_at < ${end} AND t.status = 'DONE'
         AND t.type::text = ANY(${[...PIECE_TYPES]}::text[])
         AND t.company_id = ANY(${ids}::text[])
       GROUP BY 1`,
  ]);
  const perHour = Array.from({ length: 24 }, () => 0);
  for (const h of hours) perHour[h.hour] = (perHour[h.hour] ?? 0) + h.n;
  return { day, pieces, perHour };
}

/** Review tasks finished on a local day with a due time, and those finished by it (the board's SLA compliance). */
async function slaOfDay(day: string, companyIds: readonly string[] | null, tz: string): Promise<{ tracked: number; met: number }> {
  if (!companyIds) {
    const rows = await prisma.$queryRaw<{ tracked: number; met: number }[]>`
      SELECT coalesce(sum(sla_tracked), 0)::int AS tracked, coalesce(sum(sla_met), 0)::int AS met
        FROM metric_daily WHERE day = ${day}::date AND task_type = 'REVIEW'`;
    return rows[0] ?? { tracked: 0, met: 0 };
  }
  const { start, end } = dayRange(day, tz);
  const rows = await prisma.$queryRaw<{ tracked: number; met: number }[]>`
    SELECT count(*)::int AS tracked, count(*) FILTER (WHERE t.finished_at <= t.sla_due_at)::int AS met
      FROM task t
     WHERE t.finished_at >= ${start} AND t.finished_at < ${end} AND t.status = 'DONE' AND t.type = 'REVIEW'
       AND t.sla_due_at IS NOT NULL AND t.company_id = ANY(${[...companyIds]}::text[])`;
  return rows[0] ?? { tracked: 0, met: 0 };
}

/**
 * QA checks with an outcome in (from, to], and those that found an error; with `companyIds`, only those
 * companies' claims. A board over every company does not join the claims: that join (a hash join over
 * every claim, ~490,000 in bench/board.ts) was most of the board's first load.
 */
export async function qualityOfWindow(from: Date, to: Date, companyIds: readonly string[] | null): Promise<{ checked: number; errors: number }[]> {
  if (!companyIds) {
    return prisma.$queryRaw<{ checked: number; errors: number }[]>`
      SELECT count(*)::int AS checked, count(*) FILTER (WHERE q.outcome = 'error')::int AS errors
        FROM qa_check q
       WHERE q.checked_at > ${from} AND q.checked_at <= ${to} AND q.outcome IS NOT NULL`;
  }
  // A scoped board still joins every claim of its companies (qa_check has no company): not measured by the bench.
  return prisma.$queryRaw<{ checked: number; errors: number }[]>`
    SELECT count(*)::int AS checked, count(*) FILTER (WHERE q.outcome = 'error')::int AS errors
      FROM qa_check q JOIN claim c ON c.id = q.claim_id
     WHERE q.checked_at > ${from} AND q.checked_at <= ${to} AND q.outcome IS NOT NULL
       AND c.company_id = ANY(${[...companyIds]}::text[])`;
}

export type GetBoardDataOptions = {
  now?: Date;
  redis?: RedisClient;
  /** The companies this board shows (the viewer's or the board link's). Omitted: every company (benches, tests). */
  scope?: BoardScope;
};

export async function getBoardData({ now = new Date(), redis = boardRedis(), scope }: GetBoardDataOptions = {}): Promise<BoardData> {
  const tz = SSC_TIME_ZONE;
  const allCompanyIds = (await prisma.company.findMany({ select: { id: true } })).map((c) => c.id);
  const companyIds = scope ? scope.companyIds.filter((id) => allCompanyIds.includes(id)) : allCompanyIds;
  // Rollups (no company dimension) only for a board that sees every company; otherwise the task rows.
  const whole = companyIds.length > 0 && coversEveryCompany({ companyIds }, allCompanyIds);
  const dayFigures = (d: string) => (whole ? liveDay(redis, d) : scopedLiveDay(d, companyIds, tz));
  const day = localDay(now, tz);
  const { start, end } = dayRange(day, tz);
  // Today so far: nothing after `now` counts (a board asked about a past instant sees that instant).
  const until = now < end ? now : end;
  const qualityFrom = new Date(now.getTime() - QUALITY_WINDOW_MS);

  const [today, lastWeek, backlog, approved, sla, quality, targetDays, payments, paper] = await Promise.all([
    dayFigures(day),
    dayFigures(sameWeekdayLastWeek(day)),
    backlogByGroup(now, whole ? null : companyIds),
    approvedClaims(start, until, companyIds),
    slaOfDay(day, whole ? null : companyIds, tz),
    qualityOfWindow(qualityFrom, now, whole ? null : companyIds),
    getBoardTarget(prisma),
    prisma.$queryRaw<{ paid_today: number; awaiting: number; failed: number }[]>`
      SELECT (SELECT count(*)::int FROM payment p JOIN payment_run r ON r.id = p.run_id
               WHERE p.status = 'PAID' AND p.status_at >= ${start} AND p.status_at < ${until} AND r.company_id = ANY(${companyIds}::text[])) AS paid_today,
             (SELECT count(*)::int FROM payment_run r WHERE r.status = 'PREPARED' AND r.company_id = ANY(${companyIds}::text[])) AS awaiting,
             (SELECT count(*)::int FROM claim c WHERE c.status = 'PAYMENT_FAILED' AND c.company_id = ANY(${companyIds}::text[])) AS failed`,
    paperFigures(companyIds, now),
  ]);

  const names = today.pieces.length
    ? await prisma.user.findMany({ where: { id: { in: today.pieces.map((p) => p.operatorId) } }, select: { id: true, name: true } })
    : [];
  const nameOf = new Map(names.map((u) => [u.id, u.name]));

  const cycleDays = approved.journeysMs.map(msToDays);
  const firstPass = approved.firstPass;
  const q = quality[0] ?? { checked: 0, errors: 0 };

  return {
    generatedAt: now.toISOString(),
    timeZone: tz,
    day,
    completedToday: { tasks: today.perHour.reduce((a, b) => a + b, 0), claims: approved.claims },
    perHour: today.perHour.map((n, hour) => ({ hour, today: n, lastWeek: lastWeek.perHour[hour] ?? 0 })),
    backlog: backlog.map(({ onTrack: _onTrack, oldestCreatedAt: _oldest, ...row }) => row),
    cycleTime: { claims: approved.claims, p50Days: percentile(cycleDays, 0.5), p90Days: percentile(cycleDays, 0.9), targetDays },
    sla: {
      finished: sla.tracked,
      met: sla.met,
      compliance: slaCompliance(sla.met, sla.tracked),
      atRisk: backlog.reduce((a, r) => a + r.atRisk, 0),
      breached: backlog.reduce((a, r) => a + r.breached, 0),
    },
    firstPassYield: { approved: approved.claims, firstPass, rate: firstPassYield(approved.claims, firstPass) },
    quality: { checked: q.checked, errors: q.errors, per10k: errorsPer10k(q.errors, q.checked) },
    paper,
    payments: { paidToday: payments[0]?.paid_today ?? 0, runsAwaitingApproval: payments[0]?.awaiting ?? 0, failed: payments[0]?.failed ?? 0 },
    leaderboard: today.pieces.map((p) => ({ operatorId: p.operatorId, name: nameOf.get(p.operatorId) ?? p.operatorId, pieces: p.pieces })),
  };
}
