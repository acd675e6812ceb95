/**
 * Building blocks for fault runs, shared by `npm run chaos` (scripts/chaos.ts) and the compact fault test
 * in verify (test/faults.integration.test.ts): a Postgres of the run's own (initdb in a temp directory,
 * restartable), a redis-server of its own (stoppable), an HTTP client that never throws, and traffic that
 * tallies what people would have seen while a dependency was away.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { sleep, startProcess, stopProcess, type Proc } from "./processes";

export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** What a page must never show: a stack frame, a module path, a driver's error. */
export const STACK_TRACE = /\bat \S+ \(|node_modules\/|PrismaClient\w*Error|ECONNREFUSED|Can't reach database/;

export type OwnPostgres = {
  port: number;
  dir: string;
  url(database: string, user?: string): string;
  start(): void;
  /** `fast` cuts every connection (what a restart or failover does to clients). */
  stop(mode?: "fast" | "immediate"): void;
  createDatabase(name: string): void;
};

/** Runs a Postgres tool as the OS user postgres when we are root (initdb refuses root), else as ourselves. */
function asPostgres(args: string[]): string {
  if (process.getuid?.() !== 0) return execFileSync(args[0]!, args.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** initdb into `root`/pg and start on `port` (trust auth, loopback only). */
export function initOwnPostgres({ root, port, maxConnections = 200 }: { root: string; port: number; maxConnections?: number }): OwnPostgres {
  if (!fs.existsSync(`${PG_BIN}/initdb`)) throw new Error(`${PG_BIN}/initdb is missing: apt-get install -y postgresql`);
  fs.mkdirSync(root, { recursive: true });
  if (process.getuid?.() === 0) fs.chownSync(root, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()), 0);
  const dir = path.join(root, "pg");
  asPostgres([`${PG_BIN}/initdb`, "-D", dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const ctl = (...args: string[]) => asPostgres([`${PG_BIN}/pg_ctl`, "-D", dir, ...args]);
  const own: OwnPostgres = {
    port,
    dir,
    url: (database, user = "postgres") => `postgresql://${user}@127.0.0.1:${port}/${database}`,
    start: () => void ctl("-o", `-p ${port} -k ${root} -h 127.0.0.1 -c max_connections=${maxConnections} -c fsync=off`, "-l", path.join(root, "pg.log"), "-w", "start"),
    stop: (mode = "fast") => void ctl("-m", mode, "-w", "stop"),
    createDatabase: (name) => void execFileSync("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", `CREATE DATABASE ${name}`], { stdio: "pipe" }),
  };
  own.start();
  return own;
}

export type OwnRedis = { port: number; proc(): Proc | undefined; start(): Promise<void>; stop(): Promise<void> };

/** redis-server on `port`, nothing kept on disk (as the app's Redis: it may lose everything). */
export function ownRedis({ port, logDir }: { port: number; logDir: string }): OwnRedis {
  let proc: Proc | undefined;
  return {
    port,
    proc: () => proc,
    async start() {
      proc = startProcess("redis", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { logDir, env: process.env });
      for (let i = 0; i < 100; i++) {
        try {
          execFileSync("redis-cli", ["-p", String(port), "ping"], { stdio: "pipe" });
          return;
        } catch {
          await sleep(100);
        }
      }
      throw new Error(`redis-server on ${port} did not answer`);
    },
    async stop() {
      if (proc) await stopProcess(proc, 5_000);
    },
  };
}

export type Answer = { status: number; text: string; location: string | null; setCookie: string[]; instance: string | null; ms: number; headers?: Headers };

/** One request, redirects not followed, never throws (a refused connection is status 0). */
export async function send(
  base: string,
  p: string,
  { method = "GET", cookie, form, body, headers = {}, timeoutMs = 30_000 }: { method?: string; cookie?: string; form?: Record<string, string>; body?: FormData; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${p}`, {
      method,
      redirect: "manual",
      headers: { Accept: "text/html", "Accept-Language": "en", ...(cookie ? { Cookie: cookie } : {}), ...(method !== "GET" ? { Origin: base } : {}), ...headers },
      body: form ? new URLSearchParams(form) : body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text(), location: res.headers.get("location"), setCookie: res.headers.getSetCookie(), instance: res.headers.get("x-instance"), ms: Date.now() - started, headers: res.headers };
  } catch (err) {
    return { status: 0, text: err instanceof Error ? err.message : String(err), location: null, setCookie: [], instance: null, ms: Date.now() - started };
  }
}

/** Signs in with the demo password; the session cookie's name=value. */
export async function signIn(base: string, email: string, password = "demo1234"): Promise<string> {
  const a = await send(base, "/login", { method: "POST", form: { email, password } });
  const cookie = a.setCookie.map((s) => s.split(";")[0]!).find((s) => /af_session=./.test(s));
  if (!cookie) throw new Error(`could not sign in as ${email}: ${a.status} ${a.text.slice(0, 200)}`);
  return cookie;
}

/** The company and department a new draft of this user's is filed under (the claim form's two required fields). */
export async function draftFields(databaseUrl: string, email: string): Promise<Record<string, string>> {
  const db = await connectRetrying(databaseUrl);
  try {
    const { rows } = await db.query<{ companyId: string; departmentId: string }>(`SELECT company_id AS "companyId", department_id AS "departmentId" FROM app_user WHERE email = $1`, [email]);
    if (!rows[0]) throw new Error(`no user ${email}`);
    return { companyId: rows[0].companyId, departmentId: rows[0].departmentId };
  } finally {
    await db.end();
  }
}

export const claimIdFrom = (location: string | null): string | undefined => /\/claims\/([0-9a-f-]{36})\/edit/.exec(location ?? "")?.[1];

export type Tally = {
  requests: number;
  ok: number;
  unavailable: number;
  /** 503s that no app instance signed (X-Instance missing): the balancer's own page, not the app's. */
  unavailableNotFromApp: number;
  other: Map<string, number>;
  stackTraces: number;
  drafts: Set<string>;
  instances: Set<string>;
  /** Status of each answer in order with its time, for the report's timeline. */
  timeline: { at: number; status: number }[];
  examples: Map<number, string>;
};

/** An employee opening their claims and creating tagged drafts in a loop until `until()`; every answer counted. */
export async function traffic(base: string, cookie: string, tag: string, until: () => boolean, { pauseMs = 100, fields = {} }: { pauseMs?: number; fields?: Record<string, string> } = {}): Promise<Tally> {
  const tally: Tally = { requests: 0, ok: 0, unavailable: 0, unavailableNotFromApp: 0, other: new Map(), stackTraces: 0, drafts: new Set(), instances: new Set(), timeline: [], examples: new Map() };
  let i = 0;
  while (!until()) {
    i += 1;
    const page = await send(base, "/claims", { cookie, timeoutMs: 15_000 });
    const post = await send(base, "/claims/new", { method: "POST", cookie, form: { ...fields, purpose: `${tag} ${i}` }, timeoutMs: 15_000 });
    for (const a of [page, post]) {
      tally.requests += 1;
      tally.timeline.push({ at: Date.now(), status: a.status });
      if (a.instance) tally.instances.add(a.instance);
      if (STACK_TRACE.test(a.text)) tally.stackTraces += 1;
      if (!tally.examples.has(a.status)) tally.examples.set(a.status, a.text.replace(/\s+/g, " ").slice(0, 4000));
      if (a.status === 200 || a.status === 302 || a.status === 303) tally.ok += 1;
      else if (a.status === 503) {
        tally.unavailable += 1;
        if (!a.instance) tally.unavailableNotFromApp += 1;
      }
      else tally.other.set(String(a.status), (tally.other.get(String(a.status)) ?? 0) + 1);
    }
    const id = claimIdFrom(post.location);
    if ((post.status === 302 || post.status === 303) && id) tally.drafts.add(id);
    await sleep(pauseMs);
  }
  return tally;
}

/** A pg client, retrying while the server comes up. */
export async function connectRetrying(url: string, tries = 100): Promise<pg.Client> {
  for (let i = 0; ; i++) {
    const db = new pg.Client({ connectionString: url });
    try {
      await db.connect();
      return db;
    } catch (err) {
      await db.end().catch(() => undefined);
      if (i >= tries) throw err;
      await sleep(200);
    }
  }
}

/** The drafts the traffic made (by tag): their ids, and how many purposes occur more than once. */
export async function draftsInDb(db: pg.Client, tag: string): Promise<{ ids: Set<string>; dupes: number }> {
  const { rows } = await db.query<{ id: string; purpose: string }>(`SELECT id, purpose FROM claim WHERE purpose LIKE $1`, [`${tag} %`]);
  const purposes = new Map<string, number>();
  for (const r of rows) purposes.set(r.purpose, (purposes.get(r.purpose) ?? 0) + 1);
  return { ids: new Set(rows.map((r) => r.id)), dupes: [...purposes.values()].filter((n) => n > 1).length };
}

/** Database invariants after a fault: the outbox drained, no task twice, no row pointing at nothing, no file left half-done. */
export type Invariants = {
  /** Outbox rows not yet done, by job name. */
  outboxPending: Record<string, number>;
  /** (claim, type, step) with more than one live task: a job or a decision applied twice. */
  taskDupes: number;
  receiptsWithoutFile: number;
  filesProcessing: number;
  /** Upload allowance rows with no receipt of that file on that claim: an upload refused half-way that left a row. */
  usageWithoutReceipt: number;
};

export async function invariants(db: pg.Client): Promise<Invariants> {
  const one = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
  const pending = await db.query<{ job: string; n: string }>(`SELECT job_name AS job, count(*) AS n FROM outbox_event WHERE status <> 'DONE' GROUP BY job_name`);
  return {
    outboxPending: Object.fromEntries(pending.rows.map((r) => [r.job, Number(r.n)])),
    taskDupes: await one(`SELECT count(*) AS n FROM (SELECT 1 FROM task WHERE status <> 'CANCELLED' GROUP BY claim_id, type, step, claim_version HAVING count(*) > 1) d`),
    receiptsWithoutFile: await one(`SELECT count(*) AS n FROM receipt r LEFT JOIN stored_file f ON f.sha256 = r.file_sha256 WHERE f.sha256 IS NULL`),
    filesProcessing: await one(`SELECT count(*) AS n FROM stored_file WHERE status = 'PROCESSING'`),
    usageWithoutReceipt: await one(`SELECT count(*) AS n FROM upload_usage u WHERE u.claim_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.claim_id = u.claim_id AND r.file_sha256 = u.sha256)`),
  };
}

export const pendingTotal = (i: Invariants): number => Object.values(i.outboxPending).reduce((a, b) => a + b, 0);
