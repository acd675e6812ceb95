import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  applicableStrata,
  BP_SCALE,
  bpToPercentText,
  DEFAULT_QA_SETTINGS,
  drawSample,
  flagsCanMatter,
  hasCheckFlags,
  isHighAmount,
  isNewOperator,
  parseQaResult,
  percentTextToBp,
  sampleDraw,
  samplingRate,
  type QaFacts,
  type QaRates,
} from "./qa-sampling";

const NONE: QaFacts = { newOperator: false, highAmount: false, flagged: false };
const RATES: QaRates = DEFAULT_QA_SETTINGS.rates;
const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe("sampleDraw", () => {
  it("is deterministic and in [0, 10000)", () => {
    for (const id of ids(1000)) {
      const d = sampleDraw(id);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(BP_SCALE);
      expect(sampleDraw(id)).toBe(d);
    }
  });

  it("is uniform over random task ids: chi-square over 20 buckets below the 0.999 critical value", () => {
    const n = 100_000;
    const buckets = new Array<number>(20).fill(0);
    for (const id of ids(n)) buckets[Math.floor(sampleDraw(id) / 500)]! += 1;
    const expected = n / 20;
    const chi2 = buckets.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: P(χ² > 43.82) = 0.001.
    expect(chi2).toBeLessThan(43.82);
  });

  it("spreads sequential ids (seed-style 'task-1', 'task-2', …) as well", () => {
    const n = 50_000;
    let below = 0;
    for (let i = 0; i < n; i++) if (sampleDraw(`task-${i}`) < 500) below += 1;
    // 5% of 50,000 = 2,500; standard deviation ≈ 48.7 → ±5σ.
    expect(Math.abs(below - 2500)).toBeLessThan(245);
  });
});

describe("strata and rates", () => {
  it("always has base; adds each stratum that applies", () => {
    expect(applicableStrata(NONE)).toEqual(["base"]);
    expect(applicableStrata({ newOperator: true, highAmount: true, flagged: true })).toEqual(["base", "new_operator", "high_amount", "flagged"]);
  });

  it("takes the highest applicable rate", () => {
    expect(samplingRate(NONE, RATES)).toEqual({ stratum: "base", rateBp: 500 });
    expect(samplingRate({ ...NONE, newOperator: true }, RATES)).toEqual({ stratum: "new_operator", rateBp: 2000 });
    expect(samplingRate({ ...NONE, flagged: true }, RATES)).toEqual({ stratum: "flagged", rateBp: 1500 });
    expect(samplingRate({ ...NONE, highAmount: true }, RATES)).toEqual({ stratum: "high_amount", rateBp: 2500 });
    expect(samplingRate({ newOperator: true, highAmount: false, flagged: true }, RATES)).toEqual({ stratum: "new_operator", rateBp: 2000 });
    expect(samplingRate({ newOperator: true, highAmount: true, flagged: true }, RATES)).toEqual({ stratum: "high_amount", rateBp: 2500 });
  });

  it("never lowers the rate below base, even when a stratum is configured lower", () => {
    const rates = { base: 800, new_operator: 100, high_amount: 0, flagged: 300 };
    expect(samplingRate({ newOperator: true, highAmount: true, flagged: true }, rates)).toEqual({ stratum: "base", rateBp: 800 });
  });

  it("breaks ties towards the more specific stratum", () => {
    const rates = { base: 1000, new_operator: 1000, high_amount: 1000, flagged: 1000 };
    expect(samplingRate({ newOperator: true, highAmount: false, flagged: false }, rates).stratum).toBe("new_operator");
    expect(samplingRate({ newOperator: true, highAmount: true, flagged: false }, rates).stratum).toBe("high_amount");
    expect(samplingRate({ newOperator: true, highAmount: true, flagged: true }, rates).stratum).toBe("flagged");
  });

  it("clamps out-of-range rates", () => {
    expect(samplingRate(NONE, { ...RATES, base: 12_000 }).rateBp).toBe(BP_SCALE);
    expect(samplingRate(NONE, { ...RATES, base: -5 }).rateBp).toBe(0);
    expect(samplingRate(NONE, { ...RATES, base: Number.NaN }).rateBp).toBe(0);
  });
});

describe("drawSample", () => {
  it("samples each stratum at its rate over many task ids (±5σ)", () => {
    const n = 40_000;
    const cases: [QaFacts, number][] = [
      [NONE, 500],
      [{ ...NONE, newOperator: true }, 2000],
      [{ ...NONE, highAmount: true }, 2500],
      [{ ...NONE, flagged: true }, 1500],
    ];
    const taskIds = ids(n);
    for (const [facts, bp] of cases) {
      const drawn = taskIds.filter((id) => drawSample(id, facts, RATES).drawn).length;
      const p = bp / BP_SCALE;
      const sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(drawn - n * p)).toBeLessThan(5 * sigma);
    }
  });

  it("0 % samples nothing and 100 % samples everything", () => {
    const zero = { base: 0, new_operator: 0, high_amount: 0, flagged: 0 };
    const all = { base: BP_SCALE, new_operator: BP_SCALE, high_amount: BP_SCALE, flagged: BP_SCALE };
    for (const id of ids(2000)) {
      expect(drawSample(id, { newOperator: true, highAmount: true, flagged: true }, zero).drawn).toBe(false);
      expect(drawSample(id, NONE, all).drawn).toBe(true);
    }
  });

  it("is nested: a task drawn at a lower rate is drawn at every higher rate (raising a rate only adds tasks)", () => {
    for (const id of ids(2000)) {
      const low = drawSample(id, NONE, RATES);
      const high = drawSample(id, { ...NONE, highAmount: true }, RATES);
      if (low.drawn) expect(high.drawn).toBe(true);
      expect(high.draw).toBe(low.draw);
    }
  });

  it("records the stratum and rate that applied", () => {
    const id = ids(1)[0]!;
    expect(drawSample(id, { ...NONE, flagged: true }, RATES)).toMatchObject({ stratum: "flagged", rateBp: 1500, draw: sampleDraw(id) });
  });
});

describe("flagsCanMatter", () => {
  it("is true exactly when the flags change whether, or under which stratum, the task is drawn", () => {
    let computed = 0;
    let checked = 0;
    const rateSets: QaRates[] = [RATES, { base: 500, new_operator: 3000, high_amount: 2500, flagged: 1500 }, { base: 1500, new_operator: 0, high_amount: 0, flagged: 1500 }];
    for (const rates of rateSets) {
      for (const id of ids(3000)) {
        for (const known of [
          { newOperator: false, highAmount: false },
          { newOperator: true, highAmount: false },
          { newOperator: false, highAmount: true },
        ]) {
          const a = drawSample(id, { ...known, flagged: false }, rates);
          const b = drawSample(id, { ...known, flagged: true }, rates);
          const differs = a.drawn !== b.drawn || (b.drawn && a.stratum !== b.stratum);
          const matters = flagsCanMatter(id, known, rates);
          if (differs) expect(matters).toBe(true);
          if (matters) computed += 1;
          checked += 1;
        }
      }
    }
    // …and the costly flags are needed for a minority of decisions only (at most the flagged rate).
    expect(computed / checked).toBeLessThan(0.16);
  });
});

describe("new operator, high amount, flags", () => {
  const now = new Date("2026-11-27T02:00:00Z");
  const settings = { newOperatorDays: 30, newOperatorReviews: 200 };
  it("is new with fewer reviews than the limit, or fewer days since the first review", () => {
    expect(isNewOperator({ firstReviewAt: new Date("2025-01-01T00:00:00Z"), finishedReviews: 199, now }, settings)).toBe(true);
    expect(isNewOperator({ firstReviewAt: new Date("2026-11-01T00:00:00Z"), finishedReviews: 5000, now }, settings)).toBe(true);
    expect(isNewOperator({ firstReviewAt: new Date("2026-10-28T01:59:59Z"), finishedReviews: 200, now }, settings)).toBe(false);
    expect(isNewOperator({ firstReviewAt: null, finishedReviews: 0, now }, settings)).toBe(true);
    expect(isNewOperator({ firstReviewAt: null, finishedReviews: 0, now }, { newOperatorDays: 0, newOperatorReviews: 0 })).toBe(false);
  });

  it("is a high amount at or above the company currency's threshold only", () => {
    const t = { CNY: 1_000_000n };
    expect(isHighAmount({ minor: 1_000_000n, currency: "CNY" }, t)).toBe(true);
    expect(isHighAmount({ minor: 999_999n, currency: "CNY" }, t)).toBe(false);
    expect(isHighAmount({ minor: 99_000_000n, currency: "HKD" }, t)).toBe(false);
  });

  it("counts warnings and errors as flags, not info", () => {
    expect(hasCheckFlags([])).toBe(false);
    expect(hasCheckFlags([{ severity: "info" }])).toBe(false);
    expect(hasCheckFlags([{ severity: "info" }, { severity: "warning" }])).toBe(true);
    expect(hasCheckFlags([{ severity: "error" }])).toBe(true);
  });
});

describe("percent text", () => {
  it("converts both ways", () => {
    expect(bpToPercentText(500)).toBe("5");
    expect(bpToPercentText(1250)).toBe("12.5");
    expect(bpToPercentText(25)).toBe("0.25");
    expect(bpToPercentText(0)).toBe("0");
    expect(percentTextToBp("5")).toBe(500);
    expect(percentTextToBp(" 12.5 % ")).toBe(1250);
    expect(percentTextToBp("0,25")).toBe(25);
    expect(percentTextToBp("100")).toBe(BP_SCALE);
    for (const bad of ["", "abc", "100.01", "101", "-1", "1.234", "5%%"]) expect(percentTextToBp(bad)).toBeNull();
  });
});

describe("parseQaResult", () => {
  it("accepts a pass with or without a comment", () => {
    expect(parseQaResult({ outcome: "pass" })).toEqual({ ok: true, result: { outcome: "pass", comment: null } });
    expect(parseQaResult({ outcome: "pass", comment: " fine " })).toEqual({ ok: true, result: { outcome: "pass", comment: "fine" } });
  });

  it("needs a type, a severity and a comment for an error", () => {
    expect(parseQaResult({ outcome: "error" })).toEqual({ ok: false, problems: { errorType: "required", severity: "required", comment: "required" } });
    expect(parseQaResult({ outcome: "error", errorType: "nope", severity: "fatal", comment: "x" })).toEqual({
      ok: false,
      problems: { errorType: "invalid", severity: "invalid" },
    });
    expect(parseQaResult({ outcome: "error", errorType: "fx_error", severity: "major", comment: " wrong rate " })).toEqual({
      ok: true,
      result: { outcome: "error", errorType: "fx_error", severity: "major", comment: "wrong rate" },
    });
  });

  it("refuses an unknown outcome and an over-long comment", () => {
    expect(parseQaResult({})).toEqual({ ok: false, problems: { outcome: "required" } });
    expect(parseQaResult({ outcome: "maybe" })).toEqual({ ok: false, problems: { outcome: "invalid" } });
    expect(parseQaResult({ outcome: "pass", comment: "x".repeat(2001) })).toEqual({ ok: false, problems: { comment: "too_long" } });
  });
});
