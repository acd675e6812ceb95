/**
 * Filing a closed claim as an electronic archive record: its package written to the archive store
 * (app/utils/archive-store.server.ts, layout in app/domain/archive-package.ts), read-only, renamed into
 * place whole; then archive_record + archive_file + the audit event in one transaction; then the four
 * checks (trigger FILING). Idempotent: archive_record.claim_id is unique and the claim's row is locked while
 * the record is written, so filing twice files once.
 */
import fs from "node:fs/promises";
import sharp from "sharp";
import {
  AUDIT_PATH,
  buildManifest,
  CLAIM_DATA_PATH,
  derivedPathFor,
  HISTORY_PATH,
  MANIFEST_PATH,
  originalPathFor,
  packageRelativePath,
  retentionFor,
  type ManifestFile,
} from "~/domain/archive-package";
import {
  addendumAuditPath,
  addendumClaimPath,
  addendumDir,
  addendumManifestPath,
  addendumReason,
  buildAddendumManifest,
  needsAddendum,
  type AddendumReason,
} from "~/domain/archive-addendum";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { localDay } from "~/domain/metrics";
import type { Prisma } from "~/generated/prisma/client";
import {
  archiveRoot,
  copyIntoPackage,
  makeReadOnly,
  makeWritable,
  newStagingDir,
  publishInsidePackage,
  publishPackage,
  writePackageFile,
} from "~/utils/archive-store.server";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { objectStore } from "~/utils/object-store.server";
import { originalKey, thumbKey } from "~/utils/storage.server";
import { recordAudit, sealEventsOfClaim } from "./audit.server";
import { markOutboxDone } from "./outbox.server";

export const ARCHIVED_OUTCOMES = ["PAID", "REJECTED"] as const;
export type ArchivedOutcome = (typeof ARCHIVED_OUTCOMES)[number];

/** The receipt images are still being made: the job is retried later (the imaging worker is behind). */
export class ArchiveNotReadyError extends Error {}

export type FilingResult =
  | {
      status: "filed";
      recordId: string;
      files: number;
      bytes: number;
      packagePath: string;
    }
  | { status: "exists"; recordId: string }
  | {
      status: "addendum";
      recordId: string;
      seq: number;
      reason: AddendumReason;
      files: number;
      bytes: number;
    }
  | { status: "not_closed"; claimStatus: string };

type AuditRow = {
  id: string;
  chain_seq: string;
  at: Date;
  type: string;
  actor_id: string | null;
  from_status: string | null;
  to_status: string | null;
  data: string;
  prev_hash: string;
  hash: string;
};

const str = (v: bigint | null | undefined) =>
  v === null || v === undefined ? null : v.toString();

/** Everything the package holds, read from the database. */
async function readClaimForArchive(db: Db | Tx, claimId: string) {
  const claim = await db.claim.findUnique({
    where: { id: claimId },
    include: {
      company: true,
      department: true,
      claimant: { select: { id: true, name: true, email: true } },
      lines: {
        orderBy: { position: "asc" },
        include: { category: true, receipts: true },
      },
      receipts: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: { file: true },
      },
      tasks: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: {
          assignee: { select: { id: true, name: true } },
          group: { select: { code: true, name: true } },
        },
      },
      payments: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: { run: { select: { number: true, valueDate: true } } },
      },
    },
  });
  if (!claim) return null;
  const qaChecks = await db.qaCheck.findMany({
    where: { claimId },
    orderBy: { createdAt: "asc" },
  });
  const rows = await db.$queryRaw<(Omit<AuditRow, "chain_seq" | "prev_hash" | "hash"> & { chain_seq: string | null; prev_hash: string | null; hash: string | null })[]>`
    SELECT id::text, chain_seq::text, at, type, actor_id, from_status::text, to_status::text, data::text, prev_hash, hash
      FROM audit_event e WHERE claim_id = ${claimId} ORDER BY e.chain_seq NULLS LAST, e.id`;
  const audit = rows.filter((e): e is AuditRow => e.chain_seq !== null && e.prev_hash !== null && e.hash !== null);
  // Events committed but not yet in the chain (decision 037): a package holds sealed events only.
  return { claim, qaChecks, audit, unsealed: rows.length - audit.length };
}

/**
 * The claim read for its package with every one of its events sealed first (chain positions and hashes
 * are what audit.json records and what addenda count from). An event committed between the seal and the
 * read is sealed in the next round; a backlog the sealer has not worked off yet: try again later.
 */
async function readSealedClaimForArchive(db: Db | Tx, claimId: string) {
  for (let round = 0; round < 3; round++) {
    if (!(await sealEventsOfClaim(db, claimId))) break;
    const data = await readClaimForArchive(db, claimId);
    if (!data || data.unsealed === 0) return data;
  }
  throw new ArchiveNotReadyError(`claim ${claimId} has audit events the chain does not hold yet`);
}

type ClaimForArchive = NonNullable<
  Awaited<ReturnType<typeof readClaimForArchive>>
>;

/** When the claim closed: its last claim.paid / claim.rejected event (the day in the SSC's zone). */
function closedAt(data: ClaimForArchive, outcome: ArchivedOutcome): Date {
  const type = outcome === "PAID" ? "claim.paid" : "claim.rejected";
  const events = data.audit.filter(
    (e) => e.type === type || e.to_status === outcome
  );
  return events.length > 0
    ? events[events.length - 1]!.at
    : data.claim.updatedAt;
}

/** The record's amount: what was paid; else the lines' total when they share one currency, else the company-currency lines. */
function recordTotal(data: ClaimForArchive): {
  minor: bigint;
  currency: string;
  byCurrency: Record<string, string>;
} {
  const byCurrency = new Map<string, bigint>();
  for (const l of data.claim.lines)
    byCurrency.set(
      l.currency,
      (byCurrency.get(l.currency) ?? 0n) + (l.approvedMinor ?? l.amountMinor)
    );
  const asText = Object.fromEntries(
    [...byCurrency].map(([c, v]) => [c, v.toString()])
  );
  const paid = [...data.claim.payments]
    .reverse()
    .find((p) => p.status === "PAID");
  if (paid)
    return {
      minor: paid.amountMinor,
      currency: paid.currency,
      byCurrency: asText,
    };
  if (byCurrency.size === 1) {
    const [currency, minor] = [...byCurrency][0]!;
    return { minor, currency, byCurrency: asText };
  }
  const currency = data.claim.company.currency;
  return {
    minor: byCurrency.get(currency) ?? 0n,
    currency,
    byCurrency: asText,
  };
}

/** A file from the object store into a staging dir; refused when its bytes are not the digest it is filed under. */
async function readIntoPackage(staging: string, relative: string, source: { read: () => Promise<Buffer>; sha256?: string }) {
  const written = await writePackageFile(staging, relative, await source.read());
  if (source.sha256 && written.sha256 !== source.sha256) throw new Error(`${relative} does not match its digest`);
  return written;
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
}

/** A page image for a receipt page: the imaging worker's rendering, or (an image it has not rendered) one made here. */
async function pageImageSource(
  sha256: string,
  page: number,
  mimeType: string
): Promise<{ read: () => Promise<Buffer> } | { bytes: Buffer }> {
  const store = objectStore();
  const thumb = thumbKey(sha256, page);
  if (await store.exists(thumb)) return { read: () => store.getBytes(thumb) };
  if (mimeType.startsWith("image/") && page === 1) {
    try {
      return {
        bytes: await sharp(await store.getBytes(originalKey(sha256)))
          .rotate()
          .resize({ width: 320, withoutEnlargement: true })
          .jpeg({ quality: 80 })
          .toBuffer(),
      };
    } catch {
      // fall through: wait for the imaging worker
    }
  }
  throw new ArchiveNotReadyError(
    `receipt ${sha256.slice(0, 12)} page ${page} has no rendered image yet`
  );
}

export type PackageInput = {
  claimId: string;
  claimNumber: string;
  company: { id: string; code: string };
  outcome: ArchivedOutcome;
  closedOn: string;
  filedAt: Date;
  filedBy: { actorId: string | null; process: string };
  retention: {
    class: "EXPENSE_CLAIM";
    years: number | null;
    endsOn: string | null;
  };
  /** JSON parts. */
  claimData: unknown;
  history: unknown;
  audit: unknown;
  /** Files copied in (originals, page images) or given as bytes. */
  files: {
    path: string;
    role: "ORIGINAL" | "DERIVED";
    mediaType: string;
    /** `read`: bytes fetched from the object store when the file is written (one at a time), checked against `sha256` when given. */
    source: { path: string; sha256?: string } | { bytes: Buffer } | { read: () => Promise<Buffer>; sha256?: string };
  }[];
};

export type BuiltPackage = {
  packagePath: string;
  absolute: string;
  manifestSha256: string;
  files: ManifestFile[];
  totalBytes: number;
};

/**
 * Writes one package: every file into a staging directory (digests taken of what was written), the
 * manifest last, files read-only, then one rename into place and the directory made read-only. The
 * lower-level half of filing, without the database (the benchmark builds its packages with it).
 */
export async function writeArchivePackage(
  input: PackageInput,
  root = archiveRoot()
): Promise<BuiltPackage> {
  const packagePath = packageRelativePath(
    input.company.code,
    input.closedOn,
    input.claimNumber
  );
  const staging = await newStagingDir(root);
  try {
    const files: ManifestFile[] = [];
    const put = async (
      path: string,
      role: ManifestFile["role"],
      mediaType: string,
      written: Promise<{ sha256: string; size: number }>
    ) => {
      const w = await written;
      files.push({ path, role, mediaType, size: w.size, sha256: w.sha256 });
    };
    await put(
      CLAIM_DATA_PATH,
      "DATA",
      "application/json",
      writePackageFile(staging, CLAIM_DATA_PATH, json(input.claimData))
    );
    await put(
      HISTORY_PATH,
      "HISTORY",
      "application/json",
      writePackageFile(staging, HISTORY_PATH, json(input.history))
    );
    await put(
      AUDIT_PATH,
      "AUDIT",
      "application/json",
      writePackageFile(staging, AUDIT_PATH, json(input.audit))
    );
    for (const f of input.files) {
      const written =
        "bytes" in f.source
          ? writePackageFile(staging, f.path, f.source.bytes)
          : "read" in f.source
            ? readIntoPackage(staging, f.path, f.source)
            : copyIntoPackage(staging, f.path, f.source.path, f.source.sha256);
      await put(f.path, f.role, f.mediaType, written);
    }
    const { bytes } = buildManifest({
      claimId: input.claimId,
      claimNumber: input.claimNumber,
      company: input.company,
      outcome: input.outcome,
      closedOn: input.closedOn,
      filedAt: input.filedAt.toISOString(),
      filedBy: input.filedBy,
      retention: input.retention,
      files,
    });
    const manifest = await writePackageFile(staging, MANIFEST_PATH, bytes);
    files.push({
      path: MANIFEST_PATH,
      role: "MANIFEST",
      mediaType: "application/json",
      size: manifest.size,
      sha256: manifest.sha256,
    });
    await makeReadOnly(staging, { self: false });
    const absolute = await publishPackage(staging, packagePath, root);
    await fs.chmod(absolute, 0o555);
    return {
      packagePath,
      absolute,
      manifestSha256: manifest.sha256,
      files,
      totalBytes: files.reduce((n, f) => n + f.size, 0),
    };
  } catch (err) {
    await makeWritable(staging).catch(() => undefined);
    await fs.rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Each receipt's number (R1, R2 … in attaching order) and where its original and page images go in a package. */
function receiptLayout(claim: ClaimForArchive["claim"]) {
  return claim.receipts.map((r, i) => {
    const no = i + 1;
    const pages = Math.max(1, r.file.pageCount ?? 1);
    return {
      no,
      id: r.id,
      fileName: r.fileName,
      sha256: r.fileSha256,
      mediaType: r.file.mimeType,
      size: r.file.sizeBytes,
      pages,
      original: originalPathFor(no, r.file.mimeType),
      derived: Array.from({ length: pages }, (_, p) => derivedPathFor(no, p + 1)),
      attachedAt: r.createdAt.toISOString(),
    };
  });
}

/** claim.json: the claim's data as it stands (the package's, and an addendum's). */
function claimDataFor(data: ClaimForArchive, outcome: ArchivedOutcome) {
  const { claim } = data;
  const total = recordTotal(data);
  const receipts = receiptLayout(claim);
  const receiptNo = new Map(receipts.map((r) => [r.id, r.no]));
  return {
    format: "accounting-factory/claim@1",
    id: claim.id,
    number: claim.number,
    status: claim.status,
    outcome,
    purpose: claim.purpose,
    projectCode: claim.projectCode,
    submittedAt: claim.submittedAt?.toISOString() ?? null,
    createdAt: claim.createdAt.toISOString(),
    company: {
      id: claim.company.id,
      code: claim.company.code,
      name: claim.company.name,
      nameZh: claim.company.nameZh,
      currency: claim.company.currency,
    },
    department: {
      id: claim.department.id,
      code: claim.department.code,
      name: claim.department.name,
      nameZh: claim.department.nameZh,
    },
    claimant: claim.claimant,
    currency: total.currency,
    totalMinor: total.minor.toString(),
    totalsByCurrency: total.byCurrency,
    lines: claim.lines.map((l) => ({
      id: l.id,
      position: l.position,
      spentOn: l.spentOn.toISOString().slice(0, 10),
      category: l.categoryCode,
      categoryName: l.category.name,
      merchant: l.merchant,
      amountMinor: l.amountMinor.toString(),
      approvedMinor: str(l.approvedMinor),
      currency: l.currency,
      invoiceKind: l.invoiceKind,
      taxMinor: str(l.taxMinor),
      transportMode: l.transportMode,
      note: l.note,
      receipts: l.receipts
        .map((lr) => receiptNo.get(lr.receiptId))
        .filter((n): n is number => n !== undefined)
        .sort((a, b) => a - b),
    })),
    receipts,
    // What was paid and what came back (an addendum's reason is here).
    payments: claim.payments.map(paymentData),
  };
}

function paymentData(p: ClaimForArchive["claim"]["payments"][number]) {
  return {
    id: p.id,
    run: p.run.number,
    valueDate: p.run.valueDate.toISOString().slice(0, 10),
    endToEndId: p.endToEndId,
    amountMinor: p.amountMinor.toString(),
    currency: p.currency,
    status: p.status,
    statusReason: p.statusReason,
    statusAt: p.statusAt?.toISOString() ?? null,
  };
}

/** audit.json: the claim's audit events with their chain positions and hashes. */
function auditDataFor(claimId: string, events: readonly AuditRow[]) {
  return {
    format: "accounting-factory/claim-audit@1",
    claimId,
    // chainSeq, prevHash and hash as the database's chain holds them (app/domain/audit-chain.ts); data as jsonb's text.
    events: events.map((e) => ({
      id: e.id,
      chainSeq: e.chain_seq,
      at: e.at.toISOString(),
      type: e.type,
      actorId: e.actor_id,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      data: e.data,
      prevHash: e.prev_hash,
      hash: e.hash,
    })),
  };
}

/** The package's contents for a claim read from the database. */
async function packageInputFor(
  data: ClaimForArchive,
  outcome: ArchivedOutcome,
  filedAt: Date,
  filedBy: PackageInput["filedBy"]
): Promise<{
  input: PackageInput;
  total: ReturnType<typeof recordTotal>;
  closedOn: string;
  spent: { from: string; to: string };
  merchants: string;
}> {
  const { claim } = data;
  const closedOn = localDay(closedAt(data, outcome), SSC_TIME_ZONE);
  const total = recordTotal(data);
  const files: PackageInput["files"] = [];
  for (const r of receiptLayout(claim)) {
    files.push({
      path: r.original,
      role: "ORIGINAL",
      mediaType: r.mediaType,
      source: { read: () => objectStore().getBytes(originalKey(r.sha256)), sha256: r.sha256 },
    });
    for (let page = 1; page <= r.pages; page++) {
      files.push({
        path: r.derived[page - 1]!,
        role: "DERIVED",
        mediaType: "image/jpeg",
        source: await pageImageSource(r.sha256, page, r.mediaType),
      });
    }
  }
  const spentOn = claim.lines
    .map((l) => l.spentOn.toISOString().slice(0, 10))
    .sort();
  const fallbackDay = closedOn;
  const claimData = claimDataFor(data, outcome);
  const history = {
    format: "accounting-factory/claim-history@1",
    claimId: claim.id,
    tasks: claim.tasks.map((t) => ({
      id: t.id,
      type: t.type,
      step: t.step,
      status: t.status,
      outcome: t.outcome,
      group: t.group ? { code: t.group.code, name: t.group.name } : null,
      assignee: t.assignee,
      claimVersion: t.claimVersion,
      createdAt: t.createdAt.toISOString(),
      startedAt: t.startedAt?.toISOString() ?? null,
      finishedAt: t.finishedAt?.toISOString() ?? null,
    })),
    qaChecks: data.qaChecks.map((q) => ({
      id: q.id,
      stratum: q.stratum,
      operatorId: q.operatorId,
      reviewerId: q.reviewerId,
      outcome: q.outcome,
      errorType: q.errorType,
      severity: q.severity,
      comment: q.comment,
      createdAt: q.createdAt.toISOString(),
      checkedAt: q.checkedAt?.toISOString() ?? null,
    })),
    payments: claim.payments.map(paymentData),
    // Decisions with their comments and reason codes are the audit events (audit.json).
    decisions: data.audit
      .filter((e) => e.from_status !== null || e.to_status !== null)
      .map((e) => ({
        eventId: e.id,
        type: e.type,
        at: e.at.toISOString(),
        actorId: e.actor_id,
        from: e.from_status,
        to: e.to_status,
      })),
  };
  const audit = auditDataFor(claim.id, data.audit);
  const retention = retentionFor(
    claim.company.retentionOverrides,
    "EXPENSE_CLAIM",
    closedOn
  ) as PackageInput["retention"];
  const input: PackageInput = {
    claimId: claim.id,
    claimNumber: claim.number,
    company: { id: claim.company.id, code: claim.company.code },
    outcome,
    closedOn,
    filedAt,
    filedBy,
    retention,
    claimData,
    history,
    audit,
    files,
  };
  const merchants = [
    ...new Set(claim.lines.map((l) => l.merchant.trim()).filter(Boolean)),
  ].join(" · ");
  return {
    input,
    total,
    closedOn,
    spent: {
      from: spentOn[0] ?? fallbackDay,
      to: spentOn[spentOn.length - 1] ?? fallbackDay,
    },
    merchants,
  };
}

/**
 * Files the claim's archive record (the job fileArchiveRecord, the sweep, the seed). A claim not PAID or
 * REJECTED is left alone; one already filed answers its record. `jobKey` marks the outbox row done with the record.
 */
export async function fileArchiveRecord(
  claimId: string,
  opts: {
    actorId?: string | null;
    process?: string;
    now?: Date;
    jobKey?: string;
    root?: string;
  } = {}
): Promise<FilingResult> {
  const existing = await prisma.archiveRecord.findUnique({
    where: { claimId },
    select: { id: true },
  });
  // Filed already: the claim may have moved on since (a payment returned, paid again) — an addendum.
  if (existing) return fileArchiveAddendum(claimId, opts);
  const data = await readSealedClaimForArchive(prisma, claimId);
  if (!data) throw new Error(`claim ${claimId} not found`);
  const outcome = data.claim.status as string;
  if (outcome !== "PAID" && outcome !== "REJECTED") {
    if (opts.jobKey)
      await prisma.$transaction((tx) => markOutboxDone(tx, opts.jobKey!));
    return { status: "not_closed", claimStatus: outcome };
  }
  const filedAt = opts.now ?? new Date();
  const filedBy = {
    actorId: opts.actorId ?? null,
    process: opts.process ?? "archive worker",
  };
  const { input, total, closedOn, spent, merchants } = await packageInputFor(
    data,
    outcome,
    filedAt,
    filedBy
  );
  const root = opts.root ?? archiveRoot();

  const result = await prisma.$transaction(
    async (tx): Promise<FilingResult> => {
      await tx.$executeRaw`SELECT 1 FROM claim WHERE id = ${claimId} FOR UPDATE`;
      const again = await tx.archiveRecord.findUnique({
        where: { claimId },
        select: { id: true },
      });
      if (again) return { status: "exists", recordId: again.id };
      const built = await writeArchivePackage(input, root);
      const recordId = newId();
      await tx.archiveRecord.create({
        data: {
          id: recordId,
          claimId,
          claimNumber: data.claim.number,
          companyId: data.claim.companyId,
          claimantId: data.claim.claimantId,
          claimantName: data.claim.claimant.name,
          departmentId: data.claim.departmentId,
          outcome,
          totalMinor: total.minor,
          currency: total.currency,
          merchants,
          spentFrom: new Date(`${spent.from}T00:00:00Z`),
          spentTo: new Date(`${spent.to}T00:00:00Z`),
          docType: "EXPENSE_CLAIM",
          closedOn: new Date(`${closedOn}T00:00:00Z`),
          retentionYears: input.retention.years,
          retentionEndsOn: input.retention.endsOn
            ? new Date(`${input.retention.endsOn}T00:00:00Z`)
            : null,
          packagePath: built.packagePath,
          manifestSha256: built.manifestSha256,
          fileCount: built.files.length,
          totalBytes: BigInt(built.totalBytes),
          filedAt,
          auditThroughSeq: lastSeq(data.audit),
        },
      });
      await tx.archiveFile.createMany({
        data: built.files.map((f) => ({
          recordId,
          path: f.path,
          role: f.role,
          mediaType: f.mediaType,
          sha256: f.sha256,
          sizeBytes: BigInt(f.size),
        })),
      });
      const auditData: Prisma.InputJsonObject = {
        recordId,
        packagePath: built.packagePath,
        manifestSha256: built.manifestSha256,
        files: built.files.length,
        bytes: built.totalBytes,
        retentionYears: input.retention.years,
        retentionEndsOn: input.retention.endsOn,
      };
      await recordAudit(tx, {
        claimId,
        actorId: filedBy.actorId,
        type: "archive.filed",
        data: auditData,
      });
      if (opts.jobKey) await markOutboxDone(tx, opts.jobKey);
      return {
        status: "filed",
        recordId,
        files: built.files.length,
        bytes: built.totalBytes,
        packagePath: built.packagePath,
      };
    },
    { timeout: 120_000 }
  );
  return result;
}

const lastSeq = (events: readonly AuditRow[]): bigint | null =>
  events.length === 0 ? null : events.reduce((m, e) => (BigInt(e.chain_seq) > m ? BigInt(e.chain_seq) : m), 0n);

/**
 * An addendum to a claim's filed record (app/domain/archive-addendum.ts) when its status changed after
 * the last package: the claim as it stands and the audit events since, in addenda/<seq>/ of the record's
 * package, with a manifest naming the previous one; its files as archive_file rows of the record, the
 * archive_addendum row and the audit event in one transaction, written under the claim's row lock (two
 * jobs for one claim file one addendum). Nothing changed: "exists".
 */
export async function fileArchiveAddendum(
  claimId: string,
  opts: { actorId?: string | null; process?: string; now?: Date; jobKey?: string; root?: string } = {}
): Promise<FilingResult> {
  const root = opts.root ?? archiveRoot();
  const filedBy = { actorId: opts.actorId ?? null, process: opts.process ?? "archive worker" };
  // Sealed outside the transaction (the head's lock is then not held while the files are written); an
  // event that commits before the claim's lock below is sealed inside it.
  if (!(await sealEventsOfClaim(prisma, claimId))) throw new ArchiveNotReadyError(`claim ${claimId} has audit events the chain does not hold yet`);
  return prisma.$transaction(
    async (tx): Promise<FilingResult> => {
      await tx.$executeRaw`SELECT 1 FROM claim WHERE id = ${claimId} FOR UPDATE`;
      const record = await tx.archiveRecord.findUniqueOrThrow({
        where: { claimId },
        select: { id: true, status: true, outcome: true, packagePath: true, manifestSha256: true, auditThroughSeq: true },
      });
      const done = () => (opts.jobKey ? markOutboxDone(tx, opts.jobKey) : Promise.resolve());
      const last = await tx.archiveAddendum.findFirst({ where: { recordId: record.id }, orderBy: { seq: "desc" } });
      const through = last?.auditThroughSeq ?? record.auditThroughSeq;
      // A destroyed record takes nothing more; one filed before the through column existed and never
      // backfilled (no archive.filed event) is left as it is rather than guessed at.
      if (record.status !== "FILED" || through === null) {
        await done();
        return { status: "exists", recordId: record.id };
      }
      const data = await readSealedClaimForArchive(tx, claimId);
      if (!data) throw new Error(`claim ${claimId} not found`);
      const since = data.audit.filter((e) => BigInt(e.chain_seq) > through);
      const statusEvents = since.map((e) => ({ fromStatus: e.from_status, toStatus: e.to_status }));
      if (!needsAddendum(statusEvents)) {
        await done();
        return { status: "exists", recordId: record.id };
      }
      const seq = (last?.seq ?? 0) + 1;
      const reason = addendumReason(statusEvents, last?.claimStatus ?? record.outcome);
      const filedAt = opts.now ?? new Date();
      const staging = await newStagingDir(root);
      const files: ManifestFile[] = [];
      let manifestFile: ManifestFile;
      try {
        const put = async (relative: string, role: ManifestFile["role"], bytes: Buffer) => {
          const name = relative.slice(addendumDir(seq).length + 1);
          const w = await writePackageFile(staging, name, bytes);
          return { path: relative, role, mediaType: "application/json", size: w.size, sha256: w.sha256 };
        };
        files.push(await put(addendumClaimPath(seq), "DATA", json(claimDataFor(data, record.outcome as ArchivedOutcome))));
        files.push(await put(addendumAuditPath(seq), "AUDIT", json(auditDataFor(claimId, since))));
        const { bytes } = buildAddendumManifest({
          claimId,
          claimNumber: data.claim.number,
          recordId: record.id,
          seq,
          reason,
          claimStatus: data.claim.status,
          previousManifestSha256: last?.manifestSha256 ?? record.manifestSha256,
          audit: { fromSeq: since[0]!.chain_seq, throughSeq: since.at(-1)!.chain_seq },
          filedAt: filedAt.toISOString(),
          filedBy,
          files,
        });
        manifestFile = await put(addendumManifestPath(seq), "MANIFEST", bytes);
        await makeReadOnly(staging, { self: false });
        await publishInsidePackage(staging, record.packagePath, addendumDir(seq), root);
      } catch (err) {
        await makeWritable(staging).catch(() => undefined);
        await fs.rm(staging, { recursive: true, force: true });
        throw err;
      }
      const all = [...files, manifestFile];
      const bytes = all.reduce((n, f) => n + f.size, 0);
      await tx.archiveFile.createMany({
        data: all.map((f) => ({ recordId: record.id, path: f.path, role: f.role, mediaType: f.mediaType, sha256: f.sha256, sizeBytes: BigInt(f.size) })),
      });
      await tx.archiveAddendum.create({
        data: {
          recordId: record.id,
          seq,
          reason,
          claimStatus: data.claim.status,
          auditFromSeq: BigInt(since[0]!.chain_seq),
          auditThroughSeq: BigInt(since.at(-1)!.chain_seq),
          auditEventCount: since.length,
          manifestSha256: manifestFile.sha256,
          previousManifestSha256: last?.manifestSha256 ?? record.manifestSha256,
          fileCount: all.length,
          totalBytes: BigInt(bytes),
          filedAt,
        },
      });
      await recordAudit(tx, {
        claimId,
        actorId: filedBy.actorId,
        type: "archive.addendum_filed",
        data: { recordId: record.id, seq, reason, claimStatus: data.claim.status, manifestSha256: manifestFile.sha256, files: all.length, bytes },
      });
      await done();
      return { status: "addendum", recordId: record.id, seq, reason, files: all.length, bytes };
    },
    { timeout: 120_000 }
  );
}

/**
 * Filed claims whose payment came back after filing and no addendum says so yet (the outbox normally
 * delivers their job; this is the sweep's safety net). Bounded by the claims in PAYMENT_FAILED.
 */
export async function claimsAwaitingAddendum(db: Db, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM claim c JOIN archive_record r ON r.claim_id = c.id
     WHERE c.status = 'PAYMENT_FAILED' AND r.status = 'FILED'
       AND COALESCE((SELECT max(a.audit_through_seq) FROM archive_addendum a WHERE a.record_id = r.id), r.audit_through_seq)
           -- An unsealed return (decision 037) counts as after anything filed.
           < (SELECT max(COALESCE(e.chain_seq, 9223372036854775807)) FROM audit_event e WHERE e.claim_id = c.id AND e.to_status = 'PAYMENT_FAILED')
     ORDER BY c.id LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** Claims closed (PAID / REJECTED) without a record: those closed before the archive existed, or a lost job. */
export async function claimsAwaitingFiling(
  db: Db,
  limit: number
): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM claim c
     WHERE c.status IN ('PAID', 'REJECTED') AND NOT EXISTS (SELECT 1 FROM archive_record r WHERE r.claim_id = c.id)
     ORDER BY c.updated_at, c.id LIMIT ${limit}`;
  return rows.map((r) => r.id);
}
