import { describe, expect, it } from "vitest";
import { parsePrintedDate } from "./dates";

describe("parsePrintedDate", () => {
  it.each([
    ["开票日期：2026年12月3日", "2026-12-03"],
    ["2026 年 1 月 15 日", "2026-01-15"],
    ["Date: 2026-12-03 14:22", "2026-12-03"],
    ["2026/12/03", "2026-12-03"],
    ["2026.2.8", "2026-02-08"],
    ["Dec 3, 2026", "2026-12-03"],
    ["December 3rd 2026", "2026-12-03"],
    ["3 Dec 2026", "2026-12-03"],
    ["25/12/2026", "2026-12-25"],
    ["12/25/2026", "2026-12-25"],
  ])("%s → %s", (text, date) => {
    const r = parsePrintedDate(text);
    expect(r?.date).toBe(date);
    expect(r?.ambiguous).toBe(false);
    expect(r?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it("reads 03/12/2026 both ways with a lower confidence, preferring the order asked for", () => {
    expect(parsePrintedDate("03/12/2026")).toEqual({ date: "2026-12-03", confidence: 0.5, ambiguous: true });
    expect(parsePrintedDate("03/12/2026", "MDY")).toEqual({ date: "2026-03-12", confidence: 0.5, ambiguous: true });
    // Same day either way: not ambiguous.
    expect(parsePrintedDate("05/05/2026")?.ambiguous).toBe(false);
  });

  it("reads a compact date with less confidence and refuses impossible dates", () => {
    expect(parsePrintedDate("20261203")).toEqual({ date: "2026-12-03", confidence: 0.7, ambiguous: false });
    expect(parsePrintedDate("2026年2月30日")).toBeNull();
    expect(parsePrintedDate("Tel 13800138000")).toBeNull();
  });
});
