/**
 * The four checks expected of an electronic accounting record (电子会计档案 "四性检测": 真实性, 完整性,
 * 可用性, 安全性), as rules over what was observed of one package. The model
 * (app/models/archive-checks.server.ts) does the reading — hashing files, parsing JSON, decoding images,
 * loading PDFs, walking the audit chain, stat-ing permissions — and these functions judge it.
 *
 * - authenticity: every file's digest and size match the manifest; the manifest's digest matches the
 *   record (manifest_sha256); the database's list of files (archive_file) matches the manifest; the claim's
 *   audit events in the package are still in the audit chain with the same hashes, and each still verifies.
 * - integrity: every expected part and field is present: claim.json (with its fields), history.json,
 *   audit.json, one original per receipt and a rendered image per page; the manifest lists every file on
 *   disk and every file it lists is on disk.
 * - usability: each file opens: JSON parses, images decode, PDFs load.
 * - addenda (app/domain/archive-addendum.ts) are judged the same way: each one's manifest digest matches
 *   its row, names the manifest before it, and lists its files; their files are in archive_file too.
 * - security: the package is under the archive root at the record's path, no link leads out of it, and
 *   nothing in it is writable.
 */
import {
  addendumAuditPath,
  addendumClaimPath,
  addendumManifestPath,
  type AddendumManifest,
} from "./archive-addendum";
import {
  AUDIT_PATH,
  CLAIM_DATA_PATH,
  HISTORY_PATH,
  MANIFEST_PATH,
  type ArchiveManifest,
} from "./archive-package";

export const ARCHIVE_CHECKS = [
  "authenticity",
  "integrity",
  "usability",
  "security",
] as const;
export type ArchiveCheck = (typeof ARCHIVE_CHECKS)[number];

export type CheckProblemCode =
  // authenticity
  | "manifest_unreadable"
  | "manifest_digest_mismatch"
  | "file_digest_mismatch"
  | "file_size_mismatch"
  | "record_files_differ"
  | "audit_event_missing"
  | "audit_event_altered"
  | "audit_event_unlinked"
  | "addendum_unlinked"
  // integrity
  | "missing_part"
  | "missing_field"
  | "missing_original"
  | "missing_page_image"
  | "missing_file"
  | "unlisted_file"
  // usability
  | "unreadable"
  // security
  | "outside_archive_root"
  | "path_mismatch"
  | "writable"
  | "not_regular"
  | "wrong_claim";

export type CheckProblem = {
  code: CheckProblemCode;
  path?: string;
  detail?: string;
};
export type CheckResult = { ok: boolean; problems: CheckProblem[] };
export type CheckReport = Record<ArchiveCheck, CheckResult>;

/** A file or directory found under the package directory (path relative to it, '/'-separated). */
export type DiskEntry = {
  path: string;
  kind: "file" | "dir" | "symlink" | "other";
  /** Permission bits (mode & 0o777). */
  mode: number;
  size: number;
  /** Files only: the SHA-256 of the bytes read. */
  sha256?: string;
};

/** The claim's audit events as packaged, checked against the database. */
export type AuditObservation = {
  /** Events listed in audit.json (null when it could not be read). */
  packaged: { id: string; hash: string }[] | null;
  /** The same events in the database now: their hash, whether it recomputes from the row, whether it links to the event before it. */
  inDatabase: Map<
    string,
    { hash: string; recomputes: boolean; links: boolean }
  >;
};

export type PackageObservation = {
  claimId: string;
  /** The record's manifest_sha256. */
  manifestSha256: string;
  /** The record's package_path, relative to the archive root. */
  packagePath: string;
  /** Where the layout puts this record's package (packageRelativePath of its facts). */
  expectedPackagePath: string;
  /** The package directory resolved (realpath) is inside the archive root (resolved). */
  insideArchiveRoot: boolean;
  /** The package directory's own mode, or null when it does not exist. */
  packageDirMode: number | null;
  /** Everything under the package directory. */
  disk: DiskEntry[];
  /** The manifest parsed (readManifest), or null when missing or not a manifest. */
  manifest: ArchiveManifest | null;
  /** archive_file rows of the record. */
  recordFiles: { path: string; sha256: string; size: number }[];
  /** claim.json parsed, or null. */
  claimData: unknown;
  /** Per file path: whether it opened (JSON parsed, image decoded, PDF loaded), with the error if not. */
  opens: Map<string, { ok: true } | { ok: false; error: string }>;
  audit: AuditObservation;
  /** The record's addenda (archive_addendum rows, by seq) with each one's manifest as read from disk. */
  addenda: AddendumObservation[];
};

export type AddendumObservation = {
  seq: number;
  /** The row's manifest_sha256 and previous_manifest_sha256. */
  manifestSha256: string;
  previousManifestSha256: string;
  /** Its manifest parsed (readAddendumManifest), or null. */
  manifest: AddendumManifest | null;
};

const WRITE_BITS = 0o222;

/** The fields claim.json must carry (claim-level; lines and receipts are checked one by one). */
export const CLAIM_DATA_FIELDS = [
  "id",
  "number",
  "status",
  "purpose",
  "company",
  "department",
  "claimant",
  "currency",
  "totalMinor",
  "lines",
  "receipts",
] as const;
const LINE_FIELDS = [
  "position",
  "spentOn",
  "category",
  "merchant",
  "amountMinor",
  "currency",
] as const;

type ClaimReceipt = {
  no: number;
  original: string;
  pages: number;
  derived: string[];
};

function receiptsOf(claimData: unknown): ClaimReceipt[] | null {
  const receipts = (claimData as { receipts?: unknown } | null)?.receipts;
  if (!Array.isArray(receipts)) return null;
  return receipts.map((r: Partial<ClaimReceipt>, i) => ({
    no: typeof r?.no === "number" ? r.no : i + 1,
    original: typeof r?.original === "string" ? r.original : "",
    pages: typeof r?.pages === "number" && r.pages > 0 ? r.pages : 1,
    derived: Array.isArray(r?.derived)
      ? r.derived.filter((d): d is string => typeof d === "string")
      : [],
  }));
}

export function checkAuthenticity(o: PackageObservation): CheckResult {
  const problems: CheckProblem[] = [];
  const onDisk = new Map(
    o.disk.filter((e) => e.kind === "file").map((e) => [e.path, e])
  );
  const manifestOnDisk = onDisk.get(MANIFEST_PATH);
  if (!manifestOnDisk || !o.manifest)
    problems.push({ code: "manifest_unreadable", path: MANIFEST_PATH });
  else if (manifestOnDisk.sha256 !== o.manifestSha256) {
    problems.push({
      code: "manifest_digest_mismatch",
      path: MANIFEST_PATH,
      detail: `${o.manifestSha256} ≠ ${manifestOnDisk.sha256 ?? "?"}`,
    });
  }
  if (o.manifest) {
    if (o.manifest.claimId !== o.claimId)
      problems.push({
        code: "manifest_unreadable",
        path: MANIFEST_PATH,
        detail: "another claim's manifest",
      });
    for (const f of o.manifest.files) {
      const d = onDisk.get(f.path);
      if (!d) continue; // integrity reports it missing
      if (d.sha256 !== f.sha256)
        problems.push({
          code: "file_digest_mismatch",
          path: f.path,
          detail: `${f.sha256} ≠ ${d.sha256 ?? "?"}`,
        });
      else if (d.size !== f.size)
        problems.push({
          code: "file_size_mismatch",
          path: f.path,
          detail: `${f.size} ≠ ${d.size}`,
        });
    }
    // The database's list is the manifest's files plus the manifest itself, digest for digest — and the
    // same for every addendum.
    const expected = new Map(o.manifest.files.map((f) => [f.path, f.sha256]));
    expected.set(MANIFEST_PATH, o.manifestSha256);
    for (const a of o.addenda) {
      expected.set(addendumManifestPath(a.seq), a.manifestSha256);
      for (const f of a.manifest?.files ?? []) expected.set(f.path, f.sha256);
    }
    const rows = new Map(o.recordFiles.map((f) => [f.path, f.sha256]));
    for (const [p, sha] of expected)
      if (rows.get(p) !== sha)
        problems.push({ code: "record_files_differ", path: p });
    for (const p of rows.keys())
      if (!expected.has(p))
        problems.push({ code: "record_files_differ", path: p });
  }
  let previous = o.manifestSha256;
  for (const a of o.addenda) {
    const path = addendumManifestPath(a.seq);
    const d = onDisk.get(path);
    if (!d || !a.manifest) problems.push({ code: "manifest_unreadable", path });
    else if (d.sha256 !== a.manifestSha256)
      problems.push({ code: "manifest_digest_mismatch", path, detail: `${a.manifestSha256} ≠ ${d.sha256 ?? "?"}` });
    if (a.previousManifestSha256 !== previous || (a.manifest && (a.manifest.previousManifestSha256 !== previous || a.manifest.seq !== a.seq)))
      problems.push({ code: "addendum_unlinked", path, detail: `addendum ${a.seq} does not follow ${previous}` });
    if (a.manifest && a.manifest.claimId !== o.claimId)
      problems.push({ code: "manifest_unreadable", path, detail: "another claim's addendum" });
    for (const f of a.manifest?.files ?? []) {
      const file = onDisk.get(f.path);
      if (!file) continue; // integrity reports it missing
      if (file.sha256 !== f.sha256) problems.push({ code: "file_digest_mismatch", path: f.path, detail: `${f.sha256} ≠ ${file.sha256 ?? "?"}` });
      else if (file.size !== f.size) problems.push({ code: "file_size_mismatch", path: f.path, detail: `${f.size} ≠ ${file.size}` });
    }
    previous = a.manifestSha256;
  }
  if (o.audit.packaged === null)
    problems.push({
      code: "audit_event_missing",
      path: AUDIT_PATH,
      detail: "audit.json unreadable",
    });
  else {
    for (const e of o.audit.packaged) {
      const db = o.audit.inDatabase.get(e.id);
      if (!db) problems.push({ code: "audit_event_missing", detail: e.id });
      else if (db.hash !== e.hash || !db.recomputes)
        problems.push({ code: "audit_event_altered", detail: e.id });
      else if (!db.links)
        problems.push({ code: "audit_event_unlinked", detail: e.id });
    }
  }
  return { ok: problems.length === 0, problems };
}

export function checkIntegrity(o: PackageObservation): CheckResult {
  const problems: CheckProblem[] = [];
  const files = new Set(
    o.disk.filter((e) => e.kind === "file").map((e) => e.path)
  );
  for (const part of [MANIFEST_PATH, CLAIM_DATA_PATH, HISTORY_PATH, AUDIT_PATH])
    if (!files.has(part)) problems.push({ code: "missing_part", path: part });

  const data = o.claimData as Record<string, unknown> | null;
  if (data && typeof data === "object") {
    for (const field of CLAIM_DATA_FIELDS)
      if (data[field] === undefined || data[field] === null)
        problems.push({
          code: "missing_field",
          path: CLAIM_DATA_PATH,
          detail: field,
        });
    const lines = Array.isArray(data.lines)
      ? (data.lines as Record<string, unknown>[])
      : [];
    lines.forEach((line, i) => {
      for (const field of LINE_FIELDS)
        if (line?.[field] === undefined || line?.[field] === null)
          problems.push({
            code: "missing_field",
            path: CLAIM_DATA_PATH,
            detail: `lines[${i}].${field}`,
          });
    });
    for (const r of receiptsOf(data) ?? []) {
      if (!r.original || !files.has(r.original))
        problems.push({
          code: "missing_original",
          path: r.original || undefined,
          detail: `R${r.no}`,
        });
      for (let page = 1; page <= r.pages; page++) {
        const image = r.derived[page - 1];
        if (!image || !files.has(image))
          problems.push({
            code: "missing_page_image",
            path: image,
            detail: `R${r.no} p${page}`,
          });
      }
    }
  }

  for (const a of o.addenda)
    for (const part of [addendumManifestPath(a.seq), addendumClaimPath(a.seq), addendumAuditPath(a.seq)])
      if (!files.has(part)) problems.push({ code: "missing_part", path: part });

  if (o.manifest) {
    const listed = new Set(o.manifest.files.map((f) => f.path));
    for (const a of o.addenda) for (const f of a.manifest?.files ?? []) listed.add(f.path);
    // Manifests list everything but themselves (a missing one is a missing part, above).
    const manifests = new Set([MANIFEST_PATH, ...o.addenda.map((a) => addendumManifestPath(a.seq))]);
    for (const p of listed)
      if (!files.has(p)) problems.push({ code: "missing_file", path: p });
    for (const p of files)
      if (!manifests.has(p) && !listed.has(p))
        problems.push({ code: "unlisted_file", path: p });
  }
  return { ok: problems.length === 0, problems };
}

export function checkUsability(o: PackageObservation): CheckResult {
  const problems: CheckProblem[] = [];
  if (o.claimData === null)
    problems.push({
      code: "unreadable",
      path: CLAIM_DATA_PATH,
      detail: "claim.json does not parse",
    });
  for (const e of o.disk) {
    if (e.kind !== "file") continue;
    const opened = o.opens.get(e.path);
    if (!opened)
      problems.push({ code: "unreadable", path: e.path, detail: "not opened" });
    else if (!opened.ok)
      problems.push({ code: "unreadable", path: e.path, detail: opened.error });
  }
  return { ok: problems.length === 0, problems };
}

export function checkSecurity(o: PackageObservation): CheckResult {
  const problems: CheckProblem[] = [];
  if (!o.insideArchiveRoot)
    problems.push({ code: "outside_archive_root", path: o.packagePath });
  if (o.packagePath !== o.expectedPackagePath)
    problems.push({
      code: "path_mismatch",
      path: o.packagePath,
      detail: o.expectedPackagePath,
    });
  if (o.manifest && o.manifest.claimId !== o.claimId)
    problems.push({ code: "wrong_claim", path: MANIFEST_PATH });
  if (o.packageDirMode !== null && (o.packageDirMode & WRITE_BITS) !== 0)
    problems.push({
      code: "writable",
      path: ".",
      detail: o.packageDirMode.toString(8),
    });
  for (const e of o.disk) {
    if (e.kind === "symlink" || e.kind === "other")
      problems.push({ code: "not_regular", path: e.path, detail: e.kind });
    else if ((e.mode & WRITE_BITS) !== 0)
      problems.push({
        code: "writable",
        path: e.path,
        detail: e.mode.toString(8),
      });
  }
  return { ok: problems.length === 0, problems };
}

/** All four, as stored in archive_check_report.details. */
export function runArchiveChecks(o: PackageObservation): CheckReport {
  return {
    authenticity: checkAuthenticity(o),
    integrity: checkIntegrity(o),
    usability: checkUsability(o),
    security: checkSecurity(o),
  };
}

/**
 * Which packages a nightly fixity run checks: the `share` least recently checked (never-checked first),
 * so every package is covered within `cycleDays` nights, plus `sample` more drawn at random from the
 * rest (`random` gives numbers in [0, 1): injected so a test can fix it).
 */
export function nightlyFixityShare(total: number, cycleDays: number): number {
  if (total <= 0) return 0;
  return Math.ceil(total / Math.max(1, cycleDays));
}

export function pickRandomSample<T>(
  pool: readonly T[],
  count: number,
  random: () => number
): T[] {
  const copy = [...pool];
  const n = Math.min(count, copy.length);
  // Partial Fisher–Yates: the first n of a shuffle.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** A fixity comparison of one file: OK, MISSING (not there or unreadable) or MISMATCH (other bytes). */
export function fixityVerdict(
  expectedSha256: string,
  actual: { sha256: string } | null
): "OK" | "MISSING" | "MISMATCH" {
  if (actual === null) return "MISSING";
  return actual.sha256 === expectedSha256 ? "OK" : "MISMATCH";
}
