/**
 * iPhone photos (HEIC: HEVC-coded images in a HEIF container) → JPEG, offline. sharp's prebuilt libvips
 * reads a HEIF header but carries no HEVC decoder (patents), so the pixels come from libheif compiled to
 * WebAssembly (npm libheif-js, with libde265 inside). Used by the imaging worker only: decoding a 12 MP
 * photo holds the event loop for about two seconds, which a web process must not do (docs/decisions/011).
 */
import { createRequire } from "node:module";
import fs from "node:fs/promises";
import sharp from "sharp";

/** The part of libheif-js's JavaScript wrapper used here. */
type HeifImage = {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: { data: Uint8ClampedArray } | null) => void): void;
  free(): void;
};
type LibHeif = { HeifDecoder: new () => { decode(buffer: Uint8Array): HeifImage[]; decoder: { delete(): void } } };

export class HeicConversionError extends Error {
  constructor(
    readonly reason: "unreadable" | "too_many_pixels",
    message: string,
  ) {
    super(message);
    this.name = "HeicConversionError";
  }
}

let libheif: LibHeif | undefined;
function loadLibheif(): LibHeif {
  // Loaded on first use: ~2 MB of WebAssembly that only an imaging worker needs.
  libheif ??= createRequire(import.meta.url)("libheif-js/wasm-bundle") as LibHeif;
  return libheif;
}

const JPEG_QUALITY = 92;

/**
 * Decodes the primary image of a HEIC/HEIF file (its rotation and mirroring applied, as the phone showed
 * it) and writes it as a JPEG. The size is checked from the header before any pixel is decoded.
 */
export async function convertHeicToJpeg(sourcePath: string, jpegPath: string, { maxPixels }: { maxPixels: number }): Promise<{ width: number; height: number }> {
  const bytes = await fs.readFile(sourcePath);
  const decoder = new (loadLibheif().HeifDecoder)();
  let images: HeifImage[] = [];
  try {
    try {
      images = decoder.decode(bytes);
    } catch (err) {
      throw new HeicConversionError("unreadable", `libheif could not read the file: ${String(err)}`);
    }
    const image = images.find((i) => i.is_primary()) ?? images[0];
    if (!image) throw new HeicConversionError("unreadable", "no image in the HEIF file");
    const width = image.get_width();
    const height = image.get_height();
    if (!(width > 0 && height > 0)) throw new HeicConversionError("unreadable", "the HEIF image has no size");
    if (width * height > maxPixels) throw new HeicConversionError("too_many_pixels", `${width}×${height} is more than ${maxPixels} pixels`);
    const rgba = await new Promise<Uint8ClampedArray>((resolve, reject) => {
      try {
        image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (result) =>
          result ? resolve(result.data) : reject(new HeicConversionError("unreadable", "libheif could not decode the image")),
        );
      } catch (err) {
        reject(new HeicConversionError("unreadable", `libheif could not decode the image: ${String(err)}`));
      }
    });
    await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: JPEG_QUALITY })
      .toFile(jpegPath);
    return { width, height };
  } finally {
    for (const image of images) image.free();
    decoder.decoder.delete();
  }
}
