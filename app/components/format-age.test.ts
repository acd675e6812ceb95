import { describe, expect, it } from "vitest";
import { ageMinutes, formatAge } from "./format-age";

describe("formatAge", () => {
  it("shows days and hours, or hours and minutes, in Chinese and English", () => {
    expect(formatAge(0, "en", "under a minute")).toBe("under a minute");
    expect(formatAge(200, "en", "-")).toBe("3 hr 20 min");
    expect(formatAge(200, "zh-CN", "-")).toBe("3小时20分钟");
    expect(formatAge(60, "en", "-")).toBe("1 hr");
    // Past a day the minutes are dropped.
    expect(formatAge(2 * 1440 + 125, "en", "-")).toBe("2 days 2 hr");
    expect(formatAge(2 * 1440 + 125, "zh-CN", "-")).toBe("2天2小时");
  });

  it("counts whole minutes and never goes negative", () => {
    const from = new Date("2026-03-01T08:00:00Z");
    expect(ageMinutes(from, from.getTime() + 119_999)).toBe(1);
    expect(ageMinutes(from, from.getTime() - 60_000)).toBe(0);
  });
});
