import { describe, expect, it } from "vitest";
import { currencyOf, decimalToMinor, parseCapitalAmount, parsePrintedAmount } from "./amounts";

describe("parsePrintedAmount", () => {
  it.each([
    ["¥1,234.50", 123450n, "CNY", true],
    ["￥88", 8800n, "CNY", true],
    ["1234.5元", 123450n, "CNY", true],
    ["RMB 1,000", 100000n, "CNY", true],
    ["CNY88.00", 8800n, "CNY", true],
    ["USD $12.30", 1230n, "USD", true],
    ["$ 1,000.01", 100001n, "USD", true],
    ["HK$ 52.0", 5200n, "HKD", true],
    ["56.70", 5670n, "CNY", false],
  ])("%s → %s %s", (text, minor, currency, printed) => {
    expect(parsePrintedAmount(text)).toEqual({ minor, currency, currencyPrinted: printed });
  });

  it("refuses more decimals than the currency has, and text without a number", () => {
    expect(parsePrintedAmount("¥1.234")).toBeNull();
    expect(parsePrintedAmount("合计")).toBeNull();
    expect(decimalToMinor("12.5", "JPY")).toBeNull();
    expect(decimalToMinor("1250", "JPY")).toBe(1250n);
  });

  it("tells the currency from a sign or code", () => {
    expect(currencyOf("合计 人民币")).toBe("CNY");
    expect(currencyOf("Total €9")).toBe("EUR");
    expect(currencyOf("Total 9")).toBeNull();
  });
});

describe("parseCapitalAmount", () => {
  it.each([
    ["壹仟贰佰叁拾肆元伍角", 123450n],
    ["⊗壹仟贰佰叁拾肆元伍角整", 123450n],
    ["叁佰元整", 30000n],
    ["壹万零伍元", 1000500n],
    ["零元伍角陆分", 56n],
    ["拾元零捌分", 1008n],
    ["贰拾万叁仟元整", 20300000n],
    ["壹亿元整", 10000000000n],
    ["玖角", 90n],
  ])("%s → %s fen", (text, minor) => {
    expect(parseCapitalAmount(text)).toBe(minor);
  });

  it("refuses what is not a capital amount", () => {
    expect(parseCapitalAmount("1234元")).toBeNull();
    expect(parseCapitalAmount("价税合计")).toBeNull();
    expect(parseCapitalAmount("壹仟")).toBeNull();
  });
});
