/**
 * The app as a bench drives it: scripts/e2e-server.sh (built web app + workers, demo organisation) in
 * a database, Redis db, key prefix, storage directory and port of the bench's own, and other processes
 * (the simulation) pointed at the same app.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const ROOT = path.resolve(import.meta.dirname, "..");

export type BenchApp = {
  base: string;
  /** The environment another process needs to work on this app's data (DATABASE_URL, REDIS_URL, …). */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/** Starts a child in its own process group; lines matching `show` are echoed with `[tag]`. */
export function startChild(command: string, args: string[], env: Record<string, string>, tag: string, show = /error|failed|summary|done|stopp/i): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() && show.test(line)) console.log(`[${tag}] ${line}`);
  };
  child.stdout!.on("data", relay);
  child.stderr!.on("data", relay);
  return child;
}

/** SIGTERM to the child's process group, SIGKILL after 15 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  await Promise.race([exited, sleep(15_000)]);
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // gone
  }
}

/**
 * Starts the app (migrate, seed the demo organisation with `seedClaims` claims, build if there is no
 * build, web + workers) and waits until /login answers.
 */
export async function startBenchApp({ name, port, redisDb, seedClaims = 0 }: { name: string; port: number; redisDb: number; seedClaims?: number }): Promise<BenchApp> {
  const env = {
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/accounting_factory_${name}`,
    REDIS_URL: `redis://127.0.0.1:6379/${redisDb}`,
    QUEUE_PREFIX: `af${name}`,
    STORAGE_DIR: path.join(ROOT, `.data/${name}-storage`),
  };
  const child = startChild(
    "bash",
    ["scripts/e2e-server.sh"],
    {
      E2E_PORT: String(port),
      E2E_DATABASE_URL: env.DATABASE_URL,
      E2E_REDIS_URL: env.REDIS_URL,
      E2E_QUEUE_PREFIX: env.QUEUE_PREFIX,
      E2E_STORAGE_DIR: env.STORAGE_DIR,
      E2E_SEED_CLAIMS: String(seedClaims),
    },
    name,
    /error|failed|\[seed\] \d+ users/i,
  );
  const base = `http://localhost:${port}`;
  const until = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app (${name}) exited with ${child.exitCode} before it answered`);
    try {
      if ((await fetch(`${base}/login`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) {
      await stopChild(child);
      throw new Error(`the app did not answer on ${base}/login within 10 minutes`);
    }
    await sleep(500);
  }
  return { base, env: { NODE_ENV: "production", ...env }, stop: () => stopChild(child) };
}
