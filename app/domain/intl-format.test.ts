import { describe, expect, it } from "vitest";
import { dateTimeFormat, numberFormat } from "./intl-format";

describe("cached Intl formatters", () => {
  it("returns the same formatter for the same locale and options, another for others, formatting as Intl does", () => {
    const a = dateTimeFormat("zh-CN", { dateStyle: "medium", timeZone: "Asia/Shanghai" });
    expect(dateTimeFormat("zh-CN", { dateStyle: "medium", timeZone: "Asia/Shanghai" })).toBe(a);
    expect(dateTimeFormat("en", { dateStyle: "medium", timeZone: "Asia/Shanghai" })).not.toBe(a);
    const at = new Date("2026-12-05T01:30:00Z");
    expect(a.format(at)).toBe(new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeZone: "Asia/Shanghai" }).format(at));
    const cny = numberFormat("en", { style: "currency", currency: "CNY" });
    expect(numberFormat("en", { style: "currency", currency: "CNY" })).toBe(cny);
    expect(numberFormat("en", { style: "currency", currency: "USD" })).not.toBe(cny);
  });

  it("stays bounded whatever locales it is asked for", () => {
    const first = numberFormat("en", { maximumFractionDigits: 0 });
    for (let i = 0; i < 300; i++) numberFormat("en", { maximumFractionDigits: 0, minimumIntegerDigits: 1 + (i % 21) });
    // The cache was cleared on the way (bounded); the formatter asked for again is a working one.
    expect(numberFormat("en", { maximumFractionDigits: 0 }).format(1234.5)).toBe(first.format(1234.5));
  });
});
