/**
 * The fully digital e-invoice (全面数字化的电子发票, 数电票) as the tax bureau's XML: <EInvoice> with
 * Header, EInvoiceData (SellerInformation, BuyerInformation, BasicInformation, IssuItemInformation…) and
 * TaxSupervisionInfo (InvoiceNumber, IssueTime). Read exactly: every figure from its element, amounts to
 * minor units without a float; the capital-numeral total is checked against the figure.
 *
 * Element names vary a little between the bureau's versions (TotalTax-includedAmount /
 * TotalTaxIncludedAmount; RequestTime / IssueTime); each field lists the names it accepts.
 */
import { SaxesParser } from "saxes";
import { decimalToMinor, parseCapitalAmount } from "./amounts";
import { parsePrintedDate } from "./dates";
import type { ReceiptFields } from "./fields";
import { invoiceIdentity, normaliseInvoiceNumber, type InvoiceIdentity } from "./invoice-number";
import { isValidUscc, normaliseUscc } from "./uscc";

export type EInvoiceItem = {
  name: string;
  spec: string | null;
  unit: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amountMinor: bigint;
  taxRate: string | null;
  taxMinor: bigint;
};

export type EInvoice = {
  invoiceNumber: string;
  issueDate: string;
  sellerName: string;
  sellerTaxId: string;
  buyerName: string;
  buyerTaxId: string | null;
  amountWithoutTaxMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  currency: "CNY";
  items: EInvoiceItem[];
  /** Findings about the file itself (a seller id failing its check digit, sums not adding up); empty when clean. */
  problems: string[];
  identity: InvoiceIdentity;
};

export class EInvoiceReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EInvoiceReadError";
  }
}

/** True when the text looks like a digital e-invoice XML (cheap sniff, before a full parse). */
export function looksLikeEInvoiceXml(text: string): boolean {
  return /<\s*(?:\w+:)?EInvoice[\s>]/.test(text.slice(0, 4096));
}

const NAMES = {
  invoiceNumber: ["InvoiceNumber", "EInvoiceNumber"],
  issue: ["IssueTime", "RequestTime", "IssueDate"],
  sellerName: ["SellerName"],
  sellerId: ["SellerIdNum", "SellerTaxID", "SellerTaxId"],
  buyerName: ["BuyerName"],
  buyerId: ["BuyerIdNum", "BuyerTaxID", "BuyerTaxId"],
  net: ["TotalAmWithoutTax", "TotalAmountWithoutTax"],
  tax: ["TotalTaxAm", "TotalTaxAmount"],
  total: ["TotalTax-includedAmount", "TotalTaxIncludedAmount", "TotaltaxIncludedAmount"],
  totalChinese: ["TotalTax-includedAmountInChinese", "TotalTaxIncludedAmountInChinese"],
} as const;
const ITEM_ELEMENTS = new Set(["IssuItemInformation", "IssueItemInformation"]);

export function parseEInvoiceXml(xml: string): EInvoice {
  const parser = new SaxesParser({ xmlns: false });
  const path: string[] = [];
  let text = "";
  const top = new Map<string, string>();
  const items: Map<string, string>[] = [];
  let item: Map<string, string> | null = null;
  let sawRoot = false;
  parser.on("opentag", (tag) => {
    const name = localName(tag.name);
    if (path.length === 0) sawRoot = name === "EInvoice";
    path.push(name);
    text = "";
    if (ITEM_ELEMENTS.has(name)) item = new Map();
  });
  parser.on("text", (t) => (text += t));
  parser.on("cdata", (t) => (text += t));
  parser.on("closetag", (tag) => {
    const name = localName(tag.name);
    path.pop();
    if (ITEM_ELEMENTS.has(name)) {
      if (item) items.push(item);
      item = null;
    } else if (item) {
      if (!item.has(name)) item.set(name, text.trim());
    } else if (!top.has(name) && text.trim() !== "") top.set(name, text.trim());
    text = "";
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw new EInvoiceReadError(`not well-formed XML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }
  if (!sawRoot) throw new EInvoiceReadError("not a digital e-invoice (no EInvoice root element)");

  const get = (names: readonly string[]) => names.map((n) => top.get(n)).find((v) => v !== undefined) ?? null;
  const need = (names: readonly string[], what: string) => {
    const v = get(names);
    if (v === null) throw new EInvoiceReadError(`missing ${what} (${names.join(" / ")})`);
    return v;
  };
  const money = (value: string, what: string) => {
    const minor = /^-?\d+(\.\d+)?$/.test(value) ? decimalToMinor(value, "CNY") : null;
    if (minor === null) throw new EInvoiceReadError(`${what} is not an amount: ${JSON.stringify(value)}`);
    return minor;
  };

  const invoiceNumber = normaliseInvoiceNumber(need(NAMES.invoiceNumber, "invoice number"));
  if (!invoiceNumber || invoiceNumber.length !== 20) throw new EInvoiceReadError("the invoice number is not 20 digits");
  const issueDate = parsePrintedDate(need(NAMES.issue, "issue date"))?.date;
  if (!issueDate) throw new EInvoiceReadError("the issue date cannot be read");
  const problems: string[] = [];
  const sellerTaxId = normaliseUscc(need(NAMES.sellerId, "seller tax id"));
  if (!isValidUscc(sellerTaxId)) problems.push("seller_tax_id_check_digit");
  const buyerRaw = get(NAMES.buyerId);
  const buyerTaxId = buyerRaw ? normaliseUscc(buyerRaw) : null;
  if (buyerTaxId && /^[0-9A-Z]{18}$/.test(buyerTaxId) && !isValidUscc(buyerTaxId)) problems.push("buyer_tax_id_check_digit");
  const net = money(need(NAMES.net, "amount without tax"), "amount without tax");
  const tax = money(need(NAMES.tax, "tax"), "tax");
  const total = money(need(NAMES.total, "total"), "total");
  if (net + tax !== total) problems.push("total_is_not_net_plus_tax");
  const chinese = get(NAMES.totalChinese);
  if (chinese !== null && parseCapitalAmount(chinese) !== total) problems.push("capital_total_differs");

  const readItems: EInvoiceItem[] = items.map((m, i) => ({
    name: m.get("ItemName") ?? "",
    spec: m.get("SpecMod") || null,
    unit: m.get("MeaUnits") || null,
    quantity: m.get("Quantity") || null,
    unitPrice: m.get("UnPrice") || null,
    amountMinor: money(m.get("Amount") ?? "", `item ${i + 1} amount`),
    taxRate: m.get("TaxRate") || null,
    taxMinor: money(m.get("ComTaxAm") ?? "0", `item ${i + 1} tax`),
  }));
  if (readItems.length > 0) {
    const sumNet = readItems.reduce((s, it) => s + it.amountMinor, 0n);
    const sumTax = readItems.reduce((s, it) => s + it.taxMinor, 0n);
    if (sumNet !== net || sumTax !== tax) problems.push("items_do_not_add_up");
  }
  return {
    invoiceNumber,
    issueDate,
    sellerName: need(NAMES.sellerName, "seller name"),
    sellerTaxId,
    buyerName: need(NAMES.buyerName, "buyer name"),
    buyerTaxId,
    amountWithoutTaxMinor: net,
    taxMinor: tax,
    totalMinor: total,
    currency: "CNY",
    items: readItems,
    problems,
    identity: invoiceIdentity({ number: invoiceNumber })!,
  };
}

function localName(name: string): string {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
}

/** The invoice as reading fields: all exact (confidence 1), except a seller id failing its check digit. */
export function eInvoiceFields(inv: EInvoice): ReceiptFields {
  return {
    total: { value: inv.totalMinor, confidence: 1 },
    date: { value: inv.issueDate, confidence: 1 },
    merchant: { value: inv.sellerName, confidence: 1 },
    currency: { value: inv.currency, confidence: 1 },
    invoiceNumber: { value: inv.invoiceNumber, confidence: 1 },
    sellerTaxId: { value: inv.sellerTaxId, confidence: inv.problems.includes("seller_tax_id_check_digit") ? 0.3 : 1 },
    taxAmount: { value: inv.taxMinor, confidence: 1 },
    amountWithoutTax: { value: inv.amountWithoutTaxMinor, confidence: 1 },
    buyerName: { value: inv.buyerName, confidence: 1 },
    ...(inv.buyerTaxId ? { buyerTaxId: { value: inv.buyerTaxId, confidence: 1 } } : {}),
  };
}
