/** What a reader of receipt files is and gives (its own module: the readers and the pipeline both use it). */
import type { ImageRegion, ReadingSource, ReceiptFields } from "~/domain/receipt-reading/fields";
import type { InvoiceIdentity } from "~/domain/receipt-reading/invoice-number";

export type ReceiptReading = {
  source: ReadingSource;
  fields: ReceiptFields;
  identity: InvoiceIdentity | null;
  /** Where the QR was found (images and PDF pages), in the pixels of the rendered page. */
  qrRegion: ImageRegion | null;
  /** The e-invoice's items and problems when read from XML; the raw QR text when from a QR. */
  detail: Record<string, unknown>;
};

export type ReadOutcome =
  | { read: true; reading: ReceiptReading }
  /** Nothing readable found; `notes` say what was tried and why it gave nothing (e.g. "ofd: no invoice data file"). */
  | { read: false; notes: string[] };

export type ReceiptFile = { path: string; mimeType: string };

export type ReceiptReader = {
  name: string;
  applies(file: ReceiptFile): boolean;
  read(file: ReceiptFile, notes: string[]): Promise<ReceiptReading | null>;
};

