/**
 * Calibration of the capture gate (issue 14): rendered receipts (photo and scan, Chinese and English),
 * each sharp, blurred (sigma 1, 2, 3, 5), darkened and shrunk, measured as the imaging job measures them,
 * with the verdict of app/domain/capture-quality.ts.
 *
 *   npx tsx bench/capture-quality.ts
 */
import sharp from "sharp";
import { captureProblems } from "~/domain/capture-quality";
import { mulberry32 } from "~/domain/seeded-random";
import { measureCapture } from "~/utils/capture-quality.server";
import { randomReceiptSpec, renderReceiptScene } from "../fixtures/receipts";

const variants: { name: string; make: (img: Buffer) => Promise<Buffer>; expect: "ok" | "flag" | "any" }[] = [
  { name: "sharp", make: async (b) => b, expect: "ok" },
  { name: "blur σ1", make: (b) => sharp(b).blur(1).jpeg().toBuffer(), expect: "any" },
  { name: "blur σ2", make: (b) => sharp(b).blur(2).jpeg().toBuffer(), expect: "any" },
  { name: "blur σ3", make: (b) => sharp(b).blur(3).jpeg().toBuffer(), expect: "flag" },
  { name: "blur σ5", make: (b) => sharp(b).blur(5).jpeg().toBuffer(), expect: "flag" },
  { name: "dark ×0.25", make: (b) => sharp(b).linear(0.25, 0).jpeg().toBuffer(), expect: "flag" },
  { name: "dim ×0.6", make: (b) => sharp(b).linear(0.6, 0).jpeg().toBuffer(), expect: "any" },
  { name: "small 380px", make: (b) => sharp(b).resize({ width: 380 }).jpeg().toBuffer(), expect: "flag" },
];

let wrong = 0;
const rows: string[] = [];
for (const [i, setup] of [
  { lang: "zh", kind: "till", style: "photo", width: 1200 },
  { lang: "en", kind: "till", style: "photo", width: 900 },
  { lang: "zh", kind: "invoice", style: "scan", width: 1654 },
  { lang: "en", kind: "invoice", style: "photo", width: 2400 },
  { lang: "zh", kind: "invoice", style: "photo", width: 3000 },
].entries()) {
  const spec = randomReceiptSpec(mulberry32(100 + i), { lang: setup.lang as "zh" | "en", currency: setup.lang === "zh" ? "CNY" : "USD", date: "2026-11-20", kind: setup.kind as "till", totalMinor: 12_345 });
  const base = await renderReceiptScene(spec, { width: setup.width, seed: i + 1, style: setup.style as "photo" });
  for (const v of variants) {
    const img = await v.make(base);
    const m = await measureCapture(img);
    const problems = captureProblems(m);
    const ok = v.expect === "any" || (v.expect === "ok" ? problems.length === 0 : problems.length > 0);
    if (!ok) wrong++;
    rows.push(
      `${`${setup.lang} ${setup.kind} ${setup.style} ${setup.width}px`.padEnd(26)} ${v.name.padEnd(12)} ${`${m.width}×${m.height}`.padEnd(10)} sharp=${String(m.sharpness).padStart(7)} mean=${String(m.meanLuma).padStart(5)} p95=${String(m.brightLuma).padStart(3)}  → ${problems.join(",") || "ok"}${ok ? "" : "   ✗ expected " + v.expect}`,
    );
  }
}
console.log(rows.join("\n"));
console.log(`\n${wrong} verdict(s) against expectation`);
process.exitCode = wrong > 0 ? 1 : 0;
