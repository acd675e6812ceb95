import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import exifr from "exifr";
import sharp, { type Sharp } from "sharp";
import { exifCaptureDate, parsePdfDate, plausibleCaptureDate } from "~/domain/capture-date";
import type { CaptureMeasures } from "~/domain/capture-quality";
import { eInvoicePageSvg } from "~/domain/einvoice-page";
import { parseEInvoiceXml, type EInvoice } from "~/domain/receipt-reading/einvoice-xml";
import { pdfPageDpi } from "~/domain/pdf-page-dpi";
import { PHASH_SIZE, perceptualHash } from "~/domain/perceptual-hash";
import { JOBS, type JobPayload } from "~/domain/jobs";
import { isAcceptedMimeType, type FileFailureCode } from "~/domain/upload-validation";
import { enqueueJob, markOutboxDone } from "~/models/outbox.server";
import { imagingJobKey } from "~/models/stored-file.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { runTool } from "~/utils/pdf-tools.server";
import { objectStore } from "~/utils/object-store.server";
import { renameDirectoryOnto } from "~/utils/object-store-local.server";
import { derivedDir, derivedPrefix, IMMUTABLE_CACHE_CONTROL, originalKey } from "~/utils/storage.server";
import { measureCapture } from "~/utils/capture-quality.server";
import { convertHeicToJpeg, HeicConversionError } from "./heic";
import { defineHandler } from "./job-handler";

/** Deep Zoom parameters shared with the viewer (OpenSeadragon reads them back from the .dzi). */
export const DZI_TILE = { size: 254, overlap: 1, layout: "dz" } as const;
export const THUMB_WIDTH = 320;
// A PDF page can declare any physical size; its rendering is held under this many pixels by lowering the dpi.
export const PDF_MAX_PAGE_PIXELS = 50_000_000;
const PDF_TOOL_TIMEOUT_MS = 120_000;
const TILE_QUALITY = 80;
const THUMB_QUALITY = 80;

/** Stable machine codes (listed in FILE_FAILURE_CODES); the UI translates by the code before the colon of failureReason. */
export type ImagingFailureCode = FileFailureCode;

/** Something about the file itself: retrying cannot help, so the file is marked FAILED at once. */
export class ImagingInputError extends Error {
  constructor(
    readonly code: ImagingFailureCode,
    message: string,
  ) {
    super(message);
    this.name = "ImagingInputError";
  }

  /** As stored in StoredFile.failureReason: "code: reason". */
  get failureReason(): string {
    return `${this.code}: ${this.message}`;
  }
}

export type RenderedPage = { width: number; height: number };
export type RenderResult = {
  pages: RenderedPage[];
  phash: string;
  /** Local date the photo was taken (EXIF) or the PDF created (Info CreationDate), YYYY-MM-DD; null if absent or implausible. */
  capturedOn: string | null;
  /** Issue 14: blur, light and size of a photo for the capture gate; null for PDF pages (rendered, not photographed). */
  capture: CaptureMeasures | null;
};

/**
 * Renders an original into its derived directory: per page a DZI pyramid (p<n>.dzi, p<n>_files/) and a
 * thumbnail (p<n>-thumb.jpg), plus the perceptual hash of page 1 and the capture date from the file's
 * metadata. Images are turned upright from their EXIF orientation; PDF pages are rasterised with poppler.
 *
 * Everything is written to a sibling temp directory that is published only when complete: a worker
 * killed half-way leaves a temp directory (removed by the next attempt), never a partial pyramid under
 * the final name (the job publishes through the object store: a rename for the local driver; for S3 the
 * tiles are PUT first and the .dzi descriptors last, and the file only turns READY after that). Throws ImagingInputError for faults of the file; anything else
 * (disk, missing tool) is thrown as is, to be retried.
 */
export async function renderReceiptTiles(input: {
  sha256: string;
  sourcePath: string;
  outDir: string;
  mimeType: string;
  /** Default env.MAX_PDF_PAGES, the same cap the upload check applies. */
  maxPdfPages?: number;
  /** Makes the finished work dir the rendering; default renameDirectoryOnto `outDir` (the job publishes through the object store). */
  publish?: (workDir: string, outDir: string) => Promise<void>;
}): Promise<RenderResult> {
  const { sourcePath, outDir, mimeType } = input;
  if (!isAcceptedMimeType(mimeType)) {
    throw new ImagingInputError("unsupported_type", "This file type cannot be displayed.");
  }
  await removeStaleWorkDirs(outDir);
  const workDir = `${outDir}.tmp-${randomUUID()}`;
  await fs.mkdir(workDir, { recursive: true });
  try {
    const result =
      mimeType === "application/pdf"
        ? await renderPdf(sourcePath, workDir, input.maxPdfPages ?? env.MAX_PDF_PAGES)
        : mimeType === "application/xml"
          ? await renderEInvoiceXml(sourcePath, workDir)
          : mimeType === "image/heic" || mimeType === "image/heif"
          ? await renderHeic(sourcePath, workDir)
          : await renderImage(sourcePath, workDir);
    const delay = env.NODE_ENV === "production" ? 0 : env.IMAGING_TEST_DELAY_MS;
    if (delay > 0) await sleep(delay);
    await (input.publish ?? renameDirectoryOnto)(workDir, outDir);
    return result;
  } catch (err) {
    await fs.rm(workDir, { recursive: true, force: true });
    throw err;
  }
}

// ---------- e-invoice XML (issue 14) ----------

/**
 * A digital e-invoice uploaded as its XML: a page is drawn from its fields (SVG → PNG with sharp) and
 * goes the way of any page. Not a photo: no capture measures; no capture date (the issue date is a
 * reading, not file metadata).
 */
async function renderEInvoiceXml(sourcePath: string, workDir: string): Promise<RenderResult> {
  let invoice: EInvoice;
  try {
    invoice = parseEInvoiceXml(await fs.readFile(sourcePath, "utf8"));
  } catch {
    throw new ImagingInputError("unsupported_type", "This XML file is not a digital e-invoice.");
  }
  const pngPath = path.join(workDir, ".einvoice.png");
  await sharp(Buffer.from(eInvoicePageSvg(invoice))).png().toFile(pngPath);
  const page = await renderPage(pngPath, workDir, 1);
  await fs.rm(pngPath, { force: true });
  return { pages: [{ width: page.width, height: page.height }], phash: page.phash, capturedOn: null, capture: null };
}

// ---------- images ----------

async function renderImage(sourcePath: string, workDir: string): Promise<RenderResult> {
  try {
    const page = await renderPage(sourcePath, workDir, 1);
    const capture = await measureCapture(sourcePath, env.MAX_IMAGE_PIXELS);
    return { pages: [{ width: page.width, height: page.height }], phash: page.phash, capturedOn: await imageCaptureDate(sourcePath), capture };
  } catch (err) {
    throw classifyDecodeError(err, "image") ?? err;
  }
}

/**
 * An iPhone photo (HEVC in HEIF): sharp's libvips reads the header but has no HEVC decoder, so the
 * primary image is decoded with libheif (WebAssembly, rotation and mirroring applied) and written as a
 * JPEG in the work dir; that JPEG then goes the way of any photo. The original stays as it was sent.
 */
async function renderHeic(sourcePath: string, workDir: string): Promise<RenderResult> {
  const jpegPath = path.join(workDir, ".converted.jpg");
  try {
    await convertHeicToJpeg(sourcePath, jpegPath, { maxPixels: env.MAX_IMAGE_PIXELS });
  } catch (err) {
    if (err instanceof HeicConversionError) {
      throw err.reason === "too_many_pixels"
        ? new ImagingInputError("too_many_pixels", `The image has more than ${env.MAX_IMAGE_PIXELS.toLocaleString("en")} pixels and cannot be displayed.`)
        : new ImagingInputError(
            "unsupported_heic",
            "This iPhone photo (HEIC) could not be converted. On the iPhone choose Settings > Camera > Formats > Most Compatible, or share the photo as JPEG, and upload it again.",
          );
    }
    throw err;
  }
  try {
    const page = await renderPage(jpegPath, workDir, 1);
    // The capture date is in the HEIC's own Exif item (the converted JPEG carries none).
    const capture = await measureCapture(jpegPath, env.MAX_IMAGE_PIXELS);
    return { pages: [{ width: page.width, height: page.height }], phash: page.phash, capturedOn: await imageCaptureDate(sourcePath), capture };
  } catch (err) {
    throw classifyDecodeError(err, "image") ?? err;
  } finally {
    await fs.rm(jpegPath, { force: true });
  }
}

/**
 * EXIF DateTimeOriginal / CreateDate of a JPEG, PNG, WebP or TIFF (sharp hands out the raw EXIF block
 * whatever the container). A missing or unreadable block is no date, never a failure: the picture
 * itself rendered, and the date only feeds a check.
 */
async function imageCaptureDate(sourcePath: string): Promise<string | null> {
  try {
    const { exif } = await sharp(sourcePath, { limitInputPixels: env.MAX_IMAGE_PIXELS }).metadata();
    if (!exif || exif.length < 8) return null;
    // JPEG and WebP blocks start with the APP1 "Exif\0\0" header; exifr wants the TIFF structure after it.
    const tiff = exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? exif.subarray(6) : exif;
    const tags: unknown = await exifr.parse(tiff, {
      reviveValues: false, // strings as written: the local date must not pass through this process's time zone
      pick: ["DateTimeOriginal", "CreateDate"],
      ifd1: false,
      gps: false,
      interop: false,
    });
    if (!tags || typeof tags !== "object") return null;
    return plausibleCaptureDate(exifCaptureDate(tags), new Date());
  } catch {
    return null;
  }
}

type PageOutput = RenderedPage & { phash: string };

/** One upright page → p<n>.dzi + tiles, p<n>-thumb.jpg, and its perceptual hash. */
async function renderPage(imagePath: string, workDir: string, page: number): Promise<PageOutput> {
  // failOn 'error': a truncated or damaged file fails here instead of rendering grey patches.
  const upright = (): Sharp =>
    sharp(imagePath, { limitInputPixels: env.MAX_IMAGE_PIXELS, failOn: "error" })
      .rotate()
      .flatten({ background: "#ffffff" });
  const [tiles, thumb] = await Promise.all([
    upright()
      .jpeg({ quality: TILE_QUALITY })
      .tile({ ...DZI_TILE, basename: `p${page}` })
      .toFile(path.join(workDir, `p${page}.dzi`)),
    // JPEG shrink-on-load makes this a fraction of the pyramid's cost.
    upright().resize({ width: THUMB_WIDTH, withoutEnlargement: true }).jpeg({ quality: THUMB_QUALITY }).toBuffer(),
  ]);
  await fs.writeFile(path.join(workDir, `p${page}-thumb.jpg`), thumb);
  await normaliseTileLayout(workDir, page);
  const gray = await sharp(thumb).greyscale().resize(PHASH_SIZE, PHASH_SIZE, { fit: "fill" }).raw().toBuffer();
  return { width: tiles.width, height: tiles.height, phash: perceptualHash(gray) };
}

/**
 * The storage layout names tiles <col>_<row>.jpg; libvips' Deep Zoom writer (through sharp) names them
 * .jpeg. Renamed here, in the unpublished work dir, with the descriptor's Format to match, since viewers
 * build tile URLs from it. libvips' vips-properties.xml is dropped: it is not part of the layout.
 */
async function normaliseTileLayout(workDir: string, page: number): Promise<void> {
  const tilesRoot = path.join(workDir, `p${page}_files`);
  await fs.rm(path.join(tilesRoot, "vips-properties.xml"), { force: true });
  for (const level of await fs.readdir(tilesRoot)) {
    const dir = path.join(tilesRoot, level);
    const tiles = await fs.readdir(dir);
    await Promise.all(
      tiles.filter((t) => t.endsWith(".jpeg")).map((t) => fs.rename(path.join(dir, t), path.join(dir, `${t.slice(0, -5)}.jpg`))),
    );
  }
  const dzi = path.join(workDir, `p${page}.dzi`);
  const xml = await fs.readFile(dzi, "utf8");
  await fs.writeFile(dzi, xml.replace(/Format="jpeg"/, 'Format="jpg"'));
}

const TRANSIENT_MESSAGE = /no space|quota|permission denied|too many open files|read-only file system|\bE(NOSPC|ACCES|MFILE|NFILE|IO|ROFS|NOMEM)\b/i;
const DAMAGED_MESSAGE =
  /premature end|corrupt|invalid|truncat|bad (huffman|marker|seek)|not a (jpeg|png|webp)|unsupported (image format|marker)|huffman|vips(jpeg|png|webp|foreignload)|(jpeg|png|webp)load|libpng|libwebp|read error|unable to (read|decode)|improper call|wrong jpeg library/i;

/** Maps a decoder error to a permanent input error; null means "probably the machine", to be retried. */
function classifyDecodeError(err: unknown, source: "image" | "pdf"): ImagingInputError | null {
  if (err instanceof ImagingInputError) return err;
  if (!(err instanceof Error) || "code" in err) return null; // Node system errors (ENOSPC, ENOENT…) carry a code
  const message = err.message;
  if (TRANSIENT_MESSAGE.test(message)) return null;
  if (/exceeds pixel limit/i.test(message)) {
    return new ImagingInputError(
      "too_many_pixels",
      `The image has more than ${env.MAX_IMAGE_PIXELS.toLocaleString("en")} pixels and cannot be displayed.`,
    );
  }
  if (/unsupported image format/i.test(message) && source === "image") {
    return new ImagingInputError("unsupported_type", "This file type cannot be displayed.");
  }
  if (DAMAGED_MESSAGE.test(message)) {
    return source === "image"
      ? new ImagingInputError("corrupt_image", "The image data is damaged and cannot be read.")
      : new ImagingInputError("corrupt_pdf", "A page of the PDF is damaged and cannot be read.");
  }
  return null;
}

// ---------- PDFs ----------

type PdfInfo = { pages: number; pageSizes: Map<number, { w: number; h: number }>; creationDate: string | null };

async function renderPdf(sourcePath: string, workDir: string, maxPages: number): Promise<RenderResult> {
  const info = await readPdfInfo(sourcePath, maxPages);
  if (info.pages < 1) throw new ImagingInputError("corrupt_pdf", "The PDF has no pages.");
  if (info.pages > maxPages) {
    throw new ImagingInputError(
      "too_many_pages",
      `The PDF has ${info.pages} pages; at most ${maxPages} can be displayed.`,
    );
  }
  const rasterDir = path.join(workDir, ".raster");
  await fs.mkdir(rasterDir);
  const pages: RenderedPage[] = [];
  let phash = "";
  for (let n = 1; n <= info.pages; n++) {
    const dpi = pageDpi(info.pageSizes.get(n));
    const prefix = path.join(rasterDir, `page-${n}`);
    // Uncompressed TIFF: lossless, and ~30× faster than pdftoppm's PNG encoder on scanned pages.
    const run = await runTool("pdftoppm", [
      "-r", dpi.toFixed(2), "-tiff", "-tiffcompression", "none",
      "-f", String(n), "-l", String(n), "-singlefile", sourcePath, prefix,
    ], PDF_TOOL_TIMEOUT_MS);
    const raster = `${prefix}.tif`;
    if (!(await exists(raster))) {
      if (run.timedOut || /could not write|no space|permission/i.test(run.stderr)) {
        throw new Error(`pdftoppm page ${n}: ${run.stderr.trim() || "timed out"}`);
      }
      throw new ImagingInputError("corrupt_pdf", "The PDF is damaged and cannot be read.");
    }
    try {
      const page = await renderPage(raster, workDir, n);
      pages.push({ width: page.width, height: page.height });
      if (n === 1) phash = page.phash;
    } catch (err) {
      throw classifyDecodeError(err, "pdf") ?? err;
    }
    await fs.rm(raster, { force: true });
  }
  await fs.rm(rasterDir, { recursive: true, force: true });
  return { pages, phash, capturedOn: plausibleCaptureDate(parsePdfDate(info.creationDate), new Date()), capture: null };
}

/** 150 dpi, lowered for oversized pages so no raster exceeds the pixel budget. */
export function pageDpi(size: { w: number; h: number } | undefined): number {
  return pdfPageDpi(size, Math.min(PDF_MAX_PAGE_PIXELS, env.MAX_IMAGE_PIXELS));
}

async function readPdfInfo(sourcePath: string, maxPages: number): Promise<PdfInfo> {
  // Sizes of pages 1…MAX+1 in one call: poppler clamps the range to the document. -rawdates: the Info
  // dictionary's dates as written (D:YYYYMMDDHHmmSS+HH'mm'), not reformatted in this machine's zone.
  const run = await runTool("pdfinfo", ["-rawdates", "-f", "1", "-l", String(maxPages + 1), sourcePath], PDF_TOOL_TIMEOUT_MS);
  if (run.code !== 0) {
    if (/incorrect password|encrypted/i.test(run.stderr)) {
      throw new ImagingInputError("encrypted_pdf", "The PDF is password-protected; upload a copy without a password.");
    }
    if (run.timedOut || run.code === null) throw new Error(`pdfinfo failed: ${run.stderr.trim() || "timed out"}`);
    throw new ImagingInputError("corrupt_pdf", "The PDF is damaged and cannot be read.");
  }
  // "Encrypted: yes" with exit 0 means an owner password only (print/copy restrictions): it opens and
  // renders without a password, as in any viewer, so it is shown. Only a user password makes pdfinfo fail.
  const pagesMatch = /^Pages:\s+(\d+)/m.exec(run.stdout);
  if (!pagesMatch) throw new ImagingInputError("corrupt_pdf", "The PDF is damaged and cannot be read.");
  const pageSizes = new Map<number, { w: number; h: number }>();
  for (const m of run.stdout.matchAll(/^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts/gm)) {
    pageSizes.set(Number(m[1]), { w: Number(m[2]), h: Number(m[3]) });
  }
  const creationDate = /^CreationDate:[ \t]*(.*)$/m.exec(run.stdout)?.[1]?.trim() || null;
  return { pages: Number(pagesMatch[1]), pageSizes, creationDate };
}

// ---------- directories ----------

/** A previous attempt killed mid-way left `<sha>.tmp-*` (or an `.old-*` from an interrupted swap). */
async function removeStaleWorkDirs(outDir: string): Promise<void> {
  const parent = path.dirname(outDir);
  await fs.mkdir(parent, { recursive: true });
  const base = path.basename(outDir);
  const entries = await fs.readdir(parent);
  await Promise.all(
    entries
      .filter((name) => name.startsWith(`${base}.tmp-`) || name.startsWith(`${base}.old-`))
      .map((name) => fs.rm(path.join(parent, name), { recursive: true, force: true })),
  );
}

async function hasAny(items: AsyncIterable<unknown>): Promise<boolean> {
  for await (const _ of items) return true;
  return false;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** libvips threads per job, so that `jobConcurrency` jobs together use the machine's cores; no decoded-image cache (every file is new). */
export function configureSharp(jobConcurrency: number): void {
  const cores = os.availableParallelism();
  sharp.concurrency(Math.max(1, Math.floor(cores / Math.max(1, jobConcurrency))));
  sharp.cache(false);
}

// ---------- the job ----------

export type RenderReceiptPayload = JobPayload<typeof JOBS.renderReceipt>;

export type RenderReceiptOutcome =
  | { outcome: "ready"; sha256: string; pages: number }
  | { outcome: "failed"; sha256: string; code: ImagingFailureCode }
  | { outcome: "skipped"; sha256: string; reason: "already_done" | "no_such_file" };

/** Renders a stored file and records the result; idempotent (a redelivered job finds the work done). */
export async function runRenderReceipt(payload: RenderReceiptPayload): Promise<RenderReceiptOutcome> {
  const { sha256 } = payload;
  const jobKey = imagingJobKey(sha256);
  const file = await prisma.storedFile.findUnique({ where: { sha256 } });
  const store = objectStore();
  const prefix = derivedPrefix(sha256);
  // The local scratch dir the rendering is made in (with the local driver, also where it is published).
  const outDir = derivedDir(sha256);
  // Idempotent: a redelivered job (relay restart, Redis rebuilt from the outbox) finds the work done.
  if (!file || file.status === "FAILED" || (file.status === "READY" && (await hasAny(store.list(`${prefix}/`))))) {
    await prisma.$transaction((tx) => markOutboxDone(tx, jobKey));
    return { outcome: "skipped", sha256, reason: file ? "already_done" : "no_such_file" };
  }
  let result: RenderResult;
  try {
    // The original from the store (S3: a temp copy for sharp and poppler, removed afterwards).
    result = await store.withLocalFile(originalKey(sha256), (sourcePath) =>
      renderReceiptTiles({
        sha256,
        sourcePath,
        outDir,
        mimeType: file.mimeType,
        publish: (workDir) =>
          store.publishDirectory(prefix, workDir, { last: (relative) => relative.endsWith(".dzi"), cacheControl: IMMUTABLE_CACHE_CONTROL }),
      }),
    );
  } catch (err) {
    if (err instanceof ImagingInputError) {
      await recordFailure(sha256, jobKey, err.failureReason);
      return { outcome: "failed", sha256, code: err.code };
    }
    throw err; // the machine, not the file: BullMQ retries; markImagingAbandoned() after the last try
  }
  await prisma.$transaction(async (tx) => {
    // Only a PROCESSING row changes: a duplicate run (stalled job taken over) records its effect once.
    await tx.storedFile.updateMany({
      where: { sha256, status: "PROCESSING" },
      data: {
        status: "READY",
        pageCount: result.pages.length,
        pages: result.pages,
        phash: result.phash,
        capturedOn: result.capturedOn === null ? null : new Date(`${result.capturedOn}T00:00:00Z`),
        ...(result.capture ? { capture: result.capture } : {}),
        failureReason: null,
        readyAt: new Date(),
      },
    });
    // Issue 14: the file is read (e-invoice data, QR) once it shows; same transaction, through the outbox.
    await enqueueJob(tx, JOBS.readReceipt, { sha256 });
    await markOutboxDone(tx, jobKey);
  });
  return { outcome: "ready", sha256, pages: result.pages.length };
}

/**
 * Called when BullMQ gives up on a job (retries exhausted, or it stalled its worker too often): the
 * file is marked FAILED so the claim page stops waiting for it. Re-imaging it takes a new outbox row.
 */
export async function markImagingAbandoned(sha256: string): Promise<void> {
  const reason = new ImagingInputError("imaging_failed", "The file could not be processed.").failureReason;
  await recordFailure(sha256, imagingJobKey(sha256), reason);
}

async function recordFailure(sha256: string, jobKey: string, failureReason: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.storedFile.updateMany({
      where: { sha256, status: "PROCESSING" },
      data: { status: "FAILED", failureReason },
    });
    await markOutboxDone(tx, jobKey);
  });
}

export const renderReceiptHandler = defineHandler(JOBS.renderReceipt, (payload) => runRenderReceipt(payload), {
  describe: (r) => `${r.outcome} ${r.outcome === "ready" ? `pages=${r.pages}` : r.outcome === "failed" ? `code=${r.code}` : `reason=${r.reason}`}`,
  // Once BullMQ gives up, say so on the file: otherwise the claim page would show "processing" forever.
  onFinalFailure: (payload) => markImagingAbandoned(payload.sha256),
});
