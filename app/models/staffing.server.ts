/**
 * Staffing per processing group: from what the task rows measured (review tasks arriving per working
 * hour, how long a review takes) to how many accountants the group needs so that a chosen share of
 * tasks is taken within the group's SLA (Erlang C, app/domain/erlang-c.ts), next to how many it has.
 */
import { DateTime } from "luxon";
import { queueFigures, serversNeeded, type QueueFigures } from "~/domain/erlang-c";
import { isWorkingDay, parseWorkCalendar, workingMinutesBetween, type WorkCalendar } from "~/domain/work-calendar";
import { prisma, type Db } from "~/utils/db.server";

export const DEFAULT_GOAL = 0.8;
export const DEFAULT_WINDOW_DAYS = 10;
export const GOAL_RANGE = { min: 0.5, max: 0.99 } as const;
export const WINDOW_DAYS_RANGE = { min: 1, max: 60 } as const;

export type StaffingWindow = { from: Date; to: Date; workingDays: number; workingHours: number };

/**
 * The last `days` working days up to `now`, today included when it is a working day: from the local
 * midnight that starts the earliest of them to `now`. Its working hours are what arrivals are divided by.
 */
export function staffingWindow(now: Date, days: number, cal: WorkCalendar): StaffingWindow {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${days}`);
  let day = DateTime.fromJSDate(now, { zone: cal.timeZone }).startOf("day");
  let found = 0;
  let earliest = day;
  // A calendar without working days would loop forever; two years of looking is plenty.
  for (let step = 0; found < days && step < 731; step++, day = day.minus({ days: 1 })) {
    if (isWorkingDay(day.toISODate()!, cal)) {
      found += 1;
      earliest = day;
    }
  }
  const from = earliest.toJSDate();
  return { from, to: now, workingDays: found, workingHours: workingMinutesBetween(from, now, cal) / 60 };
}

export type GroupMeasurements = {
  /** Review tasks created in the window (every outcome: it is all work that arrived). */
  arrivals: number;
  /** Finished review tasks in the window with a start time: the handling-time sample. */
  handled: number;
  /** Sum of their handling minutes. */
  handlingMinutes: number;
  /** Review tasks started in the window, and how many of those started by their SLA due time. */
  started: number;
  startedWithinSla: number;
  /** Active accountants in the group now. */
  members: number;
  slaMinutes: number;
};

export type GroupAssessment =
  | { state: "no_arrivals"; arrivalsPerHour: 0; ahtMinutes: number | null }
  | { state: "no_handling"; arrivalsPerHour: number; ahtMinutes: null }
  | {
      state: "ok";
      arrivalsPerHour: number;
      ahtMinutes: number;
      /** Erlangs: accountants' worth of work arriving. */
      traffic: number;
      needed: number;
      neededFigures: QueueFigures;
      currentFigures: QueueFigures;
      /** members − needed: negative means short. */
      gap: number;
    };

/** Pure: the Erlang C answer for one group's measurements (times in working minutes). */
export function assessGroup(m: GroupMeasurements, workingHours: number, goal: number): GroupAssessment {
  const ahtMinutes = m.handled > 0 ? m.handlingMinutes / m.handled : null;
  if (m.arrivals === 0 || workingHours <= 0) return { state: "no_arrivals", arrivalsPerHour: 0, ahtMinutes };
  const arrivalsPerHour = m.arrivals / workingHours;
  // A handling time of zero (all decided within the same millisecond) is no measurement either.
  if (ahtMinutes === null || !(ahtMinutes > 0)) return { state: "no_handling", arrivalsPerHour, ahtMinutes: null };
  const traffic = (arrivalsPerHour / 60) * ahtMinutes;
  const t = m.slaMinutes;
  const needed = serversNeeded({ traffic, aht: ahtMinutes, t, goal });
  return {
    state: "ok",
    arrivalsPerHour,
    ahtMinutes,
    traffic,
    needed,
    neededFigures: queueFigures({ servers: needed, traffic, aht: ahtMinutes, t }),
    currentFigures: queueFigures({ servers: m.members, traffic, aht: ahtMinutes, t }),
    gap: m.members - needed,
  };
}

export type GroupStaffing = {
  id: string;
  code: string;
  name: string;
  nameZh: string;
  measured: GroupMeasurements;
  /** Share of started tasks taken by their SLA due time, as measured; null when none started. */
  observedServiceLevel: number | null;
  assessment: GroupAssessment;
};

export type StaffingReport = {
  window: StaffingWindow;
  goal: number;
  timeZone: string;
  groups: GroupStaffing[];
};

type Row = { groupId: string; n: number };

/**
 * Measures every processing group over the window and assesses it. Handling time of one review: the
 * wall-clock time from Next to the decision when both fall on the same local day (breaks and overtime
 * are part of the job); across days, only the working minutes between them, so a task left open
 * overnight does not count the night.
 */
export async function staffingReport(
  { now = new Date(), days = DEFAULT_WINDOW_DAYS, goal = DEFAULT_GOAL, calendarCompanyId }: { now?: Date; days?: number; goal?: number; calendarCompanyId: string },
  db: Db = prisma,
): Promise<StaffingReport> {
  if (!(goal >= GOAL_RANGE.min && goal <= GOAL_RANGE.max)) throw new RangeError(`goal must be within ${GOAL_RANGE.min}–${GOAL_RANGE.max}, got ${goal}`);
  const company = await db.company.findUnique({ where: { id: calendarCompanyId }, select: { calendar: true } });
  const cal = parseWorkCalendar(company?.calendar ?? null);
  const window = staffingWindow(now, days, cal);
  const { from, to } = window;
  const zone = cal.timeZone;

  const [groups, members, arrivals, sameDay, crossDay, started] = await Promise.all([
    db.processingGroup.findMany({ select: { id: true, code: true, name: true, nameZh: true, slaMinutes: true }, orderBy: { code: "asc" } }),
    db.$queryRaw<Row[]>`
      SELECT gm.group_id AS "groupId", count(*)::int AS n
        FROM group_member gm JOIN app_user u ON u.id = gm.user_id
       WHERE u.active AND 'ACCOUNTANT' = ANY (u.roles)
       GROUP BY gm.group_id`,
    db.$queryRaw<Row[]>`
      SELECT group_id AS "groupId", count(*)::int AS n
        FROM task
       WHERE type = 'REVIEW' AND group_id IS NOT NULL AND created_at >= ${from} AND created_at < ${to}
       GROUP BY group_id`,
    db.$queryRaw<{ groupId: string; n: number; minutes: number }[]>`
      SELECT group_id AS "groupId", count(*)::int AS n,
             coalesce(sum(extract(epoch FROM finished_at - started_at) / 60), 0)::float8 AS minutes
        FROM task
       WHERE type = 'REVIEW' AND status = 'DONE' AND group_id IS NOT NULL AND started_at IS NOT NULL
         AND finished_at >= ${from} AND finished_at < ${to}
         AND (started_at AT TIME ZONE ${zone})::date = (finished_at AT TIME ZONE ${zone})::date
       GROUP BY group_id`,
    db.$queryRaw<{ groupId: string; startedAt: Date; finishedAt: Date }[]>`
      SELECT group_id AS "groupId", started_at AS "startedAt", finished_at AS "finishedAt"
        FROM task
       WHERE type = 'REVIEW' AND status = 'DONE' AND group_id IS NOT NULL AND started_at IS NOT NULL
         AND finished_at >= ${from} AND finished_at < ${to}
         AND (started_at AT TIME ZONE ${zone})::date <> (finished_at AT TIME ZONE ${zone})::date`,
    db.$queryRaw<{ groupId: string; n: number; onTime: number }[]>`
      SELECT group_id AS "groupId", count(*)::int AS n,
             (count(*) FILTER (WHERE sla_due_at IS NULL OR started_at <= sla_due_at))::int AS "onTime"
        FROM task
       WHERE type = 'REVIEW' AND group_id IS NOT NULL AND started_at >= ${from} AND started_at < ${to}
       GROUP BY group_id`,
  ]);

  const count = (rows: Row[], id: string) => rows.find((r) => r.groupId === id)?.n ?? 0;
  return {
    window,
    goal,
    timeZone: zone,
    groups: groups.map((g) => {
      const same = sameDay.find((r) => r.groupId === g.id);
      const overnight = crossDay.filter((r) => r.groupId === g.id);
      const st = started.find((r) => r.groupId === g.id);
      const measured: GroupMeasurements = {
        arrivals: count(arrivals, g.id),
        handled: (same?.n ?? 0) + overnight.length,
        handlingMinutes: (same?.minutes ?? 0) + overnight.reduce((sum, r) => sum + workingMinutesBetween(r.startedAt, r.finishedAt, cal), 0),
        started: st?.n ?? 0,
        startedWithinSla: st?.onTime ?? 0,
        members: count(members, g.id),
        slaMinutes: g.slaMinutes,
      };
      return {
        id: g.id,
        code: g.code,
        name: g.name,
        nameZh: g.nameZh,
        measured,
        observedServiceLevel: measured.started > 0 ? measured.startedWithinSla / measured.started : null,
        assessment: assessGroup(measured, window.workingHours, goal),
      };
    }),
  };
}
