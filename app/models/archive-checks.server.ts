/**
 * The four checks of an archive package (rules in app/domain/archive-checks.ts): this file reads what the
 * rules judge — every file hashed, JSON parsed, images decoded with sharp, PDFs loaded with pdf-lib,
 * permissions and links stat-ed, the claim's audit events re-verified against the chain — and writes one
 * archive_check_report row per run (FILING after filing, ON_DEMAND from the record's page).
 */
import { parseEInvoiceXml } from "~/domain/receipt-reading/einvoice-xml";
import fs from "node:fs/promises";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { auditEventHash } from "~/domain/audit-chain";
import { addendumAuditPath, addendumManifestPath, readAddendumManifest } from "~/domain/archive-addendum";
import {
  runArchiveChecks,
  type AddendumObservation,
  type CheckReport,
  type DiskEntry,
  type PackageObservation,
} from "~/domain/archive-checks";
import {
  AUDIT_PATH,
  CLAIM_DATA_PATH,
  MANIFEST_PATH,
  packageRelativePath,
  readManifest,
} from "~/domain/archive-package";
import type { Prisma } from "~/generated/prisma/client";
import {
  archiveRoot,
  hashFile,
  listPackage,
  mapBounded,
  packageDir,
} from "~/utils/archive-store.server";
import { prisma, type Db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";

export type CheckTrigger = "FILING" | "ON_DEMAND";

const HASH_CONCURRENCY = 4;

async function readJson(
  file: string
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  try {
    return {
      ok: true,
      value: JSON.parse(await fs.readFile(file, "utf8")) as unknown,
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 200) };
  }
}

/** Whether a file opens as what it says it is. */
async function probe(
  file: string,
  mediaType: string
): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    if (mediaType === "application/json") {
      JSON.parse(await fs.readFile(file, "utf8"));
    } else if (mediaType === "application/xml") {
      // Issue 14: a digital e-invoice uploaded as its XML still parses as one.
      parseEInvoiceXml(await fs.readFile(file, "utf8"));
    } else if (mediaType === "application/pdf") {
      const pdf = await PDFDocument.load(await fs.readFile(file), {
        updateMetadata: false,
      });
      if (pdf.getPageCount() < 1) return { ok: false, error: "no pages" };
    } else if (mediaType === "image/heic" || mediaType === "image/heif") {
      // sharp's libvips reads HEIF headers but has no HEVC decoder: the header must read; the pixels are the page images'.
      const meta = await sharp(file).metadata();
      if (!meta.width || !meta.height)
        return { ok: false, error: "no image size" };
    } else if (mediaType.startsWith("image/")) {
      const stats = await sharp(file, {
        limitInputPixels: 400_000_000,
      }).stats();
      if (stats.channels.length === 0)
        return { ok: false, error: "no channels" };
    } else {
      return { ok: false, error: `unknown media type ${mediaType}` };
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 200) };
  }
}

type AuditDbRow = {
  id: string;
  chainSeq: string;
  prevHash: string;
  hash: string;
  claimId: string | null;
  actorId: string | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  data: string;
  at: Date;
  predecessorHash: string | null;
};

/** The packaged events as the database holds them now: does each hash recompute, does it link to the event before it. */
async function auditInDatabase(
  db: Db,
  ids: string[]
): Promise<PackageObservation["audit"]["inDatabase"]> {
  const out: PackageObservation["audit"]["inDatabase"] = new Map();
  const numeric = ids.filter((id) => /^\d+$/.test(id));
  if (numeric.length === 0) return out;
  const rows = await db.$queryRaw<AuditDbRow[]>`
    SELECT e.id::text AS "id", e.chain_seq::text AS "chainSeq", e.prev_hash AS "prevHash", e.hash, e.claim_id AS "claimId",
           e.actor_id AS "actorId", e.type, e.from_status::text AS "fromStatus", e.to_status::text AS "toStatus",
           e.data::text AS data, e.at, p.hash AS "predecessorHash"
      FROM audit_event e LEFT JOIN audit_event p ON p.chain_seq = e.chain_seq - 1
     WHERE e.id = ANY(${numeric}::bigint[])`;
  for (const r of rows) {
    const recomputes =
      auditEventHash(r.prevHash, { ...r, at: r.at.toISOString() }) === r.hash;
    const links =
      r.chainSeq === "1"
        ? r.prevHash === "0".repeat(64)
        : r.predecessorHash === r.prevHash;
    out.set(r.id, { hash: r.hash, recomputes, links });
  }
  return out;
}

type RecordForCheck = {
  id: string;
  claimId: string;
  claimNumber: string;
  companyId: string;
  closedOn: Date;
  packagePath: string;
  manifestSha256: string;
};

/** Reads everything the four rules judge. */
export async function observePackage(
  db: Db,
  record: RecordForCheck,
  root = archiveRoot()
): Promise<PackageObservation> {
  const company = await db.company.findUniqueOrThrow({
    where: { id: record.companyId },
    select: { code: true },
  });
  const files = await db.archiveFile.findMany({
    where: { recordId: record.id },
    select: { path: true, sha256: true, sizeBytes: true, mediaType: true },
  });
  const addendumRows = await db.archiveAddendum.findMany({
    where: { recordId: record.id },
    orderBy: { seq: "asc" },
    select: { seq: true, manifestSha256: true, previousManifestSha256: true },
  });
  const addenda: AddendumObservation[] = addendumRows.map((a) => ({ ...a, manifest: null }));
  const mediaTypes = new Map(files.map((f) => [f.path, f.mediaType]));
  const expectedPackagePath = packageRelativePath(
    company.code,
    record.closedOn.toISOString().slice(0, 10),
    record.claimNumber
  );

  let dir: string | null = null;
  try {
    dir = packageDir(record.packagePath, root);
  } catch {
    dir = null;
  }
  let insideArchiveRoot = false;
  let packageDirMode: number | null = null;
  let disk: DiskEntry[] = [];
  const opens: PackageObservation["opens"] = new Map();
  let manifest: PackageObservation["manifest"] = null;
  let claimData: unknown = null;
  let packaged: PackageObservation["audit"]["packaged"] = null;

  if (dir) {
    try {
      const [realDir, realRoot] = await Promise.all([
        fs.realpath(dir),
        fs.realpath(root),
      ]);
      insideArchiveRoot = realDir.startsWith(realRoot + path.sep);
      const st = await fs.lstat(dir);
      packageDirMode = st.isSymbolicLink() ? 0o777 : st.mode & 0o777;
      const entries = await listPackage(dir);
      disk = await mapBounded(entries, HASH_CONCURRENCY, async (e) => {
        if (e.kind !== "file")
          return { path: e.path, kind: e.kind, mode: e.mode, size: e.size };
        const [hashed, opened] = await Promise.all([
          hashFile(e.absolute),
          probe(e.absolute, mediaTypes.get(e.path) ?? guessMediaType(e.path)),
        ]);
        opens.set(e.path, opened);
        return {
          path: e.path,
          kind: e.kind,
          mode: e.mode,
          size: hashed.size,
          sha256: hashed.sha256,
        };
      });
      const m = await readJson(path.join(dir, MANIFEST_PATH));
      manifest = m.ok ? readManifest(m.value) : null;
      const c = await readJson(path.join(dir, CLAIM_DATA_PATH));
      claimData = c.ok ? c.value : null;
      const a = await readJson(path.join(dir, AUDIT_PATH));
      const events = a.ok ? (a.value as { events?: unknown }).events : null;
      packaged = Array.isArray(events)
        ? events.map((e: { id?: unknown; hash?: unknown }) => ({
            id: String(e?.id ?? ""),
            hash: String(e?.hash ?? ""),
          }))
        : null;
      // Each addendum's manifest, and its audit events with the package's (checked against the chain alike).
      for (const a of addenda) {
        const am = await readJson(path.join(dir, addendumManifestPath(a.seq)));
        a.manifest = am.ok ? readAddendumManifest(am.value) : null;
        const aa = await readJson(path.join(dir, addendumAuditPath(a.seq)));
        const more = aa.ok ? (aa.value as { events?: unknown }).events : null;
        if (!Array.isArray(more)) packaged = null;
        else if (packaged)
          packaged.push(...more.map((e: { id?: unknown; hash?: unknown }) => ({ id: String(e?.id ?? ""), hash: String(e?.hash ?? "") })));
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return {
    claimId: record.claimId,
    manifestSha256: record.manifestSha256,
    packagePath: record.packagePath,
    expectedPackagePath,
    insideArchiveRoot,
    packageDirMode,
    disk,
    manifest,
    recordFiles: files.map((f) => ({
      path: f.path,
      sha256: f.sha256,
      size: Number(f.sizeBytes),
    })),
    claimData,
    opens,
    audit: {
      packaged,
      inDatabase: await auditInDatabase(db, packaged?.map((e) => e.id) ?? []),
    },
    addenda,
  };
}

function guessMediaType(p: string): string {
  const ext = path.extname(p).toLowerCase();
  return ext === ".json"
    ? "application/json"
    : ext === ".pdf"
    ? "application/pdf"
    : ext === ".png"
    ? "image/png"
    : ext === ".heic"
    ? "image/heic"
    : "image/jpeg";
}

export type CheckReportRow = {
  id: string;
  checkedAt: Date;
  report: CheckReport;
  ok: boolean;
};

/** Runs the four checks on one record and writes its report (insert-only). */
export async function runArchiveRecordChecks(
  recordId: string,
  trigger: CheckTrigger,
  opts: { requestedById?: string | null; root?: string; db?: Db } = {}
): Promise<CheckReportRow> {
  const db = opts.db ?? prisma;
  const record = await db.archiveRecord.findUniqueOrThrow({
    where: { id: recordId },
    select: {
      id: true,
      claimId: true,
      claimNumber: true,
      companyId: true,
      closedOn: true,
      packagePath: true,
      manifestSha256: true,
    },
  });
  const observation = await observePackage(db, record, opts.root);
  const report = runArchiveChecks(observation);
  const id = newId();
  const checkedAt = new Date();
  const ok =
    report.authenticity.ok &&
    report.integrity.ok &&
    report.usability.ok &&
    report.security.ok;
  await db.$transaction(async (tx) => {
    await tx.archiveCheckReport.create({
      data: {
        id,
        recordId,
        trigger,
        requestedById: opts.requestedById ?? null,
        checkedAt,
        authenticityOk: report.authenticity.ok,
        integrityOk: report.integrity.ok,
        usabilityOk: report.usability.ok,
        securityOk: report.security.ok,
        details: report as unknown as Prisma.InputJsonObject,
      },
    });
    await recordAudit(tx, {
      claimId: record.claimId,
      actorId: opts.requestedById ?? null,
      type: "archive.checked",
      data: { recordId, reportId: id, trigger, ok },
    });
  });
  if (!ok)
    console.error(
      `[archive] CHECKS FAILED for record ${recordId} (${
        record.claimNumber
      }): ${JSON.stringify(report).slice(0, 500)}`
    );
  return { id, checkedAt, report, ok };
}
