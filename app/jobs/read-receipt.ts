import { JOBS, type JobPayload } from "~/domain/jobs";
import { markOutboxDone } from "~/models/outbox.server";
import { READER_VERSION, storeReading } from "~/models/receipt-reading.server";
import { prisma } from "~/utils/db.server";
import { readReceiptFile } from "~/utils/receipt-reading/read-receipt-file.server";
import { objectStore } from "~/utils/object-store.server";
import { originalKey } from "~/utils/storage.server";
import { defineHandler } from "./job-handler";

export type ReadReceiptPayload = JobPayload<typeof JOBS.readReceipt>;
export type ReadReceiptOutcome =
  | { outcome: "read"; sha256: string; source: string; invoiceKey: string | null }
  | { outcome: "not_read"; sha256: string }
  | { outcome: "skipped"; sha256: string; reason: "already_read" | "no_such_file" };

/**
 * Reads a stored original (structured data, then a QR code) and stores what it found, once per digest:
 * a redelivered job finds the reading there. A file that yields nothing gets a "none" reading with the
 * notes of what was tried, so the screens can say "not read" rather than wait.
 */
export async function runReadReceipt(payload: ReadReceiptPayload): Promise<ReadReceiptOutcome> {
  const { sha256 } = payload;
  const jobKey = JOBS.readReceipt.key(payload);
  const [file, existing] = await Promise.all([
    prisma.storedFile.findUnique({ where: { sha256 }, select: { mimeType: true } }),
    prisma.receiptReading.findUnique({ where: { fileSha256: sha256 }, select: { readerVersion: true } }),
  ]);
  if (!file || existing) {
    await prisma.$transaction((tx) => markOutboxDone(tx, jobKey));
    return { outcome: "skipped", sha256, reason: file ? "already_read" : "no_such_file" };
  }
  // The original from the object store (S3: a temp copy for the readers, removed afterwards).
  const outcome = await objectStore().withLocalFile(originalKey(sha256), (localPath) => readReceiptFile({ path: localPath, mimeType: file.mimeType }));
  await prisma.$transaction(async (tx) => {
    await storeReading(
      tx,
      outcome.read
        ? {
            fileSha256: sha256,
            source: outcome.reading.source,
            fields: outcome.reading.fields,
            invoiceKey: outcome.reading.identity?.key ?? null,
            qrRegion: outcome.reading.qrRegion,
            detail: outcome.reading.detail,
            notes: [],
          }
        : { fileSha256: sha256, source: "none", fields: {}, invoiceKey: null, qrRegion: null, detail: {}, notes: outcome.notes },
    );
    await markOutboxDone(tx, jobKey);
  });
  return outcome.read
    ? { outcome: "read", sha256, source: outcome.reading.source, invoiceKey: outcome.reading.identity?.key ?? null }
    : { outcome: "not_read", sha256 };
}

/**
 * Retries used up (a reader that crashes on a file, e.g. a wasm decoder out of memory on a large photo):
 * the file gets a "none" reading saying so and its outbox row is done, so the screens say "not read" and
 * the outbox drains, instead of a row left pending forever (found by `npm run chaos`).
 */
export async function giveUpReadReceipt(payload: ReadReceiptPayload, err: Error): Promise<void> {
  const { sha256 } = payload;
  await prisma.$transaction(async (tx) => {
    const file = await tx.storedFile.findUnique({ where: { sha256 }, select: { sha256: true } });
    if (file) await storeReading(tx, { fileSha256: sha256, source: "none", fields: {}, invoiceKey: null, qrRegion: null, detail: {}, notes: [`reader_failed: ${err.message.slice(0, 200)}`] });
    await markOutboxDone(tx, JOBS.readReceipt.key(payload));
  });
}

export const readReceiptHandler = defineHandler(JOBS.readReceipt, (payload) => runReadReceipt(payload), {
  describe: (r) => `${r.outcome}${r.outcome === "read" ? ` source=${r.source} invoice=${r.invoiceKey ?? "-"} v${READER_VERSION}` : ""}`,
  onFinalFailure: (payload, err) => giveUpReadReceipt(payload, err),
});
