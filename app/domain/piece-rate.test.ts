import { describe, expect, it } from "vitest";
import {
  compareStatements,
  computeStatement,
  figuresOf,
  firstEditableDate,
  inForce,
  monthDays,
  monthRange,
  parsePoints,
  pointsToString,
  type RateTable,
} from "./piece-rate";

const RATES: RateTable = {
  pieceRates: [
    { taskType: "REVIEW", band: "S", pointsHundredths: 100, validFrom: "2026-01-01" },
    { taskType: "REVIEW", band: "M", pointsHundredths: 150, validFrom: "2026-01-01" },
    { taskType: "REVIEW", band: "L", pointsHundredths: 250, validFrom: "2026-01-01" },
    { taskType: "QA", band: "S", pointsHundredths: 80, validFrom: "2026-01-01" },
  ],
  deductions: [
    { severity: "minor", pointsHundredths: 50, validFrom: "2026-01-01" },
    { severity: "major", pointsHundredths: 300, validFrom: "2026-01-01" },
    { severity: "critical", pointsHundredths: 1000, validFrom: "2026-01-01" },
  ],
  pointValues: [{ minorPerPoint: 250n, currency: "CNY", validFrom: "2026-01-01" }],
};

describe("computeStatement", () => {
  it("counts pieces by type and band, weights them, deducts errors and prices the net", () => {
    const s = computeStatement({
      month: "2026-03",
      work: [
        { taskType: "REVIEW", band: "S", workDate: "2026-03-02", count: 10 },
        { taskType: "REVIEW", band: "M", workDate: "2026-03-02", count: 4 },
        { taskType: "REVIEW", band: "S", workDate: "2026-03-31", count: 2 },
        { taskType: "QA", band: "S", workDate: "2026-03-15", count: 5 },
      ],
      errors: [{ severity: "major", errorDate: "2026-03-20", count: 1 }],
      rates: RATES,
      currency: "CNY",
    });
    expect(s.lines).toEqual([
      { taskType: "REVIEW", band: "S", pieces: 12, pointsHundredths: 1200 },
      { taskType: "REVIEW", band: "M", pieces: 4, pointsHundredths: 600 },
      { taskType: "QA", band: "S", pieces: 5, pointsHundredths: 400 },
    ]);
    expect(s.deductions).toEqual([{ severity: "major", errors: 1, pointsHundredths: 300 }]);
    expect(s.pieces).toBe(21);
    expect(s.grossPointsHundredths).toBe(2200);
    expect(s.deductionPointsHundredths).toBe(300);
    expect(s.netPointsHundredths).toBe(1900);
    // 19.00 points × 2.50 CNY = 47.50 CNY
    expect(s.amount).toEqual({ minor: 4750n, currency: "CNY" });
    expect(s.floored).toBe(false);
    expect(s.missing).toEqual([]);
  });

  it("rounds the money once, half to even", () => {
    const rates: RateTable = { ...RATES, pointValues: [{ minorPerPoint: 1n, currency: "CNY", validFrom: "2026-01-01" }] };
    const rate = (pts: number): RateTable => ({ ...rates, pieceRates: [{ taskType: "REVIEW", band: "S", pointsHundredths: pts, validFrom: "2026-01-01" }] });
    const amount = (pts: number, count: number) =>
      computeStatement({ month: "2026-03", work: [{ taskType: "REVIEW", band: "S", workDate: "2026-03-05", count }], errors: [], rates: rate(pts), currency: "CNY" }).amount.minor;
    expect(amount(50, 1)).toBe(0n); // 0.5 → 0 (even)
    expect(amount(150, 1)).toBe(2n); // 1.5 → 2 (even)
    expect(amount(250, 1)).toBe(2n); // 2.5 → 2 (even)
    expect(amount(251, 1)).toBe(3n);
    // Not rounded per piece: 3 × 0.5 = 1.5 → 2, where per-piece rounding would give 0.
    expect(amount(50, 3)).toBe(2n);
  });

  it("never pays a negative amount: deductions above earnings floor the month at zero", () => {
    const s = computeStatement({
      month: "2026-03",
      work: [{ taskType: "REVIEW", band: "S", workDate: "2026-03-02", count: 3 }],
      errors: [{ severity: "critical", errorDate: "2026-03-03", count: 1 }],
      rates: RATES,
      currency: "CNY",
    });
    expect(s.netPointsHundredths).toBe(-700);
    expect(s.amount).toEqual({ minor: 0n, currency: "CNY" });
    expect(s.floored).toBe(true);
  });

  it("prices each piece at the rate valid on its own date, and each error on the date it was recorded", () => {
    const rates: RateTable = {
      ...RATES,
      pieceRates: [...RATES.pieceRates, { taskType: "REVIEW", band: "S", pointsHundredths: 120, validFrom: "2026-03-16" }],
      deductions: [...RATES.deductions, { severity: "minor", pointsHundredths: 100, validFrom: "2026-03-10" }],
      pointValues: [...RATES.pointValues, { minorPerPoint: 300n, currency: "CNY", validFrom: "2026-03-16" }],
    };
    const s = computeStatement({
      month: "2026-03",
      work: [
        { taskType: "REVIEW", band: "S", workDate: "2026-03-15", count: 1 }, // 1.00 pt × 2.50
        { taskType: "REVIEW", band: "S", workDate: "2026-03-16", count: 1 }, // 1.20 pt × 3.00
      ],
      errors: [
        { severity: "minor", errorDate: "2026-03-09", count: 1 }, // 0.50 pt × 2.50
        { severity: "minor", errorDate: "2026-03-10", count: 1 }, // 1.00 pt × 2.50
      ],
      rates,
      currency: "CNY",
    });
    expect(s.lines).toEqual([{ taskType: "REVIEW", band: "S", pieces: 2, pointsHundredths: 220 }]);
    expect(s.deductions).toEqual([{ severity: "minor", errors: 2, pointsHundredths: 150 }]);
    // 2.50 + 3.60 − 1.25 − 2.50 = 2.35
    expect(s.amount.minor).toBe(235n);
  });

  it("counts work with no rate, pays nothing for it and says which rate is missing", () => {
    const s = computeStatement({
      month: "2026-03",
      work: [
        { taskType: "REVIEW", band: "XL", workDate: "2026-03-04", count: 2 },
        { taskType: "REVIEW", band: "S", workDate: "2026-03-04", count: 1 },
      ],
      errors: [],
      rates: { ...RATES, pointValues: [{ minorPerPoint: 250n, currency: "CNY", validFrom: "2026-03-05" }] },
      currency: "CNY",
    });
    expect(s.pieces).toBe(3);
    expect(s.grossPointsHundredths).toBe(100);
    expect(s.amount.minor).toBe(0n);
    expect(s.missing).toEqual([
      { kind: "piece_rate", key: "REVIEW|XL", date: "2026-03-04", count: 2 },
      { kind: "point_value", key: "REVIEW|S", date: "2026-03-04", count: 1 },
    ]);
  });

  it("refuses work outside the month, bad dates and mixed point-value currencies", () => {
    const base = { month: "2026-03", errors: [], rates: RATES, currency: "CNY" };
    expect(() => computeStatement({ ...base, work: [{ taskType: "REVIEW", band: "S", workDate: "2026-04-01", count: 1 }] })).toThrow(/not in 2026-03/);
    expect(() => computeStatement({ ...base, work: [{ taskType: "REVIEW", band: "S", workDate: "2026-03-32", count: 1 }] })).toThrow(/not a date/);
    expect(() => computeStatement({ ...base, work: [{ taskType: "REVIEW", band: "S", workDate: "2026-03-02", count: -1 }] })).toThrow(/count/);
    expect(() => computeStatement({ ...base, month: "2026-13", work: [] })).toThrow(/not a month/);
    const mixed: RateTable = { ...RATES, pointValues: [...RATES.pointValues, { minorPerPoint: 30n, currency: "HKD", validFrom: "2026-03-10" }] };
    expect(() =>
      computeStatement({
        ...base,
        rates: mixed,
        work: [
          { taskType: "REVIEW", band: "S", workDate: "2026-03-02", count: 1 },
          { taskType: "REVIEW", band: "S", workDate: "2026-03-12", count: 1 },
        ],
      }),
    ).toThrow(/CNY, HKD/);
  });

  it("an empty month is zero pieces and zero money in the default currency", () => {
    const s = computeStatement({ month: "2026-03", work: [], errors: [], rates: RATES, currency: "CNY" });
    expect(figuresOf(s)).toEqual({ pieces: 0, grossPointsHundredths: 0, deductionPointsHundredths: 0, netPointsHundredths: 0, amountMinor: 0n, currency: "CNY" });
  });

  it("a closed month recomputed after new rates valid from a later date gives identical statements", () => {
    const work = [
      { taskType: "REVIEW", band: "M", workDate: "2026-03-10", count: 7 },
      { taskType: "QA", band: "S", workDate: "2026-03-31", count: 3 },
    ];
    const errors = [{ severity: "minor", errorDate: "2026-03-31", count: 2 }];
    const closed = computeStatement({ month: "2026-03", work, errors, rates: RATES, currency: "CNY" });
    const after: RateTable = {
      pieceRates: [...RATES.pieceRates, { taskType: "REVIEW", band: "M", pointsHundredths: 999, validFrom: firstEditableDate(["2026-03"])! }],
      deductions: [...RATES.deductions, { severity: "minor", pointsHundredths: 1, validFrom: "2026-04-01" }],
      pointValues: [...RATES.pointValues, { minorPerPoint: 1000n, currency: "CNY", validFrom: "2026-04-01" }],
    };
    const again = computeStatement({ month: "2026-03", work, errors, rates: after, currency: "CNY" });
    expect(again).toEqual(closed);
    expect(compareStatements(new Map([["op", figuresOf(closed)]]), new Map([["op", figuresOf(again)]]))).toEqual([]);
    // …while April is priced at the new rates.
    const april = computeStatement({ month: "2026-04", work: [{ taskType: "REVIEW", band: "M", workDate: "2026-04-01", count: 1 }], errors: [], rates: after, currency: "CNY" });
    expect(april.amount.minor).toBe(9990n);
  });
});

describe("dates and helpers", () => {
  it("finds the rate in force on a date", () => {
    const entries = [{ validFrom: "2026-01-01", v: 1 }, { validFrom: "2026-03-16", v: 2 }, { validFrom: "2026-02-01", v: 3 }];
    expect(inForce(entries, "2025-12-31")).toBeUndefined();
    expect(inForce(entries, "2026-01-31")?.v).toBe(1);
    expect(inForce(entries, "2026-03-15")?.v).toBe(3);
    expect(inForce(entries, "2026-03-16")?.v).toBe(2);
  });

  it("knows month days, leap years and the SSC-zone month boundaries", () => {
    expect(monthDays("2028-02")).toEqual({ first: "2028-02-01", last: "2028-02-29", next: "2028-03-01" });
    expect(monthDays("2026-12").next).toBe("2027-01-01");
    const r = monthRange("2026-03", "Asia/Shanghai");
    expect(r.from.toISOString()).toBe("2026-02-28T16:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-03-31T16:00:00.000Z");
  });

  it("only lets rates start after the last closed month", () => {
    expect(firstEditableDate([])).toBeNull();
    expect(firstEditableDate(["2026-01", "2026-03", "2026-02"])).toBe("2026-04-01");
  });

  it("compares stored and recomputed figures field by field", () => {
    const a = { pieces: 3, grossPointsHundredths: 300, deductionPointsHundredths: 0, netPointsHundredths: 300, amountMinor: 750n, currency: "CNY" };
    const diffs = compareStatements(new Map([["x", a], ["gone", a]]), new Map([["x", { ...a, pieces: 4, amountMinor: 800n }]]));
    expect(diffs).toEqual([
      { operatorId: "gone", field: "operator", stored: "present", recomputed: "absent" },
      { operatorId: "x", field: "pieces", stored: "3", recomputed: "4" },
      { operatorId: "x", field: "amountMinor", stored: "750", recomputed: "800" },
    ]);
  });

  it("writes and reads points as decimals", () => {
    expect(pointsToString(1250)).toBe("12.50");
    expect(pointsToString(-5)).toBe("-0.05");
    expect(parsePoints("1.5")).toBe(150);
    expect(parsePoints("2")).toBe(200);
    expect(parsePoints("0.25")).toBe(25);
    expect(parsePoints("1.234")).toBeNull();
    expect(parsePoints("-1")).toBeNull();
    expect(parsePoints("")).toBeNull();
  });
});
