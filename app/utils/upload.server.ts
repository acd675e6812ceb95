import { createHash, randomUUID } from "node:crypto";
import { looksLikeEInvoiceXml, parseEInvoiceXml } from "~/domain/receipt-reading/einvoice-xml";
import fs from "node:fs/promises";
import path from "node:path";
import { unstable_parseMultipartFormData, type UploadHandlerPart } from "@remix-run/node";
import { fileTypeFromFile } from "file-type";
import sharp from "sharp";
import { cleanFileName } from "~/domain/file-name";
import {
  UPLOAD_REJECTION_CODES,
  validateUpload,
  type UploadKind,
  type UploadLimits,
  type UploadRejectionCode,
} from "~/domain/upload-validation";
import { env } from "./env.server";
import { readPdfFacts } from "./pdf-tools.server";
import { tmpDir } from "./storage.server";

/** A file that passed the checks; it sits in storage tmp until `storeReceiptFile` moves it (or `discardUploads` drops it). */
export type AcceptedUpload = {
  tempPath: string;
  sha256: string;
  sizeBytes: number;
  /** Sniffed from the bytes, never the client's claim. */
  mimeType: string;
  fileName: string;
  kind: UploadKind;
};

/** `too_many_files` is the one reason decided here rather than by `validateUpload`: it is about the request, not the file. */
export type UploadRejectionReason = (typeof UPLOAD_REJECTION_CODES)[number];

export type RejectedUpload = {
  fileName: string;
  code: UploadRejectionReason;
  params: Record<string, number | string>;
};

export type ReceiveUploadsOptions = {
  /** Form field holding the files; default "receipts". File parts under other names are read past and ignored. */
  field?: string;
  /** Files accepted per request; later ones are rejected as too_many_files. Default 20. */
  maxFiles?: number;
  /** Overrides env.MAX_UPLOAD_BYTES / MAX_IMAGE_PIXELS / MAX_PDF_PAGES (tests, or a route with tighter limits). */
  limits?: Partial<UploadLimits>;
};

export type ReceivedUploads = {
  fields: Record<string, string>;
  accepted: AcceptedUpload[];
  rejected: RejectedUpload[];
};

// Text fields are held in memory; a claim form needs a few KB, so anything larger is abuse.
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_TOTAL_FIELD_BYTES = 1024 * 1024;
// Bytes are gathered into writes of this size: the multipart parser hands out many small slices.
const WRITE_BUFFER_BYTES = 256 * 1024;

/**
 * Reads a multipart/form-data request: every file under `field` is streamed to storage tmp while it is
 * hashed and counted (never held whole in memory), its type is sniffed from its bytes, and images have
 * their header dimensions checked. Files that fail are deleted and reported in `rejected`; the rest
 * of the request is still read, so one bad file never costs the user the others.
 *
 * Throws a 400/413 Response for a request that is not a usable form (not multipart, malformed, or
 * far larger than any accepted set of files could be); nothing is left in tmp in that case.
 */
export async function receiveUploads(request: Request, opts: ReceiveUploadsOptions = {}): Promise<ReceivedUploads> {
  const field = opts.field ?? "receipts";
  const maxFiles = opts.maxFiles ?? 20;
  const limits: UploadLimits = {
    maxBytes: opts.limits?.maxBytes ?? env.MAX_UPLOAD_BYTES,
    maxPixels: opts.limits?.maxPixels ?? env.MAX_IMAGE_PIXELS,
    maxPdfPages: opts.limits?.maxPdfPages ?? env.MAX_PDF_PAGES,
  };
  // Rejected oversize files are read to their end to reach the next part; this bounds the whole request.
  const maxRequestBytes = (maxFiles + 1) * limits.maxBytes + MAX_TOTAL_FIELD_BYTES;

  const contentType = request.headers.get("Content-Type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType) || !request.body) {
    throw new Response("Expected a multipart/form-data upload", { status: 400 });
  }

  const fields: Record<string, string> = {};
  const accepted: AcceptedUpload[] = [];
  const rejected: RejectedUpload[] = [];
  const inFlight = new Set<string>();
  let requestBytes = 0;
  let fieldBytes = 0;
  let filesSeen = 0;
  const dir = await tmpDir();
  void sweepStaleUploads(dir);

  const countRequestBytes = (n: number) => {
    requestBytes += n;
    if (requestBytes > maxRequestBytes) throw new Response("Upload too large", { status: 413 });
  };

  const handler = async (part: UploadHandlerPart): Promise<undefined> => {
    if (part.filename === undefined) {
      fields[part.name] = await readTextField(part.data, (n) => {
        fieldBytes += n;
        countRequestBytes(n);
        if (fieldBytes > MAX_TOTAL_FIELD_BYTES) throw new Response("Form fields too large", { status: 413 });
      });
      return undefined;
    }
    // An unused file input still submits an empty, nameless part: not a file the user chose.
    const nameless = part.filename.trim() === "";
    const fileName = cleanFileName(part.filename);
    if (part.name !== field) {
      await drain(part.data, countRequestBytes);
      return undefined;
    }
    if (filesSeen >= maxFiles) {
      const size = await drain(part.data, countRequestBytes);
      if (size > 0 || !nameless) rejected.push({ fileName, code: "too_many_files", params: { maxFiles } });
      return undefined;
    }
    const tempPath = path.join(dir, `upload-${randomUUID()}`);
    inFlight.add(tempPath);
    const written = await streamToTempFile(part.data, tempPath, limits.maxBytes, countRequestBytes);
    if (written.sizeBytes === 0 && nameless) {
      await removeTemp(tempPath, inFlight);
      return undefined;
    }
    filesSeen++;
    const outcome: Inspection = written.truncated
      ? { ok: false, code: "too_large", params: { maxBytes: limits.maxBytes, sizeBytes: written.sizeBytes } }
      : await inspect(tempPath, written.sizeBytes, limits);
    if (outcome.ok) {
      inFlight.delete(tempPath);
      accepted.push({
        tempPath,
        sha256: written.sha256,
        sizeBytes: written.sizeBytes,
        mimeType: outcome.mimeType,
        fileName,
        kind: outcome.kind,
      });
    } else {
      await removeTemp(tempPath, inFlight);
      rejected.push({ fileName, code: outcome.code, params: outcome.params });
    }
    return undefined;
  };

  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (err) {
    await Promise.all([...inFlight, ...accepted.map((a) => a.tempPath)].map((p) => fs.rm(p, { force: true })));
    if (err instanceof Response) throw err;
    throw new Response("Malformed multipart/form-data upload", { status: 400 });
  }
  return { fields, accepted, rejected };
}

/** Deletes the temp files of uploads that will not be stored (the form failed validation, the transaction rolled back). */
export async function discardUploads(uploads: readonly AcceptedUpload[]): Promise<void> {
  await Promise.all(uploads.map((u) => fs.rm(u.tempPath, { force: true })));
}

type Inspection =
  | { ok: true; kind: UploadKind; mimeType: string }
  | { ok: false; code: UploadRejectionCode; params: Record<string, number | string> };

async function inspect(tempPath: string, sizeBytes: number, limits: UploadLimits): Promise<Inspection> {
  const detectedMime = sizeBytes > 0 ? (await fileTypeFromFile(tempPath))?.mime : undefined;
  let width: number | undefined;
  let height: number | undefined;
  let pages: number | undefined;
  let pdf: { encrypted: boolean; unreadable: boolean } | undefined;
  if (detectedMime === "application/pdf") {
    const facts = await readPdfFacts(tempPath);
    pages = facts.pages;
    pdf = { encrypted: facts.encrypted, unreadable: facts.unreadable };
  } else if (detectedMime?.startsWith("image/")) {
    try {
      // Header only: no pixels are decoded here, so a decompression bomb costs nothing to measure.
      const meta = await sharp(tempPath, { limitInputPixels: false }).metadata();
      ({ width, height, pages } = meta);
    } catch {
      // Unreadable header: accepted if the type is right; the imaging worker reports it as corrupt_image.
    }
  }
  let einvoice: boolean | undefined;
  if (detectedMime === "application/xml") einvoice = await isEInvoiceFile(tempPath, sizeBytes);
  const verdict = validateUpload({ detectedMime, sizeBytes, width, height, pages, einvoice, ...pdf }, limits);
  if (!verdict.ok || detectedMime === undefined) return verdict.ok ? { ok: false, code: "unsupported_type", params: {} } : verdict;
  return { ok: true, kind: verdict.kind, mimeType: detectedMime };
}

/** An e-invoice XML is a few tens of KB; anything far larger is not one (and is not parsed). */
const MAX_EINVOICE_XML_BYTES = 2 * 1024 * 1024;

async function isEInvoiceFile(tempPath: string, sizeBytes: number): Promise<boolean> {
  if (sizeBytes > MAX_EINVOICE_XML_BYTES) return false;
  const text = await fs.readFile(tempPath, "utf8");
  if (!looksLikeEInvoiceXml(text)) return false;
  try {
    parseEInvoiceXml(text);
    return true;
  } catch {
    return false;
  }
}

type Written = { sha256: string; sizeBytes: number; truncated: boolean };

/**
 * Copies a part to `tempPath`, hashing as it goes. Past `maxBytes` it stops writing and hashing, deletes
 * what it wrote and only counts the rest (which must still be read to reach the next part).
 */
async function streamToTempFile(
  data: AsyncIterable<Uint8Array>,
  tempPath: string,
  maxBytes: number,
  countRequestBytes: (n: number) => void,
): Promise<Written> {
  const hash = createHash("sha256");
  const file = await fs.open(tempPath, "wx", 0o600);
  let sizeBytes = 0;
  let truncated = false;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await file.write(chunk);
  };
  try {
    for await (const chunk of data) {
      sizeBytes += chunk.length;
      countRequestBytes(chunk.length);
      if (truncated) continue;
      if (sizeBytes > maxBytes) {
        truncated = true;
        pending = [];
        pendingBytes = 0;
        await file.truncate(0);
        continue;
      }
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BUFFER_BYTES) await flush();
    }
    await flush();
  } finally {
    await file.close();
  }
  return { sha256: hash.digest("hex"), sizeBytes, truncated };
}

async function readTextField(data: AsyncIterable<Uint8Array>, count: (n: number) => void): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    count(chunk.length);
    size += chunk.length;
    if (size > MAX_FIELD_BYTES) throw new Response("Form field too large", { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function drain(data: AsyncIterable<Uint8Array>, count: (n: number) => void): Promise<number> {
  let size = 0;
  for await (const chunk of data) {
    size += chunk.length;
    count(chunk.length);
  }
  return size;
}

async function removeTemp(tempPath: string, inFlight: Set<string>): Promise<void> {
  await fs.rm(tempPath, { force: true });
  inFlight.delete(tempPath);
}

/** A temp upload older than this belongs to no request any more (the longest upload takes minutes). */
export const STALE_UPLOAD_MS = 6 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
let lastSweep = 0;

/**
 * Removes temp uploads left by a process that died mid-request (a failed request cleans up after itself;
 * a killed one cannot). Runs at most every ten minutes per process, in the background of an upload.
 */
export async function sweepStaleUploads(dir: string, { now = Date.now(), force = false }: { now?: number; force?: boolean } = {}): Promise<number> {
  if (!force && now - lastSweep < SWEEP_EVERY_MS) return 0;
  lastSweep = now;
  let removed = 0;
  try {
    for (const name of await fs.readdir(dir)) {
      if (!name.startsWith("upload-")) continue;
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && now - stat.mtimeMs > STALE_UPLOAD_MS) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
  } catch (err) {
    console.error(`[uploads] could not sweep ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return removed;
}
