import { describe, expect, it } from "vitest";
import {
  addMoney,
  convert,
  currencyExponent,
  divideHalfEven,
  formatMoney,
  isCurrencyCode,
  minorToDecimalString,
  parseAmount,
  parseRate,
  sumByCurrency,
  totalIn,
} from "./money";

describe("currency exponents", () => {
  it("knows minor units per currency", () => {
    expect(currencyExponent("CNY")).toBe(2);
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("BHD")).toBe(3);
  });
  it("validates codes", () => {
    expect(isCurrencyCode("CNY")).toBe(true);
    expect(isCurrencyCode("cny")).toBe(false);
    expect(isCurrencyCode("C1Y")).toBe(false);
  });
});

describe("parseAmount", () => {
  it.each([
    ["88", "CNY", 8800n],
    ["1,234.5", "CNY", 123450n],
    ["0.07", "CNY", 7n],
    [".5", "USD", 50n],
    ["-3.20", "CNY", -320n],
    ["1500", "JPY", 1500n],
    ["12.000", "CNY", 1200n],
    ["1.234", "BHD", 1234n],
  ])("%s %s → %s", (input, cur, minor) => {
    expect(parseAmount(input, cur)).toEqual({ ok: true, minor });
  });
  it.each([
    ["", "empty"],
    ["  ", "empty"],
    ["abc", "invalid"],
    ["1.2.3", "invalid"],
    ["1e5", "invalid"],
    ["1.234", "too_many_decimals"],
    ["99999999999999", "too_large"],
  ])("refuses %j (%s)", (input, code) => {
    expect(parseAmount(input, "CNY")).toEqual({ ok: false, code });
  });
  it("refuses decimals in a zero-decimal currency", () => {
    expect(parseAmount("10.5", "JPY")).toEqual({ ok: false, code: "too_many_decimals" });
  });
});

describe("formatting", () => {
  it("renders decimal strings", () => {
    expect(minorToDecimalString(123450n, "CNY")).toBe("1234.50");
    expect(minorToDecimalString(-5n, "CNY")).toBe("-0.05");
    expect(minorToDecimalString(1500n, "JPY")).toBe("1500");
  });
  it("formats per locale without float error", () => {
    expect(formatMoney({ minor: 123456789012345n, currency: "CNY" }, "en-US")).toBe("CN¥1,234,567,890,123.45");
    expect(formatMoney({ minor: 123450n, currency: "CNY" }, "zh-CN")).toBe("¥1,234.50");
    expect(formatMoney({ minor: 1500n, currency: "JPY" }, "en-US")).toBe("¥1,500");
  });
});

describe("arithmetic", () => {
  it("adds same-currency money and refuses mixed currencies", () => {
    expect(addMoney({ minor: 1n, currency: "CNY" }, { minor: 2n, currency: "CNY" })).toEqual({ minor: 3n, currency: "CNY" });
    expect(() => addMoney({ minor: 1n, currency: "CNY" }, { minor: 2n, currency: "USD" })).toThrow();
  });
  it("sums per currency", () => {
    expect(
      sumByCurrency([
        { minor: 100n, currency: "CNY" },
        { minor: 5n, currency: "USD" },
        { minor: 250n, currency: "CNY" },
      ]),
    ).toEqual([
      { minor: 350n, currency: "CNY" },
      { minor: 5n, currency: "USD" },
    ]);
  });
  it.each([
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [11n, 4n, 3n],
    [9n, 4n, 2n],
    [10n, 4n, 2n],
    [14n, 4n, 4n],
    [5n, -2n, -2n],
  ])("divideHalfEven(%s, %s) = %s", (n, d, q) => {
    expect(divideHalfEven(n, d)).toBe(q);
  });
  it("refuses division by zero", () => {
    expect(() => divideHalfEven(1n, 0n)).toThrow();
  });
});

describe("conversion", () => {
  it("parses rates exactly", () => {
    expect(parseRate("7.1234")).toEqual({ scaled: 71234n, scale: 4 });
    expect(parseRate("110")).toEqual({ scaled: 110n, scale: 0 });
    expect(() => parseRate("-1")).toThrow();
    expect(() => parseRate("0")).toThrow();
  });
  it("converts with one half-even rounding", () => {
    // 10.00 USD × 7.1234 = 71.234 CNY → 71.23
    expect(convert({ minor: 1000n, currency: "USD" }, "CNY", "7.1234")).toEqual({ minor: 7123n, currency: "CNY" });
    // 0.05 USD × 0.5 = 0.025 → 0.02 (tie to even), 0.15 × 0.5 = 0.075 → 0.08
    expect(convert({ minor: 5n, currency: "USD" }, "EUR", "0.5").minor).toBe(2n);
    expect(convert({ minor: 15n, currency: "USD" }, "EUR", "0.5").minor).toBe(8n);
    // across exponents: 1500 JPY × 0.0483 CNY = 72.45 CNY
    expect(convert({ minor: 1500n, currency: "JPY" }, "CNY", "0.0483").minor).toBe(7245n);
    // 100.00 CNY × 20.7 JPY = 2070 JPY
    expect(convert({ minor: 10000n, currency: "CNY" }, "JPY", "20.7").minor).toBe(2070n);
  });
  it("is the identity for the same currency", () => {
    expect(convert({ minor: 123n, currency: "CNY" }, "CNY", "9")).toEqual({ minor: 123n, currency: "CNY" });
  });
  it("totals mixed lines and reports missing rates", () => {
    const rates: Record<string, string> = { "USD>CNY@2026-11-02": "7.1" };
    const r = totalIn(
      [
        { minor: 10000n, currency: "CNY", onDate: "2026-11-01" },
        { minor: 1000n, currency: "USD", onDate: "2026-11-02" },
        { minor: 500n, currency: "EUR", onDate: "2026-11-02" },
      ],
      "CNY",
      (f, t, d) => rates[`${f}>${t}@${d}`],
    );
    expect(r.total).toEqual({ minor: 17100n, currency: "CNY" });
    expect(r.missingRates).toEqual([{ currency: "EUR", onDate: "2026-11-02" }]);
  });
});
