import { describe, expect, it } from "vitest";
import { ClosePeriodSchema, ExportSchema, ReverseVoucherSchema, SetMappingSchema } from "./ledger-forms";

describe("ledger forms", () => {
  it("wants a reason for a reversal", () => {
    expect(ReverseVoucherSchema.safeParse({ intent: "reverse", reason: "  " }).success).toBe(false);
    expect(ReverseVoucherSchema.parse({ intent: "reverse", reason: " wrong department " }).reason).toBe("wrong department");
  });
  it("closes only a real period", () => {
    expect(ClosePeriodSchema.safeParse({ intent: "close", companyId: "c", period: "2026-13" }).success).toBe(false);
    expect(ClosePeriodSchema.safeParse({ intent: "close", companyId: "c", period: "2026-11" }).success).toBe(true);
  });
  it("reads an export's dates and checkbox, and refuses a range that ends before it starts", () => {
    expect(ExportSchema.parse({ companyId: "c", format: "kingdee", from: "", to: "2026-12-31", onlyNew: "on" })).toEqual({
      companyId: "c",
      format: "kingdee",
      from: undefined,
      to: "2026-12-31",
      onlyNew: true,
    });
    expect(ExportSchema.parse({ companyId: "c", format: "csv" }).onlyNew).toBe(false);
    expect(ExportSchema.safeParse({ companyId: "c", format: "csv", from: "2026-12-31", to: "2026-12-01" }).success).toBe(false);
    expect(ExportSchema.safeParse({ companyId: "c", format: "xml" }).success).toBe(false);
  });
  it("asks for a category of an expense mapping and a payer account of a bank mapping", () => {
    expect(SetMappingSchema.safeParse({ intent: "set-mapping", companyId: "c", purpose: "EXPENSE", accountCode: "6602.01" }).success).toBe(false);
    expect(SetMappingSchema.safeParse({ intent: "set-mapping", companyId: "c", purpose: "BANK_CLEARING", accountCode: "100201" }).success).toBe(false);
    expect(SetMappingSchema.parse({ intent: "set-mapping", companyId: "c", purpose: "INPUT_VAT", accountCode: "22210101", departmentId: "" }).departmentId).toBeUndefined();
  });
});
