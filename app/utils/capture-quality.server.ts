/**
 * Issue 14: what a photo of a receipt measures as a capture (blur, light, size), for the capture gate
 * (app/domain/capture-quality.ts judges). Computed by the imaging job on the upright image.
 */
import sharp, { type Sharp } from "sharp";
import type { CaptureMeasures } from "~/domain/capture-quality";

/**
 * The image is measured at this long side (downscaled only): sharpness then means "sharp at the size a
 * reader sees it", and a 12-megapixel photo costs the same as a scan.
 */
export const MEASURE_LONG_SIDE = 1600;

/** `image`: a file, its bytes, or a sharp pipeline of the original (it is turned upright here). */
export async function measureCapture(image: Sharp | Buffer | string, limitInputPixels: number | false = false): Promise<CaptureMeasures> {
  const base = (typeof image === "string" || Buffer.isBuffer(image) ? sharp(image, { failOn: "error", limitInputPixels }) : (image as Sharp).clone()).rotate();
  const meta = await base.clone().metadata();
  // EXIF orientations 5–8 turn the picture a quarter: the upright image's sides swap.
  const quarter = (meta.orientation ?? 1) >= 5;
  const size = { width: (quarter ? meta.height : meta.width) ?? 0, height: (quarter ? meta.width : meta.height) ?? 0 };
  const { data, info } = await base
    .clone()
    .flatten({ background: "#ffffff" })
    .greyscale()
    .resize({ width: MEASURE_LONG_SIDE, height: MEASURE_LONG_SIDE, fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const ch = info.channels;
  const hist = new Array<number>(256).fill(0);
  let sum = 0;
  for (let i = 0; i < w * h; i++) {
    const v = data[i * ch]!;
    hist[v]!++;
    sum += v;
  }
  // Variance of the 4-neighbour Laplacian: edges of print give large values, a blurred photo small ones.
  let lapSum = 0;
  let lapSq = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = (y * w + x) * ch;
      const lap = data[i - ch]! + data[i + ch]! + data[i - w * ch]! + data[i + w * ch]! - 4 * data[i]!;
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const mean = n > 0 ? lapSum / n : 0;
  return {
    ...size,
    sharpness: n > 0 ? Math.round((lapSq / n - mean * mean) * 10) / 10 : 0,
    meanLuma: Math.round((sum / (w * h)) * 10) / 10,
    brightLuma: percentile(hist, w * h, 0.95),
  };
}

function percentile(hist: number[], total: number, q: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= total * q) return v;
  }
  return 255;
}
