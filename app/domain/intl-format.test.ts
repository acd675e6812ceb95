import { describe, expect, it } from "vitest";
import { dateTimeFormat, listFormat, numberFormat } from "./intl-format";

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

  it("formats exactly as a fresh Intl formatter in Chinese and English, with one instance per (locale, options)", () => {
    const at = new Date("2026-01-31T16:05:09Z"); // 1 February 00:05 in Shanghai: the zone decides the day
    const dateOptions: Intl.DateTimeFormatOptions = { timeZone: "Asia/Shanghai", weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    const amount = 1234567.891;
    for (const locale of ["zh-CN", "en"]) {
      const date = dateTimeFormat(locale, dateOptions);
      // An equal options object built anew (as a component does per render) finds the same instance.
      expect(dateTimeFormat(locale, { ...dateOptions })).toBe(date);
      expect(dateTimeFormat(locale, { ...dateOptions, hour: undefined, minute: undefined })).not.toBe(date);
      expect(date.format(at)).toBe(new Intl.DateTimeFormat(locale, dateOptions).format(at));
      expect(date.formatToParts(at)).toEqual(new Intl.DateTimeFormat(locale, dateOptions).formatToParts(at));

      const percent = numberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
      expect(numberFormat(locale, { style: "percent", maximumFractionDigits: 1 })).toBe(percent);
      expect(numberFormat(locale, { style: "percent", maximumFractionDigits: 2 })).not.toBe(percent);
      expect(percent.format(0.97345)).toBe(new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(0.97345));
      const hours = { style: "unit", unit: "hour", unitDisplay: "short" } as const;
      expect(numberFormat(locale, hours).format(3)).toBe(new Intl.NumberFormat(locale, hours).format(3));
      expect(numberFormat(locale).format(amount)).toBe(new Intl.NumberFormat(locale).format(amount));
      expect(numberFormat(locale)).toBe(numberFormat(locale, {}));
    }
    // The two languages really differ, so the comparisons above are not comparing one locale with itself.
    expect(dateTimeFormat("zh-CN", dateOptions).format(at)).not.toBe(dateTimeFormat("en", dateOptions).format(at));
    expect(dateTimeFormat("zh-CN", dateOptions).format(at)).toContain("2月1日");
    expect(numberFormat("zh-CN", { style: "unit", unit: "hour", unitDisplay: "short" }).format(3)).not.toBe(
      numberFormat("en", { style: "unit", unit: "hour", unitDisplay: "short" }).format(3),
    );
  });

  it("lists exactly as a fresh Intl.ListFormat in Chinese and English, with one instance per (locale, options)", () => {
    const unitList: Intl.ListFormatOptions = { style: "narrow", type: "unit" }; // how formatAge joins "3 hr 20 min"
    const ages = ["2 days", "3 hr", "20 min"];
    const names = ["Ana", "Bo", "Chen"];
    for (const locale of ["zh-CN", "en"]) {
      const units = listFormat(locale, unitList);
      expect(listFormat(locale, { ...unitList })).toBe(units);
      expect(listFormat(locale, { style: "long", type: "unit" })).not.toBe(units);
      for (const items of [ages, ages.slice(0, 2), ages.slice(0, 1), []]) {
        expect(units.format(items)).toBe(new Intl.ListFormat(locale, unitList).format(items));
      }
      expect(units.formatToParts(ages)).toEqual(new Intl.ListFormat(locale, unitList).formatToParts(ages));
      expect(listFormat(locale).format(names)).toBe(new Intl.ListFormat(locale).format(names));
      expect(listFormat(locale)).toBe(listFormat(locale, {}));
    }
    // The two languages really differ, so the comparisons above are not comparing one locale with itself.
    expect(listFormat("zh-CN").format(names)).toBe("Ana、Bo和Chen");
    expect(listFormat("en").format(names)).toBe("Ana, Bo, and Chen");
  });

  it("stays bounded whatever locales it is asked for", () => {
    const first = numberFormat("en", { maximumFractionDigits: 0 });
    for (let i = 0; i < 300; i++) numberFormat("en", { maximumFractionDigits: 0, minimumIntegerDigits: 1 + (i % 21) });
    // The cache was cleared on the way (bounded); the formatter asked for again is a working one.
    expect(numberFormat("en", { maximumFractionDigits: 0 }).format(1234.5)).toBe(first.format(1234.5));
  });
});
