import { describe, expect, it } from "vitest";
import { DEFAULT_SEND_TO, SEND_TO_BY_COMPANY, buildCoverSheet, receiptNumber, type CoverSheetSource } from "./cover-sheet";

const cny = (minor: number) => ({ minor: BigInt(minor), currency: "CNY" });
const source = (over: Partial<CoverSheetSource> = {}): CoverSheetSource => ({
  number: "EC2026000123",
  status: "SUBMITTED",
  purpose: "Client visit",
  // 17:30 UTC is already the next day in Shanghai.
  submittedAt: new Date("2026-11-30T17:30:00Z"),
  claimant: { name: "Li Wei", email: "li@demo.af" },
  company: { code: "HQ", name: "Huaxin", nameZh: "华信" },
  department: { name: "Sales", nameZh: "销售部" },
  lines: [
    { id: "l1", merchant: "Taxi", amount: cny(4_500), receiptIds: ["r2"] },
    { id: "l2", merchant: "Hotel", amount: { minor: 80_000n, currency: "HKD" }, receiptIds: ["r1", "r2"] },
    { id: "l3", merchant: "Lunch", amount: cny(12_000), receiptIds: [] },
  ],
  receipts: [
    { id: "r1", fileName: "hotel.pdf", pages: 2 },
    { id: "r2", fileName: "taxi.jpg", pages: 1 },
    { id: "r3", fileName: "spare.jpg", pages: null },
  ],
  ...over,
});

describe("receiptNumber", () => {
  it("numbers from R1 by stored position", () => {
    expect([0, 1, 9].map(receiptNumber)).toEqual(["R1", "R2", "R10"]);
  });
  it("refuses a position that is not one", () => {
    expect(() => receiptNumber(-1)).toThrow(RangeError);
    expect(() => receiptNumber(1.5)).toThrow(RangeError);
  });
});

describe("buildCoverSheet", () => {
  it("numbers the receipts in their stored order and names the lines each supports", () => {
    const sheet = buildCoverSheet(source());
    expect(sheet.receipts.map((r) => [r.number, r.fileName, r.lineNumbers])).toEqual([
      ["R1", "hotel.pdf", [2]],
      ["R2", "taxi.jpg", [1, 2]],
      ["R3", "spare.jpg", []],
    ]);
    expect(sheet.receipts[1]!.amounts).toEqual([cny(4_500), { minor: 80_000n, currency: "HKD" }]);
    expect(sheet.receipts[2]!.amounts).toEqual([]);
  });

  it("totals per currency in first-seen order, and lists lines without a receipt", () => {
    const sheet = buildCoverSheet(source());
    expect(sheet.totals).toEqual([cny(16_500), { minor: 80_000n, currency: "HKD" }]);
    expect(sheet.linesWithoutReceipt).toEqual([3]);
  });

  it("encodes the cover-sheet code (claim number and check letter) and dates the submission on the SSC's calendar", () => {
    const sheet = buildCoverSheet(source());
    expect(sheet.barcodeText).toBe("EC2026000123X");
    expect(sheet.submittedOn).toBe("2026-12-01");
    expect(sheet.isDraft).toBe(false);
  });

  it("marks a draft, which has no submission day", () => {
    const sheet = buildCoverSheet(source({ status: "DRAFT", submittedAt: null }));
    expect(sheet.isDraft).toBe(true);
    expect(sheet.submittedOn).toBeNull();
  });

  it("sends to the company's address, or the SSC's for a company not in the table", () => {
    expect(buildCoverSheet(source()).sendTo).toBe(SEND_TO_BY_COMPANY.HQ);
    expect(buildCoverSheet(source({ company: { code: "HK", name: "HK", nameZh: "港" } })).sendTo).toBe(SEND_TO_BY_COMPANY.HK);
    expect(buildCoverSheet(source({ company: { code: "T123", name: "T", nameZh: "T" } })).sendTo).toBe(DEFAULT_SEND_TO);
  });

  it("has an empty receipt list and no totals for a claim with nothing on it", () => {
    const sheet = buildCoverSheet(source({ lines: [], receipts: [] }));
    expect(sheet.receipts).toEqual([]);
    expect(sheet.totals).toEqual([]);
    expect(sheet.linesWithoutReceipt).toEqual([]);
  });
});
