import { describe, expect, it } from "vitest";
import { normaliseOcrText } from "./ocr-text";

describe("normaliseOcrText", () => {
  it("joins figures an engine spaced out, and the sign to them", () => {
    expect(normaliseOcrText("￥ 1 2 3 . 0 0")).toBe("¥123.00");
    expect(normaliseOcrText("合计 29. 00")).toBe("合计 29.00");
  });

  it("keeps the columns of an item line apart", () => {
    expect(normaliseOcrText("可口可乐330ml 2 3.50 7.00")).toBe("可口可乐330ml 2 3.50 7.00");
  });

  it("folds full-width forms", () => {
    expect(normaliseOcrText("日期：２０２６－１１－０３")).toBe("日期:2026-11-03");
  });

  it("reads O as 0 and l or I as 1 inside numbers only", () => {
    expect(normaliseOcrText("TOTAL $2O.6O")).toBe("TOTAL $20.60");
    expect(normaliseOcrText("Date: 2O26-1l-O3")).toBe("Date: 2026-11-03");
    expect(normaliseOcrText("l2.50")).toBe("12.50");
    // Words stay words; a lone letter is not a number.
    expect(normaliseOcrText("TOTAL Cold Brew O l")).toBe("TOTAL Cold Brew O l");
    expect(normaliseOcrText("税号 91310115MA1H7PX93K")).toBe("税号 91310115MA1H7PX93K");
  });
});
