import { JOBS } from "~/domain/jobs";
import type { StoredFile } from "~/generated/prisma/client";
import { enqueueJob } from "~/models/outbox.server";
import type { Tx } from "~/utils/db.server";
import { storeOriginal } from "~/utils/storage.server";
import type { AcceptedUpload } from "~/utils/upload.server";

/** The imaging job's business key (JOBS.renderReceipt): one rendering per distinct file, however many receipts share it. */
export function imagingJobKey(sha256: string): string {
  return JOBS.renderReceipt.key({ sha256 });
}

/**
 * Records an accepted upload, inside the caller's transaction (the one that also inserts the Receipt
 * row): stores the bytes as originals/<sha> in the object store (throws ObjectStoreUnavailableError,
 * rolling the transaction back, when the store does not answer: no row without its object), and for a file never seen before inserts a PROCESSING
 * StoredFile plus the outbox row that will get it rendered. A file already known (same SHA-256) is
 * left exactly as it is — READY, FAILED or still PROCESSING — and its temp copy is dropped.
 *
 * The bytes are moved before the row commits; if the transaction then rolls back, an unreferenced
 * original remains. That is harmless (content-addressed, the next upload of the same bytes reuses it)
 * and the opposite order could commit a row whose original is missing.
 */
export async function storeReceiptFile(tx: Tx, upload: AcceptedUpload): Promise<StoredFile> {
  // Usually stored already (storeUploadedOriginals): then this only checks the object is there.
  await storeOriginal(upload.tempPath, upload.sha256, upload.mimeType);
  // ON CONFLICT DO NOTHING: two claims uploading the same scan at once both succeed, one row results.
  const created = await tx.storedFile.createMany({
    data: [{ sha256: upload.sha256, sizeBytes: upload.sizeBytes, mimeType: upload.mimeType, status: "PROCESSING" }],
    skipDuplicates: true,
  });
  if (created.count === 1) {
    await enqueueJob(tx, JOBS.renderReceipt, { sha256: upload.sha256 });
  }
  return tx.storedFile.findUniqueOrThrow({ where: { sha256: upload.sha256 } });
}

/**
 * Stores the originals of accepted uploads before their rows are written (a few at a time), so the
 * database transaction that inserts the rows holds no locks while bytes travel to the object store.
 * An object stored for a request that is then refused stays unreferenced: harmless, content-addressed.
 */
export async function storeUploadedOriginals(uploads: readonly AcceptedUpload[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < uploads.length) {
      const u = uploads[next++]!;
      await storeOriginal(u.tempPath, u.sha256, u.mimeType);
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
}

/** A client-safe view of a file's rendering state, for the claim page and the viewer. */
export type StoredFileState = {
  sha256: string;
  status: StoredFile["status"];
  pageCount: number | null;
  pages: { width: number; height: number }[];
  failureCode: string | null;
  failureReason: string | null;
};

/** Splits "code: English reason" (how the imaging worker records failures) so the UI can translate by code. */
export function storedFileState(file: StoredFile): StoredFileState {
  const reason = file.failureReason;
  const colon = reason?.indexOf(":") ?? -1;
  return {
    sha256: file.sha256,
    status: file.status,
    pageCount: file.pageCount,
    pages: parsePages(file.pages),
    failureCode: reason ? (colon > 0 ? reason.slice(0, colon) : reason) : null,
    failureReason: reason ? (colon > 0 ? reason.slice(colon + 1).trim() : reason) : null,
  };
}

function parsePages(value: StoredFile["pages"]): { width: number; height: number }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((p) =>
    p && typeof p === "object" && !Array.isArray(p) && typeof p.width === "number" && typeof p.height === "number"
      ? [{ width: p.width, height: p.height }]
      : [],
  );
}
