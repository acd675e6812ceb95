/**
 * The OCR reader, last in READERS: images (upright by EXIF, as the viewer shows them) and a PDF's pages
 * rendered at the viewer's 150 dpi (page 1, and the next ones while none gave a labelled total). A working
 * copy is scaled down to OCR_MAX_SIDE; the boxes found are mapped back to the original's pixels. When the upright pass is not convincing (no labelled total)
 * the image is also read turned 90°, 270° and 180°, and the best pass is kept.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { extractFields, type TextLine } from "~/domain/receipt-reading/extract-fields";
import type { ReceiptFields } from "~/domain/receipt-reading/fields";
import { invoiceIdentity } from "~/domain/receipt-reading/invoice-number";
import { boxOnUnturned, passIsConvincing, passQuality, regionOf, type QuarterTurn } from "~/domain/receipt-reading/ocr-orientation";
import { readPdfFacts, runTool } from "~/utils/pdf-tools.server";
import { sharedOcrEngine, type OcrEngine } from "./ocr-engines.server";
import type { ReceiptFile, ReceiptReader, ReceiptReading } from "./receipt-reader";

/** Longest side of the copy OCR sees (measured in decision 030: accuracy holds, CPU drops with area). */
export const OCR_MAX_SIDE = 1280;
const VIEWER_DPI = 150;
const TURNS: readonly QuarterTurn[] = [0, 90, 270, 180];

export type OcrReaderOptions = { maxSide?: number; tryTurns?: boolean };

type Pass = { turn: QuarterTurn; lines: TextLine[]; fields: ReceiptFields; quality: number; convincing: boolean };
type PageRead = { page: number; best: Pass; passes: Pass[]; scale: number };

/** Pages of a PDF read by OCR at most: a receipt's total is on its first pages, not on page 30 of a scan. */
export const OCR_MAX_PDF_PAGES = 4;

/** The upright image of a photo, or page `page` of a PDF rendered at the viewer's 150 dpi. */
async function uprightPng(file: ReceiptFile, page: number, notes: string[]): Promise<Buffer | null> {
  if (file.mimeType !== "application/pdf") return sharp(file.path, { limitInputPixels: 100_000_000 }).rotate().png({ compressionLevel: 1 }).toBuffer();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "read-ocr-"));
  try {
    const prefix = path.join(dir, `p${page}`);
    const run = await runTool("pdftoppm", ["-r", String(VIEWER_DPI), "-f", String(page), "-l", String(page), "-singlefile", "-png", file.path, prefix], 60_000);
    if (run.code !== 0) {
      notes.push(`ocr: page ${page} could not be rendered`);
      return null;
    }
    return await fs.readFile(`${prefix}.png`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function onePass(engine: OcrEngine, work: Buffer, turn: QuarterTurn, size: { w: number; h: number; scale: number; fullW: number; fullH: number; page: number }): Promise<Pass> {
  const turned = turn === 0 ? work : await sharp(work).rotate(turn).png({ compressionLevel: 1 }).toBuffer();
  const found = await engine.recognize(turned);
  const lines: TextLine[] = found.map((l) => ({
    text: l.text,
    score: l.score,
    region: regionOf(boxOnUnturned(l.box, turn, size.w, size.h), size.scale, size.page, size.fullW, size.fullH),
  }));
  const fields = extractFields(lines);
  // Only a labelled total counts (a guess, the largest amount anywhere, is found on any garble).
  const summary = { lines: found, foundTotal: (fields.total?.confidence ?? 0) >= 0.6, foundDate: fields.date !== undefined };
  return { turn, lines, fields, quality: passQuality({ ...summary, turn }), convincing: passIsConvincing(summary) };
}

export function createOcrReader(engine: () => Promise<OcrEngine>, opts: OcrReaderOptions = {}): ReceiptReader {
  const maxSide = opts.maxSide ?? OCR_MAX_SIDE;

  /** One page: upright first; when that is not convincing every other turn is read and the best kept. */
  async function readPage(ocr: OcrEngine, upright: Buffer, page: number): Promise<PageRead> {
    const meta = await sharp(upright).metadata();
    const fullW = meta.width ?? 0;
    const fullH = meta.height ?? 0;
    const scale = Math.min(1, maxSide / Math.max(fullW, fullH));
    const w = Math.round(fullW * scale);
    const h = Math.round(fullH * scale);
    const work = scale < 1 ? await sharp(upright).resize(w, h).png({ compressionLevel: 1 }).toBuffer() : upright;
    const passes: Pass[] = [];
    // A wrong turn can look convincing (a sideways slip's column of labels becomes one "line" with an
    // amount): the upright pass stops the turning only when it found a labelled total.
    for (const turn of opts.tryTurns === false ? [0 as const] : TURNS) {
      const pass = await onePass(ocr, work, turn, { w, h, scale, fullW, fullH, page });
      passes.push(pass);
      if (turn === 0 && pass.convincing) break;
    }
    return { page, passes, best: passes.reduce((a, b) => (b.quality > a.quality ? b : a)), scale };
  }

  return {
    name: "ocr",
    applies: (f) => f.mimeType === "application/pdf" || (f.mimeType.startsWith("image/") && f.mimeType !== "image/heic" && f.mimeType !== "image/heif"),
    async read(f, notes) {
      // A PDF's later pages are read only while no page gave a labelled total (a folio's total on page 2).
      const pageCount = f.mimeType === "application/pdf" ? Math.min(OCR_MAX_PDF_PAGES, (await readPdfFacts(f.path)).pages ?? 1) : 1;
      const ocr = await engine();
      const read: PageRead[] = [];
      for (let page = 1; page <= pageCount; page++) {
        const upright = await uprightPng(f, page, notes);
        if (!upright) break;
        const r = await readPage(ocr, upright, page);
        read.push(r);
        if (r.best.convincing) break;
      }
      if (read.length === 0) return null;
      // The pages' lines in order, read as one text (the header of page 1, the total of the last page).
      const lines = read.flatMap((r) => r.best.lines);
      const fields = read.length === 1 ? read[0]!.best.fields : extractFields(lines);
      if (Object.keys(fields).length === 0) {
        notes.push(lines.length === 0 ? "ocr: no text found" : "ocr: text found but no receipt fields in it");
        return null;
      }
      // An identity from OCR only when the lines it came from were read with a high score.
      const sure = (c: number | undefined) => c !== undefined && c >= 0.8;
      const identity =
        sure(fields.invoiceNumber?.confidence) && (fields.invoiceNumber?.value.length === 20 || sure(fields.invoiceCode?.confidence))
          ? invoiceIdentity({ code: fields.invoiceCode?.value, number: fields.invoiceNumber?.value })
          : null;
      const reading: ReceiptReading = {
        source: "ocr",
        fields,
        identity,
        qrRegion: null,
        detail: {
          engine: ocr.name,
          turn: read[0]!.best.turn,
          passes: read.flatMap((r) => r.passes.map((p) => p.turn)),
          pages: read.map((r) => ({ page: r.page, turn: r.best.turn, passes: r.passes.length })),
          workingScale: Math.round(read[0]!.scale * 1000) / 1000,
          lines: lines.slice(0, 200).map((l) => ({ text: l.text, score: Math.round((l.score ?? 0) * 1000) / 1000, region: l.region })),
        },
      };
      return reading;
    },
  };
}

/** The worker's OCR reader: the chosen engine, started once per process on first use. */
export const ocrReader = createOcrReader(sharedOcrEngine);
