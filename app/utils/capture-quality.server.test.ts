import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { captureProblems } from "~/domain/capture-quality";
import { measureCapture } from "./capture-quality.server";

const FIXTURES = path.resolve(__dirname, "../../test/fixtures");

describe("measureCapture (real rendered receipts)", () => {
  it.each(["receipt-zh.jpg", "receipt-en.png", "receipt.webp", "receipt-dated.jpg"])("%s passes the gate sharp, and is flagged blurred at sigma 3", async (name) => {
    const file = path.join(FIXTURES, name);
    const sharpM = await measureCapture(file);
    expect(captureProblems(sharpM)).toEqual([]);
    const blurred = await sharp(file).blur(3).png().toBuffer();
    expect(captureProblems(await measureCapture(blurred))).toContain("blurred");
  });

  it("flags a very dark capture and a tiny one, and measures the upright size", async () => {
    const file = path.join(FIXTURES, "receipt-zh.jpg");
    const dark = await sharp(file).linear(0.25, 0).jpeg().toBuffer();
    expect(captureProblems(await measureCapture(dark))).toEqual(["dark"]);
    const tiny = await sharp(file).resize({ width: 350 }).jpeg().toBuffer();
    const m = await measureCapture(tiny);
    expect(m.width).toBe(350);
    expect(captureProblems(m)).toEqual(["small"]);
  });
});
