import { describe, expect, it } from "vitest";
import { boxOnUnturned, passIsConvincing, passQuality, regionOf } from "./ocr-orientation";

describe("boxOnUnturned", () => {
  // An image 100 wide, 50 high; the box covers x 10–30, y 5–15 on it.
  const box = { x: 10, y: 5, width: 20, height: 10 };
  it("maps a box found on the image turned 90° clockwise back", () => {
    // Turned 90° cw the image is 50 × 100 and (x, y) → (H − y, x): the box sits at x 35–45, y 10–30.
    expect(boxOnUnturned({ x: 35, y: 10, width: 10, height: 20 }, 90, 100, 50)).toEqual(box);
  });
  it("maps 180° and 270° back", () => {
    expect(boxOnUnturned({ x: 70, y: 35, width: 20, height: 10 }, 180, 100, 50)).toEqual(box);
    // 270° cw: (x, y) → (y, W − x): x 5–15, y 70–90.
    expect(boxOnUnturned({ x: 5, y: 70, width: 10, height: 20 }, 270, 100, 50)).toEqual(box);
  });
  it("leaves an upright box alone", () => {
    expect(boxOnUnturned(box, 0, 100, 50)).toBe(box);
  });
});

describe("regionOf", () => {
  it("scales a working copy's box up to the original and clips it", () => {
    expect(regionOf({ x: 10, y: 20, width: 50, height: 10 }, 0.5, 1, 1000, 1000)).toEqual({ page: 1, x: 20, y: 40, width: 100, height: 20 });
    expect(regionOf({ x: 90, y: 0, width: 20, height: 10 }, 1, 1, 100, 100).width).toBe(10);
  });
});

describe("pass quality", () => {
  const text = (n: number, score = 0.95) => Array.from({ length: n }, (_, i) => ({ text: `line ${i} text`, score }));
  it("prefers a pass that found a total and a date to one with more text", () => {
    expect(passQuality({ lines: text(3), foundTotal: true, foundDate: true })).toBeGreaterThan(passQuality({ lines: text(40), foundTotal: false, foundDate: false }));
  });
  it("is convinced by a total, not by a date alone nor by garbled single characters", () => {
    expect(passIsConvincing({ lines: text(3), foundTotal: true, foundDate: false })).toBe(true);
    expect(passIsConvincing({ lines: text(12), foundTotal: false, foundDate: true })).toBe(false);
    expect(passIsConvincing({ lines: Array.from({ length: 30 }, () => ({ text: "l", score: 0.99 })), foundTotal: false, foundDate: false })).toBe(false);
  });
});
