import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eInvoiceTextPdf, eInvoiceXmlWithNumber } from "../../../fixtures/einvoices/index";
import { pdfTextReader } from "./pdf-text-reader.server";
import { READERS, readReceiptFile } from "./read-receipt-file.server";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pdf-text-test-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, bytes);
  return p;
}

/** A two-page receipt made by software: the shop and date on page 1, the total on page 2 (A5, points from the bottom). */
async function twoPageReceipt(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const p1 = doc.addPage([420, 595]);
  p1.drawText("Harbour View Hotel", { x: 40, y: 540, size: 18, font });
  p1.drawText("Date:", { x: 40, y: 500, size: 11, font });
  p1.drawText("17/11/2026", { x: 300, y: 500, size: 11, font });
  p1.drawText("Room 1204, 2 nights", { x: 40, y: 470, size: 11, font });
  const p2 = doc.addPage([420, 595]);
  p2.drawText("Total due", { x: 40, y: 400, size: 12, font });
  p2.drawText("\u00a3312.40", { x: 300, y: 400, size: 12, font });
  return doc.save();
}

describe("the PDF text-layer reader", () => {
  it("reads every page's text exactly, with each field's region on its own page in the viewer's pixels", async () => {
    const file = await write("hotel.pdf", await twoPageReceipt());
    const notes: string[] = [];
    const reading = await pdfTextReader.read({ path: file, mimeType: "application/pdf" }, notes);
    if (!reading) throw new Error(notes.join("; "));
    expect(reading.source).toBe("pdf-text");
    expect(reading.fields.total?.value).toBe(31240n);
    expect(reading.fields.currency?.value).toBe("GBP");
    expect(reading.fields.date?.value).toBe("2026-11-17");
    expect(reading.fields.merchant?.value).toBe("Harbour View Hotel");
    // "Total due" drawn at x = 40 pt, baseline 400 pt from the bottom of a 595 pt page: ×150/72 on page 2.
    const r = reading.fields.total!.region!;
    expect(r.page).toBe(2);
    expect(r.x).toBeGreaterThanOrEqual(Math.floor(40 * (150 / 72)) - 2);
    expect(r.x).toBeLessThanOrEqual(Math.ceil(40 * (150 / 72)) + 2);
    const top = (595 - 400 - 12) * (150 / 72);
    expect(r.y).toBeGreaterThan(top - 12);
    expect(r.y + r.height).toBeLessThan((595 - 400 + 6) * (150 / 72));
    expect(r.x + r.width).toBeGreaterThan(300 * (150 / 72)); // the row runs to the amount
    expect(reading.fields.date!.region!.page).toBe(1);
    expect(reading.detail).toMatchObject({ pages: 2 });
  });

  it("reads a digital e-invoice PDF issued without its XML: the seller, the 20-digit number as its identity", async () => {
    const number = "26442000001000000777";
    const file = await write("einvoice.pdf", await eInvoiceTextPdf(eInvoiceXmlWithNumber(number, "digital-hotel"), { attachXml: false }));
    const outcome = await readReceiptFile({ path: file, mimeType: "application/pdf" }, READERS.filter((r) => r.name !== "ocr"));
    if (!outcome.read) throw new Error(outcome.notes.join("; "));
    expect(outcome.reading.source).toBe("pdf-text");
    expect(outcome.reading.identity?.key).toBe(`D${number}`);
    expect(outcome.reading.fields.total?.value).toBe(130000n);
    expect(outcome.reading.fields.date?.value).toBe("2026-11-28");
    expect(outcome.reading.fields.merchant?.value).toBe("北京海淀如家酒店管理有限公司");
    expect(outcome.reading.fields.sellerTaxId?.value).toBe("91110108MA01PQR70H");
    expect(outcome.reading.fields.total!.confidence).toBeGreaterThanOrEqual(0.85);
  });

  it("leaves a scan (a page that is only an image) to the QR code and OCR, saying why", async () => {
    const doc = await PDFDocument.create();
    const jpeg = await sharp({ create: { width: 600, height: 800, channels: 3, background: "#f4f1ea" } }).jpeg().toBuffer();
    const image = await doc.embedJpg(jpeg);
    doc.addPage([595, 842]).drawImage(image, { x: 20, y: 20, width: 555, height: 802 });
    const file = await write("scan.pdf", await doc.save());
    const notes: string[] = [];
    expect(await pdfTextReader.read({ path: file, mimeType: "application/pdf" }, notes)).toBeNull();
    expect(notes).toEqual(["pdf-text: no text layer (a scan)"]);
    // In the pipeline the QR reader comes next.
    const outcome = await readReceiptFile({ path: file, mimeType: "application/pdf" }, READERS.filter((r) => r.name !== "ocr"));
    expect(outcome).toEqual({ read: false, notes: ["pdf-xml: no embedded files", "pdf-text: no text layer (a scan)", "pdf-qr: no invoice QR code on the first page"] });
  });

  it("leaves a text layer without a total (a cover page's title) to the readers of the image", async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([595, 842]).drawText("Scanned with OfficeScan Pro - page 1 of 1", { x: 40, y: 800, size: 10, font });
    const notes: string[] = [];
    expect(await pdfTextReader.read({ path: await write("stamp.pdf", await doc.save()), mimeType: "application/pdf" }, notes)).toBeNull();
    expect(notes).toEqual(["pdf-text: the text layer holds no total; read as an image"]);
  });
});
