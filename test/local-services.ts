/**
 * Throwaway servers for the topology tests (issue 13): a three-master Redis Cluster, a Redis master
 * with a replica and a Sentinel, and a Postgres primary with a streaming replica. Each lives in a temp
 * directory on free local ports and is torn down by `stop()` — and killed when the test process exits,
 * whatever happened — so a failing test leaves no server or port behind.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * `count` free ports from `base` up (each with `port + offset` free too, for a cluster's bus). `base`
 * comes from TEST_SERVICE_PORT_BASE when set (engineers sharing a machine each use their own range).
 */
export async function freePorts(count: number, { base = Number(process.env.TEST_SERVICE_PORT_BASE ?? 7300), alsoFree = [] as number[] } = {}): Promise<number[]> {
  const ports: number[] = [];
  for (let p = base; ports.length < count && p < base + 2_000; p++) {
    if ((await portFree(p)) && (await Promise.all(alsoFree.map((o) => portFree(p + o)))).every(Boolean)) ports.push(p);
  }
  if (ports.length < count) throw new Error(`no ${count} free ports from ${base}`);
  return ports;
}

/** A long-running server; its output is kept for the error message if it dies early. */
function serve(command: string, args: string[], opts: { user?: string } = {}): ChildProcess & { output: () => string } {
  const [cmd, argv] = opts.user ? ["runuser", ["-u", opts.user, "--", command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  children.add(child);
  child.once("exit", () => children.delete(child));
  return Object.assign(child, { output: () => output });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function run(command: string, args: string[], opts: { user?: string; input?: string } = {}): string {
  const [cmd, argv] = opts.user ? ["runuser", ["-u", opts.user, "--", command, ...args]] : [command, args];
  const r = spawnSync(cmd, argv, { encoding: "utf8", timeout: 60_000, input: opts.input });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? r.stdout : "";
}

export type Stoppable = { stop: () => Promise<void> };

/** Starts `start`; if it throws, everything it started is stopped before the error goes on. */
async function withCleanup<T>(start: (started: (stop: () => Promise<void>) => void) => Promise<T>): Promise<T & Stoppable> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const result = await start((s) => stops.push(s));
    return Object.assign(result as object, { stop }) as T & Stoppable;
  } catch (err) {
    await stop();
    throw err;
  }
}

function redisServer(dir: string, port: number, extra: string[] = []) {
  return serve("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "no", ...extra]);
}

/** Three masters (no replicas) on `ports`, slots assigned by `redis-cli --cluster create`; ready when every node says cluster_state:ok. */
export async function startRedisCluster(ports?: number[]): Promise<{ nodes: { host: string; port: number }[] } & Stoppable> {
  const use = ports ?? (await freePorts(3, { alsoFree: [10_000] }));
  return withCleanup(async (started) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "af-redis-cluster-"));
    started(() => fs.rm(dir, { recursive: true, force: true }));
    for (const port of use) {
      const server = redisServer(dir, port, ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "2000"]);
      started(() => stopChild(server));
      await until(`redis-server on ${port}`, () => {
        if (server.exitCode !== null) throw new Error(`redis-server ${port} exited: ${server.output()}`);
        return redisCli(port, "ping").trim() === "PONG";
      });
    }
    run("redis-cli", ["--cluster", "create", ...use.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await until("cluster_state:ok on every node", () => use.every((p) => redisCli(p, "cluster", "info").includes("cluster_state:ok")));
    return { nodes: use.map((port) => ({ host: "127.0.0.1", port })) };
  });
}
