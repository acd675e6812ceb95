import { describe, expect, it } from "vitest";
import { assembleLines, pageSlant, type Segment } from "./ocr-lines";

/** A segment drawn on a page turned by `slope` (dy/dx), left edge at x, baseline level y, w × h. */
function seg(text: string, x: number, y: number, w: number, h: number, slope = 0, score = 0.99): Segment {
  const dy = (px: number) => y + slope * px;
  return { text, score, quad: [[x, dy(x)], [x + w, dy(x + w)], [x + w, dy(x + w) + h], [x, dy(x) + h]] };
}

describe("assembleLines", () => {
  it("joins a label and its amount on a straight slip, top to bottom", () => {
    const lines = assembleLines([seg("29.00", 500, 200, 80, 30), seg("合计", 100, 200, 60, 30), seg("全家便利店", 200, 50, 200, 40)]);
    expect(lines.map((l) => l.text)).toEqual(["全家便利店", "合计 29.00"]);
    expect(lines[1]!.box).toEqual({ x: 100, y: 200, width: 480, height: 30 });
  });

  it("keeps rows apart on a photo turned 3° where a label and its amount differ by more than half a line", () => {
    const slope = Math.tan((3 * Math.PI) / 180);
    const rows = [
      ["小计（不含税）", "259.69"],
      ["税额6%", "15.58"],
      ["合计", "￥275.27"],
      ["现金", "280.00"],
    ];
    const segments = rows.flatMap(([label, amount], i) => [seg(label!, 100, 300 + i * 34, 240, 26, slope), seg(amount!, 560, 300 + i * 34, 120, 26, slope)]);
    expect(pageSlant(segments)).toBeCloseTo(slope, 3);
    expect(assembleLines(segments).map((l) => l.text)).toEqual(["小计（不含税） 259.69", "税额6% 15.58", "合计 ￥275.27", "现金 280.00"]);
  });

  it("weights the line's score by the length of each piece", () => {
    const [line] = assembleLines([seg("TOTAL", 100, 100, 120, 30, 0, 1), seg("|", 400, 100, 5, 30, 0, 0.5)]);
    expect(line!.score).toBeCloseTo(5.5 / 6, 5);
  });

  it("reads nothing from nothing", () => {
    expect(assembleLines([])).toEqual([]);
  });
});
