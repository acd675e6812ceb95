import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { convertHeicToJpeg, HeicConversionError } from "./heic";

const FIXTURE = path.resolve(import.meta.dirname, "../../test/fixtures/receipt-iphone.heic");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-heic-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("convertHeicToJpeg", () => {
  it("turns an iPhone HEIC photo into a JPEG of the same size, without stalling the event loop", async () => {
    const out = path.join(dir, "photo.jpg");
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const size = await convertHeicToJpeg(FIXTURE, out, { maxPixels: 150_000_000 }).finally(() => clearInterval(timer));
    expect(size).toEqual({ width: 600, height: 965 });
    expect(await sharp(out).metadata()).toMatchObject({ format: "jpeg", width: 600, height: 965 });
    // The decoding ran in its own thread: this one kept running its timers meanwhile.
    expect(ticks).toBeGreaterThan(0);
  });

  it("refuses a photo larger than the pixel limit before decoding it", async () => {
    const err = await convertHeicToJpeg(FIXTURE, path.join(dir, "big.jpg"), { maxPixels: 100_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeicConversionError);
    expect((err as HeicConversionError).reason).toBe("too_many_pixels");
    expect(fs.existsSync(path.join(dir, "big.jpg"))).toBe(false);
  });

  it("reports a cut-off file as unreadable", async () => {
    const cut = path.join(dir, "cut.heic");
    const heic = fs.readFileSync(FIXTURE);
    fs.writeFileSync(cut, heic.subarray(0, Math.floor(heic.length * 0.6)));
    const err = await convertHeicToJpeg(cut, path.join(dir, "cut.jpg"), { maxPixels: 150_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeicConversionError);
    expect((err as HeicConversionError).reason).toBe("unreadable");
  });
});
