/**
 * The month-end load bench's data, on top of the demo organisation (prisma/seed.ts --phase data): bench
 * employees, managers and accountants (@demo.af, the demo password), and `claims` claims with their
 * lines, tasks and audit events, written with set-based SQL (generate_series). The audit events are
 * appended unsealed and then sealed by bench/load.ts (audit_seal()), so the chain stays valid; their data
 * carries {"bench": "load"}.
 *
 * Per 100 claims: 2 waiting for their manager (an open approval), 2 waiting for review (an open review
 * task in a processing group), 1 draft with a line and a receipt (to submit), the rest history
 * (approved by the manager, reviewed: 85 paid or approved, 5 returned, 5 rejected). Every open claim and
 * 1 history claim in 20 has a receipt. Each receipt has a stored file of its own (a digest derived from its
 * number, no perceptual hash) whose storage entries the bench links to one rendered file and its tiles: one
 * set of tiles on disk, yet no two claims share a file (a shared digest would make every claim page list
 * every other claim as a duplicate receipt, which no real month-end looks like).
 */

/**
 * Claim n's kind number in [0, 100): < 2 waiting for its manager, < 4 waiting for review, 4 a draft, else
 * history. Scrambled (a multiplication modulo the prime 10007) so that it does not follow n's residues: a
 * plain `(n * 37) % 100` depends only on n mod 100, and since a claim's manager is n mod 500 and its
 * claimant n mod 20,000, every manager's and every employee's claims were all of ONE kind — only 2 of
 * the 500 managers had anything to approve (1 of the bench's 36: 5 approvals in a 120 s run), and only
 * 1 employee in 100 had drafts to submit. The SQL and the bench's JS use the same formula.
 */
export const KIND_SQL = "((n::bigint * 7919) % 10007) % 100";
export const kindNumber = (n: number): number => ((n * 7919) % 10007) % 100;
export type ClaimKind = "approval" | "review" | "draft" | "history";
export function kindOf(n: number): ClaimKind {
  const k = kindNumber(n);
  return k < 2 ? "approval" : k < 4 ? "review" : k === 4 ? "draft" : "history";
}

/** The sizes the bench derives from the claim count. */
export function loadSizes(claims: number): { employees: number; managers: number; accountantsPerGroup: number } {
  const employees = Math.max(500, Math.round(claims / 50));
  return { employees, managers: Math.max(10, Math.round(employees / 40)), accountantsPerGroup: 10 };
}

/** Departments of the demo organisation the bench employees work in (CNY companies). */
const DEPARTMENTS = [
  ["dep-hq-sales", "co-hq"],
  ["dep-hq-mkt", "co-hq"],
  ["dep-hq-rd", "co-hq"],
  ["dep-hq-it", "co-hq"],
  ["dep-hq-hr", "co-hq"],
  ["dep-hq-adm", "co-hq"],
  ["dep-sz-sales", "co-sz"],
  ["dep-sz-net", "co-sz"],
] as const;

/** Board viewers: one supervisor per open board. */
export const SUPERVISORS = 40;

const GROUPS = ["grp-travel", "grp-meals", "grp-office", "grp-high"] as const;
const CATEGORIES = ["TAXI", "MEAL", "HOTEL", "OFFICE", "RAIL", "COMM"] as const;

/** Receipt n's stored file: a digest of its own (see the header). */
const RECEIPT_SHA = "encode(sha256(convert_to('load-receipt-' || n, 'UTF8')), 'hex')";

const arr = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(",")}]`;

/** The bulk SQL: `data` (one transaction), then `events` (one statement per 100,000 claims, each committed). */
export function loadSeedSql({ claims, file }: { claims: number; file: { sizeBytes: number; pages: unknown[] } }): { data: string; events: string[] } {
  const { employees: E, managers: M, accountantsPerGroup: A } = loadSizes(claims);
  const D = DEPARTMENTS.length;
  const G = GROUPS.length;
  const deps = arr(DEPARTMENTS.map((d) => d[0]));
  const cos = arr(DEPARTMENTS.map((d) => d[1]));
  const groups = arr(GROUPS);
  const cats = arr(CATEGORIES);
  const data = `
BEGIN;
-- Users: managers (one department each), employees under them, accountants in the four groups.
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, manager_id, locale)
  SELECT 'lm-' || i, 'load-mgr' || i || '@demo.af', 'Load manager ' || i, (SELECT password_hash FROM app_user WHERE email = 'employee@demo.af'),
         ARRAY['EMPLOYEE','MANAGER']::"Role"[], (${cos})[1 + i % ${D}], (${deps})[1 + i % ${D}], NULL, 'zh-CN'
    FROM generate_series(0, ${M - 1}) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, manager_id, locale)
  SELECT 'le-' || i, 'load-emp' || i || '@demo.af', 'Load employee ' || i, (SELECT password_hash FROM app_user WHERE email = 'employee@demo.af'),
         ARRAY['EMPLOYEE']::"Role"[], (${cos})[1 + (i % ${M}) % ${D}], (${deps})[1 + (i % ${M}) % ${D}], 'lm-' || (i % ${M}), 'zh-CN'
    FROM generate_series(0, ${E - 1}) i;
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, manager_id, locale)
  SELECT 'la-' || i, 'load-acct' || i || '@demo.af', 'Load accountant ' || i, (SELECT password_hash FROM app_user WHERE email = 'employee@demo.af'),
         ARRAY['EMPLOYEE','ACCOUNTANT']::"Role"[], 'co-hq', 'dep-hq-ssc', NULL, 'zh-CN'
    FROM generate_series(0, ${G * A - 1}) i;
-- Supervisors for the wall boards (a board stream cap is per user): every company.
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, manager_id, locale)
  SELECT 'ls-' || i, 'load-sup' || i || '@demo.af', 'Load supervisor ' || i, (SELECT password_hash FROM app_user WHERE email = 'employee@demo.af'),
         ARRAY['EMPLOYEE','SUPERVISOR']::"Role"[], 'co-hq', 'dep-hq-ssc', NULL, 'zh-CN'
    FROM generate_series(0, ${SUPERVISORS - 1}) i;
INSERT INTO user_company (user_id, company_id) SELECT 'ls-' || i, c.id FROM generate_series(0, ${SUPERVISORS - 1}) i CROSS JOIN company c;
INSERT INTO group_member (group_id, user_id) SELECT (${groups})[1 + i / ${A}], 'la-' || i FROM generate_series(0, ${G * A - 1}) i;
INSERT INTO user_company (user_id, company_id) SELECT 'la-' || i, c.id FROM generate_series(0, ${G * A - 1}) i CROSS JOIN company c;

-- Claim n: its claimant, kind and times (submitted over the last 180 days, open ones in the last 3).
DROP TABLE IF EXISTS load_plan;
CREATE UNLOGGED TABLE load_plan AS
  SELECT n, e, m, k,
         'le-' || e AS claimant, 'lm-' || m AS manager, (${cos})[1 + m % ${D}] AS company, (${deps})[1 + m % ${D}] AS dept,
         (${groups})[1 + n % ${G}] AS grp, 'la-' || ((n % ${G}) * ${A} + (n / ${G}) % ${A}) AS accountant,
         CASE WHEN k < 2 THEN 'approval' WHEN k < 4 THEN 'review' WHEN k = 4 THEN 'draft' ELSE 'history' END AS kind,
         CASE WHEN k >= 5 AND k < 10 THEN 'returned' WHEN k >= 10 AND k < 15 THEN 'rejected' WHEN k < 70 THEN 'paid' ELSE 'approved' END AS outcome,
         CASE WHEN k < 5 THEN now() - make_interval(secs => (n % 250000) * 1.0)
              ELSE now() - interval '180 days' + (n::float8 / ${claims}) * (interval '180 days' - interval '4 days') END AS sub
    FROM (SELECT n, n % ${E} AS e, (n % ${E}) % ${M} AS m, ${KIND_SQL} AS k FROM generate_series(1, ${claims}) n) s;

INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, created_at, updated_at, group_id)
  SELECT 'lc-' || n, 'L' || lpad(n::text, 9, '0'), claimant, company, dept, 'Month-end claim ' || n,
         (CASE kind WHEN 'approval' THEN 'SUBMITTED' WHEN 'review' THEN 'MANAGER_APPROVED' WHEN 'draft' THEN 'DRAFT'
           ELSE CASE outcome WHEN 'paid' THEN 'PAID' WHEN 'approved' THEN 'APPROVED' WHEN 'returned' THEN 'RETURNED' ELSE 'REJECTED' END END)::"ClaimStatus",
         CASE kind WHEN 'approval' THEN 2 WHEN 'review' THEN 3 WHEN 'draft' THEN 1 ELSE 5 END,
         CASE WHEN kind = 'draft' THEN NULL ELSE sub END, sub - interval '1 hour', sub,
         CASE WHEN kind IN ('review', 'history') THEN grp END
    FROM load_plan;
INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency)
  SELECT 'll-' || n, 'lc-' || n, 0, (sub - interval '2 days')::date, (${cats})[1 + n % ${CATEGORIES.length}], 'Merchant ' || (n % 997),
         1000 + (n::bigint * 7919) % 50000, 'CNY'
    FROM load_plan;

-- Receipts: every open claim, 1 history claim in 20; one stored file for all.
INSERT INTO stored_file (sha256, size_bytes, mime_type, status, page_count, pages, created_at, ready_at)
  SELECT ${RECEIPT_SHA}, ${file.sizeBytes}, 'image/jpeg', 'READY', ${file.pages.length}, '${JSON.stringify(file.pages)}'::jsonb, sub - interval '1 hour', sub - interval '50 minutes'
    FROM load_plan WHERE kind <> 'history' OR n % 20 = 0;
INSERT INTO receipt (id, claim_id, file_sha256, file_name, uploaded_by_id, created_at)
  SELECT 'lr-' || n, 'lc-' || n, ${RECEIPT_SHA}, 'receipt-' || n || '.jpg', claimant, sub - interval '1 hour'
    FROM load_plan WHERE kind <> 'history' OR n % 20 = 0;
INSERT INTO line_receipt (line_id, receipt_id) SELECT 'll-' || n, 'lr-' || n FROM load_plan WHERE kind <> 'history' OR n % 20 = 0;

-- Tasks: the manager's approval (done, or open for 'approval'), the review (done, or open for 'review').
INSERT INTO task (id, claim_id, type, status, step, assignee_id, claim_version, complexity, created_at, started_at, finished_at, outcome)
  SELECT 'lma-' || n, 'lc-' || n, 'MANAGER_APPROVAL', (CASE WHEN kind = 'approval' THEN 'OPEN' ELSE 'DONE' END)::"TaskStatus", 1, manager,
         2, 'S', sub, CASE WHEN kind = 'approval' THEN NULL ELSE sub + interval '30 minutes' END,
         CASE WHEN kind = 'approval' THEN NULL ELSE sub + interval '1 hour' END, CASE WHEN kind = 'approval' THEN NULL ELSE 'approved' END
    FROM load_plan WHERE kind <> 'draft';
INSERT INTO task (id, claim_id, type, status, group_id, assignee_id, claim_version, complexity, sla_minutes, sla_due_at, created_at, started_at, finished_at, outcome)
  SELECT 'lrv-' || n, 'lc-' || n, 'REVIEW', (CASE WHEN kind = 'review' THEN 'OPEN' ELSE 'DONE' END)::"TaskStatus", grp,
         CASE WHEN kind = 'review' THEN NULL ELSE accountant END, 3, (ARRAY['S','M','L'])[1 + n % 3], 480,
         sub + interval '1 hour' + interval '8 hours', sub + interval '1 hour',
         CASE WHEN kind = 'review' THEN NULL ELSE sub + interval '3 hours' END,
         CASE WHEN kind = 'review' THEN NULL ELSE sub + interval '3 hours' + make_interval(mins => 5 + n % 30) END,
         CASE WHEN kind = 'review' THEN NULL WHEN outcome IN ('paid', 'approved') THEN 'approved' ELSE outcome END
    FROM load_plan WHERE kind IN ('review', 'history');

COMMIT;`;

  const CHUNK = 100_000;
  const events: string[] = [];
  for (let from = 1; from <= claims; from += CHUNK) {
    const range = `n BETWEEN ${from} AND ${Math.min(claims, from + CHUNK - 1)}`;
    events.push(`
-- Audit events, appended unsealed in claim order (bench/load.ts seals them after): created (drafts), submitted, manager approved, the review's decision.
INSERT INTO audit_event (claim_id, actor_id, type, from_status, to_status, data, at)
  SELECT claim_id, actor_id, type, from_status::"ClaimStatus", to_status::"ClaimStatus", '{"bench":"load"}'::jsonb, at
    FROM (
      SELECT n, 0 AS step, 'lc-' || n AS claim_id, claimant AS actor_id, 'claim.created' AS type, NULL AS from_status, 'DRAFT' AS to_status, sub - interval '1 hour' AS at FROM load_plan WHERE kind = 'draft' AND ${range}
      UNION ALL
      SELECT n, 1, 'lc-' || n, claimant, 'claim.submitted', 'DRAFT', 'SUBMITTED', sub FROM load_plan WHERE kind <> 'draft' AND ${range}
      UNION ALL
      SELECT n, 2, 'lc-' || n, manager, 'claim.manager_approved', 'SUBMITTED', 'MANAGER_APPROVED', sub + interval '1 hour' FROM load_plan WHERE kind IN ('review', 'history') AND ${range}
      UNION ALL
      SELECT n, 3, 'lc-' || n, accountant, 'claim.' || CASE WHEN outcome IN ('paid', 'approved') THEN 'approved' ELSE outcome END, 'IN_REVIEW',
             CASE outcome WHEN 'paid' THEN 'APPROVED' WHEN 'approved' THEN 'APPROVED' WHEN 'returned' THEN 'RETURNED' ELSE 'REJECTED' END,
             sub + interval '3 hours' FROM load_plan WHERE kind = 'history' AND ${range}
    ) ev
    ORDER BY n, step;`);
  }
  events.push("DROP TABLE load_plan;");
  return { data, events };
}
