import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EInvoiceReadError, eInvoiceFields, looksLikeEInvoiceXml, parseEInvoiceXml } from "./einvoice-xml";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "../../../fixtures/einvoices", name), "utf8");

describe("parseEInvoiceXml", () => {
  it("reads a digital ordinary invoice exactly", () => {
    const inv = parseEInvoiceXml(fixture("digital-meal.xml"));
    expect(inv).toMatchObject({
      invoiceNumber: "24442000000123456789",
      issueDate: "2026-12-01",
      sellerName: "广州市天河区粤味轩餐饮有限公司",
      sellerTaxId: "91440101MA5CXXX10B",
      buyerName: "上海示例科技有限公司",
      buyerTaxId: "91310115MA1K4ABC05",
      amountWithoutTaxMinor: 28302n,
      taxMinor: 1698n,
      totalMinor: 30000n,
      problems: [],
    });
    expect(inv.identity.key).toBe("D24442000000123456789");
    expect(inv.items).toEqual([
      { name: "*餐饮服务*餐费", spec: null, unit: "次", quantity: "1", unitPrice: "283.018867924528", amountMinor: 28302n, taxRate: "0.06", taxMinor: 1698n },
    ]);
  });

  it("reads several items and checks they add up", () => {
    const inv = parseEInvoiceXml(fixture("digital-hotel.xml"));
    expect(inv.items.map((i) => [i.name, i.amountMinor, i.taxMinor])).toEqual([
      ["*住宿服务*住宿费", 113208n, 6792n],
      ["*餐饮服务*早餐", 9434n, 566n],
    ]);
    expect(inv.totalMinor).toBe(130000n);
    expect(inv.problems).toEqual([]);
  });

  it("reports a seller id failing its check digit and sums that do not add up, lowering that field's confidence", () => {
    const xml = fixture("digital-meal.xml")
      .replace("<SellerIdNum>91440101MA5CXXX10B", "<SellerIdNum>91440101MA5CXXX10C")
      .replace("<TotalTaxAm>16.98", "<TotalTaxAm>16.99");
    const inv = parseEInvoiceXml(xml);
    expect(inv.problems).toEqual(["seller_tax_id_check_digit", "total_is_not_net_plus_tax", "items_do_not_add_up"]);
    expect(eInvoiceFields(inv).sellerTaxId?.confidence).toBe(0.3);
    expect(eInvoiceFields(inv).total).toEqual({ value: 30000n, confidence: 1 });
  });

  it("refuses what is not a digital e-invoice, with the reason", () => {
    expect(() => parseEInvoiceXml("<Document/>")).toThrow(EInvoiceReadError);
    expect(() => parseEInvoiceXml("<EInvoice><")).toThrow(/well-formed/);
    expect(() => parseEInvoiceXml(fixture("digital-meal.xml").replace(/<InvoiceNumber>.*<\/InvoiceNumber>/, ""))).toThrow(/invoice number/);
    expect(looksLikeEInvoiceXml(fixture("digital-hotel.xml"))).toBe(true);
    expect(looksLikeEInvoiceXml("<Document/>")).toBe(false);
  });
});
