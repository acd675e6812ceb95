/**
 * Perceptual hash (pHash) of a receipt image: the 64 lowest spatial frequencies of a 32×32 grayscale
 * thumbnail (a 2-D DCT), one bit each for "above the median". It follows the layout of the page —
 * header block, columns of text, totals — and ignores what re-scanning, resizing, JPEG re-encoding and
 * brightness change, so the same receipt submitted twice lands within a few bits and the SSC can flag
 * a possible duplicate claim. (A difference hash was tried first: its bits over blank paper margins
 * flip on the slightest brightness change, which put copies 6 bits apart.)
 */

export const PHASH_SIZE = 32;
const LOW = 8;

// DCT-II basis, cos((2x+1)·u·π / 2N), computed once; normalisation is irrelevant to a median test.
const COS: Float64Array = (() => {
  const table = new Float64Array(PHASH_SIZE * PHASH_SIZE);
  for (let u = 0; u < PHASH_SIZE; u++) {
    for (let x = 0; x < PHASH_SIZE; x++) {
      table[u * PHASH_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
    }
  }
  return table;
})();

/** `gray`: 32×32 luminance values (0–255), row-major. Returns 16 lowercase hex digits. */
export function perceptualHash(gray: ArrayLike<number>): string {
  const n = PHASH_SIZE;
  if (gray.length !== n * n) {
    throw new RangeError(`perceptualHash needs ${n}×${n} = ${n * n} pixels, got ${gray.length}`);
  }
  // Separable DCT, only for the 8×8 low-frequency corner we keep: rows first, then columns.
  const rows = new Float64Array(n * LOW); // rows[y][u]
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += gray[y * n + x]! * COS[u * n + x]!;
      rows[y * LOW + u] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW); // [v][u]
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += rows[y * LOW + u]! * COS[v * n + y]!;
      coefficients[v * LOW + u] = sum;
    }
  }
  // The DC term is the mean brightness: left out of the median so a lighter scan does not shift it.
  const median = medianOf(coefficients.subarray(1));
  let bits = 0n;
  for (const c of coefficients) bits = (bits << 1n) | (c > median ? 1n : 0n);
  return bits.toString(16).padStart(16, "0");
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Number of differing bits between two 16-hex-digit hashes (0 = same picture). */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/i.test(a) || !/^[0-9a-f]{16}$/i.test(b)) {
    throw new RangeError("hammingDistance needs two 16-hex-digit hashes");
  }
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (diff) {
    diff &= diff - 1n;
    count++;
  }
  return count;
}
