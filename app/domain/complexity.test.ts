import { describe, expect, it } from "vitest";
import { COMPLEXITY_THRESHOLDS, bandForPoints, complexityBand, complexityPoints, type ComplexityBand } from "./complexity";

const base = { lineCount: 0, receiptPages: 0, currencies: [] as string[], companyCurrency: "CNY" };
const ORDER: ComplexityBand[] = ["S", "M", "L", "XL"];

describe("complexityPoints", () => {
  it("counts lines, half the pages rounded up, and 3 per foreign currency", () => {
    expect(complexityPoints(base)).toBe(0);
    expect(complexityPoints({ ...base, lineCount: 4 })).toBe(4);
    expect(complexityPoints({ ...base, receiptPages: 1 })).toBe(1);
    expect(complexityPoints({ ...base, receiptPages: 2 })).toBe(1);
    expect(complexityPoints({ ...base, receiptPages: 3 })).toBe(2);
    expect(complexityPoints({ ...base, currencies: ["CNY"] })).toBe(0);
    expect(complexityPoints({ ...base, currencies: ["CNY", "USD", "EUR"] })).toBe(6);
    expect(complexityPoints({ ...base, currencies: ["USD", "USD"] })).toBe(3);
    expect(complexityPoints({ lineCount: 5, receiptPages: 7, currencies: ["CNY", "JPY"], companyCurrency: "CNY" })).toBe(5 + 4 + 3);
  });
  it.each([
    { lineCount: -1 },
    { lineCount: 1.5 },
    { receiptPages: -2 },
    { receiptPages: Number.NaN },
    { lineCount: Infinity },
  ])("refuses %o", (bad) => {
    expect(() => complexityPoints({ ...base, ...bad })).toThrow(RangeError);
  });
});

describe("bands", () => {
  it("exports the thresholds", () => {
    expect(COMPLEXITY_THRESHOLDS).toEqual({ S: 3, M: 7, L: 14 });
  });
  it.each([
    [0, "S"],
    [3, "S"],
    [4, "M"],
    [7, "M"],
    [8, "L"],
    [14, "L"],
    [15, "XL"],
    [1000, "XL"],
  ] as const)("%i points is %s", (points, band) => {
    expect(bandForPoints(points)).toBe(band);
  });
  it("sizes typical claims", () => {
    expect(complexityBand({ ...base, lineCount: 1, receiptPages: 1 })).toBe("S"); // a taxi ride
    expect(complexityBand({ ...base, lineCount: 4, receiptPages: 6 })).toBe("M"); // 4 + 3 = 7
    expect(complexityBand({ ...base, lineCount: 4, receiptPages: 7 })).toBe("L"); // 4 + 4 = 8
    expect(complexityBand({ ...base, lineCount: 1, currencies: ["USD"] })).toBe("M"); // 1 + 3
    expect(complexityBand({ ...base, lineCount: 6, receiptPages: 6, currencies: ["USD", "HKD"] })).toBe("XL"); // 6 + 3 + 6
  });
  it("is monotone in every input", () => {
    const rank = (input: typeof base) => ORDER.indexOf(complexityBand(input));
    const foreignSets = [[], ["USD"], ["USD", "EUR"], ["USD", "EUR", "JPY"]];
    for (let lines = 0; lines <= 16; lines++) {
      for (let pages = 0; pages <= 16; pages++) {
        for (let f = 0; f < foreignSets.length; f++) {
          const here = { ...base, lineCount: lines, receiptPages: pages, currencies: foreignSets[f]! };
          const r = rank(here);
          expect(rank({ ...here, lineCount: lines + 1 })).toBeGreaterThanOrEqual(r);
          expect(rank({ ...here, receiptPages: pages + 1 })).toBeGreaterThanOrEqual(r);
          if (f + 1 < foreignSets.length) expect(rank({ ...here, currencies: foreignSets[f + 1]! })).toBeGreaterThanOrEqual(r);
          // Adding the company's own currency changes nothing.
          expect(rank({ ...here, currencies: [...foreignSets[f]!, "CNY"] })).toBe(r);
        }
      }
    }
  });
});
