/**
 * Payroll benchmark: a month's piece-rate statements for every operator over a million finished tasks.
 *
 *   npm run bench:payroll     (tsx bench/payroll.ts [--operators 500] [--tasks 1000000] [--runs 3])
 *
 * In a database of its own (accounting_factory_payroll_bench; BENCH_DATABASE_URL to change it, the name
 * must end in _bench because it is emptied), migrated like any other, seeded with set-based SQL
 * (generate_series): 500 accountants, 200,000 approved claims, 1,000,000 DONE tasks finished in
 * September 2026 (Shanghai time) — 95% reviews, 5% QA checks, complexity bands S/M/L/XL 50/30/15/5 —
 * with a qa_check per QA task (10% errors, all three severities), plus 100,000 tasks in August and
 * October that the month must skip; the demo rates (prisma/seed/pay.ts).
 *
 * Then, each --runs times (the median is reported), in the same run and against the same rows:
 *
 *   baseline    SELECT count(*) of the month's finished paid tasks — the bare scan of the same rows
 *   statements  computeMonthStatements(): the app's grouped query + the domain arithmetic, all operators
 *
 * and once each: closeMonth() (compute + store 500 statements + audit, one transaction) and
 * recomputeClosedMonth() (compute again, compare with the stored statements: must match).
 * Prints a table, then exactly one JSON line.
 */
import { PIECE_RATES, POINT_VALUE, QUALITY_DEDUCTIONS } from "../fixtures/pay-rates";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { seedBenchDatabase } from "./bench-db";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_payroll_bench";
const MONTH = "2026-09";

const OPERATORS = positiveArg("operators", 500, { whole: true });
const TASKS = positiveArg("tasks", 1_000_000, { whole: true });
const RUNS = positiveArg("runs", 3, { whole: true });
const CLAIMS = Math.max(1, Math.floor(TASKS / 5));
const OUTSIDE = Math.floor(TASKS / 10);

function seedSql(): string {
  const band = (n: string) => `CASE WHEN ${n} % 20 < 10 THEN 'S' WHEN ${n} % 20 < 16 THEN 'M' WHEN ${n} % 20 < 19 THEN 'L' ELSE 'XL' END`;
  const rates = PIECE_RATES.map((r) => `('pr-${r.taskType}-${r.band}', '${r.taskType}', '${r.band}', ${r.pointsHundredths}, DATE '2025-01-01')`).join(", ");
  const deductions = QUALITY_DEDUCTIONS.map((d) => `('qd-${d.severity}', '${d.severity}', ${d.pointsHundredths}, DATE '2025-01-01')`).join(", ");
  // Tasks n = 1..TASKS finish in September (Shanghai): spread over 30 days and working hours.
  const finished = (n: string) => `TIMESTAMPTZ '2026-09-01 09:00:00+08' + ((${n} % 30) * interval '1 day') + ((${n}::bigint * 7919 % 32400) * interval '1 second')`;
  return `
BEGIN;
INSERT INTO company (id, code, name, name_zh, currency) VALUES ('bench-co', 'BENCH', 'Bench company', '基准公司', 'CNY');
INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('bench-dept', 'bench-co', 'D', 'Dept', '部门');
INSERT INTO processing_group (id, code, name, name_zh)
  SELECT 'bench-g' || g, 'BG' || g, 'Group ' || g, '组 ' || g FROM generate_series(0, 9) g;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  SELECT 'op-' || i, 'op' || i || '@bench', '作业员 ' || i, '!', ARRAY['EMPLOYEE','ACCOUNTANT']::"Role"[], 'bench-co', 'bench-dept'
    FROM generate_series(0, ${OPERATORS - 1}) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  VALUES ('emp-0', 'emp0@bench', 'Employee', '!', ARRAY['EMPLOYEE']::"Role"[], 'bench-co', 'bench-dept'),
         ('sup-0', 'sup0@bench', 'Supervisor', '!', ARRAY['EMPLOYEE','SUPERVISOR']::"Role"[], 'bench-co', 'bench-dept');
INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, created_at, group_id)
  SELECT 'c-' || n, 'P' || lpad(n::text, 8, '0'), 'emp-0', 'bench-co', 'bench-dept', 'Bench claim', 'APPROVED', 3,
         TIMESTAMPTZ '2026-08-25 09:00:00+08', TIMESTAMPTZ '2026-08-25 09:00:00+08', 'bench-g' || (n % 10)
    FROM generate_series(1, ${CLAIMS}) n;
-- The month's work: every 20th task is a QA check (5%), the rest reviews.
INSERT INTO task (id, claim_id, type, status, group_id, assignee_id, complexity, claim_version, created_at, started_at, finished_at, sla_due_at, outcome)
  SELECT 't-' || n, 'c-' || (n % ${CLAIMS} + 1),
         (CASE WHEN n % 20 = 0 THEN 'QA' ELSE 'REVIEW' END)::"TaskType", 'DONE',
         CASE WHEN n % 20 = 0 THEN NULL ELSE 'bench-g' || (n % 10) END,
         'op-' || (n * 31 % ${OPERATORS}), ${band("(n / 7)")}, 3,
         ${finished("n")} - interval '2 hours', ${finished("n")} - ((n % 900 + 60) * interval '1 second'), ${finished("n")},
         ${finished("n")} + ((n % 7 - 1) * interval '1 hour'), CASE WHEN n % 9 = 0 THEN 'returned' ELSE 'approved' END
    FROM generate_series(1, ${TASKS}) n;
-- Work the month must skip: August and October.
INSERT INTO task (id, claim_id, type, status, group_id, assignee_id, complexity, claim_version, created_at, started_at, finished_at, outcome)
  SELECT 'x-' || n, 'c-' || (n % ${CLAIMS} + 1), 'REVIEW', 'DONE', 'bench-g0', 'op-' || (n % ${OPERATORS}), 'S', 3,
         TIMESTAMPTZ '2026-08-01 09:00:00+08', TIMESTAMPTZ '2026-08-01 09:00:00+08',
         CASE WHEN n % 2 = 0 THEN TIMESTAMPTZ '2026-08-31 23:59:00+08' ELSE TIMESTAMPTZ '2026-10-01 00:00:00+08' END, 'approved'
    FROM generate_series(1, ${OUTSIDE}) n;
-- One check per QA task, of the review before it; 10% errors.
INSERT INTO qa_check (id, qa_task_id, review_task_id, claim_id, operator_id, stratum, sample_rate_bp, reviewer_id, outcome, error_type, severity, created_at, checked_at)
  SELECT 'q-' || n, 't-' || n, 't-' || (n - 1), 'c-' || ((n - 1) % ${CLAIMS} + 1), 'op-' || ((n - 1) * 31 % ${OPERATORS}), 'base', 500, 'op-' || (n * 31 % ${OPERATORS}),
         CASE WHEN n % 200 = 0 THEN 'error' ELSE 'pass' END,
         CASE WHEN n % 200 = 0 THEN 'wrong_amount' END,
         CASE WHEN n % 200 = 0 THEN (ARRAY['minor','major','critical'])[n / 200 % 3 + 1] END,
         ${finished("n")}, ${finished("n")}
    FROM generate_series(20, ${TASKS}, 20) n;
INSERT INTO piece_rate (id, task_type, band, points_hundredths, valid_from) VALUES ${rates};
INSERT INTO quality_deduction (id, severity, points_hundredths, valid_from) VALUES ${deductions};
INSERT INTO point_value (id, minor_per_point, currency, valid_from) VALUES ('pv-0', ${POINT_VALUE.minorPerPoint}, '${POINT_VALUE.currency}', DATE '2025-01-01');
COMMIT;`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  // The app modules read DATABASE_URL when first imported: point them at the bench database first.
  process.env.DATABASE_URL = url;
  process.env.APP_DATABASE_URL = appDatabaseUrl(url);
  process.env.NODE_ENV ??= "production";
  const { admin, seededSeconds } = await seedBenchDatabase(url, seedSql(), [
    "pay_statement", "pay_period", "piece_rate", "quality_deduction", "point_value", "qa_check", "outbox_event", "task", "claim",
    "group_member", "routing_rule", "processing_group", "approval_delegation", "app_user", "department", "company",
  ]);
  let t0: number;
  console.log(
    `[bench:payroll] ${OPERATORS} operators, ${TASKS.toLocaleString("en")} tasks in ${MONTH} (+${OUTSIDE.toLocaleString("en")} outside), ` +
      `${(TASKS / 20).toLocaleString("en")} QA checks: seeded in ${seededSeconds.toFixed(1)} s`,
  );

  const { computeMonthStatements } = await import("~/models/pay-statements.server");
  const { SSC_TIME_ZONE } = await import("~/domain/calendar-date");
  const { closeMonth, recomputeClosedMonth } = await import("~/models/pay-month-close.server");
  const { monthRange } = await import("~/domain/piece-rate");
  const { prisma } = await import("~/utils/db.server");
  const { from, to } = monthRange(MONTH, SSC_TIME_ZONE);

  const baseline: number[] = [];
  const statements: number[] = [];
  let counted = 0;
  let pieces = 0;
  let operators = 0;
  let totalMinor = 0n;
  await computeMonthStatements({ month: MONTH }); // warm-up: connections, plans, JIT
  for (let r = 0; r < RUNS; r++) {
    t0 = performance.now();
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM task WHERE status = 'DONE' AND type IN ('REVIEW', 'QA') AND assignee_id IS NOT NULL AND finished_at >= $1 AND finished_at < $2`,
      [from, to],
    );
    baseline.push(performance.now() - t0);
    counted = Number(rows[0]!.n);
    t0 = performance.now();
    const all = await computeMonthStatements({ month: MONTH });
    statements.push(performance.now() - t0);
    operators = all.length;
    pieces = all.reduce((n, s) => n + s.statement.pieces, 0);
    totalMinor = all.reduce((n, s) => n + s.statement.amount.minor, 0n);
  }
  if (counted !== TASKS || pieces !== TASKS) throw new Error(`expected ${TASKS} pieces, counted ${counted}, statements have ${pieces}`);

  t0 = performance.now();
  const closed = await closeMonth({ month: MONTH, actorId: "sup-0" });
  const closeMs = performance.now() - t0;
  if (closed.total !== totalMinor) throw new Error(`close stored ${closed.total}, computed ${totalMinor}`);
  t0 = performance.now();
  const check = await recomputeClosedMonth({ month: MONTH });
  const recomputeMs = performance.now() - t0;
  if (!check.matches) throw new Error(`recompute differs: ${JSON.stringify(check.differences.slice(0, 5))}`);

  await prisma.$disconnect();
  await admin.end();

  const durationMs = median(statements);
  const baselineMs = median(baseline);
  console.log(`\n${"phase".padEnd(12)} ${"median ms".padStart(10)}  runs (ms)`);
  console.log(`${"baseline".padEnd(12)} ${baselineMs.toFixed(0).padStart(10)}  ${baseline.map((x) => x.toFixed(0)).join(", ")}`);
  console.log(`${"statements".padEnd(12)} ${durationMs.toFixed(0).padStart(10)}  ${statements.map((x) => x.toFixed(0)).join(", ")}`);
  console.log(`${"close".padEnd(12)} ${closeMs.toFixed(0).padStart(10)}`);
  console.log(`${"recompute".padEnd(12)} ${recomputeMs.toFixed(0).padStart(10)}  (matches: ${check.matches})`);
  console.log(`\n${operators} statements, ${pieces.toLocaleString("en")} pieces, total ${(Number(totalMinor) / 100).toFixed(2)} ${closed.currency}; statements ×${(durationMs / baselineMs).toFixed(1)} the bare count`);
  console.log(
    JSON.stringify({
      bench: "payroll",
      duration_ms: Math.round(durationMs),
      baseline_count_ms: Math.round(baselineMs),
      ratio: Number((durationMs / baselineMs).toFixed(2)),
      close_ms: Math.round(closeMs),
      recompute_ms: Math.round(recomputeMs),
      recompute_matches: check.matches,
      operators,
      tasks: TASKS,
    }),
  );
}

main().catch((err: unknown) => {
  console.error("[bench:payroll] failed:", err);
  process.exit(1);
});
