/**
 * Large, realistic inputs for the imaging benchmarks, generated in memory.
 * Deterministic: fixed specs and seeds, so runs compare like with like.
 */
import { mulberry32 } from "~/domain/seeded-random";
import { randomReceiptSpec, renderReceiptScene } from "../fixtures/receipts";

/**
 * A 12 MP (4000×3000) phone photo of a till receipt on a desk, JPEG quality 90.
 * The noise level is chosen so the file lands at a typical 3–6 MB: a clean
 * synthetic image would compress far better than a real sensor's output.
 */
export async function makePhonePhoto(): Promise<Buffer> {
  const spec = randomReceiptSpec(mulberry32(4000), { lang: "zh", currency: "CNY", date: "2026-03-12", kind: "till", totalMinor: 18_650 });
  return renderReceiptScene(spec, { width: 4000, height: 3000, seed: 12, style: "photo", noise: 9, quality: 90 });
}

/** An A4 page scanned at 600 dpi (4961×7016 px): a printed Chinese VAT e-invoice. */
export async function makeA4Scan600dpi(): Promise<Buffer> {
  const spec = randomReceiptSpec(mulberry32(600), { lang: "zh", currency: "CNY", date: "2026-03-10", kind: "invoice", totalMinor: 128_000 });
  return renderReceiptScene(spec, { width: 4961, height: 7016, seed: 600, style: "scan", noise: 3, quality: 85 });
}
