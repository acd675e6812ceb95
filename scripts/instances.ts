/**
 * Several instances on one machine, as a deployment runs them (docs/deploy.md): N web processes
 * (server.ts over the Remix build) behind HAProxy from Debian, and M worker processes (workers/index.ts),
 * all sharing Postgres, Redis and the store given by the environment (DATABASE_URL, REDIS_URL,
 * QUEUE_PREFIX, STORAGE_DIR …). The balancer's configuration is generated into the run directory.
 *
 *   npx tsx scripts/instances.ts [--web 2] [--workers 2] [--port 3000] [--dir .data/instances]
 *   npm run demo -- --instances 2        (the demo, with this layout)
 *
 * Web instances listen on port+1 … port+N; Ctrl-C stops everything. As a library, startInstances()
 * is what the instance browser test and the chaos run use.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { haproxyConfig } from "./instances/haproxy";
import { isRunning, killProcess, portIsFree, startProcess, stopProcess, tail, waitForHttp, type Proc } from "./lib/processes";

export type InstancesOptions = {
  web?: number;
  workers?: number;
  /** The balancer's port; web instances get the ones after it unless `webPorts` says otherwise. */
  port: number;
  webPorts?: number[];
  dir?: string;
  /** Environment for every process (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
};

export type Instances = {
  base: string;
  dir: string;
  webs: Map<string, { port: number; proc: Proc }>;
  workers: Map<string, Proc>;
  balancer: Proc;
  /** Starts (again) a web instance by name, on its own port, and waits until it answers. */
  startWeb(name: string): Promise<Proc>;
  startWorker(name: string): Proc;
  /** SIGKILL: a crash, no clean-up code runs. */
  kill(name: string): Promise<void>;
  stop(): Promise<void>;
};

const HAPROXY = "/usr/sbin/haproxy";

export async function startInstances(opts: InstancesOptions): Promise<Instances> {
  const webCount = opts.web ?? 2;
  const workerCount = opts.workers ?? 2;
  const dir = path.resolve(opts.dir ?? ".data/instances");
  const log = opts.log ?? ((line: string) => console.log(`[instances] ${line}`));
  const env = opts.env ?? process.env;
  const webPorts = opts.webPorts ?? Array.from({ length: webCount }, (_, i) => opts.port + 1 + i);
  if (!fs.existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing: apt-get install -y haproxy (scripts/system-deps.sh haproxy:haproxy)`);
  if (!fs.existsSync(path.resolve("build/index.js"))) throw new Error("no build/index.js: run `NODE_ENV=production npx remix build` first");
  for (const p of [opts.port, ...webPorts]) if (!(await portIsFree(p))) throw new Error(`port ${p} is taken`);
  fs.mkdirSync(dir, { recursive: true });

  const webs = new Map<string, { port: number; proc: Proc }>();
  const workers = new Map<string, Proc>();
  const names = webPorts.map((_, i) => `web-${i + 1}`);

  const startWeb = async (name: string): Promise<Proc> => {
    const port = webPorts[names.indexOf(name)];
    if (port === undefined) throw new Error(`no web instance ${name}`);
    const proc = startProcess(name, process.execPath, ["--import", "tsx", "server.ts"], { logDir: dir, env: { ...env, PORT: String(port), INSTANCE_NAME: name } });
    webs.set(name, { port, proc });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, { proc, timeoutMs: 180_000 });
    log(`${name} (pid ${proc.child.pid}) on http://127.0.0.1:${port}`);
    return proc;
  };
  const startWorker = (name: string): Proc => {
    const proc = startProcess(name, process.execPath, ["--import", "tsx", "workers/index.ts"], { logDir: dir, env: { ...env, INSTANCE_NAME: name } });
    workers.set(name, proc);
    log(`${name} (pid ${proc.child.pid}) started`);
    return proc;
  };

  const cfgPath = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(cfgPath, haproxyConfig({ port: opts.port, webs: names.map((name, i) => ({ name, port: webPorts[i]! })) }));
  let balancer: Proc | undefined;
  const all = () => [...webs.values()].map((w) => w.proc).concat([...workers.values()], balancer ? [balancer] : []);
  const stop = async () => {
    await Promise.all([...[...webs.values()].map((w) => stopProcess(w.proc)), ...[...workers.values()].map((p) => stopProcess(p, 60_000))]);
    if (balancer) await stopProcess(balancer, 3_000);
  };
  try {
    for (let i = 0; i < workerCount; i++) startWorker(`worker-${i + 1}`);
    await Promise.all(names.map((n) => startWeb(n)));
    balancer = startProcess("haproxy", HAPROXY, ["-f", cfgPath, "-db"], { logDir: dir, env: process.env });
    await waitForHttp(`http://127.0.0.1:${opts.port}/healthz`, { proc: balancer, timeoutMs: 15_000 });
    for (const w of workers.values()) if (!isRunning(w)) throw new Error(`${w.name} exited while starting; its log:\n${tail(w.log)}`);
    log(`balancer (HAProxy, pid ${balancer.child.pid}) on http://127.0.0.1:${opts.port} → ${names.join(", ")}; config ${cfgPath}`);
  } catch (err) {
    await Promise.all(all().map((p) => killProcess(p)));
    throw err;
  }
  return {
    base: `http://127.0.0.1:${opts.port}`,
    dir,
    webs,
    workers,
    balancer,
    startWeb,
    startWorker,
    async kill(name) {
      const p = webs.get(name)?.proc ?? workers.get(name);
      if (!p) throw new Error(`no process ${name}`);
      await killProcess(p);
    },
    stop,
  };
}

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a whole number`);
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dirAt = argv.indexOf("--dir");
  const instances = await startInstances({
    web: Math.max(1, arg(argv, "--web", 2)),
    workers: arg(argv, "--workers", 2),
    port: arg(argv, "--port", Number(process.env.PORT ?? 3000)),
    dir: dirAt >= 0 ? argv[dirAt + 1] : undefined,
  });
  console.log(`[instances] ready on ${instances.base} (logs in ${instances.dir})`);
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[instances] ${why}: stopping`);
    await instances.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // A process that dies on its own is reported (the others keep serving; the balancer routes around a web).
  for (const p of [...[...instances.webs.values()].map((w) => w.proc), ...instances.workers.values(), instances.balancer]) {
    void p.exited.then((code) => {
      if (!stopping) console.error(`[instances] ${p.name} exited (${code}); its log: ${p.log}`);
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`[instances] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
