import { describe, expect, it } from "vitest";
import { deductibleInputVat, type VatFacts } from "./vat";

const base: VatFacts = {
  categoryCode: "OFFICE",
  invoiceKind: "SPECIAL_VAT",
  taxMinor: 1_300n,
  transportMode: null,
  amountMinor: 11_300n,
  claimedMinor: 11_300n,
  lineCurrency: "CNY",
  companyCurrency: "CNY",
};
const vat = (over: Partial<VatFacts>) => deductibleInputVat({ ...base, ...over });

describe("deductibleInputVat (财税〔2019〕39号)", () => {
  it("a special VAT invoice deducts its printed tax", () => {
    expect(vat({})).toBe(1_300n);
  });

  it("a special VAT invoice with no tax printed deducts nothing", () => {
    expect(vat({ taxMinor: null })).toBe(0n);
    expect(vat({ taxMinor: 0n })).toBe(0n);
  });

  it("approved less scales the printed tax, half-even", () => {
    expect(vat({ amountMinor: 5_650n })).toBe(650n);
    // 1001 × 5000 / 10000 = 500.5 → 500 (even); 1003 × ½ = 501.5 → 502 (even)
    expect(vat({ taxMinor: 1_001n, amountMinor: 5_000n, claimedMinor: 10_000n })).toBe(500n);
    expect(vat({ taxMinor: 1_003n, amountMinor: 5_000n, claimedMinor: 10_000n })).toBe(502n);
    expect(vat({ taxMinor: 1_000n, amountMinor: 3_333n, claimedMinor: 10_000n })).toBe(333n);
    expect(vat({ amountMinor: 0n })).toBe(0n);
  });

  it("meals and entertainment never deduct, whatever the invoice", () => {
    expect(vat({ categoryCode: "MEAL" })).toBe(0n);
    expect(vat({ categoryCode: "ENTERTAIN" })).toBe(0n);
    expect(vat({ categoryCode: "MEAL", invoiceKind: "TRANSPORT_TICKET", transportMode: "RAIL" })).toBe(0n);
  });

  it("only CNY lines of a CNY company deduct", () => {
    expect(vat({ lineCurrency: "USD" })).toBe(0n);
    expect(vat({ companyCurrency: "HKD" })).toBe(0n);
  });

  it("an electronic ordinary invoice deducts only for domestic passenger transport", () => {
    expect(vat({ invoiceKind: "ORDINARY_E", categoryCode: "TAXI", taxMinor: 90n, amountMinor: 3_090n, claimedMinor: 3_090n })).toBe(90n);
    expect(vat({ invoiceKind: "ORDINARY_E", categoryCode: "AIR", taxMinor: 4_500n, amountMinor: 54_500n, claimedMinor: 54_500n })).toBe(4_500n);
    expect(vat({ invoiceKind: "ORDINARY_E", categoryCode: "RAIL", taxMinor: 50n, amountMinor: 600n, claimedMinor: 600n })).toBe(50n);
    expect(vat({ invoiceKind: "ORDINARY_E", categoryCode: "OFFICE" })).toBe(0n);
    expect(vat({ invoiceKind: "ORDINARY_E", categoryCode: "HOTEL" })).toBe(0n);
  });

  it("a passenger ticket deems 9/109 for air and rail, half-even", () => {
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "RAIL", transportMode: "RAIL", taxMinor: null, amountMinor: 10_900n, claimedMinor: 10_900n })).toBe(900n);
    // 100 × 9 / 109 = 8.26 → 8; 1000 × 9 / 109 = 82.57 → 83
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "AIR", transportMode: "AIR", amountMinor: 100n, claimedMinor: 100n })).toBe(8n);
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "AIR", transportMode: "AIR", amountMinor: 1_000n, claimedMinor: 1_000n })).toBe(83n);
  });

  it("a passenger ticket deems 3/103 for road and water, half-even", () => {
    // 1000 × 3 / 103 = 29.13 → 29; 5000 × 3 / 103 = 145.63 → 146
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "TAXI", transportMode: "ROAD", amountMinor: 1_000n, claimedMinor: 1_000n })).toBe(29n);
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "OTHER", transportMode: "WATER", amountMinor: 5_000n, claimedMinor: 5_000n })).toBe(146n);
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "TAXI", transportMode: "ROAD", amountMinor: 10_300n, claimedMinor: 10_300n })).toBe(300n);
  });

  it("a ticket's deemed tax follows the approved amount, and needs an employee passenger and a mode", () => {
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "RAIL", transportMode: "RAIL", amountMinor: 5_450n, claimedMinor: 10_900n })).toBe(450n);
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "RAIL", transportMode: "RAIL", passengerIsEmployee: false })).toBe(0n);
    // No mode recorded: the air and rail categories say it; anything else deducts nothing.
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "RAIL", transportMode: null, amountMinor: 10_900n, claimedMinor: 10_900n })).toBe(900n);
    expect(vat({ invoiceKind: "TRANSPORT_TICKET", categoryCode: "OTHER", transportMode: null })).toBe(0n);
  });

  it("no invoice deducts nothing", () => {
    expect(vat({ invoiceKind: "NONE" })).toBe(0n);
  });

  it("never exceeds the amount", () => {
    expect(vat({ taxMinor: 20_000n, amountMinor: 100n, claimedMinor: 100n })).toBe(100n);
  });
});
