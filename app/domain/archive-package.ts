/**
 * The electronic archive package of a paid or finally rejected claim: where it lives, what its files are
 * called, and its manifest (every file with its role, media type, size and SHA-256, who filed it, when,
 * and its retention). Pure: the filing (app/models/archive-filing.server.ts) writes what this describes,
 * the checks (archive-checks.ts) and the fixity runs read it back.
 *
 *   <company code>/<year closed>/<claim number>/
 *     claim.json      the claim's data (DATA)
 *     history.json    approvals, reviews, QA, payments (HISTORY)
 *     audit.json      the claim's audit events with their chain hashes (AUDIT)
 *     originals/R<n><ext>        each receipt's original, byte for byte (ORIGINAL)
 *     derived/R<n>-p<page>.jpg   a rendered image of each page (DERIVED)
 *     manifest.json   lists every file above (MANIFEST; its own digest is the record's manifest_sha256)
 */
import {
  LEGAL_MINIMUM_RETENTION,
  retentionEnd,
  retentionPolicy,
  RETENTION_DOCUMENT_TYPES,
  type RetentionDocumentType,
  type RetentionPeriod,
} from "./retention";

export const ARCHIVE_FILE_ROLES = [
  "DATA",
  "ORIGINAL",
  "DERIVED",
  "HISTORY",
  "AUDIT",
  "MANIFEST",
] as const;
export type ArchiveFileRole = (typeof ARCHIVE_FILE_ROLES)[number];

export const MANIFEST_FORMAT = "accounting-factory/archive-package@1";
export const MANIFEST_PATH = "manifest.json";
export const CLAIM_DATA_PATH = "claim.json";
export const HISTORY_PATH = "history.json";
export const AUDIT_PATH = "audit.json";

export type ManifestFile = {
  path: string;
  role: ArchiveFileRole;
  mediaType: string;
  size: number;
  sha256: string;
};

export type ArchiveManifest = {
  format: typeof MANIFEST_FORMAT;
  claimId: string;
  claimNumber: string;
  company: { id: string; code: string };
  outcome: "PAID" | "REJECTED";
  closedOn: string;
  filedAt: string;
  /** The person who filed (null: the archive worker on its own, after the claim closed). */
  filedBy: { actorId: string | null; process: string };
  retention: {
    class: RetentionDocumentType;
    years: number | null;
    endsOn: string | null;
  };
  /** Every file of the package except the manifest itself, sorted by path. */
  files: ManifestFile[];
};

const SEGMENT = /[^A-Za-z0-9._-]/g;

/** One path segment safe on any filesystem: no separators, no leading dot, never empty. */
export function safeSegment(value: string): string {
  const s = value
    .normalize("NFKC")
    .replace(SEGMENT, "_")
    .replace(/^\.+/, "_")
    .slice(0, 120);
  return s.length === 0 ? "_" : s;
}

/** The package's path relative to the archive root: <company code>/<year closed>/<claim number>. */
export function packageRelativePath(
  companyCode: string,
  closedOn: string,
  claimNumber: string
): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(closedOn))
    throw new RangeError(`not a YYYY-MM-DD date: ${closedOn}`);
  return [
    safeSegment(companyCode),
    closedOn.slice(0, 4),
    safeSegment(claimNumber),
  ].join("/");
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/heic": ".heic",
  "image/heif": ".heif",
  "image/webp": ".webp",
  "image/tiff": ".tif",
  "application/pdf": ".pdf",
  "application/json": ".json",
  "application/xml": ".xml",
};

export function extensionFor(mediaType: string): string {
  return EXTENSIONS[mediaType] ?? ".bin";
}

/** Receipts are numbered R1, R2, … in the order they were attached (the numbers on the cover sheet). */
export function originalPathFor(receiptNo: number, mediaType: string): string {
  return `originals/R${receiptNo}${extensionFor(mediaType)}`;
}

export function derivedPathFor(receiptNo: number, page: number): string {
  return `derived/R${receiptNo}-p${page}.jpg`;
}

/** The retention of a record closed on `closedOn`: the company's policy (its overrides over the law's minimums). */
export function retentionFor(
  overrides: unknown,
  docType: RetentionDocumentType,
  closedOn: string
): {
  class: RetentionDocumentType;
  years: number | null;
  endsOn: string | null;
} {
  const policy = retentionPolicy(parseRetentionOverrides(overrides));
  // A stored override the rules refuse is never shorter than the law: the legal minimum applies.
  const period: RetentionPeriod = policy.ok
    ? policy.policy[docType]
    : LEGAL_MINIMUM_RETENTION[docType];
  return {
    class: docType,
    years: period.kind === "years" ? period.years : null,
    endsOn: retentionEnd(closedOn, period),
  };
}

/** company.retention_overrides as stored (JSON): { EXPENSE_CLAIM: { kind: "years", years: 40 } | { kind: "permanent" }, … }. */
export function parseRetentionOverrides(
  value: unknown
): Partial<Record<RetentionDocumentType, RetentionPeriod>> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Partial<Record<RetentionDocumentType, RetentionPeriod>> = {};
  for (const type of RETENTION_DOCUMENT_TYPES) {
    const p = (value as Record<string, unknown>)[type];
    if (!p || typeof p !== "object") continue;
    const kind = (p as { kind?: unknown }).kind;
    if (kind === "permanent") out[type] = { kind: "permanent" };
    else if (
      kind === "years" &&
      typeof (p as { years?: unknown }).years === "number"
    )
      out[type] = { kind: "years", years: (p as { years: number }).years };
  }
  return out;
}

/** The manifest and its bytes (stable: the same package always gives the same bytes, so its digest means something). */
export function buildManifest(
  input: Omit<ArchiveManifest, "format" | "files"> & {
    files: readonly ManifestFile[];
  }
): { manifest: ArchiveManifest; bytes: Buffer } {
  const paths = new Set<string>();
  for (const f of input.files) {
    if (f.path === MANIFEST_PATH)
      throw new Error("the manifest does not list itself");
    if (paths.has(f.path)) throw new Error(`two files at ${f.path}`);
    if (!/^[0-9a-f]{64}$/.test(f.sha256))
      throw new Error(`not a sha256 for ${f.path}`);
    if (!isSafeRelativePath(f.path)) throw new Error(`unsafe path ${f.path}`);
    paths.add(f.path);
  }
  const manifest: ArchiveManifest = {
    format: MANIFEST_FORMAT,
    claimId: input.claimId,
    claimNumber: input.claimNumber,
    company: { id: input.company.id, code: input.company.code },
    outcome: input.outcome,
    closedOn: input.closedOn,
    filedAt: input.filedAt,
    filedBy: { actorId: input.filedBy.actorId, process: input.filedBy.process },
    retention: {
      class: input.retention.class,
      years: input.retention.years,
      endsOn: input.retention.endsOn,
    },
    files: [...input.files]
      .map((f) => ({
        path: f.path,
        role: f.role,
        mediaType: f.mediaType,
        size: f.size,
        sha256: f.sha256,
      }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  return {
    manifest,
    bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8"),
  };
}

/** A relative path inside a package: forward slashes, no '..', no absolute start, no empty segment. */
export function isSafeRelativePath(p: string): boolean {
  if (p.length === 0 || p.startsWith("/") || p.includes("\\")) return false;
  return p.split("/").every((s) => s.length > 0 && s !== "." && s !== "..");
}

/** Reads a manifest back (from JSON already parsed); null when it is not one this code wrote. */
export function readManifest(value: unknown): ArchiveManifest | null {
  if (!value || typeof value !== "object") return null;
  const m = value as Partial<ArchiveManifest>;
  if (
    m.format !== MANIFEST_FORMAT ||
    typeof m.claimId !== "string" ||
    typeof m.claimNumber !== "string" ||
    !Array.isArray(m.files)
  )
    return null;
  for (const f of m.files as unknown[]) {
    const file = f as Partial<ManifestFile>;
    if (
      !file ||
      typeof file.path !== "string" ||
      typeof file.sha256 !== "string" ||
      typeof file.size !== "number" ||
      typeof file.mediaType !== "string" ||
      !(ARCHIVE_FILE_ROLES as readonly string[]).includes(String(file.role))
    )
      return null;
  }
  return m as ArchiveManifest;
}
