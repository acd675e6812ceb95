import { describe, expect, it } from "vitest";
import { isCompleteProposal, proposeLine, type ProposalFacts } from "./receipt-proposal";

const CODES = ["AIR", "RAIL", "TAXI", "HOTEL", "MEAL", "OTHER"];

function facts(over: Partial<ProposalFacts> = {}): ProposalFacts {
  return {
    receiptId: "r1",
    fields: {
      total: { value: 45800n, confidence: 1, region: { page: 1, x: 10, y: 20, width: 100, height: 30 } },
      date: { value: "2026-11-20", confidence: 1 },
      merchant: { value: "  如家快捷宾馆  ", confidence: 0.95 },
      currency: { value: "CNY", confidence: 1 },
    },
    categoryCodes: CODES,
    defaultCurrency: "CNY",
    usedReceiptIds: new Set(),
    dismissed: false,
    ...over,
  };
}

describe("proposeLine", () => {
  it("proposes date, guessed category, amount, currency and merchant, each marked read or guessed", () => {
    const p = proposeLine(facts())!;
    expect(p.amountMinor).toEqual({ value: 45800n, origin: "read", confidence: 1, low: false, region: { page: 1, x: 10, y: 20, width: 100, height: 30 } });
    expect(p.spentOn).toMatchObject({ value: "2026-11-20", origin: "read" });
    expect(p.merchant).toMatchObject({ value: "如家快捷宾馆", origin: "read" });
    expect(p.categoryCode).toEqual({ value: "HOTEL", origin: "guessed" });
    expect(p.currency).toMatchObject({ value: "CNY", origin: "read" });
    expect(p.lowConfidence).toEqual([]);
    expect(isCompleteProposal(p)).toBe(true);
  });

  it("marks values read with low confidence", () => {
    const f = facts().fields;
    const p = proposeLine(facts({ fields: { ...f, total: { value: 1200n, confidence: 0.5 }, date: { value: "2026-03-12", confidence: 0.5 } } }))!;
    expect(p.amountMinor.low).toBe(true);
    expect(p.lowConfidence).toEqual(["spentOn", "amountMinor"]);
  });

  it("offers nothing without a positive total, for a used receipt, or once dismissed", () => {
    const { total: _drop, ...noTotal } = facts().fields;
    expect(proposeLine(facts({ fields: noTotal }))).toBeNull();
    expect(proposeLine(facts({ fields: { ...facts().fields, total: { value: 0n, confidence: 1 } } }))).toBeNull();
    expect(proposeLine(facts({ usedReceiptIds: new Set(["r1"]) }))).toBeNull();
    expect(proposeLine(facts({ dismissed: true }))).toBeNull();
  });

  it("falls back to the company currency (marked default) and leaves unknown date or category open", () => {
    const p = proposeLine(facts({ fields: { total: { value: 900n, confidence: 0.85 }, merchant: { value: "某某贸易有限公司", confidence: 0.8 } }, defaultCurrency: "HKD" }))!;
    expect(p.currency).toEqual({ value: "HKD", origin: "default" });
    expect(p.spentOn).toBeNull();
    expect(p.categoryCode).toBeNull();
    expect(isCompleteProposal(p)).toBe(false);
  });

  it("ignores an invalid date or currency code as read", () => {
    const p = proposeLine(facts({ fields: { ...facts().fields, date: { value: "2026-02-30", confidence: 1 }, currency: { value: "¥", confidence: 0.9 } } }))!;
    expect(p.spentOn).toBeNull();
    expect(p.currency.origin).toBe("default");
  });
});
