import { describe, expect, it } from "vitest";
import {
  parseLinkMessage,
  againstTarget,
  complianceLevel,
  daysInClockUnits,
  formatDays,
  formatPer10k,
  formatPercent,
  newerBoard,
  parseBoardMessage,
  reconnectDelayMs,
  scrollSeconds,
} from "./board-format";

describe("board figures", () => {
  it("formats percentages, days and errors per 10,000 in both languages", () => {
    expect(formatPercent(0.9734, "en")).toBe("97.3%");
    expect(formatPercent(1, "zh-CN")).toBe("100%");
    expect(formatPercent(0, "en")).toBe("0%");
    expect(formatPercent(null, "en")).toBe("—");
    expect(formatDays(0.2249, "en")).toBe("0.22");
    expect(formatDays(12.345, "zh-CN")).toBe("12.3");
    expect(formatDays(null, "en")).toBe("—");
    expect(formatPer10k(0.83, "en")).toBe("0.8");
    expect(formatPer10k(125.4, "en")).toBe("125");
    expect(formatPer10k(0, "en")).toBe("0");
    expect(formatPer10k(null, "en")).toBe("—");
  });
  it("turns fractions of a day into clock units", () => {
    expect(daysInClockUnits(0.22)).toEqual({ unit: "hours", value: 5.3 });
    expect(daysInClockUnits(0.01)).toEqual({ unit: "minutes", value: 14 });
    expect(daysInClockUnits(null)).toBeNull();
  });
  it("judges against the target and SLA levels", () => {
    expect(againstTarget(0.2, 0.22)).toBe("good");
    expect(againstTarget(0.22, 0.22)).toBe("good");
    expect(againstTarget(0.3, 0.22)).toBe("bad");
    expect(againstTarget(null, 0.22)).toBe("none");
    expect(complianceLevel(0.95)).toBe("good");
    expect(complianceLevel(0.9)).toBe("watch");
    expect(complianceLevel(0.5)).toBe("bad");
    expect(complianceLevel(null)).toBe("none");
  });
});

describe("live connection helpers", () => {
  it("backs off 1, 2, 4 … 30 s with at most 20 % jitter", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((a) => reconnectDelayMs(a, () => 0))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(reconnectDelayMs(0, () => 0.999)).toBe(1200);
  });
  it("scroll speed follows the length of the list, never faster than 6 s a pass", () => {
    expect(scrollSeconds(100)).toBe(6);
    expect(scrollSeconds(2000)).toBe(50);
  });
  it("parses only board messages and never rolls back to an older board", () => {
    expect(parseBoardMessage("not json")).toBeNull();
    expect(parseBoardMessage('{"x":1}')).toBeNull();
    const a = parseBoardMessage<{ generatedAt: string }>('{"generatedAt":"2026-11-27T01:00:00.000Z"}')!;
    const b = { generatedAt: "2026-11-27T01:00:01.000Z" };
    expect(newerBoard(a, b)).toBe(b);
    expect(newerBoard(b, a)).toBe(b);
    expect(newerBoard(null, a)).toBe(a);
  });
});

describe("parseLinkMessage", () => {
  it("reads whether the server still hears Redis, and nothing else", () => {
    expect(parseLinkMessage('{"up":false}')).toBe(false);
    expect(parseLinkMessage('{"up":true}')).toBe(true);
    expect(parseLinkMessage('{"up":"no"}')).toBeNull();
    expect(parseLinkMessage("not json")).toBeNull();
    expect(parseLinkMessage("null")).toBeNull();
  });
});
