/**
 * Child processes for the instance and chaos scripts and their tests: start with a name and a log
 * file, wait until an HTTP address answers, stop (TERM, then KILL after a grace period) — always by
 * the child's own pid, never by name — and free ports from the OS.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export type Proc = { name: string; child: ChildProcess; log: string; exited: Promise<number | null> };

export function startProcess(name: string, command: string, args: string[], { env, logDir, cwd = process.cwd() }: { env: NodeJS.ProcessEnv; logDir: string; cwd?: string }): Proc {
  fs.mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, "a");
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { name, child, log, exited };
}

export function isRunning(p: Proc): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(p: Proc, graceMs = 10_000): Promise<void> {
  if (!isRunning(p)) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** A crash, as the kernel would do it: no clean-up code runs. */
export async function killProcess(p: Proc): Promise<void> {
  if (!isRunning(p)) return;
  p.child.kill("SIGKILL");
  await p.exited;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `url` until it answers `status` (any 2xx by default); throws with the log's tail when `proc` dies or time runs out. */
export async function waitForHttp(url: string, { timeoutMs = 60_000, proc, ok = (s: number) => s >= 200 && s < 300 }: { timeoutMs?: number; proc?: Proc; ok?: (status: number) => boolean } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (proc && !isRunning(proc)) throw new Error(`${proc.name} exited while starting; its log:\n${tail(proc.log)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (ok(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms (${last})${proc ? `; ${proc.name}'s log:\n${tail(proc.log)}` : ""}`);
}

/** The last lines of a log file (for error messages). */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
