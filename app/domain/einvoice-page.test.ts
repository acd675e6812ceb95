import { describe, expect, it } from "vitest";
import { eInvoicePageSvg, EINVOICE_PAGE } from "./einvoice-page";
import type { EInvoice } from "./receipt-reading/einvoice-xml";

const inv = (over: Partial<EInvoice> = {}): EInvoice =>
  ({
    invoiceNumber: "26312000000987654321",
    issueDate: "2026-11-20",
    sellerName: "上海<浦东>酒店 & 公寓",
    sellerTaxId: "91310000MA1FL00000",
    buyerName: "华信通信集团有限公司",
    buyerTaxId: null,
    amountWithoutTaxMinor: 100000n,
    taxMinor: 6000n,
    totalMinor: 106000n,
    currency: "CNY",
    items: [{ name: "住宿服务*住宿费", spec: null, unit: "天", quantity: "2", unitPrice: "500.00", amountMinor: 100000n, taxRate: "6%", taxMinor: 6000n }],
    problems: [],
    identity: { key: "D26312000000987654321" },
    ...over,
  }) as EInvoice;

describe("eInvoicePageSvg", () => {
  it("draws the invoice's number, parties and totals, escaping what it prints", () => {
    const svg = eInvoicePageSvg(inv());
    expect(svg).toContain(`width="${EINVOICE_PAGE.width}"`);
    expect(svg).toContain("26312000000987654321");
    expect(svg).toContain("上海&lt;浦东&gt;酒店 &amp; 公寓");
    expect(svg).not.toContain("<浦东>");
    expect(svg).toContain("¥1060.00");
    expect(svg).toContain("住宿服务*住宿费");
    expect(eInvoicePageSvg(inv({ items: [{ ...inv().items[0]!, taxRate: "0.06" }] }))).toContain(">6%<");
  });

  it("shows at most eight item rows and says how many more there are", () => {
    const item = inv().items[0]!;
    const svg = eInvoicePageSvg(inv({ items: Array.from({ length: 11 }, (_, i) => ({ ...item, name: `项目${i + 1}` })) }));
    expect(svg).toContain("项目8");
    expect(svg).not.toContain("项目9<");
    expect(svg).toContain("另有 3 项");
  });
});
