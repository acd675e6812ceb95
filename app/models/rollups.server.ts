/**
 * Rollups of task rows (metric_hourly, metric_daily) and the live counters in Redis.
 *
 * Idempotency by recomputation (docs/decisions/007-metrics-rollups.md): a task event never adds to a
 * counter; it marks the hourly buckets that task belongs to (its arrival hour and its finishing hour),
 * and the flusher recomputes each marked hour from the task rows, then the days those hours are in —
 * once per flush however many events marked it (docs/decisions/038). The full rebuild runs the very
 * same SQL over all task rows. So a redelivered, duplicated or out-of-order event changes nothing that
 * the current task rows do not say, and incremental == rebuild by construction.
 *
 * Concurrency: each recomputed hour and day is serialised with a transaction-scoped advisory lock,
 * taken in one global order (hours oldest first, then days), so two workers never interleave a
 * DELETE + INSERT of the same bucket and never deadlock; the rebuild locks both tables against writers.
 */
import { DateTime } from "luxon";
import { Prisma } from "~/generated/prisma/client";
import { hourStart, localDay, taskBuckets } from "~/domain/metrics";
import type { TaskEventKind } from "~/domain/jobs";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { prisma, readTogether, type Tx } from "~/utils/db.server";
import { createRedis, type RedisClient } from "~/utils/redis.server";

/** Advisory-lock namespaces (first key of pg_advisory_xact_lock(int, int)). */
const LOCK_HOUR = 4_0701;
const LOCK_DAY = 4_0702;

/** Live counters are kept for today and the week before (the board compares with last week). */
const LIVE_TTL_SECONDS = 9 * 86_400;

const MEASURES = [
  "created",
  "finished",
  "cancelled",
  "approved",
  "returned",
  "rejected",
  "handled",
  "handling_ms",
  "waiting_ms",
  "sla_tracked",
  "sla_met",
] as const;
const DIMENSIONS = ["task_type", "group_id", "complexity", "operator_id"] as const;
const MEASURE_LIST = MEASURES.join(", ");
const DIMENSION_LIST = DIMENSIONS.join(", ");
const SUM_LIST = MEASURES.map((m) => `sum(${m})::${m.endsWith("_ms") ? "bigint" : "int"}`).join(", ");

/**
 * The events every rollup is made of, from task rows: one arrival per task (its creation hour, no
 * operator) and one completion per DONE or CANCELLED task (its finishing hour, its assignee).
 * `arrivals` / `completions` narrow the rows read (both omitted: every task).
 */
function eventsSql(tz: string, filter?: { from: Date; to: Date }): Prisma.Sql {
  const arrivals = filter ? Prisma.sql`AND t.created_at >= ${filter.from} AND t.created_at < ${filter.to}` : Prisma.empty;
  const completions = filter ? Prisma.sql`AND t.finished_at >= ${filter.from} AND t.finished_at < ${filter.to}` : Prisma.empty;
  return Prisma.sql`
    SELECT date_trunc('hour', t.created_at, ${tz}) AS hour_start, t.type::text AS task_type, coalesce(t.group_id, '') AS group_id,
           t.complexity, ''::text AS operator_id,
           1 AS created, 0 AS finished, 0 AS cancelled, 0 AS approved, 0 AS returned, 0 AS rejected,
           0 AS handled, 0::bigint AS handling_ms, 0::bigint AS waiting_ms, 0 AS sla_tracked, 0 AS sla_met
      FROM task t
     WHERE true ${arrivals}
    UNION ALL
    SELECT date_trunc('hour', t.finished_at, ${tz}), t.type::text, coalesce(t.group_id, ''), t.complexity, coalesce(t.assignee_id, ''),
           0,
           (t.status = 'DONE')::int,
           (t.status = 'CANCELLED')::int,
           (t.status = 'DONE' AND t.outcome IS NOT DISTINCT FROM 'approved')::int,
           (t.status = 'DONE' AND t.outcome IS NOT DISTINCT FROM 'returned')::int,
           (t.status = 'DONE' AND t.outcome IS NOT DISTINCT FROM 'rejected')::int,
           (t.status = 'DONE' AND t.started_at IS NOT NULL)::int,
           CASE WHEN t.status = 'DONE' AND t.started_at IS NOT NULL
                THEN greatest(0, round(extract(epoch FROM t.finished_at - t.started_at) * 1000))::bigint ELSE 0 END,
           CASE WHEN t.status = 'DONE' AND t.started_at IS NOT NULL
                THEN greatest(0, round(extract(epoch FROM t.started_at - t.created_at) * 1000))::bigint ELSE 0 END,
           (t.status = 'DONE' AND t.sla_due_at IS NOT NULL)::int,
           (t.status = 'DONE' AND t.sla_due_at IS NOT NULL AND t.finished_at <= t.sla_due_at)::int
      FROM task t
     WHERE t.finished_at IS NOT NULL AND t.status IN ('DONE', 'CANCELLED') ${completions}`;
}

/** Every hourly row from all task rows (the rebuild). */
function insertAllHoursSql(tz: string): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO metric_hourly (hour_start, day, ${Prisma.raw(DIMENSION_LIST)}, ${Prisma.raw(MEASURE_LIST)})
    SELECT hour_start, (hour_start AT TIME ZONE ${tz})::date, ${Prisma.raw(DIMENSION_LIST)}, ${Prisma.raw(SUM_LIST)}
      FROM (${eventsSql(tz)}) e
     GROUP BY hour_start, ${Prisma.raw(DIMENSION_LIST)}`;
}

const KEY_MATCH = (a: string, b: string) => DIMENSIONS.map((d) => `${a}.${d} = ${b}.${d}`).join(" AND ");

/**
 * Recomputes one hour's rows from the task rows and writes only what differs: rows that changed are
 * upserted, rows no longer there deleted, and the day's rows (metric_daily, the sum of its hours) moved by
 * exactly the difference — one statement. So metric_daily = Σ metric_hourly of the day holds after every
 * flush as after a rebuild, without re-summing the day (at month-end a day holds ~40,000 hourly rows).
 * Returns how many rows differed and whether any row left the hour (the day may then hold rows of zero).
 * The caller holds the day's advisory lock (daily rows are upserted in key order under it: no deadlock).
 */
async function recomputeHour(tx: Tx, hour: Date, tz: string): Promise<{ changed: number; removed: number }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_HOUR}::int, hashtext(${hour.toISOString()}))`;
  // An hour's events are read by a range wide enough for any zone offset, then held to the exact
  // local-hour bucket (a DST fall-back hour is ambiguous on the wall but not as date_trunc's result).
  const events = eventsSql(tz, { from: new Date(hour.getTime() - 2 * 3_600_000), to: new Date(hour.getTime() + 3 * 3_600_000) });
  const dims = Prisma.raw(DIMENSION_LIST);
  const measures = Prisma.raw(MEASURE_LIST);
  const sums = Prisma.raw(MEASURES.map((m) => `sum(${m})::${m.endsWith("_ms") ? "bigint" : "int"} AS ${m}`).join(", "));
  const freshValues = Prisma.raw(MEASURES.map((m) => `coalesce(f.${m}, 0) AS n_${m}`).join(", "));
  const deltas = Prisma.raw(MEASURES.map((m) => `coalesce(f.${m}, 0) - coalesce(s.${m}, 0) AS d_${m}`).join(", "));
  const differs = Prisma.raw(`(${MEASURES.map((m) => `f.${m}`).join(", ")}) IS DISTINCT FROM (${MEASURES.map((m) => `s.${m}`).join(", ")})`);
  const [row] = await tx.$queryRaw<{ changed: number; removed: number }[]>(Prisma.sql`
    WITH fresh AS (
      SELECT (hour_start AT TIME ZONE ${tz})::date AS day, ${dims}, ${sums}
        FROM (${events}) e WHERE hour_start = ${hour}
       GROUP BY hour_start, ${dims}
    ), stored AS (
      SELECT day, ${dims}, ${measures} FROM metric_hourly WHERE hour_start = ${hour}
    ), diff AS (
      SELECT coalesce(f.day, s.day) AS day, ${dims}, f.day IS NOT NULL AS present, ${freshValues}, ${deltas}
        FROM fresh f FULL JOIN stored s USING (${dims})
       WHERE ${differs}
    ), removed AS (
      DELETE FROM metric_hourly m USING diff d
       WHERE m.hour_start = ${hour} AND NOT d.present AND ${Prisma.raw(KEY_MATCH("m", "d"))}
      RETURNING 1
    ), upserted AS (
      INSERT INTO metric_hourly (hour_start, day, ${dims}, ${measures})
      SELECT ${hour}, day, ${dims}, ${Prisma.raw(MEASURES.map((m) => `n_${m}`).join(", "))} FROM diff WHERE present
      ON CONFLICT (hour_start, ${dims}) DO UPDATE SET ${Prisma.raw(MEASURES.map((m) => `${m} = EXCLUDED.${m}`).join(", "))}
      RETURNING 1
    ), daily AS (
      INSERT INTO metric_daily (day, ${dims}, ${measures})
      SELECT day, ${dims}, ${Prisma.raw(MEASURES.map((m) => `d_${m}`).join(", "))} FROM diff ORDER BY ${dims}
      ON CONFLICT (day, ${dims}) DO UPDATE SET ${Prisma.raw(MEASURES.map((m) => `${m} = metric_daily.${m} + EXCLUDED.${m}`).join(", "))}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM diff)::int AS changed, (SELECT count(*) FROM removed)::int AS removed,
           (SELECT count(*) FROM upserted)::int + (SELECT count(*) FROM daily)::int AS written`);
  return { changed: row?.changed ?? 0, removed: row?.removed ?? 0 };
}

export type AppliedBuckets = { hours: Date[]; days: string[] };

/**
 * Marks, inside the caller's transaction (the job marks its outbox row done in the same one), the hours
 * whose rollups a task event may have changed, for `flushMarkedHours`:
 * - its finishing hour, once it is DONE or CANCELLED (whatever the event: a late or repeated one too);
 * - its arrival hour on its `created` event only. A task's arrival row is made of what it was created
 *   with (created_at, type, group, complexity), which the database refuses to change afterwards (trigger
 *   task_arrival_frozen, migration 20261211020000); starting, reassigning or finishing it cannot move that
 *   row, so those events do not recompute it.
 * Nothing else: a started task changes no rollup (the board's in-progress figures are live queries).
 * A task that no longer exists (its claim was deleted) marks nothing; null then. Hours are inserted in
 * time order, so two markers never wait on each other crosswise; a mark on an hour being flushed waits
 * for that flush to commit and is then inserted again (the flush may not have seen this task's change).
 */
export async function markTaskHours(tx: Tx, taskId: string, kind: TaskEventKind, tz: string = SSC_TIME_ZONE): Promise<AppliedBuckets | null> {
  const task = await tx.task.findUnique({ where: { id: taskId }, select: { createdAt: true, finishedAt: true, status: true } });
  if (!task) return null;
  const finished = task.finishedAt !== null && (task.status === "DONE" || task.status === "CANCELLED");
  const hours =
    kind === "created"
      ? taskBuckets({ createdAt: task.createdAt, finishedAt: finished ? task.finishedAt : null }, tz)
      : finished
        ? [hourStart(task.finishedAt!, tz)]
        : [];
  if (hours.length > 0) {
    await tx.$executeRaw`INSERT INTO metric_dirty_hour (hour_start) SELECT h FROM unnest(${hours}::timestamptz[]) AS h ORDER BY h ON CONFLICT DO NOTHING`;
  }
  return { hours, days: [...new Set(hours.map((h) => localDay(h, tz)))].sort() };
}

/**
 * Recomputes up to `limit` marked hours, oldest first, in one transaction that also deletes their marks
 * (docs/decisions/038). Many events on one hour cost one recomputation. Several flushers (worker
 * instances) take different marks (SKIP LOCKED) and serialise on shared days through advisory locks,
 * days first then hours, each in order. Correct because a mark is inserted only after its task change
 * committed: the flush that deletes a mark recomputes after that, in READ COMMITTED, so it sees the
 * change. Returns the hours recomputed and the days whose figures changed.
 */
export async function flushMarkedHours({ limit = 100, tz = SSC_TIME_ZONE, db = prisma }: { limit?: number; tz?: string; db?: typeof prisma } = {}): Promise<AppliedBuckets> {
  return db.$transaction(
    async (tx) => {
      const marked = await tx.$queryRaw<{ hour: Date }[]>`
        DELETE FROM metric_dirty_hour
         WHERE hour_start IN (SELECT hour_start FROM metric_dirty_hour ORDER BY hour_start LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING hour_start AS hour`;
      const hours = marked.map((m) => m.hour).sort((a, b) => a.getTime() - b.getTime());
      const days = [...new Set(hours.map((h) => localDay(h, tz)))].sort();
      for (const day of days) await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_DAY}::int, hashtext(${day}))`;
      const changedDays = new Set<string>();
      const emptied = new Set<string>();
      for (const hour of hours) {
        const { changed, removed } = await recomputeHour(tx, hour, tz);
        if (changed > 0) changedDays.add(localDay(hour, tz));
        if (removed > 0) emptied.add(localDay(hour, tz));
      }
      // A group that left an hour may have left its day too: its daily row is then all zeros (a rebuild has no such row).
      if (emptied.size > 0) {
        await tx.$executeRaw`DELETE FROM metric_daily WHERE day = ANY(${[...emptied]}::date[]) AND created = 0 AND finished = 0 AND cancelled = 0`;
      }
      // The changed days' live counters are now behind: marked with the recompute, so a flusher that dies or
      // finds Redis down before rewriting them leaves the mark for the next flush (refreshStaleLiveDays).
      if (changedDays.size > 0) {
        await tx.$executeRaw`
          INSERT INTO metric_live_stale (day) SELECT unnest(${[...changedDays]}::date[])
          ON CONFLICT (day) DO UPDATE SET mark = nextval('metric_live_stale_mark_seq')`;
      }
      return { hours, days: [...changedDays].sort() };
    },
    { timeout: 60_000 },
  );
}

/**
 * Recomputes every rollup from the task rows in one transaction (`npm run metrics:rebuild`, the seed,
 * and whenever the bucketing changes). Readers keep seeing the old figures until it commits; workers
 * applying events wait for it and then recompute their buckets from the same rows.
 */
export async function rebuildRollups({ tz = SSC_TIME_ZONE, db = prisma }: { tz?: string; db?: typeof prisma } = {}): Promise<{ hourlyRows: number; dailyRows: number; ms: number }> {
  const started = performance.now();
  const result = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`LOCK TABLE metric_hourly, metric_daily IN SHARE ROW EXCLUSIVE MODE`;
      await tx.$executeRaw`DELETE FROM metric_daily`;
      await tx.$executeRaw`DELETE FROM metric_hourly`;
      const hourlyRows = await tx.$executeRaw(insertAllHoursSql(tz));
      const dailyRows = await tx.$executeRaw(Prisma.sql`
        INSERT INTO metric_daily (day, ${Prisma.raw(DIMENSION_LIST)}, ${Prisma.raw(MEASURE_LIST)})
        SELECT day, ${Prisma.raw(DIMENSION_LIST)}, ${Prisma.raw(SUM_LIST)}
          FROM metric_hourly GROUP BY day, ${Prisma.raw(DIMENSION_LIST)}`);
      return { hourlyRows, dailyRows };
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
  await db.$executeRaw`ANALYZE metric_hourly`;
  await db.$executeRaw`ANALYZE metric_daily`;
  return { ...result, ms: Math.round(performance.now() - started) };
}

// ───────────── live counters (Redis) ─────────────

export type LiveDay = {
  day: string;
  /** Pieces (DONE tasks of the SSC's own types) per operator, most first. */
  pieces: { operatorId: string; pieces: number }[];
  /** Pieces (DONE tasks of the SSC's own types, as above) per local hour 0–23. */
  perHour: number[];
};

/** Task types that are an operator's piece of work (managers' approvals are not SSC pieces). */
export const PIECE_TYPES = ["REVIEW", "QA", "PAYMENT", "ARCHIVE"] as const;

/**
 * A day's three keys share the hash tag `{<prefix>:metrics:<day>}`: the Lua write and the MULTI read
 * touch all three at once, which a Redis Cluster allows only within one slot; days spread over the masters.
 */
export function liveKeys(prefix: string, day: string) {
  const base = `{${prefix}:metrics:${day}}`;
  return { stamp: `${base}:stamp`, pieces: `${base}:pieces`, hours: `${base}:hours` };
}

/**
 * Reads one day's live figures from the rollups (the source of truth), with Postgres' clock as stamp. The clock
 * is read first, before the figures: a write stamped later then always carries figures read later. Read side by
 * side (three connections), a flusher whose figures predated a change could read the clock after a second flusher
 * that saw the change, and its stale figures won (test/metrics-rollups: a day's live pieces empty where the
 * rollups had two, in a CI run).
 */
export async function liveDayFromRollups(day: string, tz: string = SSC_TIME_ZONE, db: Tx | typeof prisma = prisma): Promise<LiveDay & { stamp: number }> {
  const [clock] = await db.$queryRaw<{ ms: number }[]>`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`;
  const [pieces, hours] = await readTogether(
    db,
    () => db.$queryRaw<{ operatorId: string; pieces: number }[]>`
      SELECT operator_id AS "operatorId", sum(finished)::int AS pieces
        FROM metric_daily
       WHERE day = ${day}::date AND operator_id <> '' AND task_type = ANY(${[...PIECE_TYPES]}::text[])
       GROUP BY operator_id HAVING sum(finished) > 0
       ORDER BY pieces DESC, operator_id`,
    () => db.$queryRaw<{ hour: number; n: number }[]>`
      SELECT extract(hour FROM hour_start AT TIME ZONE ${tz})::int AS hour, sum(finished)::int AS n
        FROM metric_hourly WHERE day = ${day}::date AND task_type = ANY(${[...PIECE_TYPES]}::text[]) GROUP BY 1`,
  );
  const perHour = Array.from({ length: 24 }, () => 0);
  for (const h of hours) perHour[h.hour] = (perHour[h.hour] ?? 0) + h.n;
  return { day, pieces, perHour, stamp: clock!.ms };
}

// Writes a day's counters unless a newer computation already did (two workers finishing out of order).
const WRITE_LIVE = `
local cur = redis.call('GET', KEYS[1])
if cur and tonumber(cur) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
local pieces = cjson.decode(ARGV[3])
for i = 1, #pieces, 2 do redis.call('ZADD', KEYS[2], pieces[i + 1], pieces[i]) end
local hours = cjson.decode(ARGV[4])
for i = 1, #hours do redis.call('HSET', KEYS[3], tostring(i - 1), hours[i]) end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1`;

export async function writeLiveDay(redis: RedisClient, prefix: string, live: LiveDay & { stamp: number }): Promise<boolean> {
  const keys = liveKeys(prefix, live.day);
  const flat = live.pieces.flatMap((p) => [p.operatorId, p.pieces]);
  const written = await redis.eval(WRITE_LIVE, 3, keys.stamp, keys.pieces, keys.hours, String(live.stamp), String(LIVE_TTL_SECONDS), JSON.stringify(flat), JSON.stringify(live.perHour));
  return written === 1;
}

/**
 * Rewrites the live counters of every day marked behind its rollups (by `flushMarkedHours`, in the recompute's
 * transaction), and clears each mark unless the day was marked again meanwhile (its next flush rewrites it).
 * Days older than the live window are only cleared. A Redis error leaves the unwritten marks for the next flush.
 * Returns the days rewritten.
 */
export async function refreshStaleLiveDays(redis: RedisClient, prefix: string, { now = new Date(), tz = SSC_TIME_ZONE }: { now?: Date; tz?: string } = {}): Promise<string[]> {
  const marks = await prisma.$queryRaw<{ day: string; mark: bigint }[]>`SELECT day::text AS day, mark FROM metric_live_stale ORDER BY day`;
  if (marks.length === 0) return [];
  const oldest = liveWindowStart(now, tz);
  const done: typeof marks = [];
  const written: string[] = [];
  try {
    for (const m of marks) {
      if (m.day >= oldest) {
        await writeLiveDay(redis, prefix, await liveDayFromRollups(m.day, tz));
        written.push(m.day);
      }
      done.push(m);
    }
  } finally {
    if (done.length > 0) {
      await prisma.$executeRaw`
        DELETE FROM metric_live_stale s USING unnest(${done.map((m) => m.day)}::date[], ${done.map((m) => m.mark)}::bigint[]) AS d (day, mark)
         WHERE s.day = d.day AND s.mark = d.mark`;
    }
  }
  return written;
}

/** The first day whose live counters are kept (8 days back from `now`'s local day). */
function liveWindowStart(now: Date, tz: string): string {
  return DateTime.fromJSDate(now, { zone: tz }).minus({ days: 8 }).toISODate()!;
}

/** Recomputes the live counters of the given days from the rollups (the rebuild's last step). */
export async function refreshLiveDays(redis: RedisClient, prefix: string, days: readonly string[], now: Date = new Date(), tz: string = SSC_TIME_ZONE): Promise<void> {
  const oldest = liveWindowStart(now, tz);
  for (const day of days) {
    if (day < oldest) continue; // only recent days are kept live
    await writeLiveDay(redis, prefix, await liveDayFromRollups(day, tz));
  }
}

/**
 * One day's live counters from Redis; rebuilt from Postgres when missing (Redis keeps nothing on
 * disk, so after a restart or flush the first reader puts them back).
 */
export async function readLiveDay(redis: RedisClient, prefix: string, day: string, tz: string = SSC_TIME_ZONE): Promise<LiveDay & { source: "redis" | "rebuilt" }> {
  const keys = liveKeys(prefix, day);
  const [stamp, pieces, hours] = await redis.multi().get(keys.stamp).zrevrange(keys.pieces, 0, -1, "WITHSCORES").hgetall(keys.hours).exec().then((r) => {
    if (!r) throw new Error("redis transaction aborted");
    for (const [err] of r) if (err) throw err;
    return r.map(([, v]) => v) as [string | null, string[], Record<string, string>];
  });
  if (stamp === null) {
    const live = await liveDayFromRollups(day, tz);
    await writeLiveDay(redis, prefix, live);
    return { day, pieces: live.pieces, perHour: live.perHour, source: "rebuilt" };
  }
  const list: LiveDay["pieces"] = [];
  for (let i = 0; i < pieces.length; i += 2) list.push({ operatorId: pieces[i]!, pieces: Number(pieces[i + 1]) });
  // ZREVRANGE orders ties by member descending; the board wants ties by id ascending, like the SQL.
  list.sort((a, b) => b.pieces - a.pieces || (a.operatorId < b.operatorId ? -1 : a.operatorId > b.operatorId ? 1 : 0));
  const perHour = Array.from({ length: 24 }, (_, h) => Number(hours[String(h)] ?? 0));
  return { day, pieces: list, perHour, source: "redis" };
}

/** Forgets the live counters of recent days (after a rebuild they are recomputed on the next read). */
export async function clearLiveDays(redis: RedisClient, prefix: string, now: Date = new Date(), tz: string = SSC_TIME_ZONE): Promise<void> {
  const today = DateTime.fromJSDate(now, { zone: tz });
  const keys: string[][] = [];
  for (let i = 0; i <= 8; i++) {
    const k = liveKeys(prefix, today.minus({ days: i }).toISODate()!);
    keys.push([k.stamp, k.pieces, k.hours]);
  }
  // One DEL per day: a day's keys share a slot, different days need not (Cluster refuses CROSSSLOT).
  await Promise.all(keys.map((day) => redis.del(...day)));
}

/**
 * The rebuild as commands run it (`npm run metrics:rebuild`, the seed): rollups from the task rows,
 * then the live counters of the last 8 days rewritten from them (stamped newer than anything a worker
 * computed before). A Redis that is down only loses the second part; the board's first read rebuilds it.
 */
export async function rebuildEverything({ prefix, log = console.log }: { prefix: string; log?: (line: string) => void }): Promise<{ hourlyRows: number; dailyRows: number; ms: number }> {
  const result = await rebuildRollups();
  log(`[metrics] rollups rebuilt: ${result.hourlyRows} hourly and ${result.dailyRows} daily rows in ${result.ms} ms`);
  const redis = createRedis("queue");
  redis.on("error", () => undefined);
  try {
    const today = DateTime.now().setZone(SSC_TIME_ZONE);
    const days = Array.from({ length: 9 }, (_, i) => today.minus({ days: i }).toISODate()!);
    await refreshLiveDays(redis, prefix, days);
    log(`[metrics] live counters rewritten for ${days.at(-1)} … ${days[0]}`);
  } catch (err) {
    log(`[metrics] live counters not rewritten (${err instanceof Error ? err.message : String(err)}); the board rebuilds them on its first read`);
  } finally {
    redis.disconnect();
  }
  return result;
}
