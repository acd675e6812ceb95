/**
 * Regenerates the binary upload fixtures in test/fixtures/ (committed output):
 *
 *   npx tsx scripts/make-fixtures.ts
 *
 * Each fixture is written, then checked for the property tests rely on
 * (EXIF orientation, page count, decode failure, ...). Output is deterministic
 * except encrypted.pdf, whose AES-256 key salts are random even with qpdf's
 * static IV/ID test switches. Needs poppler-utils, qpdf and zip; receipt-iphone.heic needs heif-enc
 * (Debian: apt-get install libheif-examples, x265 inside). Name fixtures to write only those:
 *
 *   npx tsx scripts/make-fixtures.ts receipt-iphone.heic
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import exifr from "exifr";
import sharp from "sharp";
import { mulberry32 } from "~/domain/seeded-random";
import { randomReceiptSpec, renderReceiptJpeg, renderReceiptPdf } from "../fixtures/receipts";

const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test/fixtures");
const MAX_BYTES = 500 * 1024;

function write(name: string, data: Buffer): string {
  const file = path.join(OUT_DIR, name);
  fs.writeFileSync(file, data);
  const warn = data.length > MAX_BYTES && name !== "huge-pixels.png" ? "  (over 500 KB!)" : "";
  console.log(`${name.padEnd(20)} ${String(data.length).padStart(8)} bytes${warn}`);
  return file;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`fixture check failed: ${what}`);
}

const zhSpec = randomReceiptSpec(mulberry32(11), { lang: "zh", currency: "CNY", date: "2026-03-12", kind: "till", totalMinor: 4_850 });
const enSpec = randomReceiptSpec(mulberry32(12), { lang: "en", currency: "USD", date: "2026-03-12", kind: "till", totalMinor: 2_317 });
const zhInvoice = randomReceiptSpec(mulberry32(13), { lang: "zh", currency: "CNY", date: "2026-03-10", kind: "invoice" });
const enInvoice = randomReceiptSpec(mulberry32(14), { lang: "en", currency: "GBP", date: "2026-03-11", kind: "invoice" });

/**
 * Stores the pixels turned 90° anticlockwise and tags EXIF orientation 6
 * ("rotate 90° clockwise to display"): only a reader that honours EXIF sees it upright.
 */
async function receiptZhJpg(): Promise<void> {
  const upright = await renderReceiptJpeg(zhSpec, { widthPx: 720, seed: 1, exif: false });
  const data = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 82 }).toBuffer();
  write("receipt-zh.jpg", data);
  const meta = await sharp(data).metadata();
  check(meta.orientation === 6, "receipt-zh.jpg has EXIF orientation 6");
  check((meta.width ?? 0) > (meta.height ?? 0), "receipt-zh.jpg is stored sideways");
  const shown = await sharp(data).rotate().toBuffer({ resolveWithObject: true });
  check(shown.info.height > shown.info.width, "receipt-zh.jpg is portrait once auto-oriented");
}

/** PNG of a photo is big; a 96-colour palette keeps it readable and under budget. */
async function receiptEnPng(): Promise<void> {
  const jpeg = await renderReceiptJpeg(enSpec, { widthPx: 640, seed: 2, exif: false });
  const data = await sharp(jpeg).png({ palette: true, colours: 96, effort: 8, compressionLevel: 9 }).toBuffer();
  write("receipt-en.png", data);
  check((await sharp(data).metadata()).format === "png", "receipt-en.png is a PNG");
}

async function receiptWebp(): Promise<void> {
  const jpeg = await renderReceiptJpeg(zhInvoice, { widthPx: 1000, seed: 3, exif: false });
  const data = await sharp(jpeg).webp({ quality: 78 }).toBuffer();
  write("receipt.webp", data);
  check((await sharp(data).metadata()).format === "webp", "receipt.webp is a WebP");
}

function pdfPages(file: string): number {
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
}

async function pdfs(): Promise<void> {
  const twoPage = await renderReceiptPdf([zhSpec, enInvoice], { widthPx: 640, seed: 4, creationDate: null });
  const twoPageFile = write("two-page.pdf", twoPage);
  check(pdfPages(twoPageFile) === 2, "two-page.pdf has 2 pages (pdfinfo)");

  // Encrypt a one-page PDF: the point is the encryption, not the content.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fixtures-"));
  try {
    const plain = path.join(tmp, "plain.pdf");
    const encrypted = path.join(tmp, "encrypted.pdf");
    fs.writeFileSync(plain, await renderReceiptPdf([enSpec], { widthPx: 480, seed: 5, creationDate: null }));
    execFileSync("qpdf", ["--static-id", "--static-aes-iv", "--encrypt", "user", "owner", "256", "--", plain, encrypted]);
    const data = fs.readFileSync(encrypted);
    write("encrypted.pdf", data);
    const out = execFileSync("qpdf", ["--show-encryption", "--password=user", encrypted], { encoding: "utf8" });
    check(/R = 6/.test(out), "encrypted.pdf uses AES-256 (R = 6)");
    let locked = false;
    try {
      execFileSync("pdfinfo", [encrypted], { stdio: "ignore" });
    } catch {
      locked = true; // poppler needs the user password to open it
    }
    check(locked, "encrypted.pdf cannot be opened without a password");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A phone photo of a taxi receipt with EXIF DateTimeOriginal 9 March 2026, 23:41 local time (15:41 UTC
 * if taken in UTC+8): the capture date read back must be 2026-03-09.
 */
async function receiptDatedJpg(): Promise<void> {
  const spec = randomReceiptSpec(mulberry32(15), { lang: "en", currency: "USD", date: "2026-03-09", kind: "taxi", totalMinor: 3_150 });
  const data = await renderReceiptJpeg(spec, { widthPx: 560, seed: 6, exifDateTime: "2026:03:09 23:41:00" });
  write("receipt-dated.jpg", data);
  const tags = (await exifr.parse(data, { reviveValues: false, pick: ["DateTimeOriginal", "CreateDate"] })) as Record<string, unknown> | undefined;
  check(tags?.DateTimeOriginal === "2026:03:09 23:41:00", "receipt-dated.jpg has EXIF DateTimeOriginal 2026:03:09 23:41:00");
  check(tags?.CreateDate === "2026:03:09 23:41:00", "receipt-dated.jpg has EXIF CreateDate 2026:03:09 23:41:00");
}

/** A scanned invoice whose Info CreationDate is 9 March 2026 01:30 at UTC+8 (8 March in UTC). */
async function receiptDatedPdf(): Promise<void> {
  const spec = randomReceiptSpec(mulberry32(16), { lang: "zh", currency: "CNY", date: "2026-03-08", kind: "invoice" });
  const data = await renderReceiptPdf([spec], { widthPx: 560, seed: 7, creationDate: "D:20260309013000+08'00'" });
  const file = write("receipt-dated.pdf", data);
  check(pdfPages(file) === 1, "receipt-dated.pdf has 1 page");
  const raw = execFileSync("pdfinfo", ["-rawdates", file], { encoding: "utf8" });
  check(/^CreationDate:\s+D:20260309013000\+08'00'$/m.test(raw), "receipt-dated.pdf has CreationDate D:20260309013000+08'00'");
}

/** Offset of the first segment with `marker` (e.g. 0xc0 SOF0, 0xda SOS). */
function segmentOffset(jpeg: Buffer, marker: number): number {
  let i = 2;
  while (i + 4 < jpeg.length) {
    if (jpeg[i + 1] === marker) return i;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error(`no 0xff${marker.toString(16)} segment`);
}

/**
 * Looks like a JPEG to sniffers and header readers (SOI, JFIF, tables, frame
 * and scan headers parse; sharp.metadata() works) but cannot be decoded:
 *  - the scan data is cut after 1.5 KB and followed by random bytes, no EOI
 *    (on its own only a libjpeg *warning*, fatal under sharp's default failOn);
 *  - the frame header points the luma component at quantisation table 3,
 *    which is never defined: a hard libjpeg error once decoding starts, so it
 *    fails even with `failOn: "none"`.
 */
async function corruptJpg(): Promise<void> {
  const good = await renderReceiptJpeg(enSpec, { widthPx: 360, seed: 6, exif: false });
  const sos = segmentOffset(good, 0xda);
  const scanStart = sos + 2 + good.readUInt16BE(sos + 2);
  const rng = mulberry32(6);
  const garbage = Buffer.from(Array.from({ length: 2048 }, () => Math.floor(rng() * 256)));
  const data = Buffer.concat([good.subarray(0, scanStart + 1500), garbage]);
  const sof = segmentOffset(data, 0xc0);
  data[sof + 10 + 2] = 3; // component 1: id, sampling, quant table selector
  write("corrupt.jpg", data);
  check(data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff, "corrupt.jpg starts like a JPEG");
  check((await sharp(data).metadata()).format === "jpeg", "corrupt.jpg headers still parse");
  for (const failOn of ["warning", "none"] as const) {
    let failed = false;
    try {
      await sharp(data, { failOn }).raw().toBuffer();
    } catch {
      failed = true;
    }
    check(failed, `corrupt.jpg fails to decode with failOn=${failOn}`);
  }
}

/**
 * A real ZIP (one text file, stored uncompressed), named .jpg; written by Info-ZIP's zip with a fixed
 * timestamp and mode and no extra fields, so it comes out the same every time.
 */
function notAnImage(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fixtures-zip-"));
  try {
    const text = path.join(tmp, "readme.txt");
    fs.writeFileSync(text, "This is a ZIP archive pretending to be a JPEG.\n");
    fs.chmodSync(text, 0o644);
    const stamp = new Date("2025-03-12T00:01:02Z");
    fs.utimesSync(text, stamp, stamp);
    const zip = path.join(tmp, "archive.zip");
    execFileSync("zip", ["-q", "-X", "-0", zip, "readme.txt"], { cwd: tmp, env: { ...process.env, TZ: "UTC" } });
    const data = fs.readFileSync(zip);
    write("not-an-image.jpg", data);
    check(data.readUInt32LE(0) === 0x04034b50, "not-an-image.jpg starts with the ZIP signature");
    check(execFileSync("unzip", ["-p", zip, "readme.txt"], { encoding: "utf8" }).startsWith("This is a ZIP"), "not-an-image.jpg unzips");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A complete, valid 13000×12000 (156 MP) greyscale PNG: the header alone should get it rejected. All
 * black, so ~156 MB of pixels deflate to about 150 KB; libvips writes it a strip at a time.
 */
async function hugePixelsPng(): Promise<void> {
  const [width, height] = [13_000, 12_000];
  const data = await sharp({ create: { width, height, channels: 3, background: "#000" }, limitInputPixels: false })
    .toColourspace("b-w")
    .png({ compressionLevel: 9, adaptiveFiltering: false })
    .toBuffer();
  write("huge-pixels.png", data);
  const meta = await sharp(data, { limitInputPixels: false }).metadata();
  check(meta.width === width && meta.height === height, "huge-pixels.png header says 13000x12000");
  check(meta.channels === 1, "huge-pixels.png is greyscale");
  check(data.length < 1024 * 1024, "huge-pixels.png is under 1 MB");
}

/**
 * What an iPhone sends when the camera is set to "High Efficiency": HEVC in a HEIF container, brand heic,
 * with the EXIF capture date. Encoded by libheif's heif-enc (x265) from a rendered receipt photo.
 */
async function receiptIphoneHeic(): Promise<void> {
  const spec = randomReceiptSpec(mulberry32(17), { lang: "en", currency: "CNY", date: "2026-03-14", kind: "taxi", totalMinor: 6_720 });
  const jpeg = await renderReceiptJpeg(spec, { widthPx: 600, seed: 8, exifDateTime: "2026:03:14 08:05:00" });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "af-heic-"));
  try {
    const source = path.join(tmp, "photo.jpg");
    const out = path.join(tmp, "photo.heic");
    fs.writeFileSync(source, jpeg);
    execFileSync("heif-enc", ["--quality", "30", "--output", out, source], { stdio: "ignore" });
    const data = fs.readFileSync(out);
    write("receipt-iphone.heic", data);
    check(data.subarray(4, 12).toString("latin1") === "ftypheic", "receipt-iphone.heic is a HEIF file of brand heic");
    const meta = await sharp(data).metadata();
    check(meta.format === "heif" && meta.compression === "hevc", "receipt-iphone.heic is HEVC-coded");
    check(meta.width === 600, "receipt-iphone.heic is 600 px wide");
    // Read the way the imaging worker reads it: the TIFF block sharp hands out (exifr alone misreads HEIF's Exif item).
    const tags = (await exifr.parse(meta.exif!, { reviveValues: false, pick: ["DateTimeOriginal"] })) as Record<string, unknown> | undefined;
    check(tags?.DateTimeOriginal === "2026:03:14 08:05:00", "receipt-iphone.heic keeps EXIF DateTimeOriginal");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const FIXTURES: Record<string, () => Promise<void> | void> = {
  "receipt-zh.jpg": receiptZhJpg,
  "receipt-en.png": receiptEnPng,
  "receipt.webp": receiptWebp,
  "two-page.pdf + encrypted.pdf": pdfs,
  "receipt-dated.jpg": receiptDatedJpg,
  "receipt-dated.pdf": receiptDatedPdf,
  "corrupt.jpg": corruptJpg,
  "not-an-image.jpg": notAnImage,
  "huge-pixels.png": hugePixelsPng,
  "receipt-iphone.heic": receiptIphoneHeic,
};

async function main(only: string[]): Promise<void> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const [names, make] of Object.entries(FIXTURES)) {
    if (only.length === 0 || only.some((n) => names.split(" + ").includes(n))) await make();
  }
}

await main(process.argv.slice(2));
