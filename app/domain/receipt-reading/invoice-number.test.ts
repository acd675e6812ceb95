import { describe, expect, it } from "vitest";
import { invoiceIdentity, normaliseInvoiceCode, normaliseInvoiceNumber } from "./invoice-number";
import { parseInvoiceQr } from "./qr-payload";

describe("invoice numbers", () => {
  it("normalises codes and numbers", () => {
    expect(normaliseInvoiceCode("0440 3190 0111")).toBe("044031900111");
    expect(normaliseInvoiceCode("3100204130")).toBe("3100204130");
    expect(normaliseInvoiceCode("12345")).toBeNull();
    expect(normaliseInvoiceNumber("No. 0123 4567")).toBe("01234567");
    expect(normaliseInvoiceNumber("２４４４２００００００１２３４５６７８９")).toBe("24442000000123456789");
    expect(normaliseInvoiceNumber("123456789")).toBeNull();
  });

  it("gives a digital invoice its number as identity, a VAT invoice its code and number", () => {
    expect(invoiceIdentity({ number: "24442000000123456789" })?.key).toBe("D24442000000123456789");
    expect(invoiceIdentity({ code: "044031900111", number: "01234567" })?.key).toBe("V044031900111-01234567");
    expect(invoiceIdentity({ code: "044031900111", number: "24442000000123456789" })?.kind).toBe("digital");
    // An 8-digit number alone is not enough to tell two invoices apart.
    expect(invoiceIdentity({ number: "01234567" })).toBeNull();
  });
});

describe("parseInvoiceQr", () => {
  it("reads an electronic ordinary VAT invoice's QR", () => {
    const qr = parseInvoiceQr("01,10,044031900111,01234567,1000.00,20261203,12345678901234567890,A1B2,");
    expect(qr).toMatchObject({
      typeCode: "10",
      type: "ordinary_vat_electronic",
      invoiceCode: "044031900111",
      invoiceNumber: "01234567",
      amountMinor: 100000n,
      date: "2026-12-03",
      checkCode: "12345678901234567890",
    });
    expect(qr?.identity.key).toBe("V044031900111-01234567");
  });

  it("reads a fully digital invoice's QR (no code, 20-digit number)", () => {
    const qr = parseInvoiceQr("01,32,,24442000000123456789,283.02,20261201,,B7C3");
    expect(qr).toMatchObject({ type: "digital_ordinary", invoiceCode: null, amountMinor: 28302n, date: "2026-12-01", checkCode: null });
    expect(qr?.identity.key).toBe("D24442000000123456789");
  });

  it("refuses what is not an invoice QR", () => {
    expect(parseInvoiceQr("https://wxpay.example/abc")).toBeNull();
    expect(parseInvoiceQr("01,10,044031900111,0123,1000.00,20261203")).toBeNull();
    expect(parseInvoiceQr("01,10,0440,01234567,1000.00,20261203")).toBeNull();
    expect(parseInvoiceQr("a,b,c,d,e,f")).toBeNull();
  });
});
