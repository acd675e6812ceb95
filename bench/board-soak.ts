/**
 * A day of wall boards, compressed: does the server side of the live board leak?
 *
 *   npm run bench:board-soak    (tsx bench/board-soak.ts [--boards 50] [--speed 1000] [--events 6000] [--reconnect-minutes 30])
 *
 * The real hub and stream code (app/models/board-hub.server.ts: BoardHub, boardEventStream, the Redis
 * subscription) and the real board query (getBoardData) against the bench:board database (1,000,000
 * tasks; run `npm run bench:board` once first, or set BENCH_DATABASE_URL). One simulated day runs in
 * 86,400 s / --speed of real time. Scaled by --speed: the heartbeat (15 s → 15 ms at 1000×), the
 * periodic refresh (60 s → 60 ms), each board's reconnects (a TV on flaky Wi-Fi: every
 * --reconnect-minutes simulated minutes on average, exponential) and the day's --events "a task
 * finished" announcements on the Redis board channel, following the office-hours arrival curve.
 * Not scaled: the 250 ms coalescing interval and the board query itself, so the boards receive as
 * many full refreshes as the database can serve in the compressed time — more per simulated hour
 * than a real day, never fewer.
 *
 * Measured per simulated hour after a forced GC (node --expose-gc): heap used, RSS, open boards, hub
 * timers and active handles. The baseline is the same process after a warm-up simulated hour with
 * every board open. At the end every board is closed and the hub must be back to nothing: 0
 * listeners, 0 timers, no Redis subscription, and no more active handles than before the boards.
 * Prints a table, then one JSON line: heap_growth_ratio = heap after the day / heap after warm-up.
 */
import { setTimeout as sleep } from "node:timers/promises";
import v8 from "node:v8";
import { Redis } from "ioredis";
import { appDatabaseUrl } from "../app/utils/database-roles.server";
import { ensurePostgres, ensureRedis } from "../scripts/services";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_board_bench";
const PREFIX = "afbench_soak";

const BOARDS = positiveArg("boards", 50);
const SPEED = positiveArg("speed", 1000);
const EVENTS = positiveArg("events", 6000);
const RECONNECT_MIN = positiveArg("reconnect-minutes", 30);

/** Share of the day's finished tasks per hour (SSC office hours, lunch dip; a trickle at night). */
const HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 6, 10, 11, 10, 5, 8, 10, 10, 9, 7, 3, 1.5, 1, 0.6, 0.4, 0.3];
const WEIGHT_SUM = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

type Sample = { hour: number; heapMb: number; rssMb: number; boards: number; timers: number; handles: number; loads: number; bytesMb: number };

function gc(): void {
  const run = (globalThis as { gc?: () => void }).gc;
  if (!run) throw new Error("run with node --expose-gc (npm run bench:board-soak does)");
  run();
  run();
}

const mb = (n: number) => Math.round((n / 1_048_576) * 10) / 10;

function handleTypes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

function activeHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap" && r !== "FSReqCallback").length;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  // The app modules read their configuration when first imported.
  Object.assign(process.env, { DATABASE_URL: url, APP_DATABASE_URL: appDatabaseUrl(url), REDIS_URL: redisUrl, QUEUE_PREFIX: PREFIX, NODE_ENV: "production" });
  await ensurePostgres(url);
  await ensureRedis(redisUrl);

  const { prisma } = await import("~/utils/db.server");
  const { BoardHub, boardEventStream, redisSubscribe } = await import("~/models/board-hub.server");
  const { getBoardData } = await import("~/models/board-data.server");
  const { boardChannel } = await import("~/models/board-publisher.server");

  const tasks = await prisma.task.count().catch(() => 0);
  if (tasks < 10_000) throw new Error(`${url} holds ${tasks} tasks: run \`npm run bench:board\` once first (it builds the 1,000,000-task database)`);

  const simMsPerRealMs = SPEED;
  const hourRealMs = (3600 * 1000) / simMsPerRealMs;
  const hub = new BoardHub({
    subscribe: redisSubscribe,
    load: () => getBoardData({ now: new Date() }),
    heartbeatMs: Math.max(1, Math.round(15_000 / simMsPerRealMs)),
    refreshEveryMs: Math.max(1, Math.round(60_000 / simMsPerRealMs)),
    log: (m) => console.error(m),
  });
  const publisher = new Redis(redisUrl);
  const channel = boardChannel(PREFIX);

  // ── boards: each a real event-stream Response, read to the end like a browser would ──
  let received = 0;
  let reconnects = 0;
  let stopping = false;
  const open = new Set<AbortController>();
  const openBoard = () => {
    const abort = new AbortController();
    open.add(abort);
    const res = boardEventStream({ signal: abort.signal, hub, stillAllowed: () => Promise.resolve(true) });
    void (async () => {
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value.byteLength;
      }
      open.delete(abort);
    })();
    return abort;
  };
  /** One board's life: open, stay for an exponential while, drop, reconnect (2 s later, scaled) — until the day ends. */
  const boardLife = async () => {
    while (!stopping) {
      const abort = openBoard();
      const staySimMs = -Math.log(1 - Math.random()) * RECONNECT_MIN * 60_000;
      const until = Date.now() + staySimMs / simMsPerRealMs;
      while (!stopping && Date.now() < until) await sleep(Math.min(50, until - Date.now()));
      abort.abort();
      if (stopping) return;
      reconnects += 1;
      await sleep(2_000 / simMsPerRealMs);
    }
  };

  // ── the day's announcements, hour by hour ──
  let published = 0;
  const publishHour = async (hour: number) => {
    const n = Math.round((EVENTS * HOUR_WEIGHTS[hour % 24]!) / WEIGHT_SUM);
    const start = Date.now();
    for (let i = 0; i < n; i++) {
      const due = start + ((i + Math.random()) / n) * hourRealMs;
      if (due > Date.now()) await sleep(due - Date.now());
      await publisher.publish(channel, JSON.stringify({ at: new Date().toISOString(), kind: "finished" }));
      published += 1;
    }
    const left = start + hourRealMs - Date.now();
    if (left > 0) await sleep(left);
  };

  const sample = (hour: number): Sample => {
    gc();
    const heap = v8.getHeapStatistics();
    return {
      hour,
      heapMb: mb(heap.used_heap_size),
      rssMb: mb(process.memoryUsage.rss()),
      boards: hub.listenerCount,
      timers: hub.timersActive,
      handles: activeHandles(),
      loads: hub.loads,
      bytesMb: mb(received),
    };
  };

  await publisher.ping();
  // The app's own connections (the pg pool a board load fills, the shared Redis client) are opened
  // here, so "before the boards" counts them too: what must go away at the end is only the boards'.
  await getBoardData({ now: new Date() });
  gc();
  const handlesBefore = activeHandles();
  const typesBefore = handleTypes();
  const heapBefore = mb(v8.getHeapStatistics().used_heap_size);
  console.log(`[soak] ${tasks.toLocaleString("en")} tasks in the database; ${BOARDS} boards, ${SPEED}× (1 simulated hour = ${Math.round(hourRealMs)} ms), ${EVENTS} events per day, reconnect every ~${RECONNECT_MIN} simulated min`);

  const lives = Array.from({ length: BOARDS }, () => boardLife());
  // Warm-up hour (23:00 the day before): JIT, pools, caches; its end is the baseline.
  await publishHour(23);
  const samples: Sample[] = [sample(0)];
  const t0 = performance.now();
  for (let hour = 0; hour < 24; hour++) {
    await publishHour(hour);
    samples.push(sample(hour + 1));
  }
  const dayRealS = (performance.now() - t0) / 1000;

  stopping = true;
  await Promise.all(lives);
  for (const abort of open) abort.abort();
  // Let the closes settle (the subscription quits asynchronously).
  for (let i = 0; i < 100 && (hub.listenerCount > 0 || hub.subscribed || open.size > 0); i++) await sleep(20);
  await sleep(200);
  gc();
  const after = { boards: hub.listenerCount, timers: hub.timersActive, subscribed: hub.subscribed, handles: activeHandles(), heapMb: mb(v8.getHeapStatistics().used_heap_size) };

  console.log("hour  heap MB  RSS MB  boards  hub timers  handles  board loads  bytes sent MB");
  for (const s of samples) {
    console.log(
      `${String(s.hour).padStart(4)}  ${String(s.heapMb).padStart(7)}  ${String(s.rssMb).padStart(6)}  ${String(s.boards).padStart(6)}  ${String(s.timers).padStart(10)}  ${String(s.handles).padStart(7)}  ${String(s.loads).padStart(11)}  ${String(s.bytesMb).padStart(13)}`,
    );
  }
  const base = samples[0]!;
  const end = samples[samples.length - 1]!;
  // The heap's trend over the day (least squares, MB per simulated hour), less sensitive to one sample's noise.
  const xs = samples.map((s) => s.hour);
  const ys = samples.map((s) => s.heapMb);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  console.log(
    `[soak] day done in ${dayRealS.toFixed(0)} s: ${published} announcements, ${reconnects} reconnects, ${end.loads - base.loads} board loads; after closing: ${after.boards} boards, ${after.timers} hub timers, subscribed ${after.subscribed}, handles ${after.handles} (before the boards: ${handlesBefore}), heap ${after.heapMb} MB (before the boards: ${heapBefore} MB)`,
  );
  console.log(`[soak] active resources before the boards ${JSON.stringify(typesBefore)}, after ${JSON.stringify(handleTypes())}`);
  const clean = after.boards === 0 && after.timers === 0 && !after.subscribed && after.handles <= handlesBefore;
  console.log(
    JSON.stringify({
      bench: "board_soak",
      boards: BOARDS,
      speed: SPEED,
      simulated_hours: 24,
      announcements: published,
      reconnects,
      board_loads: end.loads - base.loads,
      heap_baseline_mb: base.heapMb,
      heap_end_mb: end.heapMb,
      heap_growth_ratio: Math.round((end.heapMb / base.heapMb) * 1000) / 1000,
      heap_trend_mb_per_hour: Math.round(slope * 1000) / 1000,
      rss_baseline_mb: base.rssMb,
      rss_end_mb: end.rssMb,
      after_close: after,
      clean,
    }),
  );
  await publisher.quit();
  await prisma.$disconnect();
  if (!clean) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
