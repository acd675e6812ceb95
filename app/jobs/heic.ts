/**
 * iPhone photos (HEIC: HEVC-coded images in a HEIF container) → JPEG, offline. sharp's prebuilt libvips
 * reads a HEIF header but carries no HEVC decoder (patents), so the pixels come from libheif compiled to
 * WebAssembly (npm libheif-js, with libde265 inside), in a worker thread. Used by the imaging worker only
 * (docs/decisions/011).
 */
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import sharp from "sharp";

export class HeicConversionError extends Error {
  constructor(
    readonly reason: "unreadable" | "too_many_pixels",
    message: string,
  ) {
    super(message);
    this.name = "HeicConversionError";
  }
}

// Decoding runs in a worker thread: libheif's WebAssembly is synchronous (seconds for a 12 MP photo,
// which would stall the job's lock renewal and every other job of the process), and its heap, hundreds
// of MB for a large photo, is returned to the system when the thread ends. Plain JavaScript, so it runs
// the same under tsx and node.
const DECODER_SOURCE = `(function decode() {
const { parentPort, workerData } = require("node:worker_threads");
const { libheifPath, bytes, maxPixels } = workerData;
const libheif = require(libheifPath);
const decoder = new libheif.HeifDecoder();
let images = [];
const fail = (reason, message) => parentPort.postMessage({ ok: false, reason, message });
try {
  try { images = decoder.decode(new Uint8Array(bytes)); } catch (err) { fail("unreadable", "libheif could not read the file: " + err); return; }
  const image = images.find((i) => i.is_primary()) || images[0];
  if (!image) { fail("unreadable", "no image in the HEIF file"); return; }
  const width = image.get_width(), height = image.get_height();
  if (!(width > 0 && height > 0)) { fail("unreadable", "the HEIF image has no size"); return; }
  if (width * height > maxPixels) { fail("too_many_pixels", width + "x" + height + " is more than " + maxPixels + " pixels"); return; }
  image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (result) => {
    if (!result) { fail("unreadable", "libheif could not decode the image"); return; }
    const rgba = result.data;
    parentPort.postMessage({ ok: true, width, height, rgba }, [rgba.buffer]);
  });
} catch (err) {
  fail("unreadable", "libheif could not decode the image: " + err);
}
})();
`;

type DecoderReply =
  | { ok: true; width: number; height: number; rgba: Uint8ClampedArray }
  | { ok: false; reason: "unreadable" | "too_many_pixels"; message: string };

// A photo decodes in seconds; a file that takes minutes is treated as a fault of the machine (retried).
const DECODE_TIMEOUT_MS = 180_000;
const JPEG_QUALITY = 92;

/**
 * Decodes the primary image of a HEIC/HEIF file (its rotation and mirroring applied, as the phone showed
 * it) and writes it as a JPEG. The size is checked from the header before any pixel is decoded.
 */
export async function convertHeicToJpeg(sourcePath: string, jpegPath: string, { maxPixels }: { maxPixels: number }): Promise<{ width: number; height: number }> {
  const bytes = await fs.readFile(sourcePath);
  const libheifPath = createRequire(import.meta.url).resolve("libheif-js/wasm-bundle");
  const reply = await new Promise<DecoderReply>((resolve, reject) => {
    const thread = new Worker(DECODER_SOURCE, { eval: true, workerData: { libheifPath, bytes, maxPixels } });
    const timer = setTimeout(() => {
      void thread.terminate();
      reject(new Error(`HEIC decoding took more than ${DECODE_TIMEOUT_MS / 1000} s`));
    }, DECODE_TIMEOUT_MS);
    thread.once("message", (message: DecoderReply) => {
      clearTimeout(timer);
      resolve(message);
      void thread.terminate();
    });
    thread.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    thread.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`HEIC decoder thread exited (${code}) without an answer`));
    });
  });
  if (!reply.ok) throw new HeicConversionError(reply.reason, reply.message);
  const { width, height, rgba } = reply;
  await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: JPEG_QUALITY })
    .toFile(jpegPath);
  return { width, height };
}
