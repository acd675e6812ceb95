/**
 * CPU time of the load bench's processes from /proc: the web process(es, summed), the workers (each with its
 * children), the bench's own Redis server, the bench itself, and the Postgres backends serving the
 * bench's database (pg_stat_activity), plus the whole machine's busy time from /proc/stat.
 */
import fs from "node:fs";
import os from "node:os";
import type pg from "pg";

export type CpuSnapshot = { at: number; ticks: Record<string, number>; machine: { busy: number; total: number } };

const TICKS_PER_S = 100; // USER_HZ on Linux

/** utime + stime of one process, in ticks; 0 when it is gone. */
function procTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The pid and every descendant (tsx runs the program in a child process). */
function withDescendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const found = [pid];
  for (let i = 0; i < found.length; i++) for (const [child, parent] of parentOf) if (parent === found[i]) found.push(child);
  return found;
}

export async function cpuSnapshot(admin: pg.Client, pids: { web: number[]; workers: number; redis: number; bench: number; balancer?: number }): Promise<CpuSnapshot> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  const ticks: Record<string, number> = {};
  ticks["node web"] = pids.web.flatMap(withDescendants).reduce((s, p) => s + procTicks(p), 0);
  ticks["node workers"] = withDescendants(pids.workers).reduce((s, p) => s + procTicks(p), 0);
  ticks["redis"] = procTicks(pids.redis);
  if (pids.balancer !== undefined) ticks["haproxy"] = procTicks(pids.balancer);
  ticks["postgres (bench db)"] = 0;
  for (const r of rows) ticks[`pg:${r.pid}`] = procTicks(r.pid);
  ticks["load generator"] = procTicks(pids.bench);
  const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.reduce((s, v) => s + v, 0);
  return { at: performance.now(), ticks, machine: { busy: total - idle, total } };
}

/** % of one core per process group over the window between two snapshots. */
export function cpuSplit(a: CpuSnapshot, b: CpuSnapshot): { cores: number; percentOfCore: Record<string, number>; machineBusyPercent: number } {
  const seconds = (b.at - a.at) / 1000;
  const pct = (ticks: number) => (100 * ticks) / TICKS_PER_S / seconds;
  const percentOfCore: Record<string, number> = {};
  let postgres = 0;
  for (const [k, v] of Object.entries(b.ticks)) {
    // A backend that started inside the window counts from zero.
    const delta = v - (a.ticks[k] ?? 0);
    if (k.startsWith("pg:")) postgres += Math.max(0, delta);
    else if (k !== "postgres (bench db)") percentOfCore[k] = pct(Math.max(0, delta));
  }
  percentOfCore["postgres (bench db)"] = pct(postgres);
  const cores = os.cpus().length;
  return { cores, percentOfCore, machineBusyPercent: (100 * (b.machine.busy - a.machine.busy)) / (b.machine.total - a.machine.total) };
}
