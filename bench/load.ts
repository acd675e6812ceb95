/**
 * Month-end load: the real server and workers over a database of 1,000,000 claims, driven by 200
 * concurrent users playing a realistic mix, per route p50/p95/p99 (client and server time) and errors
 * against a bare Remix route returning a constant in the same run, and the CPU split between Node,
 * Postgres and Redis over the measured window.
 *
 *   npm run bench:load [-- --claims 1000000 --users 200 --warmup 60 --duration 120 --boards 20 --think-ms 10000 --web 1 --reuse --no-build --seed-only --with-ledger --with-archive]
 *
 * Data: a database of its own (af_load_bench; BENCH_DATABASE_URL to change it, the name must end in
 * _bench: it is emptied), migrated, the demo organisation (prisma/seed.ts --phase data) and then the
 * bulk SQL of bench/load-seed.ts: bench users and `--claims` claims with lines, tasks, audit events
 * (sealed into the chain after) and receipts sharing one rendered file (tiles). `--reuse` keeps a
 * database already seeded with as many claims. Services: the shared Postgres; a Redis server of the
 * bench's own on BENCH_REDIS_PORT (5601), so its CPU is the bench's alone; the web process (server.ts
 * over the production build, SERVER_TIMING=1, BENCH_BARE_ROUTE=1) on BENCH_PORT (5600) and the workers; with
 * `--web N`, N web processes behind HAProxy (Debian's) on BENCH_PORT, as deployed (docs/deploy.md).
 *
 * Users (closed loop, each waits an exponential think time with mean --think-ms after every step):
 *   employees    their claim list, one of their claims, its viewer page and tiles (.dzi + 6 tiles, in
 *                parallel as the viewer asks), now and then a new draft (filing) and submitting a draft
 *   managers     the approvals page, approving the first claim on it
 *   accountants  the queue, Next (→ the workstation), the workstation page and its tiles, approving
 *   boards       --boards wall boards: the event stream held open, the page reloaded every 30 s
 * Boards count among --users; the rest split 60/20/20. A prober calls /bench/bare 10 times a second.
 * Server time is the web process's Server-Timing header; client time is fetch's from send to body read.
 *
 * Prints the table, the CPU split and sizing figures, then exactly one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { ensurePostgres } from "../scripts/services";
import { migrate } from "../scripts/migrate";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { stopChild } from "./app-process";
import { positiveArg } from "./cli";
import { kindOf, loadSeedSql, loadSizes, SUPERVISORS } from "./load-seed";
import { haproxyConfig } from "../scripts/instances/haproxy";
import { startVacuumStandIn, type VacuumStandIn } from "./load-vacuum";
import { cpuSnapshot, cpuSplit, type CpuSnapshot } from "./load-cpu";
import { Recorder, type Sample } from "./load-stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const HAPROXY = "/usr/sbin/haproxy";
const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/af_load_bench";
const CLAIMS = positiveArg("claims", 1_000_000, { whole: true });
const USERS = positiveArg("users", 200, { whole: true });
const WARMUP_S = positiveArg("warmup", 60);
const DURATION_S = positiveArg("duration", 120);
const BOARDS = Math.min(positiveArg("boards", 20, { whole: true }), SUPERVISORS, USERS);
const THINK_MS = positiveArg("think-ms", 10_000);
const REUSE = process.argv.includes("--reuse");
const BUILD = !process.argv.includes("--no-build");
const SEED_ONLY = process.argv.includes("--seed-only");
// The seeded history has neither vouchers nor archive packages: with the ledger's or the archive's worker the run
// would spend itself backfilling them (the archive sweep filed ~160 seeded claims' packages a minute in run 4),
// which is not month-end. Each joins with its flag.
const WORKER_ROLES = ["relay", "imaging", "routing", "sla", "metrics", "payments", ...(process.argv.includes("--with-ledger") ? ["ledger"] : []), ...(process.argv.includes("--with-archive") ? ["archive"] : [])].join(",");
const PORT = Number(process.env.BENCH_PORT ?? 5600);
/**
 * Web processes: one (the default) answers on PORT itself; with --web N, N processes on ports 5610… behind HAProxy
 * on PORT (the layout of docs/deploy.md and `npm run demo -- --instances N`, scripts/instances/haproxy.ts).
 */
const WEBS = positiveArg("web", 1, { whole: true });
const WEB_PORTS = WEBS === 1 ? [PORT] : Array.from({ length: WEBS }, (_, i) => Number(process.env.BENCH_WEB_PORT_BASE ?? 5610) + i);
const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 5601);
const PREFIX = "afload";
const SESSION_SECRET = randomBytes(32).toString("base64");

function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const log = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() && /error|fail|refus/i.test(line)) console.error(`[${name}] ${line.slice(0, 400)}`);
  };
  child.stdout!.on("data", log);
  child.stderr!.on("data", log);
  return child;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

/** A rendered receipt (one page) in the bench's storage, recorded as a ready stored file; its digest. */
async function renderSharedReceipt(): Promise<{ sha256: string; pages: { width: number; height: number }[]; sizeBytes: number }> {
  const { storageRoot } = await import("~/utils/storage.server");
  // The storage of the previous seeding (its links) goes with it.
  fs.rmSync(storageRoot(), { recursive: true, force: true });
  const { mulberry32 } = await import("~/domain/seeded-random");
  const { randomReceiptSpec, renderReceiptScene } = await import("../fixtures/receipts");
  const { renderReceiptTiles } = await import("~/jobs/render-receipt");
  const { derivedDir, originalPath } = await import("~/utils/storage.server");
  const spec = randomReceiptSpec(mulberry32(2026), { lang: "zh", currency: "CNY", date: "2026-11-28", kind: "invoice", totalMinor: 45_600 });
  const jpeg = await renderReceiptScene(spec, { width: 2480, height: 3508, seed: 13, style: "scan", noise: 3, quality: 85 });
  const sha256 = createHash("sha256").update(jpeg).digest("hex");
  fs.mkdirSync(path.dirname(originalPath(sha256)), { recursive: true });
  fs.writeFileSync(originalPath(sha256), jpeg);
  fs.rmSync(derivedDir(sha256), { recursive: true, force: true });
  const result = await renderReceiptTiles({ sha256, sourcePath: originalPath(sha256), outDir: derivedDir(sha256), mimeType: "image/jpeg" });
  return { sha256, pages: result.pages, sizeBytes: jpeg.length };
}

async function seed(url: string, childEnv: NodeJS.ProcessEnv): Promise<{ seededSeconds: number; reused: boolean }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const t0 = performance.now();
    if (REUSE) {
      const { rows } = await admin.query<{ n: string }>("SELECT count(*)::text AS n FROM claim WHERE id LIKE 'lc-%'").catch(() => ({ rows: [{ n: "0" }] }));
      // A database seeded with the old kind formula (see kindOf in load-seed.ts: approvals for 10 of the 500
      // managers) is seeded again: with the scrambled one nearly every manager has approvals waiting.
      const { rows: open } = await admin
        .query<{ n: string }>("SELECT count(DISTINCT assignee_id)::text AS n FROM task WHERE type = 'MANAGER_APPROVAL' AND status = 'OPEN' AND assignee_id LIKE 'lm-%'")
        .catch(() => ({ rows: [{ n: "0" }] }));
      if (Number(rows[0]!.n) === CLAIMS && Number(open[0]!.n) > loadSizes(CLAIMS).managers / 2) return { seededSeconds: 0, reused: true };
      console.log(`[bench:load] --reuse: the database has ${rows[0]!.n} bench claims (${CLAIMS} wanted), managers with approvals waiting: ${open[0]!.n}: seeding again`);
    }
    console.log("[bench:load] the demo organisation (prisma/seed.ts --reset --phase data)");
    const seedEnv: NodeJS.ProcessEnv = { ...childEnv, SEED_CLAIMS: "0" };
    delete seedEnv.APP_DATABASE_URL; // the seed works as the owner
    await run(process.execPath, ["--import", "tsx", "prisma/seed.ts", "--reset", "--phase", "data"], seedEnv);
    const file = await renderSharedReceipt();
    const sql = loadSeedSql({ claims: CLAIMS, file });
    console.log(`[bench:load] ${CLAIMS.toLocaleString("en")} claims with lines, tasks and receipts (set-based SQL)…`);
    await admin.query(sql.data);
    await admin.query("ANALYZE load_plan");
    console.log(`[bench:load] their audit events (${sql.events.length - 1} statements), then sealed into the chain…`);
    for (const statement of sql.events) await admin.query(statement);
    // Appended unsealed like the app's (decision 037): chained here, in batches, before the run starts.
    const sealStart = performance.now();
    let sealed = 0;
    for (;;) {
      const { rows } = await admin.query<{ n: number }>("SELECT audit_seal(50000) AS n");
      sealed += rows[0]!.n;
      if (rows[0]!.n < 50_000) break;
    }
    console.log(`[bench:load] sealed ${sealed.toLocaleString("en")} audit events in ${((performance.now() - sealStart) / 1000).toFixed(1)} s`);
    // Every receipt's storage entries point at the one rendered file and its tiles.
    const { derivedDir, originalPath } = await import("~/utils/storage.server");
    const { rows: shas } = await admin.query<{ sha256: string }>("SELECT sha256 FROM stored_file WHERE sha256 <> $1 AND size_bytes = $2", [file.sha256, file.sizeBytes]);
    for (const { sha256 } of shas) {
      for (const [link, target] of [[derivedDir(sha256), derivedDir(file.sha256)], [originalPath(sha256), originalPath(file.sha256)]] as const) {
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.rmSync(link, { recursive: true, force: true });
        fs.symlinkSync(target, link);
      }
    }
    console.log(`[bench:load] ${shas.length.toLocaleString("en")} receipts linked to one rendered file`);
    await admin.query("VACUUM ANALYZE");
    return { seededSeconds: Math.round((performance.now() - t0) / 100) / 10, reused: false };
  } finally {
    await admin.end();
  }
}

// ── the virtual users ──

type Session = { userId: string; cookie: string };
type Ctx = { base: string; rec: Recorder; until: number; stopped: () => boolean };

const thinkTime = () => -Math.log(1 - Math.random()) * THINK_MS;
const TILE_TAILS = ["p1.dzi", "p1_files/8/0_0.jpg", "p1_files/9/0_0.jpg", "p1_files/9/1_0.jpg", "p1_files/10/0_0.jpg", "p1_files/10/1_0.jpg", "p1_files/10/0_1.jpg"];

/** One request, recorded under `route`; the response's text (for the few pages whose ids the user reads). */
async function hit(ctx: Ctx, route: string, s: Session, url: string, init: { method?: string; form?: URLSearchParams } = {}): Promise<{ status: number; location: string | null; text: string }> {
  const t0 = performance.now();
  const startedAt = Date.now();
  try {
    const res = await fetch(`${ctx.base}${url}`, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers: { cookie: s.cookie, ...(init.form ? { "content-type": "application/x-www-form-urlencoded", origin: ctx.base } : {}) },
      body: init.form,
      redirect: "manual",
    });
    const text = await res.text();
    const clientMs = performance.now() - t0;
    const timing = /app;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
    ctx.rec.add({ route, startedAt, clientMs, serverMs: timing ? Number(timing[1]) : NaN, status: res.status });
    return { status: res.status, location: res.headers.get("location"), text };
  } catch (err) {
    ctx.rec.add({ route, startedAt, clientMs: performance.now() - t0, serverMs: NaN, status: 0 });
    return { status: 0, location: null, text: String(err) };
  }
}

async function think(ctx: Ctx): Promise<void> {
  const ms = Math.min(thinkTime(), Math.max(0, ctx.until - Date.now()));
  if (ms > 0) await sleep(ms);
}

const tiles = (ctx: Ctx, s: Session, receiptId: string, route = "tile") => Promise.all(TILE_TAILS.map((t) => hit(ctx, route, s, `/files/receipts/${receiptId}/${t}`)));

const hasReceipt = (n: number) => kindOf(n) !== "history" || n % 20 === 0;

async function employee(ctx: Ctx, s: Session, e: number, E: number, org: { companyId: string; departmentId: string }): Promise<void> {
  // The employee's claims: n ≡ e (mod E); their drafts are the ones to submit, once each.
  const own: number[] = [];
  for (let n = e === 0 ? E : e; n <= CLAIMS; n += E) own.push(n);
  const drafts = own.filter((n) => kindOf(n) === "draft");
  let loop = 0;
  while (!ctx.stopped()) {
    await hit(ctx, "GET /claims", s, "/claims");
    await think(ctx);
    const n = own[Math.floor(Math.random() * own.length)];
    if (n !== undefined) {
      await hit(ctx, "GET /claims/:id", s, `/claims/lc-${n}`);
      await think(ctx);
      if (hasReceipt(n)) {
        await hit(ctx, "GET /claims/:id/viewer", s, `/claims/lc-${n}/viewer`);
        await tiles(ctx, s, `lr-${n}`);
        await think(ctx);
      }
    }
    if (loop++ % 4 === 3) {
      await hit(ctx, "GET /claims/new", s, "/claims/new");
      await think(ctx);
      const made = await hit(ctx, "POST /claims/new", s, "/claims/new", { form: new URLSearchParams({ purpose: "Month-end trip", ...org }) });
      if (made.location) await hit(ctx, "GET /claims/:id/edit", s, made.location);
      await think(ctx);
      const d = drafts.shift();
      if (d !== undefined) {
        const form = new URLSearchParams({ intent: "submit", version: "1", purpose: `Month-end claim ${d}`, ...org });
        const line = { id: `ll-${d}`, spentOn: "2026-11-20", categoryCode: "TAXI", merchant: "滴滴出行", amount: "45.60", currency: "CNY", receiptIds: `lr-${d}` };
        for (const [k, v] of Object.entries(line)) form.append(`lines[0].${k}`, v);
        await hit(ctx, "POST /claims/:id/edit (submit)", s, `/claims/lc-${d}/edit`, { form });
        await think(ctx);
      }
    }
  }
}

async function manager(ctx: Ctx, s: Session): Promise<void> {
  while (!ctx.stopped()) {
    const page = await hit(ctx, "GET /approvals", s, "/approvals");
    await think(ctx);
    const taskId = /name="taskId" value="([^"]+)"/.exec(page.text)?.[1];
    const version = /name="claimVersion" value="(\d+)"/.exec(page.text)?.[1];
    if (taskId && version) {
      await hit(ctx, "POST /approvals (approve)", s, "/approvals", { form: new URLSearchParams({ intent: "approve", taskId, claimVersion: version }) });
      await think(ctx);
    }
  }
}

async function accountant(ctx: Ctx, s: Session): Promise<void> {
  while (!ctx.stopped()) {
    await hit(ctx, "GET /queue", s, "/queue");
    await think(ctx);
    const next = await hit(ctx, "POST /queue (Next)", s, "/queue", { form: new URLSearchParams({ intent: "next" }) });
    const taskId = /\/work\/([^/?#]+)/.exec(next.location ?? "")?.[1];
    if (!taskId) {
      await think(ctx);
      continue;
    }
    const ws = await hit(ctx, "GET /work/:taskId", s, `/work/${taskId}`);
    if (taskId.startsWith("lrv-")) await tiles(ctx, s, `lr-${taskId.slice(4)}`);
    await think(ctx);
    const version = /name="claimVersion" value="(\d+)"/.exec(ws.text)?.[1];
    if (version) {
      await hit(ctx, "POST /work/:taskId (approve)", s, `/work/${taskId}`, { form: new URLSearchParams({ intent: "approve", claimVersion: version }) });
      await think(ctx);
    }
  }
}

async function board(ctx: Ctx, s: Session, streams: { open: number; messages: number; failed: number }): Promise<void> {
  const abort = new AbortController();
  const stream = (async () => {
    while (!ctx.stopped()) {
      try {
        const res = await fetch(`${ctx.base}/board/events`, { headers: { cookie: s.cookie, accept: "text/event-stream" }, signal: abort.signal });
        if (!res.ok || !res.body) {
          streams.failed++;
          await sleep(2_000);
          continue;
        }
        streams.open++;
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          streams.messages += new TextDecoder().decode(value).split("\n\n").length - 1;
        }
        streams.open--;
      } catch {
        if (ctx.stopped()) return;
        streams.failed++;
        await sleep(2_000);
      }
    }
  })();
  // Boards open at different moments, then reload every 30 s.
  await sleep(Math.random() * 30_000);
  while (!ctx.stopped()) {
    await hit(ctx, "GET /board", s, "/board");
    const wait = Math.min(30_000, Math.max(0, ctx.until - Date.now()));
    if (wait > 0) await sleep(wait);
  }
  abort.abort();
  await stream.catch(() => undefined);
}

async function bareProber(ctx: Ctx): Promise<void> {
  const anon: Session = { userId: "", cookie: "" };
  while (!ctx.stopped()) {
    await hit(ctx, "bare", anon, "/bench/bare");
    await sleep(100);
  }
}

// ── main ──

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  if (!/_bench$/.test(new URL(url).pathname)) throw new Error("BENCH_DATABASE_URL must name a *_bench database: the bench empties it");
  const redisUrl = `redis://127.0.0.1:${REDIS_PORT}/0`;
  const base = `http://127.0.0.1:${PORT}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: url,
    APP_DATABASE_URL: appDatabaseUrl(url),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: PREFIX,
    SESSION_SECRET,
    ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true",
    PORT: String(PORT),
    STORAGE_DIR: path.join(ROOT, ".data/load-bench-storage"),
    SERVER_TIMING: "1",
    BENCH_BARE_ROUTE: "1",
    // Every virtual user comes from 127.0.0.1: the per-address board cap would count the whole bench as one wall.
    BOARD_STREAMS_PER_ADDRESS: String(Math.max(20, BOARDS * 2)),
    // The bench's users post faster than people: sign-ins are not part of the mix (sessions are minted).
  };
  Object.assign(process.env, childEnv);
  const children: ChildProcess[] = [];
  let balancerConfig: string | undefined;
  let vacuum: VacuumStandIn | null = null;
  const redis = startChild("redis", "redis-server", ["--port", String(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], childEnv);
  children.push(redis);
  try {
    for (let i = 0; i < 50; i++) {
      if (await fetch(`http://127.0.0.1:${REDIS_PORT}`).then(() => true, (e: unknown) => !String((e as { cause?: unknown }).cause).includes("ECONNREFUSED"))) break;
      await sleep(100);
    }
    await ensurePostgres(url);
    await migrate(url, () => undefined);
    const { seededSeconds, reused } = await seed(url, childEnv);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows: counts } = await admin.query<{ claims: string; tasks: string; events: string; receipts: string }>(
      `SELECT (SELECT count(*) FROM claim)::text AS claims, (SELECT count(*) FROM task)::text AS tasks,
              (SELECT count(*) FROM audit_event)::text AS events, (SELECT count(*) FROM receipt)::text AS receipts`,
    );
    const dbSize = (await admin.query<{ s: string }>("SELECT pg_size_pretty(pg_database_size(current_database())) AS s")).rows[0]!.s;
    console.log(
      `[bench:load] ${Number(counts[0]!.claims).toLocaleString("en")} claims, ${Number(counts[0]!.tasks).toLocaleString("en")} tasks, ` +
        `${Number(counts[0]!.events).toLocaleString("en")} audit events, ${Number(counts[0]!.receipts).toLocaleString("en")} receipts (${dbSize}); ` +
        (reused ? "reused (--reuse)" : `seeded in ${seededSeconds} s`),
    );
    // The board's rollups from the tasks just written, live counters into this Redis. A reused database
    // has its rollups (the metrics worker kept them current); the board's first read refills Redis.
    if (!reused) {
      // REDIS_URL is the bench's own Redis (process.env took childEnv above).
      const { rebuildEverything } = await import("~/models/rollups.server");
      await rebuildEverything({ prefix: PREFIX, log: (l: string) => console.log(`[bench:load] ${l}`) });
    }
    if (SEED_ONLY) {
      await admin.end();
      const { runShutdownHooks } = await import("~/utils/shutdown.server");
      await runShutdownHooks();
      return;
    }

    if (BUILD || !fs.existsSync(path.join(ROOT, "build/index.js"))) {
      console.log("[bench:load] building the app (remix build; --no-build to skip)");
      await run("npx", ["remix", "build"], childEnv);
    }
    // BENCH_WEB_NODE_ARGS: extra node options for the web process alone (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
    const webArgs = (process.env.BENCH_WEB_NODE_ARGS ?? "").split(" ").filter(Boolean);
    let balancer: ChildProcess | undefined;
    const webs = WEB_PORTS.map((port, i) => startChild(WEBS === 1 ? "web" : `web${i + 1}`, process.execPath, [...webArgs, "--import", "tsx", "server.ts"], { ...childEnv, PORT: String(port) }));
    if (WEBS > 1) {
      if (!fs.existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing: apt-get install -y haproxy`);
      balancerConfig = path.join(os.tmpdir(), `bench-load-haproxy-${process.pid}.cfg`);
      fs.writeFileSync(balancerConfig, haproxyConfig({ port: PORT, webs: WEB_PORTS.map((port, i) => ({ name: `web${i + 1}`, port })) }));
      balancer = startChild("haproxy", HAPROXY, ["-f", balancerConfig, "-db"], childEnv);
      children.push(balancer);
    }
    // Every worker but the ledger's: the seeded history (approved and paid claims) has no vouchers, so its
    // sweep would spend the run posting hundreds of thousands of them, a backfill no month-end sees.
    const workers = startChild("workers", process.execPath, ["--import", "tsx", "workers/index.ts", "--only", WORKER_ROLES], childEnv);
    children.push(...webs, workers);
    let up = false;
    for (let i = 0; i < 240 && !up; i++) {
      up = (await Promise.all(WEB_PORTS.map((port) => fetch(`http://127.0.0.1:${port}/bench/bare`).then((r) => r.ok, () => false)))).every(Boolean) &&
        (await fetch(`${base}/bench/bare`).then((r) => r.ok, () => false));
      if (!up) await sleep(500);
    }
    if (!up) throw new Error(`the server did not answer ${base}/bench/bare`);

    // Sessions, minted the way the tests do (sign-in is not part of the mix).
    const { createSession } = await import("~/utils/session.server");
    const { prisma } = await import("~/utils/db.server");
    const { runShutdownHooks } = await import("~/utils/shutdown.server");
    const mint = async (userId: string): Promise<Session> => ({ userId, cookie: (await createSession(prisma, { userId, userAgent: "bench:load" })).setCookie.split(";")[0]! });
    const { employees: E, managers: M, accountantsPerGroup: A } = loadSizes(CLAIMS);
    const rest = USERS - BOARDS;
    const nManagers = Math.min(M, Math.round(rest * 0.2));
    const nAccountants = Math.min(4 * A, Math.round(rest * 0.2));
    const nEmployees = rest - nManagers - nAccountants;
    const orgOf = new Map(
      (await admin.query<{ id: string; company_id: string; department_id: string }>("SELECT id, company_id, department_id FROM app_user WHERE id LIKE 'le-%'")).rows.map((r) => [r.id, { companyId: r.company_id, departmentId: r.department_id }]),
    );
    // The server's autovacuum, or the bench's stand-in for it when this machine runs without (bench/load-vacuum.ts).
    vacuum = await startVacuumStandIn(url);
    const rec = new Recorder();
    const started = Date.now();
    const measureFrom = started + WARMUP_S * 1000;
    const until = measureFrom + DURATION_S * 1000;
    const ctx: Ctx = { base, rec, until, stopped: () => Date.now() >= until };
    const streams = { open: 0, messages: 0, failed: 0 };
    const users: Promise<void>[] = [];
    // Employees spread over the bench employees; managers and accountants one each.
    for (let i = 0; i < nEmployees; i++) {
      const e = Math.floor((i * E) / nEmployees);
      users.push(mint(`le-${e}`).then((s) => employee(ctx, s, e, E, orgOf.get(`le-${e}`)!)));
    }
    for (let i = 0; i < nManagers; i++) users.push(mint(`lm-${Math.floor((i * M) / nManagers)}`).then((s) => manager(ctx, s)));
    for (let i = 0; i < nAccountants; i++) users.push(mint(`la-${i}`).then((s) => accountant(ctx, s)));
    for (let i = 0; i < BOARDS; i++) users.push(mint(`ls-${i}`).then((s) => board(ctx, s, streams)));
    users.push(bareProber(ctx));
    console.log(`[bench:load] ${USERS} users: ${nEmployees} employees, ${nManagers} managers, ${nAccountants} accountants, ${BOARDS} boards; think time ${THINK_MS} ms; warm-up ${WARMUP_S} s, measured ${DURATION_S} s`);

    // CPU over the measured window only.
    await sleep(Math.max(0, measureFrom - Date.now()));
    const load0 = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const pids = { web: webs.map((w) => w.pid!), workers: workers.pid!, redis: redis.pid!, bench: process.pid, ...(balancer ? { balancer: balancer.pid! } : {}) };
    const cpu0: CpuSnapshot = await cpuSnapshot(admin, pids);
    await sleep(Math.max(0, until - Date.now()));
    const cpu1: CpuSnapshot = await cpuSnapshot(admin, pids);
    const load1 = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    await Promise.race([Promise.all(users), sleep(30_000)]);
    const vacuumed = vacuum ? await vacuum.stop() : null;
    vacuum = null;

    // Outcomes in the database: what the users' posts changed.
    const { rows: done } = await admin.query<{ submitted: string; approved: string; reviewed: string; doubled: string }>(`
      SELECT (SELECT count(*) FROM audit_event WHERE type = 'claim.submitted' AND at >= to_timestamp($1 / 1000.0))::text AS submitted,
             (SELECT count(*) FROM audit_event WHERE type = 'claim.manager_approved' AND at >= to_timestamp($1 / 1000.0))::text AS approved,
             (SELECT count(*) FROM audit_event WHERE type = 'claim.approved' AND at >= to_timestamp($1 / 1000.0))::text AS reviewed,
             (SELECT count(*) FROM (SELECT claim_id FROM task WHERE type = 'REVIEW' AND status IN ('OPEN', 'IN_PROGRESS') GROUP BY claim_id HAVING count(*) > 1) d)::text AS doubled`, [started]);
    await admin.end();
    await runShutdownHooks();

    const window = (s: Sample) => s.startedAt >= measureFrom && s.startedAt < until;
    const table = rec.summary(window);
    const bare = table.find((r) => r.route === "bare");
    const pages = table.filter((r) => r.route !== "bare" && r.route !== "tile");
    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");
    console.log(`\n| route | requests | errors | client p50 | p95 | p99 | server p50 | p95 | p99 | server p95 / bare |`);
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
    for (const r of table) {
      console.log(`| ${r.route} | ${r.count} | ${r.errors} | ${f(r.client.p50)} | ${f(r.client.p95)} | ${f(r.client.p99)} | ${f(r.server.p50)} | ${f(r.server.p95)} | ${f(r.server.p99)} | ${bare ? f(r.server.p95 / bare.server.p95) : "—"} |`);
    }
    for (const r of table) if (r.errors > 0) console.log(`errors on ${r.route}: ${Object.entries(r.errorStatuses).map(([k, v]) => `${v} × ${k === "0" ? "no answer" : k}`).join(", ")}`);
    const measured = table.reduce((s, r) => s + r.count, 0);
    const errors = table.reduce((s, r) => s + r.errors, 0);
    const worst = [...pages].sort((a, b) => b.server.p95 - a.server.p95)[0];
    const split = cpuSplit(cpu0, cpu1);
    console.log(`\nCPU over the measured ${DURATION_S} s (cores: ${split.cores}; % of one core):`);
    for (const [k, v] of Object.entries(split.percentOfCore)) console.log(`  ${k.padEnd(22)} ${v.toFixed(1)}%`);
    console.log(`  machine busy (all processes, all users) ${split.machineBusyPercent.toFixed(1)}% of ${split.cores} cores`);
    console.log(`load average: ${load0} at the start of the window, ${load1} at its end`);
    const rps = measured / DURATION_S;
    console.log(`\nsizing: ${WEBS === 1 ? "one web process" : `${WEBS} web processes (behind HAProxy)`} served ${rps.toFixed(1)} requests/s (${(rps - (bare?.count ?? 0) / DURATION_S).toFixed(1)} without the bare probe) at the worst page p95 ${f(worst?.server.p95 ?? NaN)} ms server time, using ${split.percentOfCore["node web"]?.toFixed(0)}% of a core${WEBS === 1 ? "" : " together"}`);
    console.log(`maintenance: ${vacuumed ? `the server's autovacuum is off; the bench's stand-in ran ${vacuumed.vacuums} vacuums and ${vacuumed.analyzes} analyzes (${vacuumed.seconds} s)` : "the server's autovacuum"}`);
    console.log(`outcomes: ${done[0]!.submitted} submitted, ${done[0]!.approved} manager-approved, ${done[0]!.reviewed} reviews approved; claims with two live reviews: ${done[0]!.doubled}; board streams: ${streams.open} open at the end, ${streams.messages} messages, ${streams.failed} failed opens`);

    const round = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? Math.round(n * 10) / 10 : null);
    const summary = {
      bench: "load",
      users: USERS,
      web_processes: WEBS,
      claims: Number(counts[0]!.claims),
      boards: BOARDS,
      think_ms: THINK_MS,
      measured_s: DURATION_S,
      requests: measured,
      requests_per_s: round(rps),
      errors,
      worst_route: worst?.route ?? null,
      worst_route_p95_ms: round(worst?.server.p95),
      worst_route_client_p95_ms: round(worst?.client.p95),
      bare_p95_ms: round(bare?.server.p95),
      ratio_worst_p95_vs_bare: worst && bare ? round(worst.server.p95 / bare.server.p95) : null,
      pages_over_250ms_p95: pages.filter((r) => r.server.p95 > 250).map((r) => r.route),
      cpu_percent_of_core: Object.fromEntries(Object.entries(split.percentOfCore).map(([k, v]) => [k.replace(/ /g, "_"), round(v)])),
      load_average: load1,
      vacuum: vacuumed ? { by: "bench stand-in", ...vacuumed } : { by: "server autovacuum" },
    };
    console.log(JSON.stringify(summary));
    if (errors > 0 || summary.pages_over_250ms_p95.length > 0) process.exitCode = 1;
  } finally {
    await vacuum?.stop();
    for (const c of children.reverse()) await stopChild(c);
    if (balancerConfig !== undefined) fs.rmSync(balancerConfig, { force: true });
  }
}

main().catch((err: unknown) => {
  console.error("[bench:load] failed:", err);
  process.exitCode = 1;
});
