/**
 * Wall board benchmark: the board's first load over 1,000,000 historical tasks, and how fast a
 * finished task reaches an open board.
 *
 *   npm run bench:board    (tsx bench/board.ts [--tasks 1000000] [--days 60] [--events 40] [--no-build])
 *
 * In a database of its own (accounting_factory_board_bench; BENCH_DATABASE_URL to change it, the name
 * must end in _bench because it is emptied), migrated like any other, bulk SQL with generate_series:
 * ~487,800 claims over --days days, each with a finished manager approval and a finished review
 * (approved / returned / rejected) by one of 60 accountants in 6 groups, 1 in 20 re-checked by QA
 * (QA tasks and qa_check rows) — 1,000,000 tasks in all — plus an open backlog of 3,000 review tasks
 * and --events reviews in progress for the latency phase. Redis: BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379/0) under the key prefix `afbench_board` only; web port BENCH_PORT (3190).
 *
 *  rebuild       rebuildRollups(): every rollup from the task rows, one transaction
 *  first load    getBoardData() with empty live counters in Redis (they are rebuilt from Postgres) in a
 *                process that has served a board before: its pool's connections open and their backends
 *                warm, as in a running server — the server's time for today's board's first page
 *  cold process  for reference: the process's very first board (of 28 days back, so today's rows stay
 *                unread), pool connections opened on demand (`cold_process_first_load_ms`)
 *  warm load     the same again (live counters in Redis), median of 10
 *  bare          in the same run: `SELECT count(*) FROM task` over the same 1M rows (pg, median of 5);
 *                the ratio first load / bare is printed
 *  events        the real server (server.ts, the built app) and workers (relay, metrics) against the
 *                bench database; a supervisor's board stream (GET /board/events, Server-Sent Events)
 *                is open; --events reviews are approved one after another (400 ms apart) through
 *                decideReview(); per event: commit → the board-channel message from the metrics
 *                worker (Redis pub/sub), and commit → the first SSE message whose data counts it.
 *                Without the /board/events route in this build only the first is measured.
 *
 * Prints a table, then exactly one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { ensureRedis } from "../scripts/services";
import { positiveArg } from "./cli";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { seedBenchDatabase } from "./bench-db";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_board_bench";
const PREFIX = "afbench_board";
// The app runs as in production, so it needs a real random secret; the bench signs its cookie with the same one.
const SESSION_SECRET = randomBytes(32).toString("base64");
const ROOT = path.resolve(import.meta.dirname, "..");
const ACCOUNTANTS = 60;
const GROUPS = 6;
const OPEN_BACKLOG = 3_000;


const TASKS = positiveArg("tasks", 1_000_000);
const DAYS = positiveArg("days", 60);
const EVENTS = positiveArg("events", 40);
const BUILD = !process.argv.includes("--no-build");

/** Tasks per claim: approval + review, and a QA task for 1 claim in 20. */
const CLAIMS = Math.round(TASKS / 2.05);

function seedSql(): string {
  return `
BEGIN;
INSERT INTO company (id, code, name, name_zh, currency) VALUES ('bench-co', 'BENCH', 'Bench company', '基准公司', 'CNY');
INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('bench-dept', 'bench-co', 'D', 'Dept', '部门');
INSERT INTO processing_group (id, code, name, name_zh, is_default)
  SELECT 'g' || g, 'G' || g, 'Group ' || g, '组 ' || g, g = 0 FROM generate_series(0, ${GROUPS - 1}) g;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'acct-' || i, 'acct' || i || '@bench', 'Accountant ' || i, '!', ARRAY['EMPLOYEE','ACCOUNTANT']::"Role"[], 'bench-co', 'bench-dept'
    FROM generate_series(0, ${ACCOUNTANTS - 1}) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'mgr-' || i, 'mgr' || i || '@bench', 'Manager ' || i, '!', ARRAY['EMPLOYEE','MANAGER']::"Role"[], 'bench-co', 'bench-dept'
    FROM generate_series(0, 19) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'emp-' || i, 'emp' || i || '@bench', 'Employee ' || i, '!', ARRAY['EMPLOYEE']::"Role"[], 'bench-co', 'bench-dept'
    FROM generate_series(0, 499) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  VALUES ('sup-0', 'sup0@bench', 'Supervisor', '!', ARRAY['EMPLOYEE','SUPERVISOR']::"Role"[], 'bench-co', 'bench-dept'),
         ('qa-0', 'qa0@bench', 'QA reviewer', '!', ARRAY['EMPLOYEE','QA']::"Role"[], 'bench-co', 'bench-dept');
-- The supervisor oversees the bench's company: a board (and its event stream) answers 403 to a supervisor
-- assigned to no company (board-access.server.ts), which stopped the events phase.
INSERT INTO user_company (user_id, company_id) VALUES ('sup-0', 'bench-co');
INSERT INTO group_member (group_id, user_id) SELECT 'g' || (i / ${ACCOUNTANTS / GROUPS}), 'acct-' || i FROM generate_series(0, ${ACCOUNTANTS - 1}) i;

-- History: claim n submitted at an even spread over the last ${DAYS} days (ending 7 h ago, so every
-- step below is in the past), approved by a manager within 2 h, reviewed within 4 h of that.
CREATE TEMP TABLE plan ON COMMIT DROP AS
  SELECT n,
         now() - interval '${DAYS} days' + (n::float8 / ${CLAIMS}) * (interval '${DAYS} days' - interval '7 hours') AS sub,
         make_interval(mins => (n * 7) % 120) AS approve_after,
         make_interval(mins => (n * 13) % 240) AS wait,
         make_interval(mins => 5 + (n * 17) % 40) AS handle,
         CASE WHEN n % 20 = 0 THEN 'rejected' WHEN n % 10 = 1 THEN 'returned' ELSE 'approved' END AS outcome
    FROM generate_series(1, ${CLAIMS}) n;
INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, created_at, group_id)
  SELECT 'c-' || n, 'B' || lpad(n::text, 8, '0'), 'emp-' || (n % 500), 'bench-co', 'bench-dept', 'Bench claim ' || n,
         (CASE outcome WHEN 'approved' THEN 'APPROVED' WHEN 'returned' THEN 'RETURNED' ELSE 'REJECTED' END)::"ClaimStatus",
         4, sub, sub, 'g' || ((n % ${ACCOUNTANTS}) / ${ACCOUNTANTS / GROUPS})
    FROM plan;
INSERT INTO task (id, claim_id, type, status, assignee_id, claim_version, complexity, created_at, started_at, finished_at, outcome)
  SELECT 'ma-' || n, 'c-' || n, 'MANAGER_APPROVAL', 'DONE', 'mgr-' || (n % 20), 1, (ARRAY['S','M','L'])[1 + n % 3],
         sub, sub + approve_after / 2, sub + approve_after, 'approved'
    FROM plan;
INSERT INTO task (id, claim_id, type, status, group_id, assignee_id, claim_version, complexity, sla_minutes, sla_due_at,
                  created_at, started_at, finished_at, outcome)
  SELECT 'rv-' || n, 'c-' || n, 'REVIEW', 'DONE', 'g' || ((n % ${ACCOUNTANTS}) / ${ACCOUNTANTS / GROUPS}), 'acct-' || (n % ${ACCOUNTANTS}), 2,
         (ARRAY['S','M','L'])[1 + n % 3], 480, sub + approve_after + interval '4 hours',
         sub + approve_after, sub + approve_after + wait, sub + approve_after + wait + handle, outcome
    FROM plan;
INSERT INTO task (id, claim_id, type, status, assignee_id, claim_version, created_at, started_at, finished_at, outcome)
  SELECT 'qa-' || n, 'c-' || n, 'QA', 'DONE', 'qa-0', 4,
         least(now(), sub + approve_after + wait + handle), least(now(), sub + interval '1 day'), least(now(), sub + interval '1 day' + interval '10 minutes'),
         CASE WHEN n % 2000 = 3 THEN 'error' ELSE 'pass' END
    FROM plan WHERE n % 20 = 3 AND outcome = 'approved';
INSERT INTO qa_check (id, qa_task_id, review_task_id, claim_id, operator_id, stratum, sample_rate_bp, reviewer_id, outcome, error_type, severity, created_at, checked_at)
  SELECT 'qc-' || n, 'qa-' || n, 'rv-' || n, 'c-' || n, 'acct-' || (n % ${ACCOUNTANTS}), 'base', 500, 'qa-0',
         CASE WHEN n % 2000 = 3 THEN 'error' ELSE 'pass' END,
         CASE WHEN n % 2000 = 3 THEN 'wrong_amount' END, CASE WHEN n % 2000 = 3 THEN 'minor' END,
         sub + approve_after + wait + handle, least(now(), sub + interval '1 day' + interval '10 minutes')
    FROM plan WHERE n % 20 = 3 AND outcome = 'approved';

-- The floor now: an open backlog over the last two days, and reviews in progress for the latency phase.
INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, created_at, group_id)
  SELECT 'open-' || k, 'O' || lpad(k::text, 7, '0'), 'emp-' || (k % 500), 'bench-co', 'bench-dept', 'Open claim ' || k,
         'MANAGER_APPROVED', 3, now() - make_interval(secs => k * 57), now() - make_interval(secs => k * 57), 'g' || (k % ${GROUPS})
    FROM generate_series(1, ${OPEN_BACKLOG}) k;
INSERT INTO task (id, claim_id, type, status, group_id, claim_version, complexity, sla_minutes, sla_due_at, sla_state, created_at)
  SELECT 'open-rv-' || k, 'open-' || k, 'REVIEW', 'OPEN', 'g' || (k % ${GROUPS}), 3, (ARRAY['S','M','L'])[1 + k % 3], 480,
         now() - make_interval(secs => k * 57) + interval '8 hours',
         CASE WHEN k * 57 > 8 * 3600 THEN 'BREACHED' WHEN k * 57 > 6 * 3600 THEN 'AT_RISK' ELSE 'ON_TRACK' END::"SlaState",
         now() - make_interval(secs => k * 57)
    FROM generate_series(1, ${OPEN_BACKLOG}) k;
INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, created_at, group_id)
  SELECT 'live-' || k, 'L' || lpad(k::text, 7, '0'), 'emp-' || (k % 500), 'bench-co', 'bench-dept', 'Live claim ' || k,
         'IN_REVIEW', 4, now() - interval '2 hours', now() - interval '2 hours', 'g0'
    FROM generate_series(1, ${EVENTS}) k;
INSERT INTO task (id, claim_id, type, status, group_id, assignee_id, claim_version, sla_minutes, sla_due_at, created_at, started_at)
  SELECT 'live-rv-' || k, 'live-' || k, 'REVIEW', 'IN_PROGRESS', 'g0', 'acct-' || (k % ${ACCOUNTANTS / GROUPS}), 3, 480,
         now() + interval '6 hours', now() - interval '1 hour', now() - interval '10 minutes'
    FROM generate_series(1, ${EVENTS}) k;
COMMIT;`;
}

function quantile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
const median = (values: number[]) => quantile(values, 0.5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const log = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() && /error|fail/i.test(line)) console.error(`[${name}] ${line}`);
  };
  child.stdout!.on("data", log);
  child.stderr!.on("data", log);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(15_000).then(() => child.kill("SIGKILL"))]);
}

/** Reads a Server-Sent Events response; calls `onData` with each message's parsed data and its arrival time. */
async function readSse(body: ReadableStream<Uint8Array>, onData: (data: unknown, at: number) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const at = performance.now();
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = message
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data) onData(JSON.parse(data), at);
    }
  }
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const port = Number(process.env.BENCH_PORT ?? 3190);
  // The app modules read their configuration when first imported: point them at the bench first.
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: url,
    APP_DATABASE_URL: appDatabaseUrl(url),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: PREFIX,
    SESSION_SECRET,
    ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true",
    PORT: String(port),
    STORAGE_DIR: path.join(ROOT, ".data/bench-board-storage"),
  };
  Object.assign(process.env, childEnv);
  await ensureRedis(redisUrl);
  const { admin, seededSeconds } = await seedBenchDatabase(url, seedSql(), [
    "outbox_event", "qa_check", "task", "claim", "group_member", "routing_rule", "processing_group", "approval_delegation",
    "metric_hourly", "metric_daily", "backlog_snapshot", "board_setting", "app_user", "department", "company",
  ]);
  let t0: number;
  const { rows: counted } = await admin.query<{ historical: string; open: string }>(
    `SELECT count(*) FILTER (WHERE status IN ('DONE', 'CANCELLED')) AS historical, count(*) FILTER (WHERE status IN ('OPEN', 'IN_PROGRESS')) AS open FROM task`,
  );
  const historical = Number(counted[0]!.historical);
  console.log(`[bench:board] ${historical.toLocaleString("en")} historical tasks over ${DAYS} days, ${Number(counted[0]!.open).toLocaleString("en")} open: seeded in ${seededSeconds.toFixed(1)} s`);

  // Only this bench's keys: the Redis server (and db) may be shared.
  const redis = new Redis(redisUrl);
  const clearPrefix = async () => {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${PREFIX}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  };
  await clearPrefix();

  const { rebuildRollups } = await import("~/models/rollups.server");
  const { getBoardData } = await import("~/models/board-data.server");
  const { decideReview } = await import("~/models/review.server");
  const { boardChannel } = await import("~/models/board-publisher.server");
  const { createSession } = await import("~/utils/session.server");
  const { prisma } = await import("~/utils/db.server");
  const { runShutdownHooks } = await import("~/utils/shutdown.server");

  const rebuilt = await rebuildRollups();
  console.log(`[bench:board] rebuild: ${rebuilt.hourlyRows.toLocaleString("en")} hourly, ${rebuilt.dailyRows.toLocaleString("en")} daily rows in ${rebuilt.ms} ms`);

  // Cold process, for reference: one connection open, then a board (its queries open the rest) — of
  // another day (28 days back: neither today nor today's last-week comparison), so that today's rows are
  // not read before the measured first load. Then every live counter is gone again.
  await prisma.$queryRaw`SELECT 1`;
  await redis.ping();
  t0 = performance.now();
  await getBoardData({ redis, now: new Date(Date.now() - 28 * 86_400_000) });
  const coldProcessMs = performance.now() - t0;
  await clearPrefix();
  // First load as a running server does it: this process has served a board before.
  t0 = performance.now();
  const first = await getBoardData({ redis });
  const firstLoadMs = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    t0 = performance.now();
    await getBoardData({ redis });
    warm.push(performance.now() - t0);
  }
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await admin.query("SELECT count(*) FROM task");
    bare.push(performance.now() - t0);
  }
  const bareMs = median(bare);
  // Printed now as well, so the first-load figures survive a failure of the events phase below.
  console.log(
    `[bench:board] first load ${firstLoadMs.toFixed(1)} ms (cold process ${coldProcessMs.toFixed(1)} ms), warm p50 ${median(warm).toFixed(1)} ms, bare count(*) ${bareMs.toFixed(1)} ms: ` +
      `ratio_first_load_vs_bare ${(firstLoadMs / bareMs).toFixed(2)}`,
  );
  console.log(
    `[bench:board] today ${first.day}: ${first.completedToday.tasks} tasks, ${first.completedToday.claims} claims, ${first.leaderboard.length} operators, ` +
      `backlog ${first.backlog.reduce((s, r) => s + r.open + r.inProgress, 0)}, QA ${first.quality.checked} checked`,
  );

  // ── events: the real server and workers ──
  const hasStream = fs.existsSync(path.join(ROOT, "app/routes/board.events.tsx"));
  if (BUILD && (hasStream || !fs.existsSync(path.join(ROOT, "build/index.js")))) {
    console.log("[bench:board] building the app (remix build; --no-build to skip)");
    const build = spawn("npx", ["remix", "build"], { cwd: ROOT, env: childEnv, stdio: "ignore" });
    const code = await new Promise<number | null>((r) => build.once("exit", r));
    if (code !== 0) throw new Error(`remix build exited with ${code}`);
  }
  const children: ChildProcess[] = [
    startChild("relay", ["workers/index.ts", "--only", "relay"], childEnv),
    startChild("metrics", ["workers/index.ts", "--only", "metrics"], childEnv),
  ];
  const publishLatency: number[] = [];
  const screenLatency: number[] = [];
  let sseMessages = 0;
  const abort = new AbortController();
  try {
    let serverUp = false;
    if (hasStream) {
      children.push(startChild("web", ["server.ts"], childEnv));
      for (let i = 0; i < 120 && !serverUp; i++) {
        serverUp = await fetch(`http://127.0.0.1:${port}/login`).then((r) => r.ok, () => false);
        if (!serverUp) await sleep(500);
      }
      if (!serverUp) throw new Error(`the server did not come up on port ${port}`);
    }
    const subscriber = new Redis(redisUrl);
    // Announcements on the board channel: a change names its task, or (the metrics flusher's, decision 038)
    // says "tasks" once the marked hours are written — the first of either after a commit announces it.
    const announcements: { at: number; kind: string; taskId?: string }[] = [];
    await subscriber.subscribe(boardChannel(PREFIX));
    subscriber.on("message", (_c, message: string) => {
      const change = JSON.parse(message) as { kind: string; taskId?: string };
      announcements.push({ at: performance.now(), kind: change.kind, taskId: change.taskId });
    });
    const announced = (taskId: string, since: number) => announcements.find((a) => a.at >= since && (a.taskId === taskId || a.kind === "tasks"));

    // The board stream: every message is the whole BoardData; the n-th event is on screen when tasks done today reach base + n.
    const screens: { at: number; tasks: number }[] = [];
    if (hasStream) {
      const cookie = (await createSession(prisma, { userId: "sup-0", userAgent: "bench" })).setCookie.split(";")[0]!;
      const res = await fetch(`http://127.0.0.1:${port}/board/events`, { headers: { cookie, accept: "text/event-stream" }, signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`/board/events answered ${res.status}`);
      void readSse(res.body, (data, at) => {
        sseMessages++;
        const d = data as { completedToday?: { tasks: number } };
        if (d.completedToday) screens.push({ at, tasks: d.completedToday.tasks });
      }).catch(() => undefined);
      const opened = performance.now();
      while (screens.length === 0 && performance.now() - opened < 30_000) await sleep(20);
      if (screens.length === 0) throw new Error("the board stream sent no data within 30 s");
    }
    // Workers warm (first job compiles, connects) before measuring.
    await sleep(3_000);

    const live = await prisma.task.findMany({ where: { id: { startsWith: "live-rv-" } }, select: { id: true, assigneeId: true }, orderBy: { id: "asc" } });
    for (const task of live) {
      const before = screens.at(-1)?.tasks ?? 0;
      await decideReview({ viewer: { id: task.assigneeId!, roles: ["EMPLOYEE", "ACCOUNTANT"] }, taskId: task.id, claimVersion: 4, decision: "approve" });
      const committed = performance.now();
      const deadline = committed + 10_000;
      let heard: { at: number } | undefined;
      while (!(heard = announced(task.id, committed)) && performance.now() < deadline) await sleep(2);
      if (heard) publishLatency.push(heard.at - committed);
      if (hasStream) {
        let shown: { at: number } | undefined;
        while (!(shown = screens.find((s) => s.at >= committed && s.tasks > before)) && performance.now() < deadline) await sleep(2);
        if (shown) screenLatency.push(shown.at - committed);
      }
      await sleep(400);
    }
    await subscriber.quit();
  } finally {
    abort.abort();
    for (const c of children.reverse()) await stopChild(c);
    await redis.quit();
    await admin.end();
    await runShutdownHooks();
  }

  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");
  console.log(`\n${"measure".padEnd(34)} ${"value".padStart(10)}`);
  const table: [string, number][] = [
    ["rebuild (ms)", rebuilt.ms],
    ["first load, server time (ms)", firstLoadMs],
    ["first load, cold process (ms)", coldProcessMs],
    ["warm load p50 (ms)", median(warm)],
    ["bare count(*) over all tasks (ms)", bareMs],
    ["first load / bare count", firstLoadMs / bareMs],
    ["commit → board channel p50 (ms)", median(publishLatency)],
    ["commit → board channel p95 (ms)", quantile(publishLatency, 0.95)],
    ["commit → SSE data p50 (ms)", median(screenLatency)],
    ["commit → SSE data p95 (ms)", quantile(screenLatency, 0.95)],
  ];
  for (const [k, v] of table) console.log(`${k.padEnd(34)} ${f(v).padStart(10)}`);
  console.log(`events: ${EVENTS} finished, ${publishLatency.length} announced, ${screenLatency.length} seen on the board stream (${sseMessages} SSE messages)${hasStream ? "" : " — no /board/events route in this build"}`);

  const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : null);
  const summary = {
    bench: "board",
    first_load_ms: round(firstLoadMs),
    cold_process_first_load_ms: round(coldProcessMs),
    event_to_screen_p95_ms: hasStream ? round(quantile(screenLatency, 0.95)) : null,
    event_to_screen_p50_ms: hasStream ? round(median(screenLatency)) : null,
    event_to_publish_p95_ms: round(quantile(publishLatency, 0.95)),
    event_to_publish_p50_ms: round(median(publishLatency)),
    warm_load_p50_ms: round(median(warm)),
    bare_count_ms: round(bareMs),
    ratio_first_load_vs_bare: round(firstLoadMs / bareMs),
    rebuild_ms: rebuilt.ms,
    historical_tasks: historical,
    days: DAYS,
    events: EVENTS,
    events_seen: hasStream ? screenLatency.length : publishLatency.length,
  };
  console.log(JSON.stringify(summary));
  if (summary.events_seen < EVENTS) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error("[bench:board] failed:", err);
  // Its children are stopped (finally above), but a connection opened mid-phase (the board channel's
  // subscriber) would keep the process — and the shared bench lock it runs under — alive forever.
  process.exit(1);
});
