import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it, vi } from "vitest";
import { createPaddleEngine, createTesseractEngine, tesseractOptions } from "./ocr-engines.server";

/** A small printed line, rendered by sharp (librsvg + the system's CJK fonts). */
async function printedLine(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="520" height="90"><rect width="520" height="90" fill="#fff"/><text x="20" y="58" font-size="36" font-family="Noto Sans CJK SC, sans-serif" fill="#111">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe("OCR engines, offline", () => {
  it("PaddleOCR loads its models from node_modules and reads a line, never calling fetch; boxes are in the image's pixels", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in this test"));
    try {
      const engine = await createPaddleEngine();
      const lines = await engine.recognize(await printedLine("合计 ￥29.00"));
      expect(lines.map((l) => l.text).join(" ")).toMatch(/29\.00/);
      const line = lines.find((l) => /29/.test(l.text))!;
      expect(line.score).toBeGreaterThan(0.8);
      expect(line.box.x).toBeGreaterThanOrEqual(0);
      expect(line.box.x + line.box.width).toBeLessThanOrEqual(520);
      expect(line.box.y + line.box.height).toBeLessThanOrEqual(90);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  }, 60_000);

  it("replaces a language link left pointing at a removed install instead of trusting it", async () => {
    const first = await tesseractOptions();
    const link = path.join(first.langPath, "chi_sim.traineddata.gz");
    fs.rmSync(link);
    fs.symlinkSync("/nonexistent/removed-checkout/node_modules/@tesseract.js-data/chi_sim/chi_sim.traineddata.gz", link);
    const again = await tesseractOptions();
    expect(again.langPath).toBe(first.langPath);
    expect(fs.realpathSync(link)).toMatch(/node_modules\/@tesseract.js-data\/chi_sim\//);
    expect(fs.readdirSync(again.langPath).sort()).toEqual(["chi_sim.traineddata.gz", "eng.traineddata.gz"]);
  });

  it("tesseract.js reads its trained data from the installed packages and writes no cache", async () => {
    const opts = await tesseractOptions();
    // A local path (not a URL) is read with fs inside tesseract's worker thread; with cacheMethod "none"
    // nothing is written to the working directory either.
    expect(opts.langPath.startsWith("/")).toBe(true);
    expect(opts.cacheMethod).toBe("none");
    for (const lang of ["chi_sim", "eng"]) expect(fs.realpathSync(path.join(opts.langPath, `${lang}.traineddata.gz`))).toMatch(new RegExp(`node_modules/@tesseract.js-data/${lang}/`));
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in this test"));
    try {
      const engine = await createTesseractEngine();
      const lines = await engine.recognize(await printedLine("TOTAL 29.00"));
      await engine.close();
      expect(lines.map((l) => l.text).join(" ")).toMatch(/29\.00/);
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(fs.existsSync("chi_sim.traineddata")).toBe(false);
    } finally {
      fetchSpy.mockRestore();
    }
  }, 60_000);
});
