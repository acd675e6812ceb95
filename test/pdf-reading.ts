/**
 * Reading printed PDFs back in tests, as a person (or a scanner) would: the text through poppler, and a
 * Code 128 barcode from the rendered page through zxing.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from "@zxing/library";
import { expect } from "vitest";

const run = promisify(execFile);

/** Reads a binary PGM (pdftoppm -gray) into its size and grey bytes. */
function readPgm(bytes: Buffer): { width: number; height: number; grey: Uint8ClampedArray } {
  const header = bytes.subarray(0, 64).toString("latin1").match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error("not a binary PGM");
  const [all, w, h] = header;
  return { width: Number(w), height: Number(h), grey: new Uint8ClampedArray(bytes.subarray(all.length)) };
}

/** Rasterizes page 1 of `pdf` (in `dir`) and decodes the Code 128 barcode at the head of the page, right. */
export async function decodeBarcode(pdf: Buffer, dir: string): Promise<string> {
  const file = path.join(dir, `sheet-${randomUUID()}.pdf`);
  await writeFile(file, pdf);
  await run("pdftoppm", ["-gray", "-r", "200", "-f", "1", "-l", "1", "-singlefile", file, file]);
  const { width, height, grey } = readPgm(await readFile(`${file}.pgm`));
  // Aimed like a hand scanner: at the sheet's head, right of the company name. (zxing's 1D readers try only
  // the first start pattern in a row, so letters left of the barcode on the same rows would hide it.)
  const left = Math.round(width * 0.55);
  const top = 0;
  const source = new RGBLuminanceSource(grey, width, height).crop(left, top, width - left, Math.round(height * 0.2));
  const reader = new MultiFormatReader();
  reader.setHints(new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]], [DecodeHintType.TRY_HARDER, true]]));
  const result = reader.decode(new BinaryBitmap(new HybridBinarizer(source)));
  expect(result.getBarcodeFormat()).toBe(BarcodeFormat.CODE_128);
  return result.getText();
}

/** The page count and the text (layout kept) of `pdf`. */
export async function pdfText(pdf: Buffer, dir: string): Promise<{ pages: number; text: string }> {
  const file = path.join(dir, `sheet-${randomUUID()}.pdf`);
  await writeFile(file, pdf);
  const info = (await run("pdfinfo", [file])).stdout;
  const text = (await run("pdftotext", ["-layout", file, "-"])).stdout;
  return { pages: Number(info.match(/^Pages:\s+(\d+)/m)?.[1]), text };
}
