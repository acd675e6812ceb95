/**
 * The OCR reader, last in READERS: images (upright by EXIF, as the viewer shows them) and a PDF's pages
 * rendered at the viewer's 150 dpi (page 1, and the next ones while none gave a labelled total). A working
 * copy is scaled down to OCR_MAX_SIDE; the boxes found are mapped back to the original's pixels. When the
 * upright pass is not convincing (no labelled total) the image is also read turned (90° and 270° when its
 * text boxes stand, else 180°), and the best pass is kept.
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
import { rotateRaw, sharedOcrEngine, type OcrEngine, type RawImage } from "./ocr-engines.server";
import type { ReceiptFile, ReceiptReader, ReceiptReading } from "./receipt-reader";

/** Longest side of the copy OCR sees (measured in decision 030: accuracy holds, CPU drops with area). */
export const OCR_MAX_SIDE = 1280;
const VIEWER_DPI = 150;
// Above this share of standing text boxes the page is taken to lie on its side.
const SIDEWAYS_SHARE = 0.4;
// Mean character score above which a sideways page's upright pass counts as read well (see sidewaysOrder).
const SIDEWAYS_READ_WELL = 0.8;

export type OcrReaderOptions = { maxSide?: number; tryTurns?: boolean };

type Pass = { turn: QuarterTurn; lines: TextLine[]; fields: ReceiptFields; quality: number; convincing: boolean; tallShare: number };
type PageRead = { page: number; best: Pass; passes: Pass[]; scale: number };

/** Pages of a PDF read by OCR at most: a receipt's total is on its first pages, not on page 30 of a scan. */
export const OCR_MAX_PDF_PAGES = 4;

/** The file an upright image is made from: the photo itself, or page `page` of a PDF rendered at 150 dpi. */
async function pageSource(file: ReceiptFile, page: number, dir: string, notes: string[]): Promise<string | null> {
  if (file.mimeType !== "application/pdf") return file.path;
  const prefix = path.join(dir, `p${page}`);
  const run = await runTool("pdftoppm", ["-r", String(VIEWER_DPI), "-f", String(page), "-l", String(page), "-singlefile", "-png", file.path, prefix], 60_000);
  if (run.code !== 0) {
    notes.push(`ocr: page ${page} could not be rendered`);
    return null;
  }
  return `${prefix}.png`;
}

/**
 * The working copy, decoded once: upright (EXIF), scaled to `maxSide`, as raw RGBA pixels; with the
 * upright original's size, which the regions are given in.
 */
async function workingCopy(source: string, maxSide: number): Promise<{ work: RawImage; fullW: number; fullH: number; scale: number }> {
  const meta = await sharp(source, { limitInputPixels: 100_000_000 }).metadata();
  const sideways = (meta.orientation ?? 1) >= 5;
  const fullW = (sideways ? meta.height : meta.width) ?? 0;
  const fullH = (sideways ? meta.width : meta.height) ?? 0;
  const scale = Math.min(1, maxSide / Math.max(fullW, fullH));
  const { data, info } = await sharp(source, { limitInputPixels: 100_000_000 })
    .rotate()
    .resize(Math.round(fullW * scale), Math.round(fullH * scale), { fit: "fill" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { work: { data, width: info.width, height: info.height, channels: 4 }, fullW, fullH, scale: info.width / fullW };
}

async function onePass(engine: OcrEngine, work: RawImage, turn: QuarterTurn, size: { w: number; h: number; scale: number; fullW: number; fullH: number; page: number }): Promise<Pass> {
  const turned = turn === 0 ? work : await rotateRaw(work, turn);
  const found = await engine.recognize(turned);
  const lines: TextLine[] = found.map((l) => ({
    text: l.text,
    score: l.score,
    region: regionOf(boxOnUnturned(l.box, turn, size.w, size.h), size.scale, size.page, size.fullW, size.fullH),
  }));
  const fields = extractFields(lines);
  // Only a labelled total counts (a guess, the largest amount anywhere, is found on any garble).
  const summary = { lines: found, foundTotal: (fields.total?.confidence ?? 0) >= 0.6, foundDate: fields.date !== undefined };
  return { turn, lines, fields, quality: passQuality({ ...summary, turn }), convincing: passIsConvincing(summary), tallShare: found.tallShare ?? 0 };
}

/**
 * Which quarter turn to try first on a page lying on its side. The recogniser stands a tall text box up
 * by turning it a quarter anticlockwise, which rights the lines of a page turned clockwise (read well:
 * the page is undone by 270°) and puts those of a page turned anticlockwise upside down (read badly: 90°).
 */
function sidewaysOrder(lines: readonly TextLine[]): QuarterTurn[] {
  const chars = lines.reduce((n, l) => n + l.text.length, 0);
  const mean = chars ? lines.reduce((n, l) => n + (l.score ?? 0) * l.text.length, 0) / chars : 0;
  return mean >= SIDEWAYS_READ_WELL ? [270, 90] : [90, 270];
}

export function createOcrReader(engine: () => Promise<OcrEngine>, opts: OcrReaderOptions = {}): ReceiptReader {
  const maxSide = opts.maxSide ?? OCR_MAX_SIDE;

  /** One page: upright first; when that is not convincing every other turn is read and the best kept. */
  async function readPage(ocr: OcrEngine, source: string, page: number): Promise<PageRead> {
    const { work, fullW, fullH, scale } = await workingCopy(source, maxSide);
    const size = { w: work.width, h: work.height, scale, fullW, fullH, page };
    const first = await onePass(ocr, work, 0, size);
    const passes: Pass[] = [first];
    // The detector's boxes say which way the page lies. Mostly standing boxes are a page on its side: read
    // at 90° and 270° (the first convincing one kept) even when the upright pass looked convincing — a
    // sideways slip's column of labels becomes one "line" with an amount. Lying boxes on a pass that is
    // not convincing: a page upside down, or one simply hard to read (180° is tried once).
    const sideways = first.tallShare >= SIDEWAYS_SHARE;
    if ((sideways || !first.convincing) && opts.tryTurns !== false) {
      const turns: QuarterTurn[] = sideways ? sidewaysOrder(first.lines) : [180];
      for (const turn of turns) {
        const pass = await onePass(ocr, work, turn, size);
        passes.push(pass);
        if (pass.convincing) break;
      }
    }
    const byQuality = (ps: Pass[]) => ps.reduce((a, b) => (b.quality > a.quality ? b : a));
    const turnedConvincing = passes.slice(1).filter((p) => p.convincing);
    const best = sideways && turnedConvincing.length > 0 ? byQuality(turnedConvincing) : byQuality(passes);
    return { page, passes, best, scale };
  }

  return {
    name: "ocr",
    applies: (f) => f.mimeType === "application/pdf" || (f.mimeType.startsWith("image/") && f.mimeType !== "image/heic" && f.mimeType !== "image/heif"),
    async read(f, notes) {
      // A PDF's later pages are read only while no page gave a labelled total (a folio's total on page 2).
      const pageCount = f.mimeType === "application/pdf" ? Math.min(OCR_MAX_PDF_PAGES, (await readPdfFacts(f.path)).pages ?? 1) : 1;
      const ocr = await engine();
      const read: PageRead[] = [];
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "read-ocr-"));
      try {
        for (let page = 1; page <= pageCount; page++) {
          const source = await pageSource(f, page, dir, notes);
          if (!source) break;
          const r = await readPage(ocr, source, page);
          read.push(r);
          if (r.best.convincing) break;
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
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
