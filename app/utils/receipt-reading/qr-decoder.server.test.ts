import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeQrCodes } from "./qr-decoder.server";

describe("QR search on large photos", () => {
  it("reads a 12-megapixel portrait photo without running zxing's WebAssembly out of memory", async () => {
    // A phone photo's size (3000 × 4000) with no QR on it: every variant is tried, none may crash.
    const photo = await sharp({ create: { width: 3000, height: 4000, channels: 3, background: { r: 235, g: 232, b: 225 } } })
      .jpeg({ quality: 80 })
      .toBuffer();
    await expect(decodeQrCodes(photo)).resolves.toEqual([]);
  }, 60_000);
});
