/**
 * Reads one receipt file and prints the fields found as JSON, for checking a receipt by hand:
 *   npm run -s read-receipt -- FILE [--mime TYPE]
 * Offline: e-invoice XML (alone, in a PDF or an OFD), then an invoice QR code, then OCR (PaddleOCR, the
 * worker's reader): fields with confidence and, from OCR, the region of the line each was read from;
 * `detail.lines` (or `detail.ocr.lines` beside a QR) lists every OCR line with its score and box.
 */
import fs from "node:fs";
import { fieldsToJson } from "~/domain/receipt-reading/fields";
import { mimeTypeOfName, readReceiptFile } from "~/utils/receipt-reading/read-receipt-file.server";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  const mimeAt = args.indexOf("--mime");
  if (!file || !fs.existsSync(file)) {
    console.error("usage: npm run -s read-receipt -- FILE [--mime TYPE]");
    process.exit(2);
  }
  const mimeType = mimeAt >= 0 ? args[mimeAt + 1]! : mimeTypeOfName(file);
  const started = process.hrtime.bigint();
  const outcome = await readReceiptFile({ path: file, mimeType });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const out = outcome.read
    ? {
        file,
        mimeType,
        read: true,
        source: outcome.reading.source,
        invoice: outcome.reading.identity?.key ?? null,
        fields: fieldsToJson(outcome.reading.fields),
        qrRegion: outcome.reading.qrRegion,
        detail: outcome.reading.detail,
        ms: Math.round(ms),
      }
    : { file, mimeType, read: false, notes: outcome.notes, ms: Math.round(ms) };
  console.log(JSON.stringify(out, null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
