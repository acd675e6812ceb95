import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PHASH_SIZE, hammingDistance, perceptualHash } from "./perceptual-hash";

/** A receipt-like picture: a header block and "text lines" (bars) whose lengths depend on the seed. */
function receiptSvg(seed: number, width = 600, height = 900): string {
  let rand = seed;
  const next = () => ((rand = (rand * 1103515245 + 12345) % 2147483648) / 2147483648);
  const bars: string[] = [];
  for (let y = 140; y < height - 80; y += 34) {
    const w = 120 + Math.floor(next() * 380);
    const x = 40 + Math.floor(next() * 60);
    bars.push(`<rect x="${x}" y="${y}" width="${w}" height="14" fill="#222"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4f1ea"/>
    <rect x="${40 + (seed % 5) * 60}" y="30" width="220" height="70" fill="#444"/>
    ${bars.join("")}</svg>`;
}

async function hashOf(image: Buffer): Promise<string> {
  const gray = await sharp(image).greyscale().resize(PHASH_SIZE, PHASH_SIZE, { fit: "fill" }).raw().toBuffer();
  return perceptualHash(gray);
}

describe("perceptualHash", () => {
  // A fixed pseudo-random 32×32 texture (values 20–219): every DCT coefficient is clearly non-zero.
  const texture = Array.from({ length: PHASH_SIZE * PHASH_SIZE }, (_, i) => 20 + ((i * 7919 + (i >> 5) * 104729) % 200));

  it("ignores a uniform change of brightness", () => {
    const lighter = texture.map((v) => v + 30);
    expect(perceptualHash(lighter)).toBe(perceptualHash(texture));
  });

  it("sees a mirrored page as a different picture", () => {
    const mirrored = texture.map((_, i) => texture[(i & ~31) + 31 - (i & 31)]!);
    expect(hammingDistance(perceptualHash(texture), perceptualHash(mirrored))).toBeGreaterThanOrEqual(16);
  });

  it("refuses a thumbnail of the wrong size", () => {
    expect(() => perceptualHash(new Uint8Array(72))).toThrow(RangeError);
  });

  it("gives identical images distance 0", async () => {
    const a = await sharp(Buffer.from(receiptSvg(1))).png().toBuffer();
    const b = await sharp(Buffer.from(receiptSvg(1))).png().toBuffer();
    expect(hammingDistance(await hashOf(a), await hashOf(b))).toBe(0);
  });

  it("keeps a brighter, smaller, re-encoded copy within a few bits", async () => {
    const original = await sharp(Buffer.from(receiptSvg(7))).jpeg({ quality: 90 }).toBuffer();
    const copy = await sharp(original).modulate({ brightness: 1.2 }).resize(300).jpeg({ quality: 60 }).toBuffer();
    expect(hammingDistance(await hashOf(original), await hashOf(copy))).toBeLessThanOrEqual(4);
  });

  it("tells different receipts of the same template apart", async () => {
    const hashes = await Promise.all(
      [7, 12, 20, 33].map(async (seed) => hashOf(await sharp(Buffer.from(receiptSvg(seed))).jpeg().toBuffer())),
    );
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        expect(hammingDistance(hashes[i]!, hashes[j]!)).toBeGreaterThanOrEqual(10);
      }
    }
  });
});

describe("hammingDistance", () => {
  it("counts differing bits", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hammingDistance("ABCDEF0123456789", "abcdef0123456789")).toBe(0);
  });

  it("refuses anything that is not a 64-bit hex hash", () => {
    expect(() => hammingDistance("abc", "0000000000000000")).toThrow(RangeError);
    expect(() => hammingDistance("000000000000000g", "0000000000000000")).toThrow(RangeError);
  });
});
