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

  describe("OCR lines with their boxes", () => {
    const box = (y: number) => ({ page: 1, x: 100, y, width: 500, height: 30 });
    const ocr = (texts: string[], score = 0.99) => texts.map((text, i) => ({ text, score, region: box(100 + i * 40) }));

    it("reads a Chinese till slip and points at the lines it read", () => {
      const f = extractFields(
        ocr(["全家便利店", "上海市徐汇区漕溪北路88号", "电话：0755-94337690", "日期：2026-11-03 时间：10：45：59", "可口可乐330ml 2 3.50 7.00", "小计（不含税） 25.66", "税额13% 3.34", "合计 ￥29.00", "现金 30.00", "找零 1.00"]),
      );
      expect(f.total?.value).toBe(2900n);
      expect(f.total?.region).toEqual(box(100 + 7 * 40));
      expect(f.currency?.value).toBe("CNY");
      expect(f.date?.value).toBe("2026-11-03");
      expect(f.date?.region).toEqual(box(100 + 3 * 40));
      expect(f.merchant?.value).toBe("全家便利店");
      expect(f.merchant?.region).toEqual(box(100));
      expect(f.taxAmount?.value).toBe(334n);
    });

    it("reads an English slip; a card line and a zero balance are not the total", () => {
      const f = extractFields(ocr(["STARBUCKS COFFEE", "Date:2026-11-03 Time:15:38:43", "Subtotal (excl.tax) 18.92", "SalesTax8.875% 1.68", "TOTAL $20.60", "MASTERCARD ****0491 20.60", "Balance due $0.00"]));
      expect(f.total?.value).toBe(2060n);
      expect(f.currency?.value).toBe("USD");
      expect(f.taxAmount?.value).toBe(168n);
      expect(f.merchant?.value).toBe("STARBUCKS COFFEE");
    });

    it("reads a VAT invoice's OCR: the seller's 名称 line below the buyer's, the number, the capital total", () => {
      const f = extractFields(
        ocr([
          "发票代码：030002545063",
          "北京增值税电子普通发票",
          "发票号码：31193163",
          "全 开票日期：2026年11月03日",
          "名 称： 上海算盘工厂信息科技有限公司 5521<11707>3+35*1068",
          "购买方 +<21>304*547-2-308-5365>8<681693457/",
          "合计 ￥120.76 ￥7.24",
          "价税合计（大写） 壹佰贰拾捌元整 （小写） ￥128.00",
          "名 称： 中国联合网络通信有限公司北京市分公司 开票时间12:25",
          "销售方 地址、电话： 北京市西城区金融大街21号011-77650604",
          "收款人：王芳 复核：杨磊 开票人：张伟 销售方：（章）",
        ]),
      );
      expect(f.total?.value).toBe(12800n);
      expect(f.total?.confidence).toBeGreaterThan(0.95);
      expect(f.total?.region).toEqual(box(100 + 7 * 40));
      expect(f.date?.value).toBe("2026-11-03");
      expect(f.invoiceNumber?.value).toBe("31193163");
      expect(f.invoiceNumber?.region).toEqual(box(100 + 2 * 40));
      expect(f.invoiceCode?.value).toBe("030002545063");
      expect(f.merchant?.value).toBe("中国联合网络通信有限公司北京市分公司");
      expect(f.merchant?.region).toEqual(box(100 + 8 * 40));
    });

    it("reads noisy OCR: spaced-out figures, a split label, O/0 and l/1 confusions", () => {
      const f = extractFields(ocr(["罗森 LAWSON", "日期：2O26-l1-O5", "合 计 ￥ 1 2 3 . 0 0"]));
      expect(f.total?.value).toBe(12300n);
      expect(f.date?.value).toBe("2026-11-05");
      const g = extractFields(ocr(["TOTAL $4l.5O"]));
      expect(g.total?.value).toBe(4150n);
    });

    it("scales confidence by the engine's score and marks guesses lower than labelled values", () => {
      const sure = extractFields(ocr(["合计 ￥29.00"], 1));
      const shaky = extractFields(ocr(["合计 ￥29.00"], 0.6));
      const guessed = extractFields(ocr(["可乐 29.00"], 1));
      expect(sure.total!.confidence).toBe(0.85);
      expect(shaky.total!.confidence).toBeCloseTo(0.51, 3);
      expect(guessed.total!.confidence).toBe(0.5);
    });

    it("dates a hotel bill by its departure, not the arrival or the due date", () => {
      const f = extractFields(ocr(["Holiday Inn Express", "Arrival: 2026-05-02 Departure: 2026-05-06", "All rates are inclusive of 8.875% VAT. Total charges $634.50", "Total credits -$634.50", "Balance due $0.00"]));
      expect(f.date?.value).toBe("2026-05-06");
      expect(f.total?.value).toBe(63450n);
      const inv = extractFields(ocr(["ACME GmbH INVOICE", "Invoice No. INV-2026-59569", "Due date 2026-05-28", "Invoice date 2026-04-28", "Total due 227.00", "Berlin, Germany"]));
      expect(inv.date?.value).toBe("2026-04-28");
      expect(inv.invoiceNumber?.value).toBe("INV-2026-59569");
      expect(inv.merchant?.value).toBe("ACME GmbH");
      expect(inv.currency).toMatchObject({ value: "EUR" });
    });
  });
});

describe("extractFields: a name ending in Hotel", () => {
  it("is a merchant, not a telephone line (Ho-tel)", () => {
    expect(extractFields(["Harbour View Hotel", "Date: 17/11/2026", "Total due £312.40"]).merchant?.value).toBe("Harbour View Hotel");
    expect(extractFields(["Harbour View Hotel", "Tel: 020 7946 0000", "Total £3.00"]).merchant?.value).toBe("Harbour View Hotel");
  });
});

describe("extractFields: a currency code beside the total", () => {
  it("takes the code on the total's line, before or after the figure (it was read as the company currency, confidently)", () => {
    const before = extractFields(["Harbour View Hotel", "Date: 2026-11-20", "Room 2 nights", "Total GBP 312.40"]);
    expect(before.total?.value).toBe(31240n);
    expect(before.currency).toMatchObject({ value: "GBP", confidence: 0.95 });
    const after = extractFields(["Café Central", "Date: 2026-11-20", "TOTAL 48.50 EUR"]);
    expect(after.total?.value).toBe(4850n);
    expect(after.currency?.value).toBe("EUR");
  });
});
