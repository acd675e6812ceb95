import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eInvoiceOfd, eInvoicePdf, eInvoiceXml, photographedQrInvoice, vatQrPayload } from "../../../fixtures/einvoices/index";
import { loadQrDecoder, zxingWasmPath } from "./qr-decoder.server";
import { READERS, readReceiptFile } from "./read-receipt-file.server";

// The structured readers alone, for the tests about them (OCR has its own below and in ocr tests).
const STRUCTURED = READERS.filter((r) => r.name !== "ocr");

let dir: string;
const qrText = vatQrPayload({ code: "031002400111", number: "12345678", amount: "1000.00", date: "2026-12-02" });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "read-receipt-test-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Buffer | string): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, bytes);
  return p;
}

describe("readReceiptFile", () => {
  it("loads zxing's .wasm from node_modules, never over the network", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in this test"));
    try {
      await loadQrDecoder();
      expect(zxingWasmPath()).toMatch(/node_modules\/zxing-wasm\/dist\/reader\/zxing_reader\.wasm$/);
      const outcome = await readReceiptFile({ path: await file("photo.jpg", await photographedQrInvoice(qrText)), mimeType: "image/jpeg" }, STRUCTURED);
      expect(outcome.read).toBe(true);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("reads a digital e-invoice XML exactly", async () => {
    const outcome = await readReceiptFile({ path: await file("inv.xml", eInvoiceXml("digital-meal")), mimeType: "application/xml" });
    if (!outcome.read) throw new Error(outcome.notes.join("; "));
    expect(outcome.reading.source).toBe("xml");
    expect(outcome.reading.identity?.key).toBe("D24442000000123456789");
    expect(outcome.reading.fields.total).toEqual({ value: 30000n, confidence: 1 });
    expect(outcome.reading.fields.merchant?.value).toBe("广州市天河区粤味轩餐饮有限公司");
  });

  it("reads the XML attached to a PDF, ahead of its QR", async () => {
    const pdf = await eInvoicePdf(eInvoiceXml("digital-hotel"), qrText);
    const outcome = await readReceiptFile({ path: await file("inv.pdf", pdf), mimeType: "application/pdf" });
    if (!outcome.read) throw new Error(outcome.notes.join("; "));
    expect(outcome.reading.source).toBe("pdf-xml");
    expect(outcome.reading.fields.total?.value).toBe(130000n);
    expect(outcome.reading.identity?.key).toBe("D26312000000987654321");
  });

  it("reads the QR on a PDF page when nothing is attached, with its region in the viewer's pixels", async () => {
    const outcome = await readReceiptFile({ path: await file("qr.pdf", await eInvoicePdf(null, qrText)), mimeType: "application/pdf" }, STRUCTURED);
    if (!outcome.read) throw new Error(outcome.notes.join("; "));
    expect(outcome.reading.source).toBe("qr");
    expect(outcome.reading.identity?.key).toBe("V031002400111-12345678");
    // Drawn at 40 pt from the left, 52 pt from the top, 90 pt wide: ×150/72 at the imaging dpi (plus the QR's quiet zone).
    const r = outcome.reading.qrRegion!;
    expect(r.x).toBeGreaterThanOrEqual(83);
    expect(r.x).toBeLessThan(83 + 30);
    expect(r.y).toBeGreaterThanOrEqual(108);
    expect(r.y).toBeLessThan(108 + 30);
    expect(r.width).toBeGreaterThan(140);
    expect(r.width).toBeLessThanOrEqual(188);
  });

  it("reads the QR on a photographed, tilted, soft invoice; also turned on its side", async () => {
    for (const angle of [4, 94]) {
      const outcome = await readReceiptFile({ path: await file(`photo-${angle}.jpg`, await photographedQrInvoice(qrText, { angle })), mimeType: "image/jpeg" }, STRUCTURED);
      if (!outcome.read) throw new Error(outcome.notes.join("; "));
      expect(outcome.reading.fields.date?.value).toBe("2026-12-02");
      expect(outcome.reading.fields.amountWithoutTax?.value).toBe(100000n);
      expect(outcome.reading.qrRegion?.width).toBeGreaterThan(200);
    }
  });

  it("reads an OFD's invoice data file, and says plainly when an OFD has none", async () => {
    const withXml = await readReceiptFile({ path: await file("inv.ofd", eInvoiceOfd(eInvoiceXml("digital-hotel"))), mimeType: "application/ofd" });
    expect(withXml.read && withXml.reading.source).toBe("ofd-xml");
    const without = await readReceiptFile({ path: await file("bare.ofd", eInvoiceOfd(null)), mimeType: "application/ofd" });
    expect(without).toEqual({ read: false, notes: ["ofd: no invoice data file in the package; not read"] });
  });

  it("finds nothing on a receipt without XML or QR, and says what it tried", async () => {
    const plain = await (await import("sharp")).default({ create: { width: 400, height: 600, channels: 3, background: "#fff" } }).png().toBuffer();
    const outcome = await readReceiptFile({ path: await file("plain.png", plain), mimeType: "image/png" });
    expect(outcome).toEqual({ read: false, notes: ["qr: no invoice QR code found", "ocr: no text found"] });
  }, 60_000);

  it("lets OCR fill what the QR does not carry (the total with tax, the seller) and keeps the QR's exact fields", async () => {
    const outcome = await readReceiptFile({ path: await file("photo-ocr.jpg", await photographedQrInvoice(qrText)), mimeType: "image/jpeg" });
    if (!outcome.read) throw new Error(outcome.notes.join("; "));
    expect(outcome.reading.source).toBe("qr");
    expect(outcome.reading.fields.date).toEqual({ value: "2026-12-02", confidence: 1 });
    expect(outcome.reading.fields.total?.value).toBe(106000n);
    expect(outcome.reading.fields.total?.region).toBeDefined();
    expect(outcome.reading.fields.merchant?.value).toBe("上海浦东示例酒店有限公司");
  }, 60_000);
});
