import { describe, expect, it } from "vitest";
import { lineTotals, parseLedgerSearch, parsePage, parsePeriod, parseVoucherKind, voucherLabel } from "./ledger-display";

describe("voucherLabel", () => {
  it("prints the voucher word and four digits, more when needed", () => {
    expect(voucherLabel("记", 1)).toBe("记-0001");
    expect(voucherLabel("记", 12345)).toBe("记-12345");
  });
});

describe("parseLedgerSearch", () => {
  it("reads a printed voucher number", () => {
    expect(parseLedgerSearch("记-0012")).toEqual({ voucherNumber: 12, claimNumber: null });
    expect(parseLedgerSearch(" 记 - 7 ")).toEqual({ voucherNumber: 7, claimNumber: null });
  });
  it("reads bare digits as a voucher number or the start of a claim number", () => {
    expect(parseLedgerSearch("0012")).toEqual({ voucherNumber: 12, claimNumber: "0012" });
    expect(parseLedgerSearch("0")).toEqual({ voucherNumber: null, claimNumber: "0" });
  });
  it("reads anything else as a claim number", () => {
    expect(parseLedgerSearch("EC-2026-000123")).toEqual({ voucherNumber: null, claimNumber: "EC-2026-000123" });
  });
  it("asks for nothing when blank", () => {
    expect(parseLedgerSearch("  ")).toBeNull();
    expect(parseLedgerSearch(null)).toBeNull();
  });
});

describe("URL parameters", () => {
  it("keeps only a real period, kind and page", () => {
    expect(parsePeriod("2026-12")).toBe("2026-12");
    expect(parsePeriod("2026-13")).toBeNull();
    expect(parsePeriod("'; drop")).toBeNull();
    expect(parseVoucherKind("REVERSAL")).toBe("REVERSAL");
    expect(parseVoucherKind("reversal")).toBeNull();
    expect(parsePage("3")).toBe(3);
    expect(parsePage("0")).toBe(1);
    expect(parsePage("1.5")).toBe(1);
    expect(parsePage(null)).toBe(1);
  });
});

describe("lineTotals", () => {
  it("sums both sides and says whether they balance, red lines included", () => {
    expect(lineTotals([{ debitMinor: "1000", creditMinor: "0" }, { debitMinor: "130", creditMinor: "0" }, { debitMinor: "0", creditMinor: "1130" }])).toEqual({
      debitMinor: "1130",
      creditMinor: "1130",
      balanced: true,
    });
    expect(lineTotals([{ debitMinor: "-500", creditMinor: "0" }, { debitMinor: "0", creditMinor: "-400" }]).balanced).toBe(false);
  });
});
