/**
 * Addenda to a filed archive record. A package is immutable once filed, but a claim can move on after
 * it: filed as PAID, its payment sent back by the bank (PAYMENT_FAILED), then paid again. The record then
 * gains an addendum — a small package of its own inside the record's directory — holding the claim as it
 * now stands and the audit events since the last package, with a manifest that names the manifest before
 * it (a chain: original → addendum 1 → addendum 2 …). Nothing filed before is rewritten.
 *
 *   <record package>/addenda/<seq>/
 *     claim.json     the claim as it stands (DATA)
 *     audit.json     the audit events after the previous package's last one (AUDIT)
 *     manifest.json  the two files above, the previous manifest's digest, why (MANIFEST)
 *
 * Paths in the manifest and in archive_file are relative to the record's package, so fixity, the four
 * checks and destruction treat an addendum's files as they treat the rest of the package.
 */
import { isSafeRelativePath, type ManifestFile } from "./archive-package";

export const ADDENDA_DIR = "addenda";
export const ADDENDUM_FORMAT = "accounting-factory/archive-addendum@1";

export const ADDENDUM_REASONS = ["PAYMENT_RETURNED", "PAID_AGAIN", "STATUS_CHANGED"] as const;
export type AddendumReason = (typeof ADDENDUM_REASONS)[number];

/** The directory of addendum `seq` inside the record's package. */
export function addendumDir(seq: number): string {
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`not an addendum number: ${seq}`);
  return `${ADDENDA_DIR}/${seq}`;
}

export const addendumManifestPath = (seq: number) => `${addendumDir(seq)}/manifest.json`;
export const addendumClaimPath = (seq: number) => `${addendumDir(seq)}/claim.json`;
export const addendumAuditPath = (seq: number) => `${addendumDir(seq)}/audit.json`;

/** The addendum a path belongs to (`addenda/2/claim.json` → 2), or null for the original package's files. */
export function addendumOf(path: string): number | null {
  const m = /^addenda\/([1-9]\d*)\//.exec(path);
  return m ? Number(m[1]) : null;
}

/** A status change of the claim as the audit trail has it. */
export type StatusEvent = { fromStatus: string | null; toStatus: string | null };

/**
 * Whether the events after the last package call for an addendum: only a change of the claim's status
 * does (a payment returned, paid again). The archive's own events — filed, checked, viewed, lent — are
 * not news about the claim, and filing an addendum for them would file one for every look.
 */
export function needsAddendum(events: readonly StatusEvent[]): boolean {
  return events.some((e) => e.toStatus !== null && e.toStatus !== e.fromStatus);
}

/**
 * Why: the claim's last status change since the previous package says it. `previousStatus` is the claim's
 * status in that package (the previous addendum's; the record's outcome for the first): PAID after a
 * PAYMENT_FAILED there, or after one among these events, is a payment made again.
 */
export function addendumReason(events: readonly StatusEvent[], previousStatus: string | null = null): AddendumReason {
  const changes = events.filter((e) => e.toStatus !== null && e.toStatus !== e.fromStatus);
  const last = changes.at(-1);
  if (!last) throw new Error("no status change to file an addendum for");
  if (last.toStatus === "PAYMENT_FAILED") return "PAYMENT_RETURNED";
  const failedBefore = previousStatus === "PAYMENT_FAILED" || changes.some((e) => e.toStatus === "PAYMENT_FAILED" || e.fromStatus === "PAYMENT_FAILED");
  if (last.toStatus === "PAID" && failedBefore) return "PAID_AGAIN";
  return "STATUS_CHANGED";
}

export type AddendumManifest = {
  format: typeof ADDENDUM_FORMAT;
  claimId: string;
  claimNumber: string;
  recordId: string;
  seq: number;
  reason: AddendumReason;
  claimStatus: string;
  /** The manifest this one follows: the record's (seq 1) or the previous addendum's. */
  previousManifestSha256: string;
  /** The audit events it holds, by chain_seq (inclusive). */
  audit: { fromSeq: string; throughSeq: string };
  filedAt: string;
  filedBy: { actorId: string | null; process: string };
  /** Its files except its manifest, paths relative to the record's package, sorted. */
  files: ManifestFile[];
};

/** The addendum's manifest and its bytes (stable, like the package's). */
export function buildAddendumManifest(input: Omit<AddendumManifest, "format" | "files"> & { files: readonly ManifestFile[] }): {
  manifest: AddendumManifest;
  bytes: Buffer;
} {
  const prefix = `${addendumDir(input.seq)}/`;
  const seen = new Set<string>();
  for (const f of input.files) {
    if (!f.path.startsWith(prefix) || !isSafeRelativePath(f.path)) throw new Error(`not a path of addendum ${input.seq}: ${f.path}`);
    if (f.path === addendumManifestPath(input.seq)) throw new Error("the manifest does not list itself");
    if (seen.has(f.path)) throw new Error(`two files at ${f.path}`);
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`not a sha256 for ${f.path}`);
    seen.add(f.path);
  }
  if (!/^[0-9a-f]{64}$/.test(input.previousManifestSha256)) throw new Error("the previous manifest's digest is not a sha256");
  if (BigInt(input.audit.fromSeq) > BigInt(input.audit.throughSeq)) throw new Error("an empty audit range");
  const manifest: AddendumManifest = {
    format: ADDENDUM_FORMAT,
    claimId: input.claimId,
    claimNumber: input.claimNumber,
    recordId: input.recordId,
    seq: input.seq,
    reason: input.reason,
    claimStatus: input.claimStatus,
    previousManifestSha256: input.previousManifestSha256,
    audit: { fromSeq: input.audit.fromSeq, throughSeq: input.audit.throughSeq },
    filedAt: input.filedAt,
    filedBy: { actorId: input.filedBy.actorId, process: input.filedBy.process },
    files: [...input.files]
      .map((f) => ({ path: f.path, role: f.role, mediaType: f.mediaType, size: f.size, sha256: f.sha256 }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  return { manifest, bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8") };
}

/** Reads an addendum manifest back; null when it is not one this code wrote. */
export function readAddendumManifest(value: unknown): AddendumManifest | null {
  if (!value || typeof value !== "object") return null;
  const m = value as Partial<AddendumManifest>;
  if (m.format !== ADDENDUM_FORMAT || typeof m.claimId !== "string" || typeof m.seq !== "number" || !Array.isArray(m.files)) return null;
  if (typeof m.previousManifestSha256 !== "string") return null;
  for (const f of m.files as unknown[]) {
    const file = f as Partial<ManifestFile>;
    if (!file || typeof file.path !== "string" || typeof file.sha256 !== "string" || typeof file.size !== "number") return null;
  }
  return m as AddendumManifest;
}
