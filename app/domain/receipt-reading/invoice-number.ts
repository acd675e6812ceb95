/**
 * Invoice identity. A VAT invoice of the old kinds (paper, or electronic before 数电) is identified by its
 * invoice code (发票代码, 10 or 12 digits) and number (发票号码, 8 digits); a fully digital invoice
 * (全面数字化的电子发票, 数电票) by its 20-digit number alone. The identity key is what "one invoice, one
 * payment" compares across every claim of the group.
 */
export type InvoiceIdentity =
  | { kind: "digital"; number: string; key: string }
  | { kind: "vat"; code: string; number: string; key: string };

/** Digits only: full-width digits folded, spaces, dashes and the "No." prefix dropped. */
export function digitsOnly(text: string): string {
  return text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[OoＯ]/g, "0")
    .replace(/[^\d]/g, "");
}

/** A 10- or 12-digit invoice code, or null. */
export function normaliseInvoiceCode(text: string | null | undefined): string | null {
  if (!text) return null;
  const d = digitsOnly(text);
  return d.length === 10 || d.length === 12 ? d : null;
}

/** An 8-digit VAT invoice number or a 20-digit fully digital one, or null. */
export function normaliseInvoiceNumber(text: string | null | undefined): string | null {
  if (!text) return null;
  const d = digitsOnly(text.replace(/^\s*No\.?/i, ""));
  return d.length === 8 || d.length === 20 ? d : null;
}

/**
 * The identity of an invoice from what was read: a 20-digit number is a digital invoice whatever the code
 * says; an 8-digit number needs its code. Null when it cannot be told (no number, or an 8-digit number
 * without a code: not enough to refuse anybody's claim).
 */
export function invoiceIdentity(input: { code?: string | null; number?: string | null }): InvoiceIdentity | null {
  const number = normaliseInvoiceNumber(input.number);
  if (!number) return null;
  if (number.length === 20) return { kind: "digital", number, key: `D${number}` };
  const code = normaliseInvoiceCode(input.code);
  if (!code) return null;
  return { kind: "vat", code, number, key: `V${code}-${number}` };
}
