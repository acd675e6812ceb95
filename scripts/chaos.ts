/**
 * npm run chaos: faults survived (issue 13), against a Postgres, a Redis and an object store of the run's
 * own (initdb in a temporary directory, redis-server, s3rver in this process; ports CHAOS_PORT … +5,
 * default 5590) — never the shared 5432/6379 — and the app as it is deployed: two web instances behind
 * HAProxy and two workers (scripts/instances.ts), STORAGE_DRIVER=s3. Writes docs/chaos-report.md (what
 * was done, what was seen, timings, database invariants, pass/fail per case, the date) and ends with one
 * JSON line. Heavy (about five minutes): a command, not part of verify — test/faults.integration.test.ts
 * is the compact version that is.
 *
 *   npm run chaos                       every case
 *   CHAOS_REDIS_DOWN_S=60               how long Redis stays down (default 60)
 *   CHAOS_CASES=pg,redis,web,worker,store   a subset
 *   CHAOS_REPORT=path                   where the report goes (default docs/chaos-report.md)
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type pg from "pg";
import sharp from "sharp";
import { startInstances, type Instances } from "./instances";
import { claimIdFrom, connectRetrying, draftFields, draftsInDb, initOwnPostgres, invariants, ownRedis, pendingTotal, send, signIn, STACK_TRACE, traffic, type Invariants, type OwnPostgres, type Tally } from "./lib/faults";
import { isRunning, sleep } from "./lib/processes";
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from "./s3-server";

const BASE_PORT = Number(process.env.CHAOS_PORT ?? 5590);
const PG_PORT = BASE_PORT;
const REDIS_PORT = BASE_PORT + 1;
const LB_PORT = BASE_PORT + 2;
const WEB_PORTS = [BASE_PORT + 3, BASE_PORT + 4];
const S3_PORT = BASE_PORT + 5;
const BUCKET = "af-chaos";
const STALE_UPLOAD_HOURS = 6;
const REDIS_DOWN_S = Number(process.env.CHAOS_REDIS_DOWN_S ?? 60);
const PG_DOWN_S = 8;
const CASES = new Set((process.env.CHAOS_CASES ?? "pg,redis,web,worker,store").split(","));
const REPORT = process.env.CHAOS_REPORT ?? "docs/chaos-report.md";
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "af-chaos-"));
const STORAGE = path.join(ROOT, "storage");
const S3_DIR = path.join(ROOT, "s3");

type Result = { key: string; name: string; pass: boolean | "skipped"; did: string[]; saw: string[]; checks: [string, boolean][]; timings: Record<string, number> };
const results: Result[] = [];
const say = (m: string) => console.log(`[chaos] ${new Date().toISOString().slice(11, 19)} ${m}`);

let postgres: OwnPostgres;
const redis = ownRedis({ port: REDIS_PORT, logDir: ROOT });
let s3: LocalS3;
const dbUrl = () => postgres.url("af_chaos");
/** The employee's company and department: the new-claim form's required fields. */
let employeeFields: Record<string, string> = {};
const s3Client = new S3Client({ endpoint: `http://127.0.0.1:${S3_PORT}`, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS });

function appEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: dbUrl(),
    REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}/0`,
    QUEUE_PREFIX: "afchaos",
    STORAGE_DIR: STORAGE,
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: `http://127.0.0.1:${S3_PORT}`,
    S3_BUCKET: BUCKET,
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    SESSION_SECRET: Buffer.from(createHash("sha256").update(ROOT).digest()).toString("base64"),
    ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true",
    SEED_CLAIMS: "0",
  };
  for (const k of ["APP_DATABASE_URL", "DATABASE_REPLICA_URL", "BANK_LINK_URL", "TILE_DELIVERY", "S3_PUBLIC_ENDPOINT", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"]) delete env[k];
  return env;
}

async function withDb<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = await connectRetrying(dbUrl());
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const statuses = (t: Tally) => `${t.ok} answered (200/302/303), ${t.unavailable} got 503 "try again" (${t.unavailableNotFromApp} of them not from the app)${t.other.size ? `, others ${JSON.stringify(Object.fromEntries(t.other))}` : ""}`;
const describeInvariants = (i: Invariants) =>
  `outbox rows not done: ${pendingTotal(i)}${pendingTotal(i) ? ` ${JSON.stringify(i.outboxPending)}` : ""}; live tasks doubled: ${i.taskDupes}; receipts without a stored file: ${i.receiptsWithoutFile}; files still PROCESSING: ${i.filesProcessing}; upload-allowance rows without their receipt: ${i.usageWithoutReceipt}`;

/** Waits until the outbox is drained and no file is processing; returns the state and how long it took. */
async function settle(timeoutMs: number): Promise<{ inv: Invariants; ms: number }> {
  const t0 = Date.now();
  let inv = await withDb(invariants);
  while ((pendingTotal(inv) > 0 || inv.filesProcessing > 0) && Date.now() - t0 < timeoutMs) {
    await sleep(500);
    inv = await withDb(invariants);
  }
  return { inv, ms: Date.now() - t0 };
}

const invariantChecks = (i: Invariants): [string, boolean][] => [
  ["outbox drained", pendingTotal(i) === 0],
  ["no task doubled", i.taskDupes === 0],
  ["no orphan rows (receipt without file, allowance without receipt)", i.receiptsWithoutFile === 0 && i.usageWithoutReceipt === 0],
  ["no file left half-processed", i.filesProcessing === 0],
];

/** Every original in the bucket is named by its SHA-256: a half-written object cannot hide. Also counts leftover local temp files. */
async function storeIntegrity(): Promise<{ originals: number; bad: string[]; objects: number; temp: number }> {
  const bad: string[] = [];
  let originals = 0;
  let objects = 0;
  let token: string | undefined;
  do {
    const page = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      objects += 1;
      const m = /^originals\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(o.Key ?? "");
      if (!m) continue;
      originals += 1;
      const body = await (await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key }))).Body!.transformToByteArray();
      if (createHash("sha256").update(body).digest("hex") !== m[1]) bad.push(o.Key!);
    }
    token = page.NextContinuationToken;
  } while (token);
  const tmp = path.join(STORAGE, "tmp");
  const temp = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((n) => n.startsWith("upload-")).length : 0;
  return { originals, bad, objects, temp };
}

async function newDraft(base: string, cookie: string, purpose: string): Promise<string> {
  const draft = await send(base, "/claims/new", { method: "POST", cookie, form: { ...employeeFields, purpose } });
  const id = claimIdFrom(draft.location);
  if (!id) throw new Error(`no draft: ${draft.status} ${draft.text.slice(0, 300)}`);
  return id;
}

async function upload(base: string, cookie: string, claimId: string, files: { name: string; bytes: Buffer; type: string }[], locale?: "en" | "zh-CN") {
  const form = new FormData();
  for (const f of files) form.append("receipts", new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  return send(base, `/claims/${claimId}/receipts`, { method: "POST", cookie: locale ? `${cookie}; ${localeCookie(locale)}` : cookie, body: form, headers: { Accept: "application/json" }, timeoutMs: 60_000 });
}

/** A photo-like JPEG of gaussian noise (compresses like a busy photo; `seed` makes each one distinct). */
function noisePhoto(width: number, height: number, seed: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 60 + ((seed * 37) % 130), sigma: 40 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** The app's language cookie (unsigned, as Remix encodes it): it wins over the profile and Accept-Language. */
const localeCookie = (locale: "en" | "zh-CN") => `af_lng=${encodeURIComponent(Buffer.from(JSON.stringify(locale)).toString("base64"))}`;

/** What a person reads on a page: the body's text, tags and the head left out. */
const pageText = (html: string) =>
  html
    .replace(/<head>.*?<\/head>/s, "")
    .replace(/<script.*?(<\/script>|$)/gs, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** Answers by status between two instants (the gap), e.g. {"503": 40}. */
function between(t: Tally, from: number, to: number): string {
  const counts: Record<string, number> = {};
  for (const x of t.timeline) if (x.at >= from && x.at <= to) counts[x.status] = (counts[x.status] ?? 0) + 1;
  return JSON.stringify(counts);
}

function firstAndLast(t: Tally, status: number, since: number): string {
  const hits = t.timeline.filter((x) => x.status === status);
  if (!hits.length) return "none";
  return `first ${secs(hits[0]!.at - since)}, last ${secs(hits.at(-1)!.at - since)} after the fault`;
}

async function casePostgresRestart(c: Instances): Promise<Result> {
  const r: Result = { key: "pg", name: "Postgres restarted under traffic", pass: false, did: [], saw: [], checks: [], timings: {} };
  const cookie = await signIn(c.base, "employee@demo.af");
  const tag = `chaos-pg-${Date.now()}`;
  const pids = [...c.webs.values()].map((w) => w.proc.child.pid).concat([...c.workers.values()].map((p) => p.child.pid));
  let done = false;
  const load = traffic(c.base, cookie, tag, () => done, { fields: employeeFields });
  await sleep(3_000);
  const t0 = Date.now();
  postgres.stop("fast");
  const stoppedMs = Date.now() - t0;
  r.did.push(
    "an employee opens /claims and creates a draft claim in a loop through the balancer (two requests, then 100 ms)",
    `after 3 s: \`pg_ctl stop -m fast\` (every connection cut; took ${secs(stoppedMs)}), ${PG_DOWN_S} s down, \`pg_ctl start\``,
  );
  await sleep(PG_DOWN_S * 1000);
  postgres.start();
  const downMs = Date.now() - t0;
  let recoveredMs = -1;
  for (let i = 0; i < 150; i++) {
    const a = await send(c.base, "/claims", { cookie });
    if (a.status === 200) {
      recoveredMs = Date.now() - t0 - downMs;
      break;
    }
    await sleep(200);
  }
  await sleep(3_000);
  done = true;
  const t = await load;
  const inDb = await withDb((db) => draftsInDb(db, tag));
  const { inv, ms: settleMs } = await settle(30_000);
  const lost = [...t.drafts].filter((id) => !inDb.ids.has(id)).length;
  const unanswered = [...inDb.ids].filter((id) => !t.drafts.has(id)).length;
  const all = [...c.webs.values()].map((w) => w.proc).concat([...c.workers.values()]);
  const samePids = all.every((p, i) => p.child.pid === pids[i] && isRunning(p));
  r.timings = { pg_down_ms: downMs, recovery_after_pg_back_ms: recoveredMs, settle_ms: settleMs };
  r.saw.push(
    `${t.requests} requests on ${[...t.instances].sort().join(" + ")}: ${statuses(t)}; pages showing a stack trace or driver error: ${t.stackTraces}`,
    `answers while Postgres was down, by status: ${between(t, t0, t0 + downMs)}; after it was back: ${between(t, t0 + downMs, Date.now())}`,
    `503 answers: ${firstAndLast(t, 503, t0)}; what the page says: "${pageText(t.examples.get(503) ?? "").slice(0, 200)}"`,
    `Postgres down ${secs(downMs)}; pages answered 200 again ${recoveredMs >= 0 ? `${secs(recoveredMs)} after it was back` : "never (within 30 s)"}; web and worker processes not restarted (same pids, running): ${samePids}`,
    `drafts confirmed to the client ${t.drafts.size}, in the database ${inDb.ids.size}: confirmed but missing ${lost}, doubled ${inDb.dupes}, committed without the client hearing of it (answer lost with the connection) ${unanswered}`,
    `database afterwards: ${describeInvariants(inv)}`,
  );
  r.checks = [
    ["no stack trace or driver error shown", t.stackTraces === 0],
    ["every answer 2xx/3xx or 503 (a refused connection counts as a failure)", t.other.size === 0],
    ["the gap was seen (some 503s), each the app's own page", t.unavailable > 0 && t.unavailableNotFromApp === 0],
    ["pages answer again without restarting anything", recoveredMs >= 0 && samePids],
    ["no confirmed draft lost, none doubled", lost === 0 && inDb.dupes === 0],
    ...invariantChecks(inv),
  ];
  return r;
}

async function caseRedisStopped(c: Instances): Promise<Result> {
  const r: Result = { key: "redis", name: `Redis stopped for ${REDIS_DOWN_S} s`, pass: false, did: [], saw: [], checks: [], timings: {} };
  const cookie = await signIn(c.base, "employee@demo.af");
  const supervisor = await signIn(c.base, "supervisor@demo.af");
  const tag = `chaos-redis-${Date.now()}`;
  const claimId = await newDraft(c.base, cookie, `chaos-redis-upload-${Date.now()}`);
  const controller = new AbortController();
  const events: { at: number; text: string }[] = [];
  const stream = fetch(`${c.base}/board/events`, { headers: { Accept: "text/event-stream", Cookie: supervisor }, signal: controller.signal })
    .then(async (res) => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const block of decoder.decode(value, { stream: true }).split("\n\n")) if (block.startsWith("event: link")) events.push({ at: Date.now(), text: block.replace(/\n/g, " ") });
      }
    })
    .catch(() => undefined);
  await sleep(3_000);
  let done = false;
  const load = traffic(c.base, cookie, tag, () => done, { fields: employeeFields });
  const t0 = Date.now();
  await redis.stop();
  r.did.push(
    `redis-server stopped (SIGTERM) under the same traffic, a supervisor's board event stream open through the balancer; started again (empty: nothing persisted) after ${REDIS_DOWN_S} s`,
    "10 s into the outage the employee uploads a receipt (its imaging job can only go to the outbox)",
  );
  await sleep(2_000);
  const ready = await send(c.base, "/readyz");
  const board = await send(c.base, "/board", { cookie: supervisor });
  await sleep(8_000);
  const up = await upload(c.base, cookie, claimId, [{ name: "during-outage.jpg", bytes: await noisePhoto(1600, 1200, 7), type: "image/jpeg" }]);
  await sleep(Math.max(0, REDIS_DOWN_S * 1000 - (Date.now() - t0)));
  const during = await withDb(invariants);
  await redis.start();
  const back = Date.now();
  let caughtUpMs = -1;
  for (let i = 0; i < 120; i++) {
    const inv = await withDb(invariants);
    if (pendingTotal(inv) === 0 && inv.filesProcessing === 0) {
      caughtUpMs = Date.now() - back;
      break;
    }
    await sleep(500);
  }
  await sleep(2_000);
  done = true;
  const t = await load;
  controller.abort();
  await stream;
  const inDb = await withDb((db) => draftsInDb(db, tag));
  const file = await withDb(async (db) => (await db.query<{ status: string }>(`SELECT f.status::text AS status FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 WHERE r.claim_id = $1`, [claimId])).rows);
  const { inv } = await settle(10_000);
  const lost = [...t.drafts].filter((id) => !inDb.ids.has(id)).length;
  const down = events.find((e) => e.text.includes('"up":false'));
  const upAgain = events.find((e) => e.text.includes('"up":true'));
  r.timings = { redis_down_ms: back - t0, outbox_caught_up_after_redis_back_ms: caughtUpMs };
  r.saw.push(
    `${t.requests} requests: ${statuses(t)}; stack traces ${t.stackTraces}; while Redis was down, by status: ${between(t, t0, back)}`,
    `/readyz 2 s into the outage: ${ready.status} ${ready.text}; the board page: ${board.status}`,
    `the upload during the outage: ${up.status}; its file afterwards: ${JSON.stringify(file)}`,
    `drafts confirmed ${t.drafts.size}, in the database ${inDb.ids.size}, missing ${lost}, doubled ${inDb.dupes}`,
    `outbox rows held while Redis was down: ${pendingTotal(during)} ${JSON.stringify(during.outboxPending)}; all delivered and done ${caughtUpMs >= 0 ? `${secs(caughtUpMs)} after Redis returned` : "not within 60 s"}`,
    `board stream: ${down ? `"up":false ${secs(down.at - t0)} after the stop` : "no down event"}; ${upAgain ? `"up":true ${secs(upAgain.at - back)} after Redis returned` : "no up event"}`,
    `database afterwards: ${describeInvariants(inv)}`,
  );
  r.checks = [
    ["no stack trace", t.stackTraces === 0],
    ["claim pages and new drafts all answered (no 503) without Redis", t.unavailable === 0 && t.other.size === 0],
    ["readiness says degraded (200), the board page loads", ready.status === 200 && board.status === 200],
    ["the upload committed during the outage and its job ran after", up.status === 200 && file.length === 1 && file[0]!.status === "READY"],
    ["the outbox held jobs and delivered them after Redis returned", pendingTotal(during) > 0 && caughtUpMs >= 0],
    ["no confirmed draft lost, none doubled", lost === 0 && inDb.dupes === 0],
    ["the board said it was reconnecting, then live again", Boolean(down && upAgain)],
    ...invariantChecks(inv),
  ];
  return r;
}

async function caseWebKilledMidUpload(c: Instances): Promise<Result> {
  const r: Result = { key: "web", name: "A web instance killed mid-upload", pass: false, did: [], saw: [], checks: [], timings: {} };
  const web = c.webs.get("web-1")!;
  const direct = `http://127.0.0.1:${web.port}`;
  const cookie = await signIn(direct, "employee@demo.af");
  const claimId = await newDraft(direct, cookie, "chaos upload");
  const jpeg = await noisePhoto(1200, 900, 3);
  const boundary = "chaosboundary";
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="receipts"; filename="r.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  const half = jpeg.subarray(0, Math.floor(jpeg.length / 2));
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const body = new ReadableStream<Uint8Array>({
    async start(ctrl) {
      ctrl.enqueue(head);
      ctrl.enqueue(half);
      await held;
      ctrl.close();
    },
  });
  const uploadOutcome = fetch(`${direct}/claims/${claimId}/receipts`, { method: "POST", headers: { Cookie: cookie, Origin: direct, "Content-Type": `multipart/form-data; boundary=${boundary}` }, body, duplex: "half" } as RequestInit).then(
    (res) => String(res.status),
    (err: unknown) => `failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`,
  );
  await sleep(1_500);
  const tempDuring = (await storeIntegrity()).temp;
  const t0 = Date.now();
  await c.kill("web-1");
  r.did.push(`an upload of a ${jpeg.length}-byte JPEG straight to web-1 stopped half-way (${half.length} bytes sent), web-1 killed with SIGKILL, then started again`);
  const outcome = await Promise.race([uploadOutcome, sleep(10_000).then(() => "no answer within 10 s")]);
  release();
  const viaBalancer: string[] = [];
  for (let i = 0; i < 4; i++) {
    const a = await send(c.base, "/claims", { cookie });
    viaBalancer.push(`${a.status} from ${a.instance}`);
  }
  const restart0 = Date.now();
  await c.startWeb("web-1");
  const restartMs = Date.now() - restart0;
  // The same upload again, whole, through the balancer: it is the client's retry.
  const retry = await upload(c.base, cookie, claimId, [{ name: "r.jpg", bytes: jpeg, type: "image/jpeg" }]);
  const receipts = await withDb(async (db) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM receipt WHERE claim_id = $1`, [claimId])).rows[0]!.n));
  const { inv } = await settle(60_000);
  const store = await storeIntegrity();
  r.timings = { web_restart_ms: restartMs, killed_at_ms: t0 };
  r.saw.push(
    `the client's upload: ${outcome}; a temporary file existed while it streamed: ${tempDuring > 0}`,
    `meanwhile through the balancer: ${viaBalancer.join(", ")} (HAProxy takes web-1 out after its health checks fail; a request to the dead instance is retried elsewhere because its connection failed)`,
    `web-1 back in ${secs(restartMs)}; the client's retry of the whole upload: ${retry.status}; receipt rows for the claim: ${receipts}`,
    `bucket: ${store.objects} objects, ${store.originals} originals, whose content does not match their name: ${store.bad.length}; leftover upload temp files on web-1's disk: ${store.temp}`,
    `database afterwards: ${describeInvariants(inv)}`,
  );
  r.checks = [
    ["the cut upload left no receipt row; the retry made exactly one", receipts === 1 && retry.status === 200],
    ["no half-written object (every original's digest matches its name)", store.bad.length === 0],
    ["the balancer kept answering from web-2", viaBalancer.every((v) => v.startsWith("200"))],
    ...invariantChecks(inv),
  ];
  if (store.temp > 0) r.saw.push(`note: the killed process could not remove its ${store.temp} temp file(s) under tmp/ (never read as a stored file: stored objects are named by their digest); uploads sweep temp files older than ${STALE_UPLOAD_HOURS} h (app/utils/upload.server.ts, sweepStaleUploads)`);
  return r;
}

async function activeImagingJobs(): Promise<number> {
  try {
    const keys = execFileSync("redis-cli", ["-p", String(REDIS_PORT), "--scan", "--pattern", "afchaos*imaging*:active"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    let n = 0;
    for (const k of keys) n += Number(execFileSync("redis-cli", ["-p", String(REDIS_PORT), "LLEN", k], { encoding: "utf8" }).trim());
    return n;
  } catch {
    return 0;
  }
}

async function caseWorkerKilledInLoop(c: Instances): Promise<Result> {
  const r: Result = { key: "worker", name: "Workers killed in a loop mid-job", pass: false, did: [], saw: [], checks: [], timings: {} };
  const cookie = await signIn(c.base, "employee@demo.af");
  const claimId = await newDraft(c.base, cookie, "chaos imaging");
  const files = [
    { name: "big-1.jpg", bytes: await noisePhoto(3000, 4000, 11), type: "image/jpeg" },
    { name: "big-2.jpg", bytes: await noisePhoto(3000, 4000, 12), type: "image/jpeg" },
    { name: "two-page.pdf", bytes: fs.readFileSync(path.resolve("test/fixtures/two-page.pdf")), type: "application/pdf" },
  ];
  const t0 = Date.now();
  const up = await upload(c.base, cookie, claimId, files);
  const kills: string[] = [];
  for (let round = 0; round < 2; round++) {
    let active = 0;
    for (let i = 0; i < 100 && active === 0; i++) {
      active = await activeImagingJobs();
      if (active === 0) await sleep(100);
    }
    await sleep(300);
    await Promise.all([c.kill("worker-1"), c.kill("worker-2")]);
    kills.push(`round ${round + 1}: ${active} imaging job(s) active, both workers SIGKILLed ${secs(Date.now() - t0)} after the upload`);
    c.startWorker("worker-1");
    c.startWorker("worker-2");
    if (round === 0) await sleep(2_000);
  }
  r.did.push(
    `three receipts uploaded (two 3000×4000 JPEGs and a two-page PDF: imaging jobs of seconds each), then twice: wait until an imaging job is active in Redis, SIGKILL both workers, start them again`,
    ...kills,
  );
  let rows: { name: string; status: string; pages: number | null }[] = [];
  let doneMs = -1;
  for (let i = 0; i < 240; i++) {
    rows = await withDb(async (db) => (await db.query<{ name: string; status: string; pages: number | null }>(`SELECT r.file_name AS name, f.status::text AS status, f.page_count AS pages FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 WHERE r.claim_id = $1 ORDER BY r.file_name`, [claimId])).rows);
    if (rows.length === 3 && rows.every((x) => x.status !== "PROCESSING")) {
      doneMs = Date.now() - t0;
      break;
    }
    await sleep(1_000);
  }
  const outbox = await withDb(async (db) => (await db.query<{ key: string; status: string; attempts: number }>(`SELECT job_key AS key, status::text AS status, attempts FROM outbox_event WHERE job_key LIKE 'imaging-%' AND job_key IN (SELECT 'imaging-' || r.file_sha256 FROM receipt r WHERE r.claim_id = $1)`, [claimId])).rows);
  // The readings the finished imaging queued are jobs too (killed workers' locks expire first): wait for them.
  const { inv, ms: settleMs } = await settle(150_000);
  const store = await storeIntegrity();
  const stalls = [...c.workers.values()].map((p) => (fs.existsSync(p.log) ? (fs.readFileSync(p.log, "utf8").match(/stalled /g) ?? []).length : 0)).reduce((a, b) => a + b, 0);
  r.timings = { all_ready_after_upload_ms: doneMs, outbox_drained_after_ready_ms: settleMs };
  r.saw.push(
    `upload answered ${up.status}; the files: ${JSON.stringify(rows)}, all done ${doneMs >= 0 ? `${secs(doneMs)} after the upload` : "not within 4 min"} (a dead worker's job is taken over after its lock, WORKER_LOCK_MS 30 s, expires)`,
    `their outbox rows: ${JSON.stringify(outbox)}; "stalled … retrying" lines in the worker logs: ${stalls}`,
    `bucket originals whose content does not match their name: ${store.bad.length} (of ${store.originals})`,
    `database afterwards: ${describeInvariants(inv)}`,
  );
  r.checks = [
    ["every job retried and finished (READY)", rows.length === 3 && rows.every((x) => x.status === "READY")],
    ["each done once (one outbox row per file, DONE)", outbox.length === 3 && outbox.every((o) => o.status === "DONE")],
    ["no half-written object", store.bad.length === 0],
    ...invariantChecks(inv),
  ];
  return r;
}

async function caseObjectStoreDown(c: Instances): Promise<Result> {
  const r: Result = { key: "store", name: "The object store unavailable", pass: false, did: [], saw: [], checks: [], timings: {} };
  const cookie = await signIn(c.base, "employee@demo.af");
  const claimId = await newDraft(c.base, cookie, "chaos store");
  const first = await upload(c.base, cookie, claimId, [{ name: "before.jpg", bytes: await noisePhoto(1200, 900, 21), type: "image/jpeg" }]);
  const receiptId = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM receipt WHERE claim_id = $1`, [claimId])).rows[0]?.id);
  if (first.status !== 200 || !receiptId) throw new Error(`first upload: ${first.status} ${first.text.slice(0, 200)}`);
  for (let i = 0; i < 120; i++) {
    const st = await withDb(async (db) => (await db.query<{ s: string }>(`SELECT f.status::text AS s FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 WHERE r.id = $1`, [receiptId])).rows[0]?.s);
    if (st !== "PROCESSING") break;
    await sleep(500);
  }
  // What a viewer fetched before the outage: the descriptor and a tile, with the headers the app sent.
  const tilePath = `/files/receipts/${receiptId}/p1_files/11/1_1.jpg`;
  const tile = await fetch(`${c.base}${tilePath}`, { headers: { Cookie: cookie } });
  const tileBytes = Buffer.from(await tile.arrayBuffer());
  const cacheControl = tile.headers.get("cache-control");
  const etag = tile.headers.get("etag");
  const stranger = await signIn(c.base, "employee2@demo.af").catch(() => "");
  const strangerStatus = stranger ? (await send(c.base, tilePath, { cookie: stranger })).status : -1;

  const t0 = Date.now();
  await s3.close();
  r.did.push(
    "an employee uploads a receipt; once rendered the viewer fetches a tile (headers kept, as a browser cache would)",
    "s3rver stopped (the process's listener closed: connection refused, as a store outage looks to a client)",
    "then: a new upload of another receipt; the cached tile revalidated (If-None-Match); a tile never fetched; the claim page; s3rver started again and the upload repeated",
  );
  const beforeRows = await withDb(async (db) => Number((await db.query<{ n: string }>(`SELECT (SELECT count(*) FROM receipt WHERE claim_id = $1) + (SELECT count(*) FROM upload_usage WHERE claim_id = $1) AS n`, [claimId])).rows[0]!.n));
  const refused = await upload(c.base, cookie, claimId, [{ name: "during.jpg", bytes: await noisePhoto(800, 600, 22), type: "image/jpeg" }], "en");
  const refusedZh = await upload(c.base, cookie, claimId, [{ name: "zh.jpg", bytes: fs.readFileSync(path.resolve("test/fixtures/receipt-zh.jpg")), type: "image/jpeg" }], "zh-CN");
  const afterRows = await withDb(async (db) => Number((await db.query<{ n: string }>(`SELECT (SELECT count(*) FROM receipt WHERE claim_id = $1) + (SELECT count(*) FROM upload_usage WHERE claim_id = $1) AS n`, [claimId])).rows[0]!.n));
  const revalidated = await fetch(`${c.base}${tilePath}`, { headers: { Cookie: cookie, "If-None-Match": etag ?? "" } });
  const fresh = await send(c.base, `/files/receipts/${receiptId}/p1_files/0/0_0.jpg`, { cookie });
  const page = await send(c.base, `/claims/${claimId}/edit`, { cookie });
  const outageMs = Date.now() - t0;
  s3 = await startLocalS3({ port: S3_PORT, directory: S3_DIR, buckets: [BUCKET] });
  const again = await upload(c.base, cookie, claimId, [{ name: "during.jpg", bytes: await noisePhoto(800, 600, 22), type: "image/jpeg" }]);
  const { inv } = await settle(60_000);
  let message = "";
  let messageZh = "";
  try {
    message = (JSON.parse(refused.text) as { message?: string }).message ?? "";
    messageZh = (JSON.parse(refusedZh.text) as { message?: string }).message ?? "";
  } catch {
    message = refused.text.slice(0, 200);
  }
  r.timings = { store_down_ms: outageMs };
  r.saw.push(
    `before the outage the tile answered ${tile.status} (${tileBytes.length} bytes) with \`Cache-Control: ${cacheControl}\` and \`ETag: ${etag}\`: a browser keeps it a year without asking again (immutable); a user not allowed to see the claim got ${strangerStatus}`,
    `upload during the outage: ${refused.status}, Retry-After ${refused.headers?.get("retry-after")}, message "${message}"; in Chinese: ${refusedZh.status} "${messageZh}"; receipt + allowance rows for the claim before ${beforeRows}, after ${afterRows}`,
    `the cached tile revalidated during the outage: ${revalidated.status} (answered from the content address, no store needed); a tile never fetched: ${fresh.status} \`${fresh.text.slice(0, 100)}\`; the claim page: ${page.status}`,
    `the store back: the same upload ${again.status}`,
    `database afterwards: ${describeInvariants(inv)}`,
  );
  r.checks = [
    ["the upload failed with 503 and a clear message (en and zh)", refused.status === 503 && /file store/i.test(message) && refusedZh.status === 503 && /存储/.test(messageZh)],
    ["no orphan rows from the refused uploads", afterRows === beforeRows],
    ["tiles are sent immutable, the cached one revalidates (304) without the store", /immutable/.test(cacheControl ?? "") && revalidated.status === 304],
    ["a tile not cached: 503 without a stack trace", fresh.status === 503 && !STACK_TRACE.test(fresh.text)],
    ["access check kept (stranger refused)", strangerStatus === 403 || strangerStatus === 404],
    ["claim pages still load", page.status === 200],
    ["uploads work again once the store is back", again.status === 200],
    ...invariantChecks(inv),
  ];
  return r;
}

function report(startedAt: Date, notes: string[], totalMs: number): string {
  const mark = (x: Result) => (x.pass === "skipped" ? "skipped" : x.pass ? "PASS" : "FAIL");
  const lines = [
    "# Chaos report (`npm run chaos`, scripts/chaos.ts)",
    "",
    `Run ${startedAt.toISOString()} on ${os.hostname()} (${os.cpus().length} CPUs), ${secs(totalMs)} in all. The run's own Postgres 15 (initdb, port ${PG_PORT}), redis-server (port ${REDIS_PORT}) and s3rver (port ${S3_PORT}, STORAGE_DRIVER=s3); two web instances behind HAProxy (port ${LB_PORT}) and two workers (scripts/instances.ts), NODE_ENV=production. The shared 5432/6379 were not touched.`,
    "",
    ...notes,
    "",
    "| Case | Result | Timings |",
    "| --- | --- | --- |",
    ...results.map((x) => `| ${x.name} | ${mark(x)} | ${Object.entries(x.timings).filter(([k]) => !k.endsWith("_at_ms")).map(([k, v]) => `${k} ${v}`).join(", ")} |`),
    "",
  ];
  for (const x of results) {
    lines.push(`## ${x.name}: ${mark(x)}`, "", "Done:", ...x.did.map((d) => `- ${d}`), "", "Seen:", ...x.saw.map((s) => `- ${s}`), "");
    if (x.checks.length) lines.push("Checks:", ...x.checks.map(([name, ok]) => `- [${ok ? "x" : " "}] ${name}`), "");
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const startedAt = new Date();
  say(`own services under ${ROOT}`);
  const notes: string[] = [];
  let c: Instances | undefined;
  try {
    postgres = initOwnPostgres({ root: ROOT, port: PG_PORT });
    await redis.start();
    s3 = await startLocalS3({ port: S3_PORT, directory: S3_DIR, buckets: [BUCKET] });
    postgres.createDatabase("af_chaos");
    const env = appEnv();
    execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], { env, stdio: "inherit" });
    execFileSync(process.execPath, ["--import", "tsx", "prisma/seed.ts", "--reset", "--phase", "data"], { env, stdio: "inherit" });
    employeeFields = await draftFields(dbUrl(), "employee@demo.af");
    c = await startInstances({ port: LB_PORT, webPorts: WEB_PORTS, dir: path.join(ROOT, "instances"), env, log: (l) => say(l) });
    const cluster = c;
    const run = async (key: string, fn: (c: Instances) => Promise<Result>) => {
      if (!CASES.has(key)) return;
      say(`case ${key}`);
      try {
        const res = await fn(cluster);
        res.pass = res.checks.length > 0 && res.checks.every(([, ok]) => ok);
        results.push(res);
      } catch (err) {
        results.push({ key, name: key, pass: false, did: ["the case could not run to its end"], saw: [err instanceof Error ? (err.stack ?? err.message) : String(err)], checks: [], timings: {} });
      }
      say(JSON.stringify(results.at(-1)));
    };
    await run("pg", casePostgresRestart);
    await run("redis", caseRedisStopped);
    await run("web", caseWebKilledMidUpload);
    await run("worker", caseWorkerKilledInLoop);
    await run("store", caseObjectStoreDown);
  } catch (err) {
    notes.push(`The run stopped early: ${err instanceof Error ? err.message : String(err)}`);
    say(`stopped: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await c?.stop().catch(() => undefined);
    await redis.stop().catch(() => undefined);
    await s3?.close().catch(() => undefined);
    try {
      postgres?.stop("fast");
    } catch {
      // already down
    }
    if (!c) notes.push("The app never came up (see the console); no case ran.");
    fs.writeFileSync(REPORT, report(startedAt, notes, Date.now() - startedAt.getTime()));
    say(`wrote ${REPORT}`);
    // Logs stay for a failed run (every process's log is under ROOT/instances).
    if (results.some((x) => x.pass === false) || !c) {
      fs.rmSync(path.join(ROOT, "pg"), { recursive: true, force: true });
      fs.rmSync(S3_DIR, { recursive: true, force: true });
      say(`logs kept in ${ROOT}`);
    } else fs.rmSync(ROOT, { recursive: true, force: true });
  }
  const ran = results.filter((x) => x.pass !== "skipped");
  const timing = (key: string, name: string) => results.find((x) => x.key === key)?.timings[name] ?? null;
  console.log(
    JSON.stringify({
      cases: results.length,
      passed: ran.filter((x) => x.pass === true).length,
      failed: ran.filter((x) => x.pass === false).map((x) => x.key),
      redis_down_s: REDIS_DOWN_S,
      pg_recovery_ms: timing("pg", "recovery_after_pg_back_ms"),
      redis_catch_up_ms: timing("redis", "outbox_caught_up_after_redis_back_ms"),
      worker_jobs_done_ms: timing("worker", "all_ready_after_upload_ms"),
    }),
  );
  process.exit(ran.length > 0 && ran.every((x) => x.pass === true) ? 0 : 1);
}

void main();
