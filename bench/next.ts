/**
 * "Next" benchmark: fifty accountants pressing Next at once over a deep queue.
 *
 *   npm run bench:next     (tsx bench/next.ts [--seconds 8] [--clients 50] [--tasks 100000])
 *
 * In a database of its own (accounting_factory_bench; BENCH_DATABASE_URL to change it, the name must
 * end in _bench because it is emptied), migrated like any other: 100,000 manager-approved claims, each
 * with a DONE manager-approval task and an OPEN review task, over 4 processing groups (bulk SQL with
 * generate_series). 50 accountants, each in 2 of the 4 groups; 1% of the claims were filed by an
 * accountant and 1% approved by one (segregation has something to refuse); 0.2% of the tasks prefer
 * an accountant. Then, one phase after another, each for --seconds with --clients concurrent callers:
 *
 *   warm-up      the whole Next statement, not compared: the freshly seeded tables go through the workload once
 *   bare-pg      the bare `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)` statement alone,
 *                autocommit, one `pg` client per accountant (what the database itself does)
 *   bare-prisma  the same statement through the Prisma client the app uses (pool of 50), sent unnamed as
 *                Prisma sends any statement (parsed and planned at every call)
 *   bare-kept    the same, prepared with its plan kept as Next's is (KEEP_PLAN, decision 045): the
 *                like-for-like baseline since Next keeps its plan
 *   next         takeNextTask() itself: ONE statement (data-modifying CTEs: preferred-else-general pick,
 *                task taken, claim transition with version bump, outbox row, audit event), autocommit
 *                (docs/decisions/025-next-one-statement.md); the event is chained after commit
 *                (docs/decisions/037-audit-sealed-after-commit.md)
 *   next+sealer  the same while the audit sealer runs as the workers run it (audit_seal() every 500 ms
 *                while there is work), so the chain keeps up during the phase
 *   next+idx     the same with a partial index for the preferred statement, which the migrations do
 *                not have yet (created here, dropped at the end)
 *
 * Between phases the taken tasks are put back (OPEN, claims MANAGER_APPROVED, audit emptied) and the
 * tables vacuumed, so every phase starts from the same queue. Every take is counted per task id: a task
 * returned to two callers is a double assignment (must be 0), checked again in SQL afterwards. Prints
 * a table, then exactly one JSON line.
 */
import pg from "pg";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { truncateWithAuditLogAsOwner } from "../scripts/owner-reset";
import { seedBenchDatabase } from "./bench-db";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_bench";
const GROUPS = 4;
const PREFERRED_INDEX = `CREATE INDEX IF NOT EXISTS task_open_review_preferred_idx
  ON task (preferred_assignee_id, priority DESC, created_at, id)
  WHERE status = 'OPEN' AND type = 'REVIEW' AND preferred_assignee_id IS NOT NULL`;

const SECONDS = positiveArg("seconds", 8);
const CLIENTS = positiveArg("clients", 50);
const TASKS = positiveArg("tasks", 100_000);

function accountantId(i: number): string {
  return `acct-${i}`;
}

/** Everything in one transaction of set-based SQL; ids are readable so the checks can name them. */
function seedSql(tasks: number, clients: number): string {
  return `
BEGIN;
INSERT INTO company (id, code, name, name_zh, currency) VALUES ('bench-co', 'BENCH', 'Bench company', '基准公司', 'CNY');
INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('bench-dept', 'bench-co', 'D', 'Dept', '部门');
INSERT INTO processing_group (id, code, name, name_zh)
  SELECT 'bench-g' || g, 'BG' || g, 'Group ' || g, '组 ' || g FROM generate_series(0, ${GROUPS - 1}) g;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'acct-' || i, 'acct' || i || '@bench', 'Accountant ' || i, '!',
         CASE WHEN i < 5 THEN ARRAY['EMPLOYEE','ACCOUNTANT','MANAGER']::"Role"[] ELSE ARRAY['EMPLOYEE','ACCOUNTANT']::"Role"[] END,
         'bench-co', 'bench-dept'
    FROM generate_series(0, ${clients - 1}) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'emp-' || i, 'emp' || i || '@bench', 'Employee ' || i, '!', ARRAY['EMPLOYEE']::"Role"[], 'bench-co', 'bench-dept'
    FROM generate_series(0, 199) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'mgr-' || i, 'mgr' || i || '@bench', 'Manager ' || i, '!', ARRAY['EMPLOYEE','MANAGER']::"Role"[], 'bench-co', 'bench-dept'
    FROM generate_series(0, 19) i;
-- Each accountant works in two neighbouring groups.
INSERT INTO group_member (group_id, user_id)
  SELECT 'bench-g' || ((i + k) % ${GROUPS}), 'acct-' || i FROM generate_series(0, ${clients - 1}) i, generate_series(0, 1) k;
INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, created_at, group_id)
  SELECT 'c-' || n, 'B' || lpad(n::text, 7, '0'),
         CASE WHEN n % 100 = 0 THEN 'acct-' || (n / 100 % ${clients}) ELSE 'emp-' || (n % 200) END,
         'bench-co', 'bench-dept', 'Bench claim ' || n, 'MANAGER_APPROVED', 3,
         now() - interval '4 days', now() - interval '4 days', 'bench-g' || (n % ${GROUPS})
    FROM generate_series(1, ${tasks}) n;
INSERT INTO task (id, claim_id, type, status, assignee_id, claim_version, created_at, started_at, finished_at, outcome)
  SELECT 'ma-' || n, 'c-' || n, 'MANAGER_APPROVAL', 'DONE',
         CASE WHEN n % 100 = 50 THEN 'acct-' || (n / 100 % 5) ELSE 'mgr-' || (n % 20) END,
         2, now() - interval '3 days', now() - interval '3 days', now() - interval '3 days', 'approved'
    FROM generate_series(1, ${tasks}) n;
-- Priority independent of the group (from n / groups), so no group hoards the head of the queue.
INSERT INTO task (id, claim_id, type, status, group_id, preferred_assignee_id, priority, claim_version, sla_state, created_at)
  SELECT 'rv-' || n, 'c-' || n, 'REVIEW', 'OPEN', 'bench-g' || (n % ${GROUPS}),
         CASE WHEN n % 500 = 7 THEN 'acct-' || ((n / 500) % ${clients}) END,
         CASE WHEN (n / ${GROUPS}) % 20 = 0 THEN 2 WHEN (n / ${GROUPS}) % 5 = 0 THEN 1 ELSE 0 END, 3,
         CASE WHEN n % 50 = 0 THEN 'BREACHED'::"SlaState" WHEN n % 10 = 0 THEN 'AT_RISK'::"SlaState" ELSE 'ON_TRACK'::"SlaState" END,
         now() - make_interval(secs => n)
    FROM generate_series(1, ${tasks}) n;
COMMIT;`;
}

/** Puts every taken review task back in the queue and forgets the audit trail of the phase. */
const RESET_SQL = `
BEGIN;
UPDATE task SET status = 'OPEN', assignee_id = NULL, started_at = NULL WHERE type = 'REVIEW' AND status = 'IN_PROGRESS';
UPDATE claim SET status = 'MANAGER_APPROVED', version = 3 WHERE status <> 'MANAGER_APPROVED' OR version <> 3;
COMMIT;`;
const TRUNCATED = ["outbox_event", "task", "claim", "group_member", "routing_rule", "processing_group", "approval_delegation", "app_user", "department", "company"];

type Take = (accountant: number) => Promise<string | null>;

type PhaseResult = {
  name: string;
  calls: number;
  takes: number;
  empties: number;
  errors: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  doubleAssignments: number;
  sqlCheck: { inProgress: number; inReview: number; auditEvents: number; claimsAuditedTwice: number };
  /** Audit events not in the chain yet when the phase ended. */
  unsealed: number;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Background = { stop(): Promise<void> };

async function runPhase(name: string, admin: pg.Client, take: Take, during?: () => Background): Promise<PhaseResult> {
  await admin.query(RESET_SQL);
  await truncateWithAuditLogAsOwner(admin, [], "bench");
  await admin.query("VACUUM ANALYZE task, claim, audit_event");
  const background = during?.();
  const latencies: number[] = [];
  const taken = new Map<string, number>();
  let empties = 0;
  let errors = 0;
  let firstError: unknown;
  const start = performance.now();
  const until = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, accountant) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const taskId = await take(accountant);
          latencies.push(performance.now() - t0);
          if (taskId === null) empties++;
          else taken.set(taskId, (taken.get(taskId) ?? 0) + 1);
        } catch (err) {
          errors++;
          firstError ??= err;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await background?.stop();
  if (firstError) console.error(`[bench:next] ${name}: first of ${errors} errors:`, firstError);
  const sorted = Float64Array.from(latencies).sort();
  const takes = [...taken.values()].reduce((a, b) => a + b, 0);
  const { rows } = await admin.query<{ in_progress: string; in_review: string; audit_events: string; audited_twice: string; unsealed: string }>(`
    SELECT (SELECT count(*) FROM task WHERE type = 'REVIEW' AND status = 'IN_PROGRESS' AND assignee_id IS NOT NULL) AS in_progress,
           (SELECT count(*) FROM audit_event WHERE chain_seq IS NULL) AS unsealed,
           (SELECT count(*) FROM claim WHERE status = 'IN_REVIEW') AS in_review,
           (SELECT count(*) FROM audit_event WHERE type = 'claim.review_started') AS audit_events,
           (SELECT count(*) FROM (SELECT claim_id FROM audit_event WHERE type = 'claim.review_started'
                                   GROUP BY claim_id HAVING count(*) > 1) d) AS audited_twice`);
  const r = rows[0]!;
  return {
    name,
    calls: latencies.length,
    takes,
    empties,
    errors,
    seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    perSecond: latencies.length / seconds,
    doubleAssignments: [...taken.values()].filter((n) => n > 1).length,
    sqlCheck: { inProgress: Number(r.in_progress), inReview: Number(r.in_review), auditEvents: Number(r.audit_events), claimsAuditedTwice: Number(r.audited_twice) },
    unsealed: Number(r.unsealed),
  };
}

/** A phase passes its SQL check when the database holds exactly what the callers were told. */
function sqlDoubles(p: PhaseResult, transitions: boolean): number {
  let bad = Math.abs(p.sqlCheck.inProgress - p.takes) + p.sqlCheck.claimsAuditedTwice;
  if (transitions) bad += Math.abs(p.sqlCheck.inReview - p.takes) + Math.abs(p.sqlCheck.auditEvents - p.takes);
  return bad;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  // The app modules read DATABASE_URL when first imported: point them at the bench database first.
  process.env.DATABASE_URL = url;
  process.env.APP_DATABASE_URL = appDatabaseUrl(url);
  process.env.NODE_ENV ??= "production";
  const { admin, seededSeconds } = await seedBenchDatabase(url, seedSql(TASKS, CLIENTS), TRUNCATED);
  console.log(`[bench:next] ${TASKS.toLocaleString("en")} open review tasks in ${GROUPS} groups, ${CLIENTS} accountants: seeded in ${seededSeconds.toFixed(1)} s`);

  const { takeNextTask, nextTaskStatement, takeNextStatement } = await import("~/models/work-queue.server");
  // As the app's role, like the app (the bare phases below use the owner's pg clients).
  // The app's own client (its connection options and kept plans, app/utils/db.server.ts) on a pool of 50.
  const { newAppClient } = await import("~/utils/db.server");
  const wide = newAppClient(appDatabaseUrl(url), { max: CLIENTS });
  const accountants = Array.from({ length: CLIENTS }, (_, i) => ({ id: accountantId(i), roles: ["EMPLOYEE", "ACCOUNTANT"] as const }));
  const phases: PhaseResult[] = [];
  const t0 = performance.now();
  // One pool at a time: 50 pg clients and 50 Prisma connections together would pass max_connections (100).
  const pgClients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  // A warm-up pass of the whole Next (not compared): a freshly seeded claim table has full pages, so the first
  // phase that moves claims paid for it alone — "next+sealer", doing more, was faster than "next" right after
  // it (2026-12-05: p95 184–200 against 225–235 ms, three runs). A database in service has been through this.
  const warmUp = await runPhase("warm-up", admin, async (i) => {
    const s = takeNextStatement(accountantId(i), new Date());
    const { rows } = await pgClients[i]!.query<{ taskId: string }>(s.text, s.values);
    return rows[0]?.taskId ?? null;
  });
  phases.push(
    await runPhase("bare-pg", admin, async (i) => {
      const s = nextTaskStatement(accountantId(i), { preferredOnly: false });
      const { rows } = await pgClients[i]!.query<{ taskId: string }>(s.text, s.values);
      return rows[0]?.taskId ?? null;
    }),
  );
  await Promise.all(pgClients.map((c) => c.end()));
  // Warm the Prisma pool (connections) so its first phase does not pay for connecting.
  await Promise.all(accountants.map(() => wide.$queryRaw`SELECT 1`));
  phases.push(
    await runPhase("bare-prisma", admin, async (i) => {
      const rows = await wide.$queryRaw<{ taskId: string }[]>(nextTaskStatement(accountantId(i), { preferredOnly: false }));
      return rows[0]?.taskId ?? null;
    }),
  );
  const { Prisma } = await import("~/generated/prisma/client");
  const { KEEP_PLAN } = await import("~/utils/db.server");
  phases.push(
    await runPhase("bare-kept", admin, async (i) => {
      const rows = await wide.$queryRaw<{ taskId: string }[]>(Prisma.sql`${Prisma.raw(KEEP_PLAN)} ${nextTaskStatement(accountantId(i), { preferredOnly: false })}`);
      return rows[0]?.taskId ?? null;
    }),
  );
  const ours: Take = async (i) => (await takeNextTask({ accountant: accountants[i]! }, wide))?.taskId ?? null;
  phases.push(await runPhase("next", admin, ours));
  const { startAuditSealer } = await import("../workers/audit-sealer");
  phases.push(await runPhase("next+sealer", admin, ours, () => startAuditSealer({ log: (l) => console.error(l) })));
  // For comparison: the same without the preferred-assignee index (migration 20261126235500), then put back.
  await admin.query("DROP INDEX IF EXISTS task_open_review_preferred_idx");
  phases.push(await runPhase("next-noidx", admin, ours));
  await admin.query(PREFERRED_INDEX);
  const phaseSeconds = (performance.now() - t0) / 1000;

  await admin.query(RESET_SQL);
  await truncateWithAuditLogAsOwner(admin, [], "bench");
  await wide.$disconnect();
  const { prisma } = await import("~/utils/db.server");
  await prisma.$disconnect();
  await admin.end();

  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");
  console.log(`\n${"phase".padEnd(12)} ${"calls".padStart(7)} ${"takes".padStart(7)} ${"empty".padStart(6)} ${"errors".padStart(6)} ${"calls/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"doubles".padStart(8)} ${"sql check".padStart(10)}`);
  for (const p of [warmUp, ...phases]) {
    const sqlBad = sqlDoubles(p, !p.name.startsWith("bare-"));
    console.log(
      `${p.name.padEnd(12)} ${String(p.calls).padStart(7)} ${String(p.takes).padStart(7)} ${String(p.empties).padStart(6)} ${String(p.errors).padStart(6)} ${f(p.perSecond).padStart(8)} ${f(p.p50).padStart(7)} ${f(p.p95).padStart(7)} ${f(p.p99).padStart(7)} ${String(p.doubleAssignments).padStart(8)} ${(sqlBad === 0 ? "ok" : `${sqlBad} off`).padStart(10)}`,
    );
  }
  const [barePg, barePrisma, bareKept, next, withSealer, nextNoIdx] = phases as [PhaseResult, PhaseResult, PhaseResult, PhaseResult, PhaseResult, PhaseResult];
  console.log(
    `\nnext vs bare-prisma: p50 ×${(next.p50 / barePrisma.p50).toFixed(2)}, p95 ×${(next.p95 / barePrisma.p95).toFixed(2)}, calls/s ×${(next.perSecond / barePrisma.perSecond).toFixed(2)}; ` +
      `vs bare-kept (both plans kept): p95 ×${(next.p95 / bareKept.p95).toFixed(2)}; ` +
      `without the preferred index: p50 ×${(nextNoIdx.p50 / barePrisma.p50).toFixed(1)}, calls/s ×${(nextNoIdx.perSecond / barePrisma.perSecond).toFixed(2)}` +
      `\nwith the audit sealer running: p95 ×${(withSealer.p95 / barePrisma.p95).toFixed(2)}, ${withSealer.unsealed} of ${withSealer.takes} events not sealed when the phase ended` +
      `\nphases took ${phaseSeconds.toFixed(0)} s (${SECONDS} s each plus reset and vacuum)`,
  );
  const round = (n: number) => Math.round(n * 100) / 100;
  const summary = {
    bench: "next",
    tasks: TASKS,
    groups: GROUPS,
    clients: CLIENTS,
    seconds_per_phase: SECONDS,
    p50_ms: round(next.p50),
    p95_ms: round(next.p95),
    p99_ms: round(next.p99),
    calls_per_s: round(next.perSecond),
    takes: next.takes,
    errors: next.errors,
    double_assignments: phases.reduce((n, p) => n + p.doubleAssignments, 0),
    sql_check_failures: phases.reduce((n, p) => n + sqlDoubles(p, p.name.startsWith("next")), 0),
    bare_pg_p50_ms: round(barePg.p50),
    bare_pg_p95_ms: round(barePg.p95),
    bare_pg_p99_ms: round(barePg.p99),
    bare_pg_calls_per_s: round(barePg.perSecond),
    bare_prisma_p50_ms: round(barePrisma.p50),
    bare_prisma_p95_ms: round(barePrisma.p95),
    bare_prisma_calls_per_s: round(barePrisma.perSecond),
    ratio_p50_vs_bare_prisma: round(next.p50 / barePrisma.p50),
    ratio_p95_vs_bare_prisma: round(next.p95 / barePrisma.p95),
    ratio_calls_per_s_vs_bare_prisma: round(next.perSecond / barePrisma.perSecond),
    bare_kept_p50_ms: round(bareKept.p50),
    bare_kept_p95_ms: round(bareKept.p95),
    bare_kept_calls_per_s: round(bareKept.perSecond),
    ratio_p95_vs_bare_kept: round(next.p95 / bareKept.p95),
    with_sealer_p50_ms: round(withSealer.p50),
    with_sealer_p95_ms: round(withSealer.p95),
    with_sealer_calls_per_s: round(withSealer.perSecond),
    with_sealer_unsealed_at_end: withSealer.unsealed,
    ratio_p95_with_sealer_vs_bare_prisma: round(withSealer.p95 / barePrisma.p95),
    without_preferred_index_p50_ms: round(nextNoIdx.p50),
    without_preferred_index_p95_ms: round(nextNoIdx.p95),
    without_preferred_index_calls_per_s: round(nextNoIdx.perSecond),
  };
  console.log(JSON.stringify(summary));
  if (summary.double_assignments > 0 || summary.sql_check_failures > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
