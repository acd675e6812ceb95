/**
 * Reads one receipt file into a reading: structured data first, exact (a digital e-invoice's XML, on its
 * own, inside a PDF or inside an OFD), then an invoice QR code on the image or the PDF's first page.
 * Each source is one reader in READERS, tried in order; the first that finds anything wins and later ones
 * only fill fields it lacks. OCR is the last reader: run when nothing exact was found, it reads a slip on
 * its own and fills what a QR code does not carry (the total with tax, the merchant).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eInvoiceFields, looksLikeEInvoiceXml, parseEInvoiceXml, type EInvoice } from "~/domain/receipt-reading/einvoice-xml";
import { mergeFields, type ImageRegion, type ReadingSource, type ReceiptFields } from "~/domain/receipt-reading/fields";
import { parseInvoiceQr } from "~/domain/receipt-reading/qr-payload";
import { runTool } from "~/utils/pdf-tools.server";
import { readPdfAttachments } from "./pdf-attachments.server";
import { ocrReader } from "./ocr-reader.server";
import { pdfTextReader } from "./pdf-text-reader.server";
import type { ReadOutcome, ReceiptFile, ReceiptReader, ReceiptReading } from "./receipt-reader";
import { decodeQrCodes } from "./qr-decoder.server";
import { zipEntries, zipEntryBytes } from "./zip.server";

export type { ReadOutcome, ReceiptFile, ReceiptReader, ReceiptReading } from "./receipt-reader";

const XML_TYPES = new Set(["application/xml", "text/xml"]);
export const OFD_MIME = "application/ofd";
// The PDF page is rendered for its QR at this resolution (a VAT invoice's QR is ~2 cm: ~160 px).
const PDF_QR_DPI = 200;

function fromEInvoice(inv: EInvoice, source: ReadingSource, note: Record<string, unknown> = {}): ReceiptReading {
  return {
    source,
    fields: eInvoiceFields(inv),
    identity: inv.identity,
    qrRegion: null,
    detail: {
      ...note,
      items: inv.items.map((i) => ({ ...i, amountMinor: String(i.amountMinor), taxMinor: String(i.taxMinor) })),
      problems: inv.problems,
    },
  };
}

function tryEInvoice(text: string, notes: string[], where: string): EInvoice | null {
  if (!looksLikeEInvoiceXml(text)) return null;
  try {
    return parseEInvoiceXml(text);
  } catch (err) {
    notes.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

const xmlReader: ReceiptReader = {
  name: "xml",
  applies: (f) => XML_TYPES.has(f.mimeType),
  async read(f, notes) {
    const inv = tryEInvoice(await fs.readFile(f.path, "utf8"), notes, "xml");
    if (!inv) notes.push("xml: not a digital e-invoice");
    return inv ? fromEInvoice(inv, "xml") : null;
  },
};

const pdfXmlReader: ReceiptReader = {
  name: "pdf-xml",
  applies: (f) => f.mimeType === "application/pdf",
  async read(f, notes) {
    let attachments;
    try {
      attachments = await readPdfAttachments(await fs.readFile(f.path));
    } catch (err) {
      notes.push(`pdf-xml: the PDF's structure could not be read (${err instanceof Error ? err.message : String(err)})`);
      return null;
    }
    for (const a of attachments) {
      const inv = tryEInvoice(Buffer.from(a.bytes).toString("utf8"), notes, `pdf-xml ${a.name}`);
      if (inv) return fromEInvoice(inv, "pdf-xml", { attachment: a.name });
    }
    notes.push(attachments.length === 0 ? "pdf-xml: no embedded files" : "pdf-xml: no embedded e-invoice XML");
    return null;
  },
};

/**
 * An OFD is a zip: OFD.xml names the document; an e-invoice OFD may carry the invoice's XML as an
 * attachment or a file of its own. Without one, the OFD's page is vector text in its own layout, which is
 * not read here (said so in the notes: the employee types the line, the accountant sees "not read").
 */
const ofdReader: ReceiptReader = {
  name: "ofd-xml",
  applies: (f) => f.mimeType === OFD_MIME,
  async read(f, notes) {
    const buf = await fs.readFile(f.path);
    let entries;
    try {
      entries = zipEntries(buf);
    } catch (err) {
      notes.push(`ofd: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
    if (!entries.some((e) => e.name === "OFD.xml")) {
      notes.push("ofd: no OFD.xml (not an OFD file)");
      return null;
    }
    for (const e of entries.filter((x) => /\.xml$/i.test(x.name) && x.name !== "OFD.xml")) {
      const inv = tryEInvoice(zipEntryBytes(buf, e).toString("utf8"), notes, `ofd ${e.name}`);
      if (inv) return fromEInvoice(inv, "ofd-xml", { entry: e.name });
    }
    notes.push("ofd: no invoice data file in the package; not read");
    return null;
  },
};

function fromQr(text: string, region: ImageRegion, variant: string): ReceiptReading | null {
  const qr = parseInvoiceQr(text);
  if (!qr) return null;
  const fields: ReceiptFields = {
    invoiceNumber: { value: qr.invoiceNumber, confidence: 1 },
    currency: { value: "CNY", confidence: 1 },
    ...(qr.invoiceCode ? { invoiceCode: { value: qr.invoiceCode, confidence: 1 } } : {}),
    ...(qr.date ? { date: { value: qr.date, confidence: 1 } } : {}),
    // The QR's amount is without tax for VAT invoices: not the total the employee paid.
    ...(qr.amountMinor !== null ? { amountWithoutTax: { value: qr.amountMinor, confidence: 1 } } : {}),
  };
  return {
    source: "qr",
    fields,
    identity: qr.identity,
    qrRegion: region,
    detail: { qr: text, typeCode: qr.typeCode, type: qr.type, checkCode: qr.checkCode, variant },
  };
}

const imageQrReader: ReceiptReader = {
  name: "qr",
  applies: (f) => f.mimeType.startsWith("image/") && f.mimeType !== "image/heic" && f.mimeType !== "image/heif",
  async read(f, notes) {
    const found = await decodeQrCodes(f.path, { accept: (t) => parseInvoiceQr(t) !== null });
    const first = found[0];
    if (!first) notes.push("qr: no invoice QR code found");
    return first ? fromQr(first.text, first.region, first.variant) : null;
  },
};

const pdfQrReader: ReceiptReader = {
  name: "pdf-qr",
  applies: (f) => f.mimeType === "application/pdf",
  async read(f, notes) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "read-receipt-"));
    try {
      const prefix = path.join(dir, "p1");
      const run = await runTool("pdftoppm", ["-r", String(PDF_QR_DPI), "-f", "1", "-l", "1", "-singlefile", "-png", f.path, prefix], 60_000);
      if (run.code !== 0) {
        notes.push("pdf-qr: the first page could not be rendered");
        return null;
      }
      const found = await decodeQrCodes(`${prefix}.png`, { accept: (t) => parseInvoiceQr(t) !== null });
      const first = found[0];
      if (!first) {
        notes.push("pdf-qr: no invoice QR code on the first page");
        return null;
      }
      // The viewer shows the page at the imaging dpi (150): the region is scaled to its pixels.
      const k = 150 / PDF_QR_DPI;
      const r = first.region;
      const region = { page: 1, x: Math.round(r.x * k), y: Math.round(r.y * k), width: Math.round(r.width * k), height: Math.round(r.height * k) };
      return fromQr(first.text, region, first.variant);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

/** In order: exact data first (XML, then a PDF's own text), then the QR, then OCR. */
export const READERS: ReceiptReader[] = [xmlReader, pdfXmlReader, ofdReader, pdfTextReader, imageQrReader, pdfQrReader, ocrReader];

export async function readReceiptFile(file: ReceiptFile, readers: readonly ReceiptReader[] = READERS): Promise<ReadOutcome> {
  const notes: string[] = [];
  let best: ReceiptReading | null = null;
  for (const reader of readers) {
    if (!reader.applies(file)) continue;
    const reading = await reader.read(file, notes);
    if (!reading) continue;
    // A later reader's findings are kept under its name (e.g. the OCR lines beside the QR's payload).
    const merged: ReceiptReading = best
      ? { ...best, fields: mergeFields(best.fields, reading.fields), qrRegion: best.qrRegion ?? reading.qrRegion, detail: { ...best.detail, [reader.name]: reading.detail } }
      : reading;
    best = merged;
    // Exact data is the whole invoice: nothing else to look for.
    if (merged.source !== "qr") break;
  }
  return best ? { read: true, reading: best } : { read: false, notes };
}

/** The MIME type of a file by its name, for the command line (uploads use the sniffed type). */
export function mimeTypeOfName(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return (
    { ".xml": "application/xml", ".pdf": "application/pdf", ".ofd": OFD_MIME, ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".tif": "image/tiff", ".tiff": "image/tiff" }[ext] ??
    "application/octet-stream"
  );
}
