/**
 * Where a decision's time goes: the statements (round trips) of `decideReview` (an accountant approving
 * the review task Next gave them) and `decideApproval` (a manager approving the first claim waiting for
 * them), counted and timed at the pg driver, over the month-end bench's database (af_load_bench, seeded by
 * `npm run bench:load -- --seed-only`; BENCH_DATABASE_URL to change it, must end in _bench).
 *
 *   npm run bench:decision-trips [-- --rounds 30]
 *
 * It decides real tasks of that database (as the load bench's users do). For each kind of decision:
 * wall time p50/p95, statements per decision (BEGIN and COMMIT included), and the statements' own time
 * summed by statement (first 90 characters). Ends with one JSON line.
 */
import pg from "pg";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { positiveArg } from "./cli";

const ROUNDS = positiveArg("rounds", 30, { whole: true });
const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/af_load_bench";
if (!/_bench$/.test(new URL(url).pathname)) throw new Error("BENCH_DATABASE_URL must name a *_bench database");
process.env.DATABASE_URL = url;
process.env.APP_DATABASE_URL = appDatabaseUrl(url);
process.env.NODE_ENV = "production";
process.env.SESSION_SECRET ??= "decision-trips-bench-secret-0123456789abcdef";

// Every statement the app's pool sends: its text and how long the driver waited for it.
type Trip = { text: string; ms: number };
let trips: Trip[] | null = null;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function patched(this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string })?.text ?? "?");
  const t0 = performance.now();
  const out = query.apply(this, args);
  const log = trips;
  if (log && out && typeof (out as Promise<unknown>).then === "function") {
    (out as Promise<unknown>).then(
      () => log.push({ text, ms: performance.now() - t0 }),
      () => log.push({ text, ms: performance.now() - t0 }),
    );
  }
  return out;
} as typeof pg.Client.prototype.query;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const { prisma } = await import("~/utils/db.server");
  const { takeNextTask } = await import("~/models/work-queue.server");
  const { decideReview } = await import("~/models/review.server");
  const { decideApproval } = await import("~/models/approval.server");
  const { runShutdownHooks } = await import("~/utils/shutdown.server");
  const actor = async (id: string) => {
    const u = await prisma.user.findUniqueOrThrow({ where: { id }, select: { id: true, roles: true } });
    return { id: u.id, roles: u.roles };
  };

  const measure = async (name: string, run: (i: number) => Promise<(() => Promise<unknown>) | null>) => {
    const wall: number[] = [];
    const counts: number[] = [];
    const byText = new Map<string, { n: number; ms: number }>();
    for (let i = 0; i < ROUNDS; i++) {
      const decide = await run(i);
      if (!decide) continue;
      trips = [];
      const t0 = performance.now();
      await decide();
      wall.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
      const mine = trips;
      trips = null;
      counts.push(mine.length);
      for (const t of mine) {
        const key = t.text.replace(/\s+/g, " ").trim().slice(0, 90);
        const e = byText.get(key) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += t.ms;
        byText.set(key, e);
      }
    }
    console.log(`\n${name}: ${wall.length} decisions, wall p50 ${round1(quantile(wall, 0.5))} ms, p95 ${round1(quantile(wall, 0.95))} ms, statements per decision p50 ${quantile(counts, 0.5)} (min ${Math.min(...counts)}, max ${Math.max(...counts)})`);
    for (const [text, e] of [...byText].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
      console.log(`  ${String(round1(e.ms / wall.length)).padStart(6)} ms/decision  ${String(round1(e.n / wall.length)).padStart(4)}×  ${text}`);
    }
    return { decisions: wall.length, p50_ms: round1(quantile(wall, 0.5)), p95_ms: round1(quantile(wall, 0.95)), statements_p50: quantile(counts, 0.5) };
  };

  // Reviews: accountant la-i takes the next task, then approves it at the version the workstation shows.
  const review = await measure("decideReview (approve)", async (i) => {
    const accountant = await actor(`la-${i % 40}`);
    const taken = await takeNextTask({ accountant });
    if (!taken) return null;
    const claim = await prisma.claim.findUniqueOrThrow({ where: { id: taken.claimId }, select: { version: true } });
    return () => decideReview({ viewer: accountant, taskId: taken.taskId, claimVersion: claim.version, decision: "approve" });
  });
  // Approvals: manager lm-i approves the oldest claim waiting for them.
  const approval = await measure("decideApproval (approve)", async (i) => {
    const manager = await actor(`lm-${(i * 7) % 500}`);
    const task = await prisma.task.findFirst({
      where: { type: "MANAGER_APPROVAL", status: "OPEN", assigneeId: manager.id, claim: { status: "SUBMITTED" } },
      orderBy: { createdAt: "asc" },
      select: { id: true, claim: { select: { version: true } } },
    });
    if (!task) return null;
    return () => decideApproval({ viewer: manager, taskId: task.id, claimVersion: task.claim.version, decision: "approve" });
  });
  console.log(JSON.stringify({ bench: "decision_trips", rounds: ROUNDS, review, approval }));
  await runShutdownHooks();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
