import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import zxing from "@zxing/library";
import { coverSheetCode } from "../app/domain/paper-trail";
import { claimNumberOf, fileClaim, login } from "./helpers";

// The CommonJS build, as Playwright's loader sees it.
const { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } = zxing;

const WORDS = { en: "Print cover sheet", "zh-CN": "打印封面" } as const;

/** Rasterizes page 1 with pdftoppm and reads the Code 128 at the sheet's head, as a hand scanner aimed there would. */
function scanBarcode(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cover-e2e-"));
  writeFileSync(path.join(dir, "sheet.pdf"), pdf);
  execFileSync("pdftoppm", ["-gray", "-r", "200", "-f", "1", "-l", "1", "-singlefile", path.join(dir, "sheet.pdf"), path.join(dir, "page")]);
  const bytes = readFileSync(path.join(dir, "page.pgm"));
  const [head, w, h] = bytes.subarray(0, 64).toString("latin1").match(/^P5\s+(\d+)\s+(\d+)\s+255\s/)!;
  const width = Number(w);
  const height = Number(h);
  const left = Math.round(width * 0.55);
  const source = new RGBLuminanceSource(new Uint8ClampedArray(bytes.subarray(head.length)), width, height).crop(left, 0, width - left, Math.round(height * 0.2));
  const reader = new MultiFormatReader();
  reader.setHints(new Map<zxing.DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]], [DecodeHintType.TRY_HARDER, true]]));
  return reader.decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`the claimant prints a submitted claim's cover sheet and its barcode scans (${locale})`, async ({ page }) => {
    await login(page, "employee@demo.af", locale);
    await fileClaim(page, locale, locale === "en" ? "Cover sheet visit" : "封面测试出差");
    const number = await claimNumberOf(page);
    const link = page.getByTestId("print-cover-sheet");
    await expect(link).toHaveText(WORDS[locale]);
    await page.screenshot({ path: `test-results/cover-sheet-claim-${locale}.png`, fullPage: true });

    const response = await page.request.get((await link.getAttribute("href"))!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    const pdf = await response.body();
    writeFileSync(`test-results/cover-sheet-${locale}.pdf`, pdf);
    expect(scanBarcode(pdf)).toBe(coverSheetCode(number));

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(link).toBeVisible();
    await page.screenshot({ path: `test-results/cover-sheet-claim-${locale}-390.png` });
  });
}
