/**
 * QR codes on receipt images, offline: zxing-wasm (a WebAssembly build of zxing-cpp). Its .wasm is read
 * from node_modules and handed to the module, so it never fetches anything (by default it would load the
 * file from a CDN). The image is tried as it is, then as variants a phone photo may need: grayscale with
 * its contrast stretched, upscaled 2×, and turned by 90°, 180° and 270°. The region is given in the
 * pixels of the upright image (as the viewer shows it), whatever variant found it.
 */
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import sharp from "sharp";
import { prepareZXingModule, readBarcodes, type ReadResult } from "zxing-wasm/reader";
import type { ImageRegion } from "~/domain/receipt-reading/fields";

const require = createRequire(import.meta.url);

let ready: Promise<unknown> | null = null;

/** The path of the reader's .wasm inside node_modules (pinned: the test checks it loads from here). */
export function zxingWasmPath(): string {
  return require.resolve("zxing-wasm/reader/zxing_reader.wasm");
}

export function loadQrDecoder(): Promise<unknown> {
  ready ??= fs.readFile(zxingWasmPath()).then((bytes) =>
    prepareZXingModule({
      overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
      fireImmediately: true,
    }),
  );
  return ready;
}

export type DecodedQr = { text: string; region: ImageRegion; variant: string };

type Variant = { name: string; scale: number; rotate: 0 | 90 | 180 | 270; gray: boolean };
const VARIANTS: Variant[] = [
  { name: "original", scale: 1, rotate: 0, gray: false },
  { name: "grayscale", scale: 1, rotate: 0, gray: true },
  { name: "upscaled", scale: 2, rotate: 0, gray: true },
  { name: "rotated-90", scale: 1, rotate: 90, gray: true },
  { name: "rotated-180", scale: 1, rotate: 180, gray: true },
  { name: "rotated-270", scale: 1, rotate: 270, gray: true },
];

// Large photos are read at this longer side at most (a QR on an A4 page stays well above zxing's minimum),
// and no variant hands zxing's WebAssembly more than MAX_READ_PIXELS: an upscaled 12-megapixel phone photo
// (≈ 120 MB of RGBA) ran it out of memory on every attempt (the chaos run, issue 13).
const MAX_READ_SIDE = 2400;
const MAX_READ_PIXELS = 8_000_000;

/**
 * Every QR code found on an image file (upright by its EXIF orientation), stopping at the first variant
 * that finds any. `accept` filters what counts (e.g. only invoice payloads), so a payment QR on a slip
 * does not stop the search for the invoice's.
 */
export async function decodeQrCodes(input: string | Buffer, opts: { page?: number; accept?: (text: string) => boolean } = {}): Promise<DecodedQr[]> {
  await loadQrDecoder();
  const base = sharp(input, { failOn: "none", limitInputPixels: 100_000_000 }).rotate();
  const meta = await base.clone().toBuffer({ resolveWithObject: true }).then((r) => r.info);
  const W = meta.width;
  const H = meta.height;
  const shrink = Math.min(1, MAX_READ_SIDE / Math.max(W, H));
  for (const v of VARIANTS) {
    const scale = Math.min(v.scale * shrink, Math.sqrt(MAX_READ_PIXELS / (W * H)));
    // An upscaled variant that the pixel cap brings back to the plain size adds nothing: skipped.
    if (v.scale > 1 && scale <= shrink) continue;
    let img = base.clone().resize({ width: Math.round(W * scale), height: Math.round(H * scale), kernel: "lanczos3" });
    if (v.gray) img = img.greyscale().normalise();
    if (v.rotate !== 0) img = img.rotate(v.rotate);
    const { data, info } = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const results = await readBarcodes(
      { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, colorSpace: "srgb" } as unknown as ImageData,
      { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 4 },
    );
    const found = results.filter((r) => r.isValid && (!opts.accept || opts.accept(r.text)));
    if (found.length > 0) {
      return found.map((r) => ({ text: r.text, region: regionOf(r, v, scale, info.width, info.height, opts.page ?? 1), variant: v.name }));
    }
  }
  return [];
}

/** The symbol's bounding box mapped back from the variant's pixels to the upright original's. */
function regionOf(r: ReadResult, v: Variant, scale: number, vw: number, vh: number, page: number): ImageRegion {
  const p = r.position;
  const pts = [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft].map(({ x, y }) => {
    // Undo the rotation (sharp turns clockwise), then the scale.
    let [ux, uy] = [x, y];
    if (v.rotate === 90) [ux, uy] = [y, vw - x];
    else if (v.rotate === 180) [ux, uy] = [vw - x, vh - y];
    else if (v.rotate === 270) [ux, uy] = [vh - y, x];
    return { x: ux / scale, y: uy / scale };
  });
  const xs = pts.map((q) => q.x);
  const ys = pts.map((q) => q.y);
  const x = Math.max(0, Math.floor(Math.min(...xs)));
  const y = Math.max(0, Math.floor(Math.min(...ys)));
  return { page, x, y, width: Math.ceil(Math.max(...xs)) - x, height: Math.ceil(Math.max(...ys)) - y };
}
