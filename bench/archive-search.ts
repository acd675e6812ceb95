/**
 * Archive search over 1,000,000 archive records (issue 12).
 *
 *   tsx bench/archive-search.ts [--records 1000000] [--rounds 40] [--explain] [--reuse]
 *
 * In a database of its own (af_archive_search_bench; ARCHIVE_SEARCH_BENCH_DATABASE_URL to change it, the name
 * must end in _bench because it is emptied): --records archive_record rows over ten years for three companies
 * (most in one), written by one INSERT … SELECT generate_series (records need no files; archive_record has no
 * foreign key to claim), plus boxes with a few thousand filed originals. Then, in the same run:
 *   - ours: a mix of the searches an archivist makes (a claim number, a number prefix, a claimant, a
 *     merchant, an amount range, a month spent, a box, the newest page and the page after it, a combination),
 *     each through searchArchive() as an archivist of the big company, --rounds times;
 *   - bare: SELECT … FROM archive_record WHERE claim_number = $1 (the claim-number index), as often.
 * search_p95_ms is ours, search_ratio = ours ÷ bare (p95). bench/archive.ts imports runSearchBench().
 * Run directly, it prints a table and then one JSON line.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import type { ArchiveSearchInput } from "~/models/archive-search.server";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { seedBenchDatabase } from "./bench-db";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/af_archive_search_bench";

export type SearchBenchResult = { search_p95_ms: number; search_ratio: number; records: number };
export type SearchBenchOptions = {
  url?: string;
  records?: number;
  rounds?: number;
  explain?: boolean;
  /** Keep the records of the last run (same --records) instead of seeding again: for tuning only. */
  reuse?: boolean;
  log?: (line: string) => void;
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

const SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao"];
const GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Yong", "Jie", "Tao", "Ming", "Chao", "Xiu", "Hui", "Ping", "Gang", "Hong", "Ying", "Xin", "Bo", "Lan", "Dan", "Peng"];
const MERCHANTS = [
  "Didi Chuxing", "China Eastern", "Air China", "China Southern", "Hanting Hotel", "Jinjiang Inn", "Marriott Shanghai", "Hilton Beijing",
  "Haidilao", "Starbucks", "Luckin Coffee", "JD.com", "Tmall", "Meituan", "China Railway 12306", "Shenzhou Taxi", "Home Inn", "Atour Hotel",
  "Xibei", "Din Tai Fung", "Office Depot", "Deli Stationery", "SF Express", "China Mobile", "Ctrip", "Fliggy", "Hainan Airlines", "Spring Airlines",
];

/** Everything the bench needs, set-based: companies, an archivist, --records archive rows, boxes with filed originals. */
function seedSql(records: number): string {
  const sqlList = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]`;
  return `
    INSERT INTO company (id, code, name, name_zh, currency) VALUES
      ('co-a', 'AA', 'Archive Bench A', '档案压测甲', 'CNY'), ('co-b', 'AB', 'Archive Bench B', '档案压测乙', 'CNY'), ('co-c', 'AC', 'Archive Bench C', '档案压测丙', 'USD');
    INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('dep-a', 'co-a', 'OPS', 'Operations', '运营部');
    INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
      VALUES ('u-archivist', 'archivist@bench.example', 'Bench archivist', '!bench-no-login', '{ARCHIVIST}', 'co-a', 'dep-a'),
             ('u-claimant', 'claimant@bench.example', 'Bench claimant', '!bench-no-login', '{EMPLOYEE}', 'co-a', 'dep-a');
    INSERT INTO user_company (user_id, company_id) VALUES ('u-archivist', 'co-a'), ('u-archivist', 'co-b');
    INSERT INTO archive_location (id, code, name, name_zh, kind) VALUES ('loc-1', 'S1', 'Shelf 1', '一号架', 'SHELF');

    -- Ten years of records, filed in order; 70 % company A, 20 % B, 10 % C; 1 in 20 in USD, 1 in 50 in JPY.
    INSERT INTO archive_record (id, claim_id, claim_number, company_id, claimant_id, claimant_name, department_id, outcome, total_minor, currency,
                                merchants, spent_from, spent_to, closed_on, retention_years, retention_ends_on, package_path, manifest_sha256,
                                file_count, total_bytes, filed_at, status, destroyed_at)
    SELECT 'ar-' || g, 'cl-' || g,
           'EC' || (2016 + (g * 10 / ${records + 1}))::text || lpad(g::text, 7, '0'),
           CASE WHEN g % 10 < 7 THEN 'co-a' WHEN g % 10 < 9 THEN 'co-b' ELSE 'co-c' END,
           'u-claimant',
           (${sqlList(SURNAMES)})[1 + (g * 7) % ${SURNAMES.length}] || ' ' || (${sqlList(GIVEN)})[1 + (g * 13) % ${GIVEN.length}] || ' ' || (g % 997)::text,
           'dep-a', CASE WHEN g % 40 = 0 THEN 'REJECTED' ELSE 'PAID' END,
           (100 + (hashint4(g)::bigint & 1048575) * (1 + g % 7))::bigint,
           CASE WHEN g % 20 = 0 THEN 'USD' WHEN g % 50 = 1 THEN 'JPY' ELSE 'CNY' END,
           (${sqlList(MERCHANTS)})[1 + (g * 11) % ${MERCHANTS.length}] || '; ' || (${sqlList(MERCHANTS)})[1 + (g * 17) % ${MERCHANTS.length}],
           d.day - 7, d.day, d.day + 20, 30, d.day + 20 + interval '30 years',
           'packages/ar-' || g, repeat('a', 64), 5, 250000,
           d.day + interval '25 days' + (g % 86400) * interval '1 second',
           CASE WHEN g % 500 = 0 THEN 'DESTROYED' ELSE 'FILED' END,
           CASE WHEN g % 500 = 0 THEN now() END
      FROM generate_series(1, ${records}) AS g,
           LATERAL (SELECT (date '2016-01-01' + (g::bigint * 3650 / ${records})::int) AS day) d;

    -- Boxes of company A holding the first 20,000 records' originals (paper_original needs a claim row).
    INSERT INTO archive_box (id, label, company_id, year, doc_type, box_no, capacity, status, location_id, created_by_id)
    SELECT 'box-' || b, 'AA-2016-BX-B' || lpad(b::text, 4, '0'), 'co-a', 2016, 'BX', b, 200, 'CLOSED', 'loc-1', 'u-archivist' FROM generate_series(1, 100) b;
    INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status)
    SELECT 'cl-' || g, 'EC' || lpad(g::text, 7, '0') || 'X', 'u-claimant', 'co-a', 'dep-a', 'bench', 'PAID'
      FROM generate_series(10, 200000, 10) g;
    INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, box_id, position, filed_at)
    SELECT 'cl-' || g, 'co-a', 'ARCHIVED', 2, now(), current_date, 'box-' || (1 + (g / 10 - 1) / 200), 1 + (g / 10 - 1) % 200, now()
      FROM generate_series(10, 200000, 10) g;
  `;
}

/** The searches an archivist makes, with a little variety per round. */
function searchMix(round: number, records: number): { name: string; input: ArchiveSearchInput; follow?: boolean }[] {
  const g = 1 + ((round * 7919) % records);
  const year = 2016 + ((round * 3) % 10);
  const month = String(1 + (round % 12)).padStart(2, "0");
  const surname = SURNAMES[round % SURNAMES.length]!;
  const given = GIVEN[(round * 3) % GIVEN.length]!;
  const merchant = MERCHANTS[round % MERCHANTS.length]!;
  const numberOf = (n: number) => `EC${2016 + Math.floor((n * 10) / (records + 1))}${String(n).padStart(7, "0")}`;
  return [
    { name: "claim number", input: { claimNumber: numberOf(g) } },
    { name: "number prefix", input: { claimNumber: numberOf(g).slice(0, 9) } },
    { name: "claimant", input: { claimant: `${surname} ${given}`.toLowerCase().slice(0, 8) } },
    { name: "merchant", input: { merchant: merchant.slice(0, 7) } },
    { name: "amount range", input: { companyId: "co-a", amountMin: "5000", amountMax: "5200" } },
    { name: "month spent", input: { spentFrom: `${year}-${month}-01`, spentTo: `${year}-${month}-28` } },
    { name: "box", input: { box: `AA-2016-BX-B${String(1 + (round % 100)).padStart(4, "0")}` } },
    { name: "newest + next page", input: {}, follow: true },
    // Two letters (no trigrams; most Chinese names are two or three characters): found through the names filed.
    { name: "two letters", input: { claimant: surname.slice(0, 2).toLowerCase() } },
    { name: "claimant in a year", input: { claimant: `${surname} ${given[0]}`.toLowerCase(), spentFrom: `${year}-01-01`, spentTo: `${year}-12-31` }, follow: true },
  ];
}

export async function runSearchBench(opts: SearchBenchOptions = {}): Promise<SearchBenchResult> {
  const url = opts.url ?? process.env.ARCHIVE_SEARCH_BENCH_DATABASE_URL ?? DEFAULT_URL;
  const records = opts.records ?? 1_000_000;
  const rounds = opts.rounds ?? 40;
  const log = opts.log ?? (() => undefined);
  const t0 = performance.now();
  const { admin } = await seedBenchDatabase(url, opts.reuse ? "SELECT 1" : seedSql(records), opts.reuse ? [] : [
    "archive_view", "archive_request", "archive_file", "paper_original", "archive_box", "archive_location", "archive_record", "archive_claimant_name", "claim", "user_company", "app_user", "department", "company",
  ]);
  log(`[bench:archive-search] ${records.toLocaleString("en")} archive records seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Our own client on this database (the caller may hold the app's client on another one).
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: appDatabaseUrl(url), max: 4 }) });
  const { searchArchive, archiveSearchSql, ArchiveSearchSchema } = await import("~/models/archive-search.server");
  try {
    const viewer = { id: "u-archivist", roles: ["ARCHIVIST" as const] };
    const companyIds = ["co-a", "co-b"];
    if (opts.explain) {
      const { matchClaimant, searchPlan } = await import("~/models/archive-search.server");
      for (const s of searchMix(1, records)) {
        const f = ArchiveSearchSchema.parse(s.input);
        const claimant = f.claimant ? await matchClaimant(db, f.claimant, companyIds) : undefined;
        const plan = searchPlan(f, claimant);
        const { sql, params } = archiveSearchSql(f, companyIds, 51, plan === "race" ? "ordered" : plan, claimant);
        const { rows } = await admin.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params.map((p) => (typeof p === "bigint" ? p.toString() : p)));
        log(`── ${s.name} (${plan})\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
      }
    }
    // Warm both paths once.
    await searchArchive(db, viewer, { claimNumber: "EC2016" });
    await db.$queryRawUnsafe(`SELECT id FROM archive_record WHERE claim_number = $1`, "EC20160000001");
    const ours: number[] = [];
    const bare: number[] = [];
    const byName = new Map<string, number[]>();
    let found = 0;
    for (let round = 0; round < rounds; round++) {
      for (const s of searchMix(round, records)) {
        const t = performance.now();
        let r = await searchArchive(db, viewer, s.input);
        if (s.follow && r.next) r = await searchArchive(db, viewer, { ...s.input, after: r.next });
        const ms = performance.now() - t;
        if (Object.keys(r.errors).length > 0) throw new Error(`search "${s.name}" refused its filters: ${JSON.stringify(r.errors)}`);
        found += r.rows.length;
        ours.push(ms);
        byName.set(s.name, [...(byName.get(s.name) ?? []), ms]);
        const number = `EC${2016 + Math.floor((((round * 104729 + ours.length) % records) + 1) * 10 / (records + 1))}${String(((round * 104729 + ours.length) % records) + 1).padStart(7, "0")}`;
        const tb = performance.now();
        await db.$queryRawUnsafe(`SELECT * FROM archive_record WHERE claim_number = $1`, number);
        bare.push(performance.now() - tb);
      }
    }
    for (const [name, xs] of byName) log(`  ${name.padEnd(22)} p50 ${percentile(xs, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(xs, 95).toFixed(1).padStart(7)} ms`);
    const p95 = percentile(ours, 95);
    const bareP95 = percentile(bare, 95);
    log(`  ${"ours (all)".padEnd(22)} p95 ${p95.toFixed(1)} ms over ${ours.length} searches (${found} rows)`);
    log(`  ${"bare claim_number".padEnd(22)} p95 ${bareP95.toFixed(2)} ms`);
    return { search_p95_ms: Math.round(p95 * 10) / 10, search_ratio: Math.round((p95 / Math.max(bareP95, 0.01)) * 10) / 10, records };
  } finally {
    await db.$disconnect();
    await admin.end();
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("archive-search.ts");
if (isMain) {
  runSearchBench({
    records: positiveArg("records", 1_000_000, { whole: true }),
    rounds: positiveArg("rounds", 40, { whole: true }),
    explain: process.argv.includes("--explain"),
    reuse: process.argv.includes("--reuse"),
    log: (line) => console.error(line),
  })
    .then((r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
