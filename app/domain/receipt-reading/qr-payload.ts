/**
 * The QR code printed on Chinese VAT invoices (增值税发票 二维码): comma-separated fields
 *   version, type, invoice code, invoice number, amount without tax, date YYYYMMDD, check code, [crc], …
 * e.g. "01,10,044031900111,12345678,1000.00,20261203,12345678901234567890,A1B2,". A fully digital
 * invoice (types 31/32, or any payload whose number has 20 digits) leaves the code empty.
 */
import { decimalToMinor } from "./amounts";
import { isoDate } from "./dates";
import { invoiceIdentity, normaliseInvoiceCode, normaliseInvoiceNumber, type InvoiceIdentity } from "./invoice-number";

/** The type codes used in the QR (发票种类代码). */
export const QR_INVOICE_TYPES: Record<string, string> = {
  "01": "special_vat",
  "04": "ordinary_vat",
  "08": "special_vat_electronic",
  "10": "ordinary_vat_electronic",
  "11": "ordinary_vat_roll",
  "14": "toll_electronic",
  "31": "digital_special",
  "32": "digital_ordinary",
  "51": "digital_rail_ticket",
  "61": "digital_air_itinerary",
};

export type QrInvoice = {
  version: string;
  typeCode: string;
  type: string;
  invoiceCode: string | null;
  invoiceNumber: string;
  /** Amount without tax (不含税金额) for most kinds; some payloads carry the total. CNY minor units. */
  amountMinor: bigint | null;
  date: string | null;
  checkCode: string | null;
  identity: InvoiceIdentity;
};

/** Null when the text is not a VAT invoice QR payload (a URL, a payment code, a WeChat link…). */
export function parseInvoiceQr(text: string): QrInvoice | null {
  const parts = text.trim().split(/[,，]/).map((p) => p.trim());
  if (parts.length < 6) return null;
  const [version = "", typeCode = "", code = "", number = "", amount = "", date = "", check = ""] = parts;
  if (!/^\d{2}$/.test(version) || !/^\d{2}$/.test(typeCode)) return null;
  const invoiceNumber = normaliseInvoiceNumber(number);
  if (!invoiceNumber || !/^\d+$/.test(number)) return null;
  const invoiceCode = code === "" ? null : normaliseInvoiceCode(code);
  if (code !== "" && !invoiceCode) return null;
  const identity = invoiceIdentity({ code: invoiceCode, number: invoiceNumber });
  if (!identity) return null;
  const dm = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  return {
    version,
    typeCode,
    type: QR_INVOICE_TYPES[typeCode] ?? "unknown",
    invoiceCode,
    invoiceNumber,
    amountMinor: /^\d+(\.\d{1,2})?$/.test(amount) ? decimalToMinor(amount, "CNY") : null,
    date: dm ? isoDate(+dm[1]!, +dm[2]!, +dm[3]!) : null,
    checkCode: check === "" ? null : check,
    identity,
  };
}
