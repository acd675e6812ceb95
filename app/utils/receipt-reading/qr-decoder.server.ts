/**
 * QR codes on receipt images, offline: zxing-wasm (a WebAssembly build of zxing-cpp). Its .wasm is read
 * from node_modules and handed to the module, so it never fetches anything (by default it would load the
 * file from a CDN). The image is tried as it is, then as variants a phone photo may need: grayscale with
 * its contrast stretched, and (a small image) upscaled 2×. The region is given in the pixels of the
 * upright image (as the viewer shows it), whatever variant found it.
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

type Variant = { name: string; scale: number; gray: boolean };
// zxing's QR detector finds a symbol at any angle (its finder patterns are rotation-free): turned copies
// of the image found nothing more on the capture set and cost four decodes of a large photo each; gone.
const VARIANTS: Variant[] = [
  { name: "original", scale: 1, gray: false },
  { name: "grayscale", scale: 1, gray: true },
  { name: "upscaled", scale: 2, gray: true },
];

// Large photos are read at this longer side at most (a QR on an A4 page stays well above zxing's minimum),
// and no variant hands zxing's WebAssembly more than MAX_READ_PIXELS: an upscaled 12-megapixel phone photo
// (≈ 120 MB of RGBA) ran it out of memory on every attempt (the chaos run, issue 13).
const MAX_READ_SIDE = 2400;
const MAX_READ_PIXELS = 8_000_000;
// Upscaling helps only where a symbol's modules are a pixel or two: a small image. A large photo's QR is
// big enough as it is, and upscaling it was the dearest step of the search.
const UPSCALE_BELOW_SIDE = 1600;

/**
 * Every QR code found on an image file (upright by its EXIF orientation), stopping at the first variant
 * that finds any. `accept` filters what counts (e.g. only invoice payloads), so a payment QR on a slip
 * does not stop the search for the invoice's. The file is decoded once; variants are made from its pixels.
 */
export async function decodeQrCodes(input: string | Buffer, opts: { page?: number; accept?: (text: string) => boolean } = {}): Promise<DecodedQr[]> {
  await loadQrDecoder();
  const upright = await sharp(input, { failOn: "none", limitInputPixels: 100_000_000 }).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const W = upright.info.width;
  const H = upright.info.height;
  const raw = { raw: { width: W, height: H, channels: 4 as const } };
  const shrink = Math.min(1, MAX_READ_SIDE / Math.max(W, H), Math.sqrt(MAX_READ_PIXELS / (W * H)));
  // Variants are made in plain loops over the decoded pixels: sharp's greyscale + normalise of a raw
  // buffer cost ~0.3 s a photo here, and its 2× lanczos upscale over a second.
  const base = shrink < 1 ? await sharp(upright.data, raw).resize({ width: Math.round(W * shrink), height: Math.round(H * shrink) }).raw().toBuffer({ resolveWithObject: true }) : upright;
  const bw = base.info.width;
  const bh = base.info.height;
  let gray: Uint8Array | null = null;
  for (const v of VARIANTS) {
    const scale = Math.min(v.scale, Math.sqrt(MAX_READ_PIXELS / (bw * bh)));
    // An upscaled variant that the pixel cap brings back to the plain size adds nothing, nor one of a large image.
    if (v.scale > 1 && (scale <= 1.05 || Math.max(bw, bh) >= UPSCALE_BELOW_SIDE)) continue;
    let pixels: { data: Uint8Array; width: number; height: number } = { data: base.data, width: bw, height: bh };
    if (v.gray) {
      gray ??= stretchedGray(base.data, bw * bh);
      pixels = scale > 1 ? upscaledRgba(gray, bw, bh, Math.round(bw * scale), Math.round(bh * scale)) : { data: grayToRgba(gray), width: bw, height: bh };
    }
    const results = await readBarcodes(
      { data: new Uint8ClampedArray(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength), width: pixels.width, height: pixels.height, colorSpace: "srgb" } as unknown as ImageData,
      { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 4 },
    );
    const found = results.filter((r) => r.isValid && (!opts.accept || opts.accept(r.text)));
    if (found.length > 0) {
      return found.map((r) => ({ text: r.text, region: regionOf(r, pixels.width / W, opts.page ?? 1), variant: v.name }));
    }
  }
  return [];
}

/** Luminance of RGBA pixels with its contrast stretched between the 1st and 99th percentiles. */
function stretchedGray(rgba: Uint8Array, n: number): Uint8Array {
  const gray = new Uint8Array(n);
  const hist = new Uint32Array(256);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const y = (rgba[j]! * 77 + rgba[j + 1]! * 150 + rgba[j + 2]! * 29) >> 8;
    gray[i] = y;
    hist[y]!++;
  }
  const cut = n * 0.01;
  let lo = 0;
  for (let acc = 0; lo < 255 && (acc += hist[lo]!) <= cut; lo++);
  let hi = 255;
  for (let acc = 0; hi > 0 && (acc += hist[hi]!) <= cut; hi--);
  if (hi <= lo) return gray;
  const k = 255 / (hi - lo);
  for (let i = 0; i < n; i++) gray[i] = Math.max(0, Math.min(255, Math.round((gray[i]! - lo) * k)));
  return gray;
}

function grayToRgba(gray: Uint8Array): Uint8Array {
  const out = new Uint8Array(gray.length * 4);
  for (let i = 0, j = 0; i < gray.length; i++, j += 4) {
    out[j] = out[j + 1] = out[j + 2] = gray[i]!;
    out[j + 3] = 255;
  }
  return out;
}

/** Bilinear upscale of a grey image into RGBA. */
function upscaledRgba(gray: Uint8Array, w: number, h: number, W: number, H: number): { data: Uint8Array; width: number; height: number } {
  const out = new Uint8Array(W * H * 4);
  const sx = w / W;
  const sy = h / H;
  for (let y = 0, j = 0; y < H; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(h - 1, Math.floor(fy));
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < W; x++, j += 4) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(w - 1, Math.floor(fx));
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = fx - x0;
      const top = gray[y0 * w + x0]! * (1 - tx) + gray[y0 * w + x1]! * tx;
      const bottom = gray[y1 * w + x0]! * (1 - tx) + gray[y1 * w + x1]! * tx;
      out[j] = out[j + 1] = out[j + 2] = top * (1 - ty) + bottom * ty;
      out[j + 3] = 255;
    }
  }
  return { data: out, width: W, height: H };
}

/** The symbol's bounding box mapped back from the variant's pixels to the upright original's. */
function regionOf(r: ReadResult, scale: number, page: number): ImageRegion {
  const p = r.position;
  const pts = [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft].map(({ x, y }) => ({ x: x / scale, y: y / scale }));
  const xs = pts.map((q) => q.x);
  const ys = pts.map((q) => q.y);
  const x = Math.max(0, Math.floor(Math.min(...xs)));
  const y = Math.max(0, Math.floor(Math.min(...ys)));
  return { page, x, y, width: Math.ceil(Math.max(...xs)) - x, height: Math.ceil(Math.max(...ys)) - y };
}
