import { describe, expect, it } from "vitest";
import { DEFAULT_TOLERANCES, checkClaim, type CheckFacts, type CheckLine } from "./claim-checks";
import { DEFAULT_CALENDAR } from "./work-calendar";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const PHASH = "00000000000000ff";
/** `PHASH` with the lowest `bits` of the high byte flipped: exactly `bits` apart. */
const phashAt = (bits: number) => `${((1 << bits) - 1).toString(16).padStart(2, "0")}000000000000ff`;

const RATES: Record<string, string> = { "USD>CNY": "7.1000", "JPY>CNY": "0.048", "CNY>USD": "0.14" };

const line = (over: Partial<CheckLine> = {}): CheckLine => ({
  id: "L1",
  spentOn: "2026-03-09", // a Monday
  categoryCode: "MEALS",
  amountMinor: 8_800n,
  currency: "CNY",
  receiptIds: ["R1"],
  ...over,
});

const facts = (over: Partial<CheckFacts> = {}): CheckFacts => ({
  companyCurrency: "CNY",
  lines: [line()],
  receipts: [{ id: "R1", sha256: SHA_A, phash: PHASH, capturedOn: "2026-03-09" }],
  elsewhere: [],
  categoryLimits: { MEALS: { limitMinor: 20_000n, currency: "CNY" } },
  rateFor: (from, to) => RATES[`${from}>${to}`],
  calendar: DEFAULT_CALENDAR,
  ...over,
});

const codes = (f: CheckFacts) => checkClaim(f).map((x) => `${x.lineId}:${x.code}:${x.severity}`);

describe("checkClaim", () => {
  it("reports the same invoice on another claim as an error beside the lines carrying it (issue 14)", () => {
    const f = facts({
      lines: [line(), line({ id: "L2", receiptIds: ["R2"] })],
      receipts: [
        { id: "R1", sha256: SHA_A, phash: PHASH, capturedOn: "2026-03-09" },
        { id: "R2", sha256: SHA_B, phash: null, capturedOn: null },
      ],
      invoicesElsewhere: [
        { receiptId: "R1", claimId: "C2", claimNumber: "EC2026000002" },
        { receiptId: "R1", claimId: "C2", claimNumber: "EC2026000002" },
        { receiptId: "R1", claimId: "C3", claimNumber: "EC2026000003" },
      ],
    });
    expect(checkClaim(f).filter((x) => x.code === "duplicate_invoice")).toEqual([
      {
        code: "duplicate_invoice",
        severity: "error",
        lineId: "L1",
        params: { receiptId: "R1", claimId: "C3", claimNumber: "EC2026000003", claimCount: 2 },
        claims: [
          { claimId: "C3", claimNumber: "EC2026000003" },
          { claimId: "C2", claimNumber: "EC2026000002" },
        ],
      },
    ]);
  });

  it("finds nothing on a line with everything fine", () => {
    expect(checkClaim(facts())).toEqual([]);
    expect(DEFAULT_TOLERANCES).toEqual({ receiptDateDays: 30, fxShare: 0.03, phashDistance: 6, readAmountMinor: 0, readDateDays: 3, readConfidence: 0.7 });
  });

  describe("receipt_missing", () => {
    it("is an error for a line without receipts, or with only unknown ones", () => {
      expect(codes(facts({ lines: [line({ receiptIds: [] })] }))).toEqual(["L1:receipt_missing:error"]);
      expect(codes(facts({ lines: [line({ receiptIds: ["gone"] })] }))).toEqual(["L1:receipt_missing:error"]);
    });
    it("is not raised when one of the ids resolves", () => {
      expect(codes(facts({ lines: [line({ receiptIds: ["gone", "R1"] })] }))).toEqual([]);
    });
  });

  describe("duplicate_receipt", () => {
    it("is one error per receipt when the same bytes are on other claims, listing each other claim once, newest first", () => {
      const elsewhere = [
        { sha256: SHA_A, phash: PHASH, claimId: "c-7", claimNumber: "EC-2026-000007" },
        { sha256: SHA_A, phash: PHASH, claimId: "c-7", claimNumber: "EC-2026-000007" },
        { sha256: SHA_A, phash: null, claimId: "c-9", claimNumber: "EC-2026-000009" },
      ];
      expect(checkClaim(facts({ elsewhere }))).toEqual([
        {
          code: "duplicate_receipt",
          severity: "error",
          lineId: "L1",
          params: { receiptId: "R1", claimId: "c-9", claimNumber: "EC-2026-000009", claimCount: 2 },
          claims: [
            { claimId: "c-9", claimNumber: "EC-2026-000009" },
            { claimId: "c-7", claimNumber: "EC-2026-000007" },
          ],
        },
      ]);
    });
    it("stays one finding for a receipt filed on nine other claims", () => {
      const elsewhere = Array.from({ length: 9 }, (_, i) => ({ sha256: SHA_A, phash: null, claimId: `c-${i}`, claimNumber: `EC-2026-00000${i}` }));
      const found = checkClaim(facts({ elsewhere }));
      expect(found).toHaveLength(1);
      expect(found[0]!.params.claimCount).toBe(9);
      expect(found[0]!.claims!.map((c) => c.claimId)).toEqual(["c-8", "c-7", "c-6", "c-5", "c-4", "c-3", "c-2", "c-1", "c-0"]);
    });
    it("is not raised for different bytes with a distant hash", () => {
      expect(codes(facts({ elsewhere: [{ sha256: SHA_B, phash: "ffffffffffffff00", claimId: "c-7", claimNumber: "EC-7" }] }))).toEqual([]);
    });
    it("is not raised for one receipt on two lines of the same claim, but shown beside both when it is elsewhere", () => {
      const two = [line(), line({ id: "L2", categoryCode: "TAXI" })];
      expect(codes(facts({ lines: two }))).toEqual([]);
      const elsewhere = [{ sha256: SHA_A, phash: null, claimId: "c-7", claimNumber: "EC-7" }];
      expect(codes(facts({ lines: two, elsewhere }))).toEqual(["L1:duplicate_receipt:error", "L2:duplicate_receipt:error"]);
    });
  });

  describe("similar_receipt", () => {
    const other = (phash: string | null, claimId = "c-7") => ({ sha256: SHA_B, phash, claimId, claimNumber: `EC-${claimId}` });
    it("is a warning for a look-alike within the distance, inclusive", () => {
      expect(checkClaim(facts({ elsewhere: [other(phashAt(6))] }))).toEqual([
        {
          code: "similar_receipt",
          severity: "warning",
          lineId: "L1",
          params: { receiptId: "R1", claimId: "c-7", claimNumber: "EC-c-7", distance: 6, claimCount: 1 },
          claims: [{ claimId: "c-7", claimNumber: "EC-c-7", distance: 6 }],
        },
      ]);
      // Several look-alikes: one warning, the closest first.
      const several = checkClaim(facts({ elsewhere: [other(phashAt(5), "c-1"), other(phashAt(3), "c-2"), other(phashAt(6), "c-3")] }));
      expect(several).toHaveLength(1);
      expect(several[0]!.params).toMatchObject({ claimId: "c-2", distance: 3, claimCount: 3 });
      expect(several[0]!.claims!.map((c) => [c.claimId, c.distance])).toEqual([["c-2", 3], ["c-1", 5], ["c-3", 6]]);
      expect(codes(facts({ elsewhere: [other(PHASH)] }))).toEqual(["L1:similar_receipt:warning"]);
    });
    it("is not raised beyond the distance, without hashes, or for malformed hashes", () => {
      expect(codes(facts({ elsewhere: [other(phashAt(7))] }))).toEqual([]);
      expect(codes(facts({ elsewhere: [other(null)] }))).toEqual([]);
      expect(codes(facts({ elsewhere: [other("not-a-hash")] }))).toEqual([]);
      expect(codes(facts({ receipts: [{ id: "R1", sha256: SHA_A, phash: null, capturedOn: null }], elsewhere: [other(PHASH)] }))).toEqual([]);
    });
    it("follows a tighter tolerance", () => {
      expect(codes(facts({ elsewhere: [other(phashAt(3))], tolerances: { phashDistance: 2 } }))).toEqual([]);
      expect(codes(facts({ elsewhere: [other(phashAt(2))], tolerances: { phashDistance: 2 } }))).toEqual(["L1:similar_receipt:warning"]);
    });
    it("reports the closest look-alike per claim, and only the duplicate when a claim has both", () => {
      const f = checkClaim(facts({ elsewhere: [other(phashAt(5)), other(phashAt(2)), other(phashAt(4), "c-8"), { ...other(null, "c-8"), sha256: SHA_A }] }));
      expect(f.map((x) => [x.code, x.params.claimId, x.params.distance])).toEqual([
        ["duplicate_receipt", "c-8", undefined],
        ["similar_receipt", "c-7", 2],
      ]);
    });
  });

  describe("receipt_date_far", () => {
    const dated = (capturedOn: string | null) => facts({ receipts: [{ id: "R1", sha256: SHA_A, phash: PHASH, capturedOn }] });
    it("is a warning beyond 30 days either way", () => {
      expect(checkClaim(dated("2026-04-09"))).toEqual([
        { code: "receipt_date_far", severity: "warning", lineId: "L1", params: { receiptId: "R1", capturedOn: "2026-04-09", spentOn: "2026-03-09", days: 31 } },
      ]);
      expect(codes(dated("2026-02-06"))).toEqual(["L1:receipt_date_far:warning"]);
    });
    it("is not raised at 30 days, without a date, or for a garbled date", () => {
      expect(codes(dated("2026-04-08"))).toEqual([]);
      expect(codes(dated("2026-02-07"))).toEqual([]);
      expect(codes(dated(null))).toEqual([]);
      expect(codes(dated("2026:04:30"))).toEqual([]);
    });
    it("follows another tolerance", () => {
      expect(codes({ ...dated("2026-03-12"), tolerances: { receiptDateDays: 2 } })).toEqual(["L1:receipt_date_far:warning"]);
    });
  });

  describe("over_category_limit", () => {
    it("is a warning above the limit, not at it", () => {
      expect(codes(facts({ lines: [line({ amountMinor: 20_000n })] }))).toEqual([]);
      expect(checkClaim(facts({ lines: [line({ amountMinor: 20_001n })] }))).toEqual([
        {
          code: "over_category_limit",
          severity: "warning",
          lineId: "L1",
          params: { limitMinor: "20000", limitCurrency: "CNY", amountMinor: "20001", currency: "CNY", convertedMinor: "20001" },
        },
      ]);
    });
    it("converts a foreign line into the limit's currency at the line date's rate", () => {
      // USD 28.17 × 7.1 = CNY 200.007 → 200.01 > 200.00; USD 28.16 → 199.94.
      const usd = (amountMinor: bigint) => facts({ lines: [line({ currency: "USD", amountMinor })] });
      expect(checkClaim(usd(2_817n))[0]).toMatchObject({ code: "over_category_limit", params: { convertedMinor: "20001", rate: "7.1000" } });
      expect(codes(usd(2_816n))).toEqual([]);
    });
    it("handles a limit in another currency than the company's", () => {
      const limits = { MEALS: { limitMinor: 1_000n, currency: "USD" } }; // USD 10.00
      expect(codes(facts({ categoryLimits: limits, lines: [line({ amountMinor: 7_200n })] }))).toEqual(["L1:over_category_limit:warning"]); // 10.08
      expect(codes(facts({ categoryLimits: limits, lines: [line({ amountMinor: 7_100n })] }))).toEqual([]); // 9.94
    });
    it("says so, as info, when there is no rate to check the limit", () => {
      expect(checkClaim(facts({ lines: [line({ currency: "EUR", amountMinor: 100n })] }))).toEqual([
        { code: "over_category_limit", severity: "info", lineId: "L1", params: { limitMinor: "20000", limitCurrency: "CNY", amountMinor: "100", currency: "EUR", reason: "no_rate" } },
      ]);
    });
    it("is not raised for a category without a limit", () => {
      expect(codes(facts({ lines: [line({ categoryCode: "HOTEL", amountMinor: 10n ** 9n })] }))).toEqual([]);
    });
  });

  describe("fx_rate_out_of_tolerance", () => {
    // USD 100.00 at the reference 7.1000 is CNY 710.00; ±3 % is 688.70 … 731.30.
    const usd = (statedCompanyMinor: bigint | null | undefined) =>
      facts({ categoryLimits: {}, lines: [line({ currency: "USD", amountMinor: 10_000n, statedCompanyMinor })] });
    it("is not raised within ±3 %, boundaries included", () => {
      expect(codes(usd(71_000n))).toEqual([]);
      expect(codes(usd(73_130n))).toEqual([]);
      expect(codes(usd(68_870n))).toEqual([]);
    });
    it("is a warning just outside, either way", () => {
      expect(checkClaim(usd(73_131n))).toEqual([
        {
          code: "fx_rate_out_of_tolerance",
          severity: "warning",
          lineId: "L1",
          params: { impliedRate: "7.313100", referenceRate: "7.1000", deviationPercent: 3, statedCompanyMinor: "73131", companyCurrency: "CNY" },
        },
      ]);
      expect(checkClaim(usd(68_869n))[0]).toMatchObject({ code: "fx_rate_out_of_tolerance", params: { impliedRate: "6.886900", deviationPercent: -3 } });
      expect(checkClaim(usd(80_000n))[0]?.params.deviationPercent).toBe(12.68);
    });
    it("accounts for currencies without minor units", () => {
      // JPY 10,000 at 0.048 is CNY 480.00; the claimant says 500.00 (+4.17 %).
      const jpy = (stated: bigint) => facts({ categoryLimits: {}, lines: [line({ currency: "JPY", amountMinor: 10_000n, statedCompanyMinor: stated })] });
      expect(checkClaim(jpy(50_000n))[0]).toMatchObject({ code: "fx_rate_out_of_tolerance", params: { impliedRate: "0.050000", deviationPercent: 4.17 } });
      expect(codes(jpy(49_000n))).toEqual([]);
    });
    it("follows another tolerance", () => {
      expect(codes({ ...usd(71_800n), tolerances: { fxShare: 0.01 } })).toEqual(["L1:fx_rate_out_of_tolerance:warning"]);
      expect(codes({ ...usd(71_700n), tolerances: { fxShare: 0.01 } })).toEqual([]);
    });
    it("is not raised with nothing to compare", () => {
      expect(codes(usd(null))).toEqual([]);
      expect(codes(usd(undefined))).toEqual([]);
      const eur = facts({ categoryLimits: {}, lines: [line({ currency: "EUR", amountMinor: 10_000n, statedCompanyMinor: 1n })] });
      expect(codes(eur)).toEqual([]);
      const cny = facts({ lines: [line({ statedCompanyMinor: 1n })] });
      expect(codes(cny)).toEqual([]);
    });
  });

  describe("weekend_or_holiday", () => {
    const on = (spentOn: string) => facts({ lines: [line({ spentOn })], receipts: [{ id: "R1", sha256: SHA_A, phash: PHASH, capturedOn: spentOn }] });
    it("is info on a weekend or a public holiday", () => {
      expect(checkClaim(on("2026-03-07"))).toEqual([
        { code: "weekend_or_holiday", severity: "info", lineId: "L1", params: { spentOn: "2026-03-07", reason: "weekend" } },
      ]);
      expect(checkClaim(on("2026-10-01"))[0]?.params).toEqual({ spentOn: "2026-10-01", reason: "holiday" });
    });
    it("is not raised on a make-up working Saturday or a weekday", () => {
      expect(codes(on("2026-10-10"))).toEqual([]);
      expect(codes(on("2026-03-10"))).toEqual([]);
    });
  });

  it("reports per line, in line order, and each check in a fixed order", () => {
    const f = facts({
      lines: [
        line({ id: "ok" }),
        line({ id: "bad", spentOn: "2026-03-07", currency: "USD", amountMinor: 10_000n, statedCompanyMinor: 90_000n, receiptIds: ["R2"] }),
        line({ id: "none", receiptIds: [] }),
      ],
      receipts: [
        { id: "R1", sha256: SHA_A, phash: PHASH, capturedOn: "2026-03-09" },
        { id: "R2", sha256: SHA_B, phash: PHASH, capturedOn: "2025-12-01" },
      ],
      elsewhere: [
        { sha256: "c".repeat(64), phash: phashAt(1), claimId: "c-1", claimNumber: "EC-1" },
        { sha256: SHA_B, phash: null, claimId: "c-2", claimNumber: "EC-2" },
      ],
    });
    expect(codes(f)).toEqual([
      "ok:similar_receipt:warning",
      "bad:duplicate_receipt:error",
      "bad:similar_receipt:warning",
      "bad:receipt_date_far:warning",
      "bad:over_category_limit:warning",
      "bad:fx_rate_out_of_tolerance:warning",
      "bad:weekend_or_holiday:info",
      "none:receipt_missing:error",
    ]);
  });

  it("refuses negative or non-finite tolerances", () => {
    expect(() => checkClaim(facts({ tolerances: { fxShare: -0.01 } }))).toThrow(RangeError);
    expect(() => checkClaim(facts({ tolerances: { receiptDateDays: Number.NaN } }))).toThrow(RangeError);
  });
});

describe("checkClaim: what was read off the receipts (issue 14)", () => {
  const reading = (over: Partial<import("./claim-checks").ReceiptReadingFacts> = {}) => ({
    receiptId: "R1",
    source: "ocr",
    total: { minor: 8_800n, currency: "CNY", confidence: 0.85, hasRegion: true },
    date: { value: "2026-03-09", confidence: 0.9, hasRegion: true },
    ...over,
  });
  const readingFindings = (f: CheckFacts) => checkClaim(f).filter((x) => x.code.startsWith("read_"));

  it("is quiet when the receipt reads what the line says, and without readings", () => {
    expect(readingFindings(facts({ readings: [reading()] }))).toEqual([]);
    expect(readingFindings(facts())).toEqual([]);
  });

  it("warns when the amount read differs, with the read value, its source and whether it has a region", () => {
    const f = readingFindings(facts({ readings: [reading({ total: { minor: 9_800n, currency: "CNY", confidence: 0.95, hasRegion: true } })] }));
    expect(f).toEqual([
      {
        code: "read_amount_differs",
        severity: "warning",
        lineId: "L1",
        params: { receiptId: "R1", readMinor: "9800", amountMinor: "8800", currency: "CNY", confidence: 0.95, source: "ocr", region: "yes", receipts: 1 },
      },
    ]);
  });

  it("gives only an info finding when the value was read with low confidence", () => {
    const f = readingFindings(facts({ readings: [reading({ total: { minor: 9_800n, currency: "CNY", confidence: 0.5, hasRegion: false } })] }));
    expect(f.map((x) => [x.code, x.severity, x.params.region])).toEqual([["read_amount_differs", "info", "no"]]);
  });

  it("respects the amount tolerance", () => {
    const r = [reading({ total: { minor: 8_801n, currency: "CNY", confidence: 1, hasRegion: false } })];
    expect(readingFindings(facts({ readings: r }))).toHaveLength(1);
    expect(readingFindings(facts({ readings: r, tolerances: { readAmountMinor: 1 } }))).toEqual([]);
  });

  it("compares a line with two receipts against their sum, and skips a partly read line or another currency", () => {
    const lines = [line({ receiptIds: ["R1", "R2"], amountMinor: 10_000n })];
    const receipts = [
      { id: "R1", sha256: SHA_A, phash: null, capturedOn: null },
      { id: "R2", sha256: SHA_B, phash: null, capturedOn: null },
    ];
    const both = [
      reading({ total: { minor: 6_000n, currency: "CNY", confidence: 1, hasRegion: false } }),
      reading({ receiptId: "R2", total: { minor: 4_000n, currency: null, confidence: 1, hasRegion: false } }),
    ];
    expect(readingFindings(facts({ lines, receipts, readings: both }))).toEqual([]);
    expect(readingFindings(facts({ lines, receipts, readings: [both[0]!] }))).toEqual([]);
    expect(readingFindings(facts({ readings: [reading({ total: { minor: 100n, currency: "USD", confidence: 1, hasRegion: false } })] }))).toEqual([]);
  });

  it("warns when the date read is more than readDateDays from the line's date (info when unsure)", () => {
    expect(readingFindings(facts({ readings: [reading({ date: { value: "2026-03-12", confidence: 1, hasRegion: false } })] }))).toEqual([]);
    const far = readingFindings(facts({ readings: [reading({ date: { value: "2026-03-13", confidence: 1, hasRegion: false } })] }));
    expect(far.map((x) => [x.code, x.severity, x.params.readDate, x.params.days])).toEqual([["read_date_differs", "warning", "2026-03-13", 4]]);
    const unsure = readingFindings(facts({ readings: [reading({ date: { value: "2026-12-03", confidence: 0.5, hasRegion: false } })] }));
    expect(unsure.map((x) => x.severity)).toEqual(["info"]);
  });

  it("refuses a negative reading tolerance like the others", () => {
    expect(() => checkClaim(facts({ tolerances: { readDateDays: -1 } }))).toThrow(RangeError);
  });
});
