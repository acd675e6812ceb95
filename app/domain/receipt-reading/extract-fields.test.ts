import { describe, expect, it } from "vitest";
import { extractFields } from "./extract-fields";

describe("extractFields", () => {
  it("reads a VAT invoice's printed text", () => {
    const f = extractFields([
      "电子发票（普通发票）",
      "发票号码：24442000000123456789",
      "开票日期：2026年12月01日",
      "购买方 名称：深圳市示例科技有限公司 统一社会信用代码/纳税人识别号：914403001922038216",
      "销售方 名称：广州市海珠区粤味餐饮店",
      "销售方 统一社会信用代码/纳税人识别号：91350100M000100Y43",
      "合 计 ¥283.02 ¥16.98",
      "税额 ¥16.98",
      "价税合计（大写） ⊗叁佰元整 （小写）¥300.00",
    ]);
    expect(f.total).toEqual({ value: 30000n, confidence: 0.98 });
    expect(f.currency?.value).toBe("CNY");
    expect(f.date?.value).toBe("2026-12-01");
    expect(f.invoiceNumber?.value).toBe("24442000000123456789");
    expect(f.sellerTaxId?.value).toBe("91350100M000100Y43");
    expect(f.taxAmount?.value).toBe(1698n);
    expect(f.merchant?.value).toBe("广州市海珠区粤味餐饮店");
  });

  it("reads a till slip in English", () => {
    const f = extractFields(["Starbucks Coffee", "Shop 12, Nanjing Rd", "Date: Dec 3, 2026 08:41", "Latte 38.00", "Muffin 22.00", "TOTAL RMB 60.00", "Card 60.00"]);
    expect(f.total).toEqual({ value: 6000n, confidence: 0.85 });
    expect(f.currency).toEqual({ value: "CNY", confidence: 0.95 });
    expect(f.date?.value).toBe("2026-12-03");
    expect(f.merchant).toEqual({ value: "Starbucks Coffee", confidence: 0.5 });
    expect(f.invoiceNumber).toBeUndefined();
  });

  it("guesses the largest amount with low confidence when nothing is labelled, and flags an ambiguous date", () => {
    const f = extractFields(["出租车", "03/12/2026", "里程 12.5", "56.00"]);
    expect(f.total?.value).toBe(5600n);
    expect(f.total?.confidence).toBeLessThanOrEqual(0.5);
    expect(f.date?.confidence).toBeLessThan(0.5);
  });

  it("lowers the total's confidence when the capital numerals disagree", () => {
    const f = extractFields(["价税合计（大写）叁佰元整 （小写）¥360.00"]);
    expect(f.total?.confidence).toBe(0.5);
  });

  it("finds nothing in nothing", () => {
    expect(extractFields([])).toEqual({});
  });
});
