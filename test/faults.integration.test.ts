/**
 * Faults survived (issue 13), compact enough for verify: the chaos run's building blocks
 * (scripts/lib/faults.ts) on a Postgres and a redis-server of the test's own (initdb in a temp directory,
 * free ports; the shared ones are never touched), the real web server and a worker as child processes:
 *  - Postgres restarted while requests flow: each answer is a success or the 503 "try again" page, never
 *    a stack trace; the same processes answer again once it is back; no draft lost or doubled;
 *  - Redis stopped: pages load, a draft and a receipt upload commit, the upload's imaging job waits in the
 *    outbox and is delivered and done once Redis is back;
 *  - the worker killed (SIGKILL) while its job runs: the job is taken over after its lock and done once.
 * `npm run chaos` is the long version (two instances behind HAProxy, a minute without Redis, the store).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimIdFrom, connectRetrying, draftFields, draftsInDb, initOwnPostgres, invariants, ownRedis, send, signIn, STACK_TRACE, traffic, type OwnPostgres, type OwnRedis } from "../scripts/lib/faults";
import { freePort, isRunning, killProcess, sleep, startProcess, stopProcess, tail, waitForHttp, type Proc } from "../scripts/lib/processes";
import { noiseJpeg } from "./imaging-inputs";

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "af-faults-"));
const QUEUE_PREFIX = "affaults";
let pg: OwnPostgres;
let redis: OwnRedis;
let web: Proc;
let worker: Proc;
let base = "";
let dbUrl = "";
let env: NodeJS.ProcessEnv;
let cookie = "";
let fields: Record<string, string> = {};
let workerRun = 0;

function startWorker(): Proc {
  workerRun += 1;
  worker = startProcess(`worker-${workerRun}`, process.execPath, ["--import", "tsx", "workers/index.ts", "--only", "relay,imaging"], { logDir: ROOT, env: { ...env, INSTANCE_NAME: `worker-${workerRun}` } });
  return worker;
}

async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const db = await connectRetrying(dbUrl);
  try {
    return (await db.query<T>(sql, params)).rows;
  } finally {
    await db.end();
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; worker log:\n${tail(worker.log)}`);
    await sleep(200);
  }
}

async function uploadJpeg(claimId: string, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append("receipts", new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), name);
  return send(base, `/claims/${claimId}/receipts`, { method: "POST", cookie, body: form, headers: { Accept: "application/json" } });
}

const imagingRow = (claimId: string) =>
  query<{ sha: string; file: string; outbox: string | null; attempts: number | null }>(
    `SELECT f.sha256 AS sha, f.status::text AS file, o.status::text AS outbox, o.attempts FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 LEFT JOIN outbox_event o ON o.job_key = 'imaging-' || f.sha256 WHERE r.claim_id = $1`,
    [claimId],
  );

function activeImagingJobs(): number {
  const keys = execFileSync("redis-cli", ["-p", String(redis.port), "--scan", "--pattern", `${QUEUE_PREFIX}*imaging*:active`], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  return keys.reduce((n, k) => n + Number(execFileSync("redis-cli", ["-p", String(redis.port), "LLEN", k], { encoding: "utf8" }).trim()), 0);
}

beforeAll(async () => {
  const [pgPort, redisPort, webPort] = [await freePort(), await freePort(), await freePort()];
  pg = initOwnPostgres({ root: ROOT, port: pgPort, maxConnections: 60 });
  redis = ownRedis({ port: redisPort, logDir: ROOT });
  await redis.start();
  pg.createDatabase("af_faults");
  dbUrl = pg.url("af_faults");
  env = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: dbUrl,
    REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
    QUEUE_PREFIX,
    STORAGE_DRIVER: "local",
    STORAGE_DIR: path.join(ROOT, "storage"),
    SESSION_SECRET: randomBytes(32).toString("base64"),
    ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true",
    SEED_CLAIMS: "0",
    // A dead worker's job is taken over after its lock expires: short here, 30 s in production.
    WORKER_LOCK_MS: "2000",
    IMAGING_CONCURRENCY: "1",
  };
  for (const k of ["APP_DATABASE_URL", "DATABASE_REPLICA_URL", "BANK_LINK_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES", "S3_ENDPOINT", "S3_BUCKET"]) delete env[k];
  execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], { env, stdio: "pipe" });
  execFileSync(process.execPath, ["--import", "tsx", "prisma/seed.ts", "--reset", "--phase", "data"], { env, stdio: "pipe" });
  web = startProcess("web", process.execPath, ["--import", "tsx", "server.ts"], { logDir: ROOT, env: { ...env, PORT: String(webPort), INSTANCE_NAME: "web-faults" } });
  startWorker();
  base = `http://127.0.0.1:${webPort}`;
  await waitForHttp(`${base}/healthz`, { proc: web, timeoutMs: 120_000 });
  cookie = await signIn(base, "employee@demo.af");
  fields = await draftFields(dbUrl, "employee@demo.af");
}, 180_000);

afterAll(async () => {
  await Promise.all([web && stopProcess(web, 5_000), worker && stopProcess(worker, 5_000)]);
  await redis?.stop();
  try {
    pg?.stop("immediate");
  } catch {
    // already down
  }
  fs.rmSync(ROOT, { recursive: true, force: true });
}, 30_000);

describe("faults survived", () => {
  it("Postgres restarted while requests flow: 503 or success, never a stack trace, recovery without a restart, nothing lost or doubled", async () => {
    const tag = `faults-pg-${Date.now()}`;
    let done = false;
    const load = traffic(base, cookie, tag, () => done, { pauseMs: 50, fields });
    await sleep(1_500);
    pg.stop("fast");
    await sleep(3_000);
    pg.start();
    const back = Date.now();
    await until("a page after the restart", async () => (await send(base, "/claims", { cookie })).status === 200, 30_000);
    const recoveryMs = Date.now() - back;
    await sleep(1_000);
    done = true;
    const t = await load;

    expect(t.stackTraces, JSON.stringify(Object.fromEntries(t.examples))).toBe(0);
    // Refused connections (0) or 500s would show here: only successes and the 503 page are allowed.
    expect(Object.fromEntries(t.other), JSON.stringify(Object.fromEntries(t.examples))).toEqual({});
    expect(t.unavailable).toBeGreaterThan(0);
    expect(t.unavailableNotFromApp).toBe(0);
    expect(t.ok).toBeGreaterThan(0);
    expect(t.examples.get(503)).toMatch(/Temporarily unavailable|暂时无法访问/);
    expect(recoveryMs).toBeLessThan(15_000);
    expect(isRunning(web)).toBe(true);
    expect(isRunning(worker)).toBe(true);
    const db = await connectRetrying(dbUrl);
    const inDb = await draftsInDb(db, tag).finally(() => db.end());
    expect([...t.drafts].filter((id) => !inDb.ids.has(id))).toEqual([]);
    expect(inDb.dupes).toBe(0);
    expect(t.drafts.size).toBeGreaterThan(0);
  }, 60_000);

  it("Redis stopped, then back: pages load, a draft and an upload commit, the upload's job waits in the outbox and is done once Redis returns", async () => {
    await redis.stop();
    const page = await send(base, "/claims", { cookie });
    expect(page.status).toBe(200);
    expect(STACK_TRACE.test(page.text)).toBe(false);
    const ready = await send(base, "/readyz");
    expect(JSON.parse(ready.text)).toMatchObject({ postgres: "up", redis: "down" });
    const draft = await send(base, "/claims/new", { method: "POST", cookie, form: { ...fields, purpose: "faults redis" } });
    const claimId = claimIdFrom(draft.location);
    expect(claimId, `${draft.status} ${draft.text.slice(0, 300)}`).toBeTruthy();
    const up = await uploadJpeg(claimId!, await noiseJpeg(800, 600, 0.23), "taxi.jpg");
    expect(up.status, up.text).toBe(200);
    await sleep(1_500);
    const held = await imagingRow(claimId!);
    expect(held).toEqual([expect.objectContaining({ file: "PROCESSING", outbox: "PENDING" })]);

    await redis.start();
    const done = await until("the held imaging job", async () => {
      const rows = await imagingRow(claimId!);
      return rows.length === 1 && rows[0]!.file !== "PROCESSING" && rows[0]!.outbox === "DONE" ? rows : undefined;
    }, 40_000);
    expect(done[0]!.file).toBe("READY");
    expect((await query<{ n: string }>(`SELECT count(*) AS n FROM outbox_event WHERE job_key = $1`, [`imaging-${done[0]!.sha}`]))[0]!.n).toBe("1");
    expect(isRunning(web)).toBe(true);
  }, 60_000);

  it("the worker killed mid-job: the job is taken over after its lock and done once", async () => {
    const draft = await send(base, "/claims/new", { method: "POST", cookie, form: { ...fields, purpose: "faults worker" } });
    const claimId = claimIdFrom(draft.location)!;
    const up = await uploadJpeg(claimId, await noiseJpeg(3000, 4000, 0.71), "large.jpg");
    expect(up.status, up.text).toBe(200);
    await until("the imaging job to be active", async () => activeImagingJobs() > 0, 20_000);
    await killProcess(worker);
    expect((await imagingRow(claimId))[0]!.file).toBe("PROCESSING");
    const second = startWorker();
    const done = await until("the job after the kill", async () => {
      const rows = await imagingRow(claimId);
      return rows[0]?.file !== "PROCESSING" && rows[0]?.outbox === "DONE" ? rows : undefined;
    }, 45_000);
    expect(done).toHaveLength(1);
    expect(done[0]!.file).toBe("READY");
    // The new worker found the dead one's job stalled and ran it again (run-worker.ts logs it).
    expect(fs.readFileSync(second.log, "utf8")).toMatch(/stalled \S+: its worker stopped; retrying/);
    const inv = await (async () => {
      const db = await connectRetrying(dbUrl);
      return invariants(db).finally(() => db.end());
    })();
    expect(inv.filesProcessing).toBe(0);
    expect(inv.receiptsWithoutFile).toBe(0);
    expect(inv.taskDupes).toBe(0);
    expect(inv.outboxPending["render-receipt"] ?? 0).toBe(0);
  }, 60_000);
});
