import { describe, expect, it } from "vitest";
import { captureProblems, parseCaptureMeasures, type CaptureMeasures } from "./capture-quality";

const good: CaptureMeasures = { width: 1200, height: 1700, sharpness: 1100, meanLuma: 170, brightLuma: 247 };

describe("captureProblems", () => {
  it("passes a sharp, lit, large photo and an unmeasured file (PDF)", () => {
    expect(captureProblems(good)).toEqual([]);
    expect(captureProblems(null)).toEqual([]);
  });
  it("flags blur below the sharpness threshold", () => {
    expect(captureProblems({ ...good, sharpness: 46.7 })).toEqual(["blurred"]);
    expect(captureProblems({ ...good, sharpness: 60 })).toEqual([]);
  });
  it("flags a dark photo by its brightest part or its mean, and then names darkness, not blur", () => {
    expect(captureProblems({ ...good, brightLuma: 62, meanLuma: 44, sharpness: 30 })).toEqual(["dark"]);
    expect(captureProblems({ ...good, brightLuma: 240, meanLuma: 40 })).toEqual(["dark"]);
    expect(captureProblems({ ...good, brightLuma: 148, meanLuma: 99 })).toEqual([]);
  });
  it("flags an image under 400 px on its short side or 600 px on its long side", () => {
    expect(captureProblems({ ...good, width: 380, height: 553 })).toEqual(["small"]);
    expect(captureProblems({ ...good, width: 400, height: 599 })).toEqual(["small"]);
    expect(captureProblems({ ...good, width: 400, height: 600 })).toEqual([]);
  });
  it("reports several problems, size first", () => {
    expect(captureProblems({ width: 300, height: 300, sharpness: 5, meanLuma: 200, brightLuma: 250 })).toEqual(["small", "blurred"]);
  });
});

describe("parseCaptureMeasures", () => {
  it("reads stored JSON and refuses anything partial", () => {
    expect(parseCaptureMeasures(JSON.parse(JSON.stringify(good)))).toEqual(good);
    expect(parseCaptureMeasures({ ...good, sharpness: "x" })).toBeNull();
    expect(parseCaptureMeasures(null)).toBeNull();
  });
});
