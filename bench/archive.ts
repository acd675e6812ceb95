/**
 * Electronic archive benchmark (issue 12).
 *
 *   npm run bench:archive    (tsx bench/archive.ts [--packages 100000] [--slices 4] [--corrupt 200] [--keep])
 *   ARCHIVE_BENCH_PACKAGES=2000 npm run bench:archive    a quick run
 *
 * In a database of its own (accounting_factory_archive_bench; BENCH_DATABASE_URL to change it, the name must
 * end in _bench because it is emptied) and a storage root of its own (ARCHIVE_BENCH_DIR, default
 * .data/bench-archive, emptied):
 * 1. Filing: --packages paid claims' packages are written by the app's own package writer
 *    (writeArchivePackage: every file into a staging directory, SHA-256 of what was written, the manifest,
 *    files 0444, one rename into place, the directory 0555) with the demo's receipt mix and sizes (measured
 *    from the seed's renderer: 1–4 receipts a claim, ~1.6 on average; a phone JPEG ~235 KB, 15 % of photos
 *    PNG ~1.4 MB, half the invoices a 2-page PDF ~490 KB; a ~26 KB page image per page; claim, history and
 *    audit JSON of a few KB). The receipt bytes are deterministic (AES-CTR keystream slices stamped with the
 *    package and file number, so no two files are alike), not rendered images: fixity hashes bytes, whatever
 *    they depict. What the bench skips is the per-claim database read and transaction of fileArchiveRecord:
 *    archive_record and archive_file rows are bulk-inserted from the real manifests instead (digests, sizes,
 *    manifest digest, paths — the same rows the filing writes).
 * 2. Corruption: --corrupt packages (spread over the whole set) get one byte of one file flipped; every
 *    fifth of them instead loses a file.
 * 3. Fixity: a bare sha256 over the very same files (read each file whole, node:crypto, one at a time — what
 *    `sha256sum` does), then one FULL fixity run (runFixity: the records read from Postgres, every file
 *    streamed through node:crypto with bounded concurrency, compared with its recorded digest, each record's
 *    last_fixity_at/ok written, failures recorded and told). fixity_ratio = ours ÷ bare (seconds);
 *    files_per_s and mb_per_s are ours. corruptions_missed = corrupted packages the run did not report
 *    (must be 0).
 * 4. Search: bench/archive-search.ts (its own helper) when present: search_p95_ms and search_ratio.
 * Prints a table, then exactly one JSON line.
 */
import { createCipheriv, createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seedBenchDatabase } from "./bench-db";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_archive_bench";
const PACKAGES = process.env.ARCHIVE_BENCH_PACKAGES ? Number(process.env.ARCHIVE_BENCH_PACKAGES) : positiveArg("packages", 100_000, { whole: true });
const CORRUPT = Math.min(positiveArg("corrupt", 200, { whole: true }), PACKAGES);
const KEEP = process.argv.includes("--keep");
/**
 * --slices S: the packages are filed, damaged and fixity-checked S slices, one after the other, each slice's files
 * removed (and its records marked DESTROYED, which fixity skips) before the next is written, so 100,000
 * packages (≈74 GB) go through on a disk that cannot hold them all at once. Every figure is summed over the
 * slices: files, bytes and seconds of the bare hashing and of the FULL fixity runs (one per slice).
 */
const SLICES = Math.min(positiveArg("slices", 1, { whole: true }), PACKAGES);
const WRITE_CONCURRENCY = 4;
const BENCH_URL = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
const ROOT = path.resolve(process.env.ARCHIVE_BENCH_DIR ?? ".data/bench-archive");

if (!Number.isInteger(PACKAGES) || PACKAGES <= 0) throw new Error("ARCHIVE_BENCH_PACKAGES must be a positive whole number");
// The app's modules read DATABASE_URL / STORAGE_DIR when first imported: point them at the bench's own.
process.env.DATABASE_URL = BENCH_URL;
process.env.STORAGE_DIR = ROOT;

/** A deterministic keystream pool: slices of it are the receipts' bytes. */
const POOL = (() => {
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 7), Buffer.alloc(16, 3));
  return Buffer.concat([cipher.update(Buffer.alloc(8 << 20)), cipher.final()]);
})();

/** A small deterministic PRNG (mulberry32) per package. */
function rngFor(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytesOf(size: number, pkg: number, file: number, rng: () => number): Buffer {
  const header = Buffer.from(`AFBENCH ${pkg} ${file} `);
  const start = Math.floor(rng() * (POOL.length - size));
  return Buffer.concat([header, POOL.subarray(start, start + Math.max(0, size - header.length))]);
}

const around = (rng: () => number, mean: number) => Math.round(mean * (0.85 + rng() * 0.3));

type Receipt = { mediaType: string; size: number; pages: number };

/** The demo's receipt mix (prisma/seed/plan.ts) and sizes (its renderer at 900 px). */
function receiptsFor(rng: () => number): Receipt[] {
  const count = 1 + Math.floor(rng() * rng() * 4);
  return Array.from({ length: count }, () => {
    const invoice = rng() < 0.4;
    if (invoice && rng() < 0.5) return { mediaType: "application/pdf", size: around(rng, 490_000), pages: 2 };
    if (rng() < 0.15) return { mediaType: "image/png", size: around(rng, 1_400_000), pages: 1 };
    return { mediaType: "image/jpeg", size: around(rng, 235_000), pages: 1 };
  });
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

async function main(): Promise<void> {
  const { writeArchivePackage } = await import("~/models/archive-filing.server");
  const { runFixity } = await import("~/models/archive-fixity.server");
  const { derivedPathFor, originalPathFor, retentionFor } = await import("~/domain/archive-package");
  const { makeWritable } = await import("~/utils/archive-store.server");
  const { prisma } = await import("~/utils/db.server");

  console.log(`[bench:archive] ${PACKAGES} packages into ${ROOT}; database ${new URL(BENCH_URL).pathname.slice(1)}`);
  const { admin, seededSeconds } = await seedBenchDatabase(
    BENCH_URL,
    `INSERT INTO company (id, code, name, name_zh, currency) VALUES ('bench-co', 'BENCH', 'Bench Co', '基准公司', 'CNY');`,
    ["fixity_failure", "fixity_run", "archive_check_report", "archive_view", "archive_request", "destruction_item", "archive_file", "archive_record", "archive_claimant_name", "notification", "company"],
  );
  const archiveDir = path.join(ROOT, "archive");
  await fs.rm(ROOT, { recursive: true, force: true }).catch(async () => {
    await makeWritable(ROOT).catch(() => undefined);
    await fs.rm(ROOT, { recursive: true, force: true });
  });
  await fs.mkdir(archiveDir, { recursive: true });

  // ── 1. filing ──
  const filedAt = new Date();
  const closedOn = "2026-11-30";
  const retention = retentionFor(null, "EXPENSE_CLAIM", closedOn) as { class: "EXPENSE_CLAIM"; years: number | null; endsOn: string | null };
  type Row = { id: string; number: string; packagePath: string; manifestSha256: string; total: number; files: { path: string; role: string; mediaType: string; sha256: string; size: number }[] };
  let pendingRows: Row[] = [];
  let filesWritten = 0;
  let bytesWritten = 0;
  const flushRows = async () => {
    if (pendingRows.length === 0) return;
    const rows = pendingRows;
    pendingRows = [];
    await admin.query(
      `INSERT INTO archive_record (id, claim_id, claim_number, company_id, claimant_id, claimant_name, department_id, outcome, total_minor, currency, merchants,
                                   spent_from, spent_to, closed_on, retention_years, retention_ends_on, package_path, manifest_sha256, file_count, total_bytes, filed_at)
       SELECT id, id, num, 'bench-co', 'bench-claimant', 'Bench Claimant', 'bench-dept', 'PAID', total, 'CNY', 'Bench Taxi',
              $1::date, $1::date, $1::date, $2, $3::date, pp, ms, fc, tb, $4
         FROM unnest($5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::int[], $11::bigint[]) AS r(id, num, total, pp, ms, fc, tb)`,
      [
        closedOn,
        retention.years,
        retention.endsOn,
        filedAt,
        rows.map((r) => r.id),
        rows.map((r) => r.number),
        rows.map((r) => r.total),
        rows.map((r) => r.packagePath),
        rows.map((r) => r.manifestSha256),
        rows.map((r) => r.files.length),
        rows.map((r) => r.files.reduce((n, f) => n + f.size, 0)),
      ],
    );
    const files = rows.flatMap((r) => r.files.map((f) => ({ ...f, recordId: r.id })));
    await admin.query(
      `INSERT INTO archive_file (record_id, path, role, media_type, sha256, size_bytes)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
      [files.map((f) => f.recordId), files.map((f) => f.path), files.map((f) => f.role), files.map((f) => f.mediaType), files.map((f) => f.sha256), files.map((f) => f.size)],
    );
  };

  let fileSeconds = 0;
  let bareSeconds = 0;
  let bareBytes = 0;
  let bareFiles = 0;
  let oursSeconds = 0;
  const ours = { packages: 0, files: 0, bytes: 0 };
  let missed = 0;
  let falseAlarms = 0;
  let damaged = 0;
  let flagged = 0;
  for (let slice = 0; slice < SLICES; slice++) {
    const from = Math.round((PACKAGES * slice) / SLICES);
    const to = Math.round((PACKAGES * (slice + 1)) / SLICES);
    const t0 = performance.now();
    let next = from;
    const lanes = Array.from({ length: WRITE_CONCURRENCY }, async () => {
      while (next < to) {
        const i = next++;
        const rng = rngFor(i + 1);
        const number = `BX-${String(i + 1).padStart(7, "0")}`;
        const receipts = receiptsFor(rng);
        const files: Parameters<typeof writeArchivePackage>[0]["files"] = [];
        let f = 0;
        receipts.forEach((r, k) => {
          files.push({ path: originalPathFor(k + 1, r.mediaType), role: "ORIGINAL", mediaType: r.mediaType, source: { bytes: bytesOf(r.size, i, f++, rng) } });
          for (let p = 1; p <= r.pages; p++) files.push({ path: derivedPathFor(k + 1, p), role: "DERIVED", mediaType: "image/jpeg", source: { bytes: bytesOf(around(rng, 26_000), i, f++, rng) } });
        });
        const total = Math.round(rng() * 500_000) + 1_000;
        const lines = receipts.map((_, k) => ({ position: k + 1, spentOn: "2026-11-20", category: "TAXI", merchant: "Bench Taxi 出租车", amountMinor: String(Math.round(total / receipts.length)), currency: "CNY", receipts: [k + 1] }));
        const built = await writeArchivePackage(
          {
            claimId: `bench-${i}`,
            claimNumber: number,
            company: { id: "bench-co", code: "BENCH" },
            outcome: "PAID",
            closedOn,
            filedAt,
            filedBy: { actorId: null, process: "bench" },
            retention,
            claimData: {
              format: "accounting-factory/claim@1",
              id: `bench-${i}`,
              number,
              status: "PAID",
              purpose: "Customer visit, Shenzhen 深圳客户拜访",
              company: { id: "bench-co", code: "BENCH" },
              department: { id: "bench-dept" },
              claimant: { id: "bench-claimant", name: "Bench Claimant" },
              currency: "CNY",
              totalMinor: String(total),
              lines,
              receipts: receipts.map((r, k) => ({ no: k + 1, mediaType: r.mediaType, size: r.size, pages: r.pages, original: originalPathFor(k + 1, r.mediaType), derived: Array.from({ length: r.pages }, (_, p) => derivedPathFor(k + 1, p + 1)) })),
            },
            history: { format: "accounting-factory/claim-history@1", tasks: Array.from({ length: 3 }, (_, k) => ({ id: `t${k}`, type: ["MANAGER_APPROVAL", "REVIEW", "QA"][k], status: "DONE", outcome: "approved", at: filedAt.toISOString() })) },
            audit: { format: "accounting-factory/claim-audit@1", events: Array.from({ length: 8 }, (_, k) => ({ id: String(i * 8 + k), type: "claim.event", at: filedAt.toISOString(), hash: createHash("sha256").update(`${i}-${k}`).digest("hex") })) },
            files,
          },
          archiveDir,
        );
        filesWritten += built.files.length;
        bytesWritten += built.totalBytes;
        pendingRows.push({ id: `bench-${i}`, number, packagePath: built.packagePath, manifestSha256: built.manifestSha256, total, files: built.files });
        if (pendingRows.length >= 500) await flushRows();
        if ((i + 1) % 10_000 === 0) console.log(`[bench:archive] filed ${i + 1} packages (${fmt((performance.now() - t0) / 1000)} s)`);
      }
    });
    await Promise.all(lanes);
    await flushRows();
    fileSeconds += (performance.now() - t0) / 1000;
    await admin.query("ANALYZE archive_record; ANALYZE archive_file");

    // ── 2. corruption: one flipped byte in one file of this slice's share of CORRUPT packages (every fifth: a file removed) ──
    const size = to - from;
    const share = Math.round((CORRUPT * to) / PACKAGES) - Math.round((CORRUPT * from) / PACKAGES);
    const step = Math.max(1, Math.floor(size / Math.max(1, share)));
    const corrupted = new Set<string>();
    for (let k = 0; k < share; k++) {
      const i = from + Math.min(size - 1, k * step + (k % step));
      const id = `bench-${i}`;
      const { rows } = await admin.query<{ package_path: string; path: string }>(
        `SELECT r.package_path, f.path FROM archive_record r JOIN archive_file f ON f.record_id = r.id WHERE r.id = $1 ORDER BY f.path`,
        [id],
      );
      const pick = rows[(k * 7) % rows.length]!;
      const dir = path.join(archiveDir, ...pick.package_path.split("/"));
      const file = path.join(dir, ...pick.path.split("/"));
      await fs.chmod(path.dirname(file), 0o755);
      if (k % 5 === 4) await fs.rm(file);
      else {
        await fs.chmod(file, 0o644);
        const handle = await fs.open(file, "r+");
        const { size } = await handle.stat();
        const at = Math.floor(size / 2);
        const one = Buffer.alloc(1);
        await handle.read(one, 0, 1, at);
        one[0] = one[0]! ^ 0x20;
        await handle.write(one, 0, 1, at);
        await handle.close();
        await fs.chmod(file, 0o444);
      }
      await fs.chmod(path.dirname(file), 0o555);
      corrupted.add(id);
    }

    // ── 3. fixity: bare sha256 over the same files, then ours ──
    const { rows: allFiles } = await admin.query<{ package_path: string; path: string }>(
      `SELECT r.package_path, f.path FROM archive_file f JOIN archive_record r ON r.id = f.record_id WHERE r.status = 'FILED' ORDER BY r.id, f.path`,
    );
    const tb = performance.now();
    for (const f of allFiles) {
      try {
        const bytes = await fs.readFile(path.join(archiveDir, ...f.package_path.split("/"), ...f.path.split("/")));
        createHash("sha256").update(bytes).digest("hex");
        bareBytes += bytes.length;
        bareFiles += 1;
      } catch {
        // the removed files
      }
    }
    bareSeconds += (performance.now() - tb) / 1000;

    const run = await runFixity("FULL", { root: archiveDir, log: () => undefined });
    ours.packages += run.packages;
    ours.files += run.files;
    ours.bytes += run.bytes;
    oursSeconds += run.ms / 1000;
    const reported = new Set(run.failures.map((f) => f.recordId));
    missed += [...corrupted].filter((id) => !reported.has(id)).length;
    falseAlarms += [...reported].filter((id) => !corrupted.has(id)).length;
    damaged += corrupted.size;
    flagged += reported.size;
    console.log(
      `[bench:archive] slice ${slice + 1}/${SLICES}: packages ${from + 1}–${to} filed, ${corrupted.size} damaged, fixity ${run.packages} packages in ${fmt(run.ms / 1000, 1)} s, ${reported.size} reported`,
    );
    if (slice + 1 < SLICES) {
      // Make room for the next slice: this slice's files go, its records stop being FILED (fixity skips them).
      await admin.query(`UPDATE archive_record SET status = 'DESTROYED', destroyed_at = now() WHERE status = 'FILED'`);
      await makeWritable(archiveDir).catch(() => undefined);
      await fs.rm(archiveDir, { recursive: true, force: true });
      await fs.mkdir(archiveDir, { recursive: true });
    }
  }

  // ── 4. search (the loans/search helper's bench), when present ──
  let search: { search_p95_ms: number | null; search_ratio: number | null; records?: number } = { search_p95_ms: null, search_ratio: null };
  const searchBench = path.join(path.dirname(fileURLToPath(import.meta.url)), "archive-search.ts");
  if (
    await fs
      .access(searchBench)
      .then(() => true)
      .catch(() => false)
  ) {
    const mod = (await import(searchBench)) as { runSearchBench?: () => Promise<{ search_p95_ms: number; search_ratio: number; records: number }> };
    if (mod.runSearchBench) search = await mod.runSearchBench();
  } else {
    console.log("[bench:archive] bench/archive-search.ts not present: search figures left null");
  }

  const mb = ours.bytes / 1e6;
  console.log("");
  console.log(`filing     ${PACKAGES} packages, ${filesWritten} files, ${fmt(bytesWritten / 1e9, 2)} GB in ${fmt(fileSeconds)} s: ${fmt(PACKAGES / fileSeconds)} packages/s, ${fmt(bytesWritten / 1e6 / fileSeconds)} MB/s (db seed ${seededSeconds} s)`);
  console.log(`bare sha256  ${bareFiles} files, ${fmt(bareBytes / 1e6)} MB in ${fmt(bareSeconds, 2)} s: ${fmt(bareFiles / bareSeconds)} files/s, ${fmt(bareBytes / 1e6 / bareSeconds)} MB/s`);
  console.log(`fixity FULL  ${ours.packages} packages, ${ours.files} files, ${fmt(mb)} MB in ${fmt(oursSeconds, 2)} s: ${fmt(ours.files / oursSeconds)} files/s, ${fmt(mb / oursSeconds)} MB/s; ratio ${fmt(oursSeconds / bareSeconds, 2)}`);
  console.log(`corruption   ${damaged} packages damaged, ${flagged} reported, ${missed} missed, ${falseAlarms} false alarms${SLICES > 1 ? ` (${SLICES} slices)` : ""}`);

  if (!KEEP) {
    await makeWritable(ROOT).catch(() => undefined);
    await fs.rm(ROOT, { recursive: true, force: true });
  }
  await admin.end();
  await prisma.$disconnect();
  console.log(
    JSON.stringify({
      packages: PACKAGES,
      files: ours.files,
      bytes: ours.bytes,
      files_per_s: Math.round(ours.files / oursSeconds),
      mb_per_s: Math.round((mb / oursSeconds) * 10) / 10,
      bare_mb_per_s: Math.round((bareBytes / 1e6 / bareSeconds) * 10) / 10,
      fixity_s: Math.round(oursSeconds * 100) / 100,
      bare_s: Math.round(bareSeconds * 100) / 100,
      fixity_ratio: Math.round((oursSeconds / bareSeconds) * 100) / 100,
      filing_packages_per_s: Math.round(PACKAGES / fileSeconds),
      search_p95_ms: search.search_p95_ms,
      search_ratio: search.search_ratio,
      corrupted: damaged,
      slices: SLICES,
      corruptions_missed: missed,
      false_alarms: falseAlarms,
    }),
  );
  process.exit(missed === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(`[bench:archive] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
});
