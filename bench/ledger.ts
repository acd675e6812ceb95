/**
 * Ledger and budget benchmark (issue 11).
 *
 *   npm run bench:ledger    (tsx bench/ledger.ts [--claims 100000] [--batch 1000] [--submitters 50] [--per-submitter 20])
 *
 * In a database of its own (accounting_factory_ledger_bench; BENCH_DATABASE_URL to change it, the name must
 * end in _bench because it is emptied):
 * 1. Vouchers: --claims APPROVED claims of one CNY company (two lines each: mixed categories, invoice kinds,
 *    one line in ten in USD, some approved for less; one receipt each) are written set-based, with a chart of
 *    accounts and its mappings (fixtures/ledger.ts). Then, in this same run:
 *    - bare: the same number of voucher rows and voucher-line rows bulk-inserted into plain tables shaped like
 *      voucher / voucher_line (no constraints, no triggers, no numbering), in batches of --batch;
 *    - ours: postClaimVouchers() over the claims in batches of --batch — the facts read, VAT and amounts
 *      worked out, numbers allocated without gaps, vouchers and lines inserted, balance checked at commit —
 *      and then one export of all of them (CSV, exportVouchers()).
 *    vouchers_per_s is ours (posting + export); ratio_vs_bare_insert = ours ÷ bare (vouchers per second).
 *    unbalanced_vouchers counts vouchers whose debits, credits and total differ (must be 0); number_gaps
 *    counts missing voucher numbers (must be 0).
 * 2. Reservations: one hot budget cell in hard-stop mode, --submitters claimants each submitting
 *    --per-submitter one-line claims one after another, all at once, through the real submission
 *    (saveClaim with submit). The cell's budget lets only part of them through. reservations_per_s is
 *    accepted submissions per second of wall time, reservation_p95_ms the 95th percentile of one
 *    submission (accepted or refused), overspend_minor how far reserved + consumed ended above the hard stop
 *    (must be 0), and budget_drift the cells whose stored totals differ from their ledger (must be 0).
 * Prints a table, then exactly one JSON line.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { seedBenchDatabase } from "./bench-db";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_ledger_bench";
const CLAIMS = positiveArg("claims", 100_000, { whole: true });
const BATCH = positiveArg("batch", 1_000, { whole: true });
const SUBMITTERS = positiveArg("submitters", 50, { whole: true });
const PER_SUBMITTER = positiveArg("per-submitter", 20, { whole: true });

const CATEGORIES: [string, string, string][] = [
  ["AIR", "Air travel", "机票"],
  ["RAIL", "Train", "火车票"],
  ["TAXI", "Taxi & ride-hailing", "出租车/网约车"],
  ["HOTEL", "Hotel", "住宿费"],
  ["MEAL", "Meals (travel)", "差旅餐费"],
  ["ENTERTAIN", "Client entertainment", "业务招待费"],
  ["OFFICE", "Office supplies", "办公用品"],
  ["OTHER", "Other", "其他"],
];

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type Org = { companyId: string; departmentId: string; employeeIds: string[]; adminId: string; fileSha: string };

/** A CNY company, a department, employees, categories, a USD rate and one stored receipt file, set-based. */
async function seedOrg(db: pg.ClientBase, employees: number): Promise<Org> {
  const companyId = "co-bench";
  const departmentId = "dep-bench";
  await db.query(`INSERT INTO company (id, code, name, name_zh, currency, budget_period) VALUES ($1, 'LB', 'Ledger Bench Co.', '账务压测公司', 'CNY', 'MONTH')`, [companyId]);
  await db.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'OPS', 'Operations', '运营部')`, [departmentId, companyId]);
  for (const [i, [code, name, nameZh]] of CATEGORIES.entries()) {
    await db.query(`INSERT INTO expense_category (code, name, name_zh, sort_order) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`, [code, name, nameZh, i]);
  }
  await db.query(`INSERT INTO exchange_rate (base, quote, valid_on, rate) VALUES ('USD', 'CNY', '2026-01-01', 7.1234) ON CONFLICT DO NOTHING`);
  const adminId = "u-bench-admin";
  const employeeIds = Array.from({ length: employees }, (_, i) => `u-bench-${i}`);
  await db.query(
    `INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
     SELECT u.id, u.id || '@bench.example', 'Employee ' || u.ord, '!bench-no-login', '{EMPLOYEE}', $2, $3 FROM unnest($1::text[]) WITH ORDINALITY AS u(id, ord)`,
    [employeeIds, companyId, departmentId],
  );
  await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id) VALUES ($1, 'admin@bench.example', 'Bench admin', '!bench-no-login', '{ADMIN,SUPERVISOR}', $2, $3)`, [adminId, companyId, departmentId]);
  await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [adminId, companyId]);
  const fileSha = "b".repeat(64);
  await db.query(`INSERT INTO stored_file (sha256, size_bytes, mime_type, status) VALUES ($1, 1000, 'image/jpeg', 'READY')`, [fileSha]);
  return { companyId, departmentId, employeeIds, adminId, fileSha };
}

/** --claims APPROVED claims of two lines each, with one receipt; set-based in chunks of 20,000. */
async function seedApprovedClaims(db: pg.ClientBase, org: Org, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += 20_000) {
    const size = Math.min(20_000, n - start);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at, project_code)
       SELECT 'c-' || g, 'LB' || lpad(g::text, 8, '0'), ($2::text[])[1 + (g % array_length($2::text[], 1))], $3, $4,
              '出差 ' || g, 'APPROVED', 5, timestamptz '2026-11-20 02:00:00Z', CASE WHEN g % 3 = 0 THEN 'PRJ-5G' END
         FROM generate_series($1::int, $1::int + $5::int - 1) AS g
       RETURNING id`,
      [start + 1, org.employeeIds, org.companyId, org.departmentId, size],
    );
    ids.push(...rows.map((r) => r.id));
    await db.query(
      `INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency, invoice_kind, tax_minor, transport_mode, approved_minor)
       SELECT 'l-' || g || '-' || p, 'c-' || g, p, date '2026-11-01' + (g % 18),
              (ARRAY['AIR','RAIL','TAXI','HOTEL','MEAL','ENTERTAIN','OFFICE','OTHER'])[1 + ((g + p) % 8)],
              '商户 ' || (g % 997),
              amount, CASE WHEN g % 10 = 0 AND p = 1 THEN 'USD' ELSE 'CNY' END,
              kind, CASE WHEN kind IN ('SPECIAL_VAT', 'ORDINARY_E') THEN amount * 6 / 106 END,
              CASE WHEN kind = 'TRANSPORT_TICKET' THEN (ARRAY['AIR','RAIL','ROAD','WATER'])[1 + (g % 4)] END,
              CASE WHEN g % 17 = 0 THEN amount - amount / 5 END
         FROM generate_series($1::int, $1::int + $2::int - 1) AS g, generate_series(0, 1) AS p,
              LATERAL (SELECT 5000 + ((g * 7919 + p * 104729) % 300000)::bigint AS amount,
                              (ARRAY['SPECIAL_VAT','ORDINARY_E','TRANSPORT_TICKET','NONE'])[1 + ((g + 2 * p) % 4)] AS kind) x`,
      [start + 1, size],
    );
    await db.query(
      `INSERT INTO receipt (id, claim_id, file_sha256, file_name, uploaded_by_id)
       SELECT 'r-' || g, 'c-' || g, $3, 'receipt.jpg', $4 FROM generate_series($1::int, $1::int + $2::int - 1) AS g`,
      [start + 1, size, org.fileSha, org.employeeIds[0]],
    );
  }
  return ids;
}

/** The bare baseline: the same numbers of voucher and line rows into plain tables shaped like ours. */
async function bareInsert(db: pg.ClientBase, vouchers: number, linesPerVoucher: number): Promise<number> {
  await db.query(`CREATE TEMP TABLE bare_voucher (LIKE voucher INCLUDING DEFAULTS)`);
  await db.query(`CREATE TEMP TABLE bare_voucher_line (LIKE voucher_line INCLUDING DEFAULTS)`);
  const t0 = performance.now();
  for (let start = 0; start < vouchers; start += BATCH) {
    const size = Math.min(BATCH, vouchers - start);
    const ids = Array.from({ length: size }, () => randomUUID());
    await db.query("BEGIN");
    await db.query(
      `INSERT INTO bare_voucher (id, company_id, period, number, voucher_type, kind, voucher_date, description, attachment_count, currency, total_minor, claim_id, source_key)
       SELECT v.id, 'co-bench', '2026-12', $2 + v.ord, '记', 'CLAIM', date '2026-12-01', '报销 bare ' || v.ord, 1, 'CNY', 100000, 'c-' || v.ord, 'bare:' || v.id
         FROM unnest($1::text[]) WITH ORDINALITY AS v(id, ord)`,
      [ids, start],
    );
    await db.query(
      `INSERT INTO bare_voucher_line (voucher_id, position, company_id, account_code, description, debit_minor, credit_minor, currency, original_minor, rate, department_id, employee_id, project_code, external_id)
       SELECT v.id, p, 'co-bench', '6602.01', '报销 bare', CASE WHEN p < $2 THEN 50000 ELSE 0 END, CASE WHEN p = $2 THEN 100000 ELSE 0 END,
              'CNY', 50000, '1', 'dep-bench', 'u-bench-0', NULL, 'AF-' || v.id || '-' || p
         FROM unnest($1::text[]) AS v(id), generate_series(1, $2::int) AS p`,
      [ids, linesPerVoucher],
    );
    await db.query("COMMIT");
  }
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  process.env.DATABASE_URL = url;
  process.env.APP_DATABASE_URL = appDatabaseUrl(url);
  process.env.NODE_ENV ??= "production";

  const { admin, seededSeconds } = await seedBenchDatabase(url, "SELECT 1", [
    "voucher_export_item", "voucher_export", "voucher_erp_ref", "voucher_line", "voucher", "accounting_period", "gl_mapping", "gl_account",
    "budget_entry", "budget_transfer", "budget_cell", "notification", "outbox_event", "task", "line_receipt", "receipt", "stored_file",
    "claim_line", "claim", "user_company", "app_user", "department", "company",
  ]);
  let t0 = performance.now();
  const org = await seedOrg(admin, Math.max(SUBMITTERS, 1000));
  const claimIds = await seedApprovedClaims(admin, org, CLAIMS);
  const { setupLedger } = await import("../fixtures/ledger");
  const { prisma } = await import("~/utils/db.server");
  await setupLedger(prisma, org.companyId);
  await admin.query("VACUUM ANALYZE");
  console.log(`[bench:ledger] ${CLAIMS.toLocaleString("en")} approved claims seeded in ${((performance.now() - t0) / 1000 + seededSeconds).toFixed(1)} s`);

  // Bare first, then ours, in the same run and database.
  const bareMs = await bareInsert(admin, CLAIMS, 4);
  const { postClaimVouchers } = await import("~/models/ledger-posting.server");
  await prisma.$queryRaw`SELECT 1`;
  t0 = performance.now();
  for (let start = 0; start < claimIds.length; start += BATCH) await postClaimVouchers(prisma, claimIds.slice(start, start + BATCH));
  const postMs = performance.now() - t0;
  const { exportVouchers } = await import("~/models/ledger-export.server");
  t0 = performance.now();
  const exported = await exportVouchers({ viewer: { id: org.adminId, roles: ["ADMIN", "SUPERVISOR"] }, companyId: org.companyId, format: "csv" });
  const exportMs = performance.now() - t0;

  const { rows: checks } = await admin.query<{ vouchers: string; lines: string; unbalanced: string; gaps: string }>(`
    SELECT (SELECT count(*) FROM voucher) AS vouchers,
           (SELECT count(*) FROM voucher_line) AS lines,
           (SELECT count(*) FROM voucher v JOIN LATERAL (SELECT sum(debit_minor) d, sum(credit_minor) c FROM voucher_line l WHERE l.voucher_id = v.id) s ON true
             WHERE s.d IS DISTINCT FROM s.c OR s.d IS DISTINCT FROM v.total_minor) AS unbalanced,
           (SELECT COALESCE(sum(mx - n), 0) FROM (SELECT max(number) mx, count(*) n FROM voucher GROUP BY company_id, period) g) AS gaps`);
  const vouchers = Number(checks[0]!.vouchers);
  if (vouchers !== CLAIMS) throw new Error(`${vouchers} vouchers for ${CLAIMS} claims`);
  if (exported.voucherCount !== vouchers) throw new Error(`exported ${exported.voucherCount} of ${vouchers} vouchers`);
  const linesPerVoucher = Number(checks[0]!.lines) / vouchers;

  const reservations = await benchReservations(admin, org);
  await prisma.$disconnect();
  await admin.end();

  const oursMs = postMs + exportMs;
  const oursVps = vouchers / (oursMs / 1000);
  const bareVps = CLAIMS / (bareMs / 1000);
  console.log(`\n${"phase".padEnd(34)} ${"ms".padStart(8)}  ${"vouchers/s".padStart(11)}`);
  console.log(`${"bare bulk insert (voucher + 4 lines)".padEnd(34)} ${bareMs.toFixed(0).padStart(8)}  ${bareVps.toFixed(0).padStart(11)}`);
  console.log(`${"post vouchers".padEnd(34)} ${postMs.toFixed(0).padStart(8)}  ${(vouchers / (postMs / 1000)).toFixed(0).padStart(11)}`);
  console.log(`${"export (CSV)".padEnd(34)} ${exportMs.toFixed(0).padStart(8)}  ${(vouchers / (exportMs / 1000)).toFixed(0).padStart(11)}   ${(exported.body.length / 1e6).toFixed(1)} MB, ${exported.lineCount} lines`);
  console.log(`${"post + export".padEnd(34)} ${oursMs.toFixed(0).padStart(8)}  ${oursVps.toFixed(0).padStart(11)}   ← ratio ${(oursVps / bareVps).toFixed(3)}`);
  console.log(`\n${vouchers.toLocaleString("en")} vouchers, ${linesPerVoucher.toFixed(2)} lines each; unbalanced ${checks[0]!.unbalanced}, number gaps ${checks[0]!.gaps}`);
  console.log(
    `reservations: ${reservations.submitters} submitters × ${PER_SUBMITTER}: ${reservations.accepted} accepted, ${reservations.refused} refused in ${reservations.wallMs.toFixed(0)} ms; ` +
      `p50 ${reservations.p50.toFixed(1)} ms, p95 ${reservations.p95.toFixed(1)} ms; cell used ${reservations.usedMinor} of limit ${reservations.limitMinor}; overspend ${reservations.overspend}; drift ${reservations.drift}`,
  );
  console.log(
    JSON.stringify({
      bench: "ledger",
      claims: CLAIMS,
      vouchers,
      vouchers_per_s: Math.round(oursVps),
      post_vouchers_per_s: Math.round(vouchers / (postMs / 1000)),
      bare_insert_vouchers_per_s: Math.round(bareVps),
      ratio_vs_bare_insert: Number((oursVps / bareVps).toFixed(3)),
      export_ms: Math.round(exportMs),
      unbalanced_vouchers: Number(checks[0]!.unbalanced),
      number_gaps: Number(checks[0]!.gaps),
      submitters: reservations.submitters,
      submissions: reservations.accepted + reservations.refused,
      reservations_accepted: reservations.accepted,
      reservations_refused: reservations.refused,
      reservations_per_s: Math.round(reservations.accepted / (reservations.wallMs / 1000)),
      reservation_p50_ms: Number(reservations.p50.toFixed(1)),
      reservation_p95_ms: Number(reservations.p95.toFixed(1)),
      overspend_minor: reservations.overspend,
      budget_drift: reservations.drift,
    }),
  );
}

/**
 * One hot cell (this month, the department, all categories) with a budget that takes part of the demand;
 * drafts made set-based, then submitted by --submitters concurrent claimants through saveClaim.
 */
async function benchReservations(db: pg.ClientBase, org: Org) {
  const { saveClaim } = await import("~/models/claim-commands.server");
  const { isAppError } = await import("~/domain/app-error");
  const { isoDate } = await import("~/domain/calendar-date");
  const today = isoDate(new Date());
  const period = today.slice(0, 7);
  const amount = 10_000n; // ¥100.00 per claim
  const demand = BigInt(SUBMITTERS * PER_SUBMITTER) * amount;
  const budget = (demand * 7n) / 10n; // the hard stop (110 %) lets 77 % of the demand through
  const cellId = "cell-bench-hot";
  await db.query(`INSERT INTO budget_cell (id, company_id, department_id, period, currency) VALUES ($1, $2, $3, $4, 'CNY')`, [cellId, org.companyId, org.departmentId, period]);
  await db.query(`INSERT INTO budget_entry (cell_id, kind, budget_delta, idempotency_key, note) VALUES ($1, 'BUDGET', $2, 'BUDGET:bench', 'bench')`, [cellId, budget.toString()]);
  const submitters = org.employeeIds.slice(0, SUBMITTERS);
  const drafts = submitters.flatMap((claimantId, s) => Array.from({ length: PER_SUBMITTER }, (_, k) => ({ claimantId, id: `d-${s}-${k}` })));
  await db.query(
    `INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status)
     SELECT d.id, 'LBD' || d.ord, d.claimant_id, $3, $4, 'Hot cell', 'DRAFT' FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS d(id, claimant_id, ord)`,
    [drafts.map((d) => d.id), drafts.map((d) => d.claimantId), org.companyId, org.departmentId],
  );
  await db.query(
    `INSERT INTO receipt (id, claim_id, file_sha256, file_name, uploaded_by_id)
     SELECT 'r-' || d.id, d.id, $3, 'receipt.jpg', d.claimant_id FROM unnest($1::text[], $2::text[]) AS d(id, claimant_id)`,
    [drafts.map((d) => d.id), drafts.map((d) => d.claimantId), org.fileSha],
  );
  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  const start = performance.now();
  await Promise.all(
    submitters.map(async (claimantId, s) => {
      for (let k = 0; k < PER_SUBMITTER; k++) {
        const claimId = `d-${s}-${k}`;
        const t = performance.now();
        try {
          await saveClaim({
            viewer: { id: claimantId, roles: ["EMPLOYEE"] },
            claimId,
            version: 1,
            submit: true,
            today,
            input: {
              purpose: "Hot cell",
              companyId: org.companyId,
              departmentId: org.departmentId,
              lines: [{ spentOn: today, categoryCode: "OFFICE", merchant: "文具店", amountMinor: amount, currency: "CNY", note: "", receiptIds: [`r-${claimId}`] }],
            },
          });
          accepted++;
        } catch (err) {
          if (!isAppError(err, "budget_exceeded")) throw err;
          refused++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - start;
  const { rows } = await db.query<{ used: string; budget: string }>(`SELECT (reserved_minor + consumed_minor)::text AS used, budget_minor::text AS budget FROM budget_cell WHERE id = $1`, [cellId]);
  const { rows: drift } = await db.query(`SELECT * FROM budget_drift()`);
  const used = BigInt(rows[0]!.used);
  const limit = (BigInt(rows[0]!.budget) * 110n) / 100n;
  const overspend = used > limit ? used - limit : 0n;
  return {
    submitters: SUBMITTERS,
    accepted,
    refused,
    wallMs,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    usedMinor: used.toString(),
    limitMinor: limit.toString(),
    overspend: Number(overspend),
    drift: drift.length,
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
