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

/** The uid and gid of an OS user (servers that refuse to run as root run as it, signalled directly). */
function osUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync("id", [flag, name], { encoding: "utf8" }).stdout.trim());
  const ids = { uid: id("-u"), gid: id("-g") };
  if (!Number.isInteger(ids.uid) || !Number.isInteger(ids.gid)) throw new Error(`no OS user ${name}`);
  return ids;
}

/** A long-running server; its output is kept for the error message if it dies early. */
function serve(command: string, args: string[], opts: { user?: string } = {}): ChildProcess & { output: () => string } {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...(opts.user ? osUser(opts.user) : {}) });
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
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 60_000, input: opts.input, cwd: os.tmpdir(), ...(opts.user ? osUser(opts.user) : {}) });
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

const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

function pgReady(port: number, socketDir: string): boolean {
  return spawnSync(path.join(PG_BIN, "pg_isready"), ["-h", socketDir, "-p", String(port), "-q"], { timeout: 5_000 }).status === 0;
}

/** One Postgres server in `dataDir` on `port`, run as the `postgres` OS user (Postgres refuses root). */
async function startPostgresServer(dataDir: string, port: number, socketDir: string, settings: Record<string, string>) {
  const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${socketDir}`];
  for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
  const server = serve(path.join(PG_BIN, "postgres"), args, { user: "postgres" });
  await until(`postgres on ${port}`, () => {
    if (server.exitCode !== null) throw new Error(`postgres ${port} exited: ${server.output()}`);
    return pgReady(port, socketDir);
  }, 30_000);
  // SIGINT is Postgres' "fast" shutdown: no waiting for clients.
  return { stop: () => stopChild(server, "SIGINT") };
}

/**
 * A primary (wal_level=replica, replication allowed from 127.0.0.1 by initdb's pg_hba with trust) and
 * a hot standby made from it by `pg_basebackup -R` (streaming replication), in a temp directory, on two
 * free ports. Owner user `postgres`, trust authentication: for tests only.
 */
export async function startPostgresWithReplica(ports?: number[]): Promise<{ primaryPort: number; replicaPort: number; url: (port: number, database: string, user?: string) => string } & Stoppable> {
  const [primaryPort, replicaPort] = ports ?? (await freePorts(2));
  return withCleanup(async (started) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "af-pg-replica-"));
    started(() => fs.rm(dir, { recursive: true, force: true }));
    run("chown", ["postgres:postgres", dir]);
    const primary = path.join(dir, "primary");
    const replica = path.join(dir, "replica");
    run(path.join(PG_BIN, "initdb"), ["-D", primary, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], { user: "postgres" });
    const quick = { fsync: "off", synchronous_commit: "off", full_page_writes: "off", shared_buffers: "32MB", max_connections: "60" };
    const p = await startPostgresServer(primary, primaryPort!, dir, { ...quick, wal_level: "replica", max_wal_senders: "4" });
    started(p.stop);
    run(path.join(PG_BIN, "pg_basebackup"), ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", replica, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"], { user: "postgres" });
    const r = await startPostgresServer(replica, replicaPort!, dir, { ...quick, hot_standby: "on" });
    started(r.stop);
    return {
      primaryPort: primaryPort!,
      replicaPort: replicaPort!,
      url: (port: number, database: string, user = "postgres") => `postgresql://${user}@127.0.0.1:${port}/${database}`,
    };
  });
}

/**
 * A Redis master, one replica and one Sentinel watching them as `name` (quorum 1): the smallest
 * Sentinel setup, enough to ask for the master and to fail over on command (SENTINEL FAILOVER).
 */
export async function startRedisSentinel(name = "af", ports?: number[]): Promise<{ masterPort: number; replicaPort: number; sentinelPort: number; name: string } & Stoppable> {
  const [masterPort, replicaPort, sentinelPort] = ports ?? (await freePorts(3));
  return withCleanup(async (started) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "af-redis-sentinel-"));
    started(() => fs.rm(dir, { recursive: true, force: true }));
    const up = async (port: number, server: ReturnType<typeof serve>) => {
      started(() => stopChild(server));
      await until(`redis on ${port}`, () => {
        if (server.exitCode !== null) throw new Error(`redis ${port} exited: ${server.output()}`);
        return redisCli(port, "ping").trim() === "PONG";
      });
    };
    await up(masterPort!, redisServer(dir, masterPort!));
    await up(replicaPort!, redisServer(dir, replicaPort!, ["--replicaof", "127.0.0.1", String(masterPort)]));
    await until("the replica in sync", () => redisCli(replicaPort!, "info", "replication").includes("master_link_status:up"));
    // Sentinel rewrites its configuration file, so it gets one of its own.
    const conf = path.join(dir, "sentinel.conf");
    await fs.writeFile(conf, [`port ${sentinelPort}`, "bind 127.0.0.1", `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`, `sentinel down-after-milliseconds ${name} 2000`, `sentinel failover-timeout ${name} 5000`, ""].join("\n"));
    await up(sentinelPort!, serve("redis-server", [conf, "--sentinel"]));
    await until("the sentinel to know the replica", () => redisCli(sentinelPort!, "sentinel", "replicas", name).includes(String(replicaPort)));
    return { masterPort: masterPort!, replicaPort: replicaPort!, sentinelPort: sentinelPort!, name };
  });
}

/** Asks the Sentinel to fail over now; resolves when it names the other server as master. */
export async function sentinelFailover(s: { sentinelPort: number; name: string; masterPort: number }): Promise<number> {
  const reply = redisCli(s.sentinelPort, "sentinel", "failover", s.name).trim();
  if (reply !== "OK") throw new Error(`SENTINEL FAILOVER said ${reply}`);
  let port = s.masterPort;
  await until("the failover", () => {
    port = Number(redisCli(s.sentinelPort, "sentinel", "get-master-addr-by-name", s.name).trim().split("\n")[1]);
    return port !== s.masterPort && redisCli(port, "role").startsWith("master");
  }, 20_000);
  return port;
}
