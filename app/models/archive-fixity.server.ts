/**
 * Fixity: re-hashing archive packages against the digests recorded when they were filed (archive_file).
 * A NIGHTLY run (a BullMQ job scheduler at 02:00 UTC, workers/archive.ts) checks the share of packages
 * least recently checked — so every package is covered within FIXITY_CYCLE_DAYS nights — plus a random
 * sample of the rest; FULL checks everything; ON_DEMAND the packages named. Each file missing or changed
 * is a fixity_failure row; each record's last_fixity_at/ok is updated. A failure is loud: an error line
 * in the log, a message to the company's archivists and supervisors, and the red banner on
 * /archive/records for as long as any record's last fixity check failed.
 * Hashing streams each file through node:crypto, several files at a time (FIXITY_CONCURRENCY).
 */
import path from "node:path";
import {
  fixityVerdict,
  nightlyFixityShare,
  pickRandomSample,
} from "~/domain/archive-checks";
import {
  archiveRoot,
  hashFile,
  mapBounded,
  packageDir,
} from "~/utils/archive-store.server";
import { prisma, type Db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { notify } from "./notifications.server";

export const FIXITY_KINDS = ["NIGHTLY", "FULL", "ON_DEMAND"] as const;
export type FixityKind = (typeof FIXITY_KINDS)[number];
export const FIXITY_CYCLE_DAYS = 30;
/** The nightly random sample besides the cycle's share: this share of all packages, at least a few. */
export const FIXITY_SAMPLE_SHARE = 0.01;
export const FIXITY_SAMPLE_MIN = 5;
export const FIXITY_CONCURRENCY = 8;

export type FixityFailureFound = {
  recordId: string;
  claimNumber: string;
  path: string;
  problem: "MISSING" | "MISMATCH";
  expected: string;
  actual: string | null;
};
export type FixityRunResult = {
  runId: string;
  kind: FixityKind;
  packages: number;
  files: number;
  bytes: number;
  mismatches: number;
  failures: FixityFailureFound[];
  ms: number;
};

/** Which records a run checks. */
export async function fixityTargets(
  db: Db,
  kind: FixityKind,
  opts: {
    recordIds?: readonly string[];
    random?: () => number;
    cycleDays?: number;
  } = {}
): Promise<string[]> {
  if (kind === "ON_DEMAND") return [...new Set(opts.recordIds ?? [])];
  if (kind === "FULL") {
    const rows = await db.$queryRaw<
      { id: string }[]
    >`SELECT id FROM archive_record WHERE status = 'FILED' ORDER BY id`;
    return rows.map((r) => r.id);
  }
  const n =
    (
      await db.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM archive_record WHERE status = 'FILED'`
    )[0]?.n ?? 0;
  const share = nightlyFixityShare(n, opts.cycleDays ?? FIXITY_CYCLE_DAYS);
  const oldest = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM archive_record WHERE status = 'FILED' ORDER BY last_fixity_at NULLS FIRST, id LIMIT ${share}`;
  const chosen = new Set(oldest.map((r) => r.id));
  const sampleSize = Math.max(
    FIXITY_SAMPLE_MIN,
    Math.ceil(n * FIXITY_SAMPLE_SHARE)
  );
  // The sample is drawn from ids (small rows), never from the packages themselves.
  const rest = (
    await db.$queryRaw<
      { id: string }[]
    >`SELECT id FROM archive_record WHERE status = 'FILED'`
  )
    .map((r) => r.id)
    .filter((id) => !chosen.has(id));
  for (const id of pickRandomSample(
    rest,
    sampleSize,
    opts.random ?? Math.random
  ))
    chosen.add(id);
  return [...chosen];
}

type RecordFiles = {
  id: string;
  claimNumber: string;
  companyId: string;
  claimId: string;
  packagePath: string;
  files: { path: string; sha256: string; sizeBytes: bigint }[];
};

/** Re-hashes one package's files: what is missing or changed. Pure I/O over the recorded digests (the benchmark calls it too). */
export async function checkPackageFixity(
  record: Pick<RecordFiles, "packagePath" | "files">,
  root = archiveRoot(),
  concurrency = FIXITY_CONCURRENCY
): Promise<{
  files: number;
  bytes: number;
  failures: {
    path: string;
    problem: "MISSING" | "MISMATCH";
    expected: string;
    actual: string | null;
  }[];
}> {
  const dir = packageDir(record.packagePath, root);
  let bytes = 0;
  const results = await mapBounded(record.files, concurrency, async (f) => {
    let actual: { sha256: string; size: number } | null = null;
    try {
      actual = await hashFile(path.join(dir, ...f.path.split("/")));
      bytes += actual.size;
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code !== "ENOENT" &&
        (err as NodeJS.ErrnoException).code !== "EACCES"
      )
        throw err;
    }
    const verdict = fixityVerdict(f.sha256, actual);
    return verdict === "OK"
      ? null
      : {
          path: f.path,
          problem: verdict,
          expected: f.sha256,
          actual: actual?.sha256 ?? null,
        };
  });
  return {
    files: record.files.length,
    bytes,
    failures: results.filter((r): r is NonNullable<typeof r> => r !== null),
  };
}

const STAFF_TO_TELL = ["ARCHIVIST", "SUPERVISOR"] as const;

/** The people told about a company's failed package: its archivists and supervisors (user_company). */
async function peopleToTell(db: Db, companyId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT u.id FROM app_user u JOIN user_company uc ON uc.user_id = u.id
     WHERE uc.company_id = ${companyId} AND u.active AND u.roles && ${[
    ...STAFF_TO_TELL,
  ]}::"Role"[]`;
  return rows.map((r) => r.id);
}

/**
 * One fixity run: the fixity_run row first (so a run that dies half-way is visible), the packages checked
 * `packageConcurrency` at a time, each record's failures, last_fixity_at/ok, messages and audit event in
 * one transaction, the run's counts at the end.
 */
export async function runFixity(
  kind: FixityKind,
  opts: {
    recordIds?: readonly string[];
    random?: () => number;
    root?: string;
    requestedById?: string | null;
    packageConcurrency?: number;
    db?: Db;
    log?: (line: string) => void;
  } = {}
): Promise<FixityRunResult> {
  const db = opts.db ?? prisma;
  const started = Date.now();
  const log = opts.log ?? ((line: string) => console.error(line));
  const ids = await fixityTargets(db, kind, opts);
  const runId = newId();
  await db.fixityRun.create({ data: { id: runId, kind } });
  let files = 0;
  let bytes = 0;
  let mismatches = 0;
  let packages = 0;
  const failures: FixityFailureFound[] = [];
  const BATCH = 500;
  for (let i = 0; i < ids.length; i += BATCH) {
    const records: RecordFiles[] = await db.archiveRecord.findMany({
      where: { id: { in: ids.slice(i, i + BATCH) }, status: "FILED" },
      select: {
        id: true,
        claimNumber: true,
        companyId: true,
        claimId: true,
        packagePath: true,
        // By path: the failures come out in this order into the hash-chained audit event, the log and the result.
        files: { orderBy: { path: "asc" }, select: { path: true, sha256: true, sizeBytes: true } },
      },
    });
    const intact: string[] = [];
    await mapBounded(records, opts.packageConcurrency ?? 2, async (record) => {
      const checked = await checkPackageFixity(record, opts.root);
      files += checked.files;
      bytes += checked.bytes;
      packages += 1;
      const now = new Date();
      if (checked.failures.length === 0) {
        intact.push(record.id);
        return;
      }
      mismatches += checked.failures.length;
      for (const f of checked.failures) {
        failures.push({
          recordId: record.id,
          claimNumber: record.claimNumber,
          ...f,
        });
        log(
          `[archive] FIXITY FAILURE ${f.problem}: record ${record.id} (${
            record.claimNumber
          }) ${record.packagePath}/${f.path} expected ${f.expected} got ${
            f.actual ?? "nothing"
          } (run ${runId})`
        );
      }
      const tell = await peopleToTell(db, record.companyId);
      await db.$transaction(async (tx) => {
        await tx.fixityFailure.createMany({
          data: checked.failures.map((f) => ({
            id: newId(),
            runId,
            recordId: record.id,
            path: f.path,
            problem: f.problem,
            expectedSha256: f.expected,
            actualSha256: f.actual,
            foundAt: now,
          })),
        });
        await tx.archiveRecord.update({
          where: { id: record.id },
          data: { lastFixityAt: now, lastFixityOk: false },
        });
        for (const userId of tell) {
          await notify(tx, userId, "archive.fixity_failed", {
            recordId: record.id,
            claimNumber: record.claimNumber,
            files: checked.failures.length,
            runId,
          });
        }
        await recordAudit(tx, {
          claimId: record.claimId,
          actorId: opts.requestedById ?? null,
          type: "archive.fixity_failed",
          data: {
            recordId: record.id,
            runId,
            failures: checked.failures.map((f) => ({
              path: f.path,
              problem: f.problem,
            })),
          },
        });
      });
    });
    // The batch's intact records in one statement (a failed one is updated with its failure rows).
    if (intact.length > 0) await db.archiveRecord.updateMany({ where: { id: { in: intact } }, data: { lastFixityAt: new Date(), lastFixityOk: true } });
  }
  await db.fixityRun.update({
    where: { id: runId },
    data: {
      finishedAt: new Date(),
      packagesChecked: packages,
      filesChecked: files,
      bytesChecked: BigInt(bytes),
      mismatches,
    },
  });
  return {
    runId,
    kind,
    packages,
    files,
    bytes,
    mismatches,
    failures,
    ms: Date.now() - started,
  };
}
