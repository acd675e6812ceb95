import { describe, expect, it } from "vitest";
import { parseQaResult, QA_ERROR_TYPES, QA_SEVERITIES } from "~/domain/qa-sampling";
import {
  ARRIVAL_CURVE,
  DEFAULT_OPTIONS,
  DEFAULT_RATES,
  ERROR_TYPE_WEIGHTS,
  EventQueue,
  SimClock,
  arrivalRate,
  exponential,
  handlingMinutes,
  lognormal,
  managerDecision,
  nextArrival,
  parseOptions,
  poisson,
  qaHandlingMinutes,
  qaVerdict,
  reviewDecision,
  reviewError,
  seededRng,
  weighted,
  type BotError,
} from "./model";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe("seeded randomness", () => {
  it("repeats itself for the same seed and differs for another", () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const c = seededRng(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });
});

describe("sampling", () => {
  it("draws Poisson counts with the right mean and variance, small and large means alike", () => {
    const rng = seededRng(1);
    for (const m of [0.3, 4, 75]) {
      const xs = Array.from({ length: 20_000 }, () => poisson(rng, m));
      expect(mean(xs)).toBeCloseTo(m, m < 1 ? 1 : 0);
      const v = mean(xs.map((x) => (x - m) ** 2));
      expect(v / m).toBeGreaterThan(0.93);
      expect(v / m).toBeLessThan(1.07);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    expect(poisson(rng, 0)).toBe(0);
  });
  it("draws exponential gaps with mean 1/rate", () => {
    const rng = seededRng(2);
    expect(mean(Array.from({ length: 20_000 }, () => exponential(rng, 4)))).toBeCloseTo(0.25, 2);
  });
  it("draws lognormal times with the asked median and p90", () => {
    const rng = seededRng(3);
    const xs = Array.from({ length: 40_000 }, () => lognormal(rng, 6, 15));
    expect(quantile(xs, 0.5)).toBeGreaterThan(5.8);
    expect(quantile(xs, 0.5)).toBeLessThan(6.2);
    expect(quantile(xs, 0.9)).toBeGreaterThan(14.3);
    expect(quantile(xs, 0.9)).toBeLessThan(15.7);
    expect(xs.every((x) => x > 0)).toBe(true);
  });
  it("gives bigger claims longer handling times, never under half a minute", () => {
    const rng = seededRng(4);
    const med = (band: string) => quantile(Array.from({ length: 5000 }, () => handlingMinutes(rng, band)), 0.5);
    expect(med("S")).toBeLessThan(med("M"));
    expect(med("M")).toBeLessThan(med("L"));
    expect(med("L")).toBeLessThan(med("XL"));
    expect(Math.min(...Array.from({ length: 5000 }, () => handlingMinutes(rng, "S")))).toBeGreaterThanOrEqual(0.5);
  });
  it.each([
    () => poisson(seededRng(1), -1),
    () => exponential(seededRng(1), 0),
    () => lognormal(seededRng(1), 5, 4),
    () => seededRng(1.5),
  ])("refuses bad parameters (%#)", (call) => {
    expect(call).toThrow(RangeError);
  });
});

describe("arrival curve", () => {
  it("averages 1 over working hours and peaks in the morning and afternoon", () => {
    expect(ARRIVAL_CURVE.slice(9, 18).reduce((a, b) => a + b, 0) / 9).toBeCloseTo(1, 12);
    expect(arrivalRate(10.5, 30)).toBeGreaterThan(arrivalRate(12.5, 30)); // lunch dip
    expect(arrivalRate(15, 30)).toBeGreaterThan(arrivalRate(12.5, 30));
    expect(arrivalRate(3, 30)).toBeLessThan(arrivalRate(9, 30) / 20);
    expect(arrivalRate(24 + 10, 30)).toBe(arrivalRate(10, 30)); // the next day repeats
  });
  it("produces, by thinning, as many arrivals per working day as asked", () => {
    const rng = seededRng(5);
    const perDay: number[] = [];
    for (let day = 0; day < 200; day++) {
      let t = 9;
      let n = 0;
      for (t = nextArrival(rng, t, 20); t < 18; t = nextArrival(rng, t, 20)) n++;
      perDay.push(n);
    }
    // 20 per working hour × 9 hours = 180 a day.
    expect(mean(perDay)).toBeGreaterThan(174);
    expect(mean(perDay)).toBeLessThan(186);
    expect(nextArrival(rng, 9, 0)).toBe(Number.POSITIVE_INFINITY);
  });
  it("puts more arrivals in the 10 o'clock hour than in the lunch hour", () => {
    const rng = seededRng(6);
    const byHour = new Array<number>(24).fill(0);
    for (let t = nextArrival(rng, 0, 30); t < 24 * 50; t = nextArrival(rng, t, 30)) byHour[Math.floor(t) % 24]! += 1;
    expect(byHour[10]!).toBeGreaterThan(2 * byHour[12]!);
  });
});

describe("bot decisions", () => {
  const reasons = ["MISSING_RECEIPT", "ILLEGIBLE", "OVER_LIMIT", "DUPLICATE", "MISSING_INFO"];
  it("approves most clean claims and returns or rejects at the configured rates", () => {
    const rng = seededRng(9);
    const decisions = Array.from({ length: 20_000 }, () => reviewDecision(rng, { findingCodes: [], errorFindings: 0 }, reasons));
    const share = (d: string) => decisions.filter((x) => x.decision === d).length / decisions.length;
    expect(share("return")).toBeCloseTo(DEFAULT_RATES.returnRate, 1);
    expect(share("reject")).toBeCloseTo(DEFAULT_RATES.rejectRate, 2);
    expect(share("approve")).toBeGreaterThan(0.85);
    for (const d of decisions) if (d.decision === "return") expect(reasons).toContain(d.reasonCodes[0]);
  });
  it("returns claims with error findings mostly, citing the reason the check points to", () => {
    const rng = seededRng(10);
    const decisions = Array.from({ length: 5000 }, () => reviewDecision(rng, { findingCodes: ["over_category_limit"], errorFindings: 1 }, reasons));
    const returned = decisions.filter((d) => d.decision === "return");
    expect(returned.length / decisions.length).toBeGreaterThan(0.55);
    const overLimit = returned.filter((d) => d.decision === "return" && d.reasonCodes[0] === "OVER_LIMIT").length;
    expect(overLimit / returned.length).toBeGreaterThan(0.75);
  });
  it("never returns without a reason: with no active reasons it approves instead", () => {
    const rng = seededRng(11);
    const decisions = Array.from({ length: 2000 }, () => reviewDecision(rng, { findingCodes: [], errorFindings: 1 }, []));
    expect(decisions.some((d) => d.decision === "return")).toBe(false);
  });
  it("has managers send a few back", () => {
    const rng = seededRng(12);
    const returned = Array.from({ length: 20_000 }, () => managerDecision(rng)).filter((d) => d.decision === "return").length;
    expect(returned / 20_000).toBeCloseTo(DEFAULT_RATES.managerReturnRate, 2);
  });
});

describe("accountants' errors and QA", () => {
  const clean = { findingCodes: [], errorFindings: 0 };
  it("picks by weight, and refuses weights that cannot be drawn from", () => {
    const rng = seededRng(20);
    const xs = Array.from({ length: 20_000 }, () => weighted(rng, [["a", 1], ["b", 3], ["never", 0]] as const));
    expect(xs.filter((x) => x === "b").length / xs.length).toBeCloseTo(0.75, 1);
    expect(xs).not.toContain("never");
    expect(() => weighted(rng, [["a", 0]])).toThrow(RangeError);
    expect(() => weighted(rng, [["a", -1], ["b", 2]])).toThrow(RangeError);
  });
  it("makes errors at the configured rate, none at 0 and every time at 1", () => {
    const rng = seededRng(21);
    const made = Array.from({ length: 40_000 }, () => reviewError(rng, "approve", clean, 0.01)).filter(Boolean).length;
    expect(made / 40_000).toBeGreaterThan(0.0085);
    expect(made / 40_000).toBeLessThan(0.0115);
    expect(Array.from({ length: 1000 }, () => reviewError(rng, "approve", clean, 0)).every((e) => e === null)).toBe(true);
    expect(Array.from({ length: 1000 }, () => reviewError(rng, "reject", clean, 1)).every((e) => e !== null)).toBe(true);
    expect(() => reviewError(rng, "approve", clean, 1.5)).toThrow(RangeError);
    expect(() => reviewError(rng, "approve", clean, Number.NaN)).toThrow(RangeError);
  });
  it("draws types that fit the decision and severities the app accepts, mostly minor, some critical", () => {
    const rng = seededRng(22);
    for (const decision of ["approve", "return", "reject"] as const) {
      const allowed = ERROR_TYPE_WEIGHTS[decision].map(([t]) => t);
      const errors = Array.from({ length: 5000 }, () => reviewError(rng, decision, clean, 1)!);
      for (const e of errors) {
        expect(allowed).toContain(e.errorType);
        expect(QA_ERROR_TYPES).toContain(e.errorType);
        expect(QA_SEVERITIES).toContain(e.severity);
      }
      if (decision === "return") expect(errors.filter((e) => e.errorType === "wrong_return_reason").length / errors.length).toBeCloseTo(0.6, 1);
    }
    expect(ERROR_TYPE_WEIGHTS.return.map(([t]) => t)).not.toContain("duplicate_missed"); // a return lets nothing through
    const all = Array.from({ length: 20_000 }, () => reviewError(rng, "approve", clean, 1)!);
    const share = (s: string) => all.filter((e) => e.severity === s).length / all.length;
    expect(share("minor")).toBeGreaterThan(0.4);
    expect(share("minor")).toBeGreaterThan(share("major"));
    expect(share("major")).toBeGreaterThan(share("critical"));
    expect(share("critical")).toBeGreaterThan(0.03);
    // A duplicate let through is worse than a wrong category.
    const critical = (type: string) => all.filter((e) => e.errorType === type && e.severity === "critical").length / all.filter((e) => e.errorType === type).length;
    expect(critical("duplicate_missed")).toBeGreaterThan(5 * critical("wrong_category"));
  });
  it("on an approval over a check finding, mostly records that finding as let through", () => {
    const rng = seededRng(23);
    const errors = Array.from({ length: 5000 }, () => reviewError(rng, "approve", { findingCodes: ["over_category_limit"], errorFindings: 1 }, 1)!);
    expect(errors.filter((e) => e.errorType === "over_limit_accepted").length / errors.length).toBeGreaterThan(0.7);
    // On a return the finding was acted on: no "accepted" error from it.
    const onReturn = Array.from({ length: 2000 }, () => reviewError(rng, "return", { findingCodes: ["over_category_limit"], errorFindings: 1 }, 1)!);
    expect(onReturn.some((e) => e.errorType === "over_limit_accepted")).toBe(false);
  });
  it("gives QA re-checks shorter lognormal times than the reviews, by band", () => {
    const rng = seededRng(24);
    const med = (f: (r: typeof rng, b: string) => number, band: string) => quantile(Array.from({ length: 5000 }, () => f(rng, band)), 0.5);
    for (const band of ["S", "M", "L", "XL"]) expect(med(qaHandlingMinutes, band)).toBeLessThan(med(handlingMinutes, band));
    expect(med(qaHandlingMinutes, "S")).toBeLessThan(med(qaHandlingMinutes, "XL"));
    expect(med(qaHandlingMinutes, "??")).toBeCloseTo(5, 0); // unknown band: as M
    expect(Math.min(...Array.from({ length: 5000 }, () => qaHandlingMinutes(rng, "S")))).toBeGreaterThanOrEqual(0.5);
  });
  it("records the remembered error (a check the app accepts), a pass otherwise, and misses some at the miss rate", () => {
    const rng = seededRng(25);
    const error: BotError = { errorType: "duplicate_missed", severity: "critical" };
    const verdict = qaVerdict(rng, error, 0);
    expect(verdict).toMatchObject({ outcome: "error", errorType: "duplicate_missed", severity: "critical" });
    expect(parseQaResult(verdict)).toEqual({ ok: true, result: verdict });
    expect(qaVerdict(rng, undefined, 0)).toEqual({ outcome: "pass", comment: null });
    expect(parseQaResult(qaVerdict(rng, undefined, 0)).ok).toBe(true);
    for (const errorType of QA_ERROR_TYPES) expect(parseQaResult(qaVerdict(rng, { errorType, severity: "minor" }, 0)).ok).toBe(true);
    const missed = Array.from({ length: 20_000 }, () => qaVerdict(rng, error, 0.1)).filter((v) => v.outcome === "pass").length;
    expect(missed / 20_000).toBeCloseTo(0.1, 1);
    expect(Array.from({ length: 500 }, () => qaVerdict(rng, error, 1)).every((v) => v.outcome === "pass")).toBe(true);
    expect(() => qaVerdict(rng, error, -0.1)).toThrow(RangeError);
  });
});

describe("clock and event queue", () => {
  it("maps real time to simulated time at the given speed and back", () => {
    const clock = new SimClock(1_000_000, 60, 5_000);
    expect(clock.simAt(6_000)).toBe(1_000_000 + 60_000);
    expect(clock.realAt(1_000_000 + 3_600_000)).toBe(5_000 + 60_000);
    expect(() => new SimClock(0, 0, 0)).toThrow(RangeError);
    clock.hold(2_000);
    expect(clock.simAt(8_000)).toBe(1_000_000 + 60_000); // the 2 s held do not count
  });
  it("pops events in time order, ties in insertion order", () => {
    const q = new EventQueue<string>();
    const rng = seededRng(13);
    const times = Array.from({ length: 500 }, () => Math.floor(rng() * 50));
    times.forEach((t, i) => q.push(t, `${t}:${i}`));
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
    const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map(({ t, i }) => `${t}:${i}`);
    expect(out).toEqual(expected);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });
});

describe("options", () => {
  it("parses every option in both spellings", () => {
    expect(parseOptions(["--", "--speed", "120", "--hours=2", "--arrivals-per-hour", "45.5", "--seed", "-3", "--accountants", "4", "--start", "08:30"])).toEqual({
      speed: 120,
      hours: 2,
      arrivalsPerHour: 45.5,
      seed: -3,
      accountants: 4,
      startHour: 8.5,
      errorRate: DEFAULT_OPTIONS.errorRate,
      qa: null,
      qaMissRate: DEFAULT_OPTIONS.qaMissRate,
    });
    expect(parseOptions(["--accountants", "a@x.cn, b@x.cn"]).accountants).toEqual(["a@x.cn", "b@x.cn"]);
    expect(parseOptions([])).toMatchObject({ speed: 60, hours: 9, arrivalsPerHour: 30, accountants: null, startHour: 9, errorRate: 0.01, qa: null, qaMissRate: 0.1 });
    expect(parseOptions(["--error-rate", "0.005", "--qa", "2", "--qa-miss-rate=5%"])).toMatchObject({ errorRate: 0.005, qa: 2, qaMissRate: 0.05 });
    expect(parseOptions(["--error-rate=1%", "--qa", "0"])).toMatchObject({ errorRate: 0.01, qa: 0 });
    expect(parseOptions(["--error-rate", "1", "--qa", "qa@demo.af"])).toMatchObject({ errorRate: 1, qa: ["qa@demo.af"] });
  });
  it.each([
    ["--speed", "0"],
    ["--speed", "fast"],
    ["--hours"],
    ["--seed", "1.5"],
    ["--accountants", "nobody"],
    ["--accountants", "0"],
    ["--start", "25:00"],
    ["--colour", "red"],
    ["stray"],
    ["--error-rate", "1.5"],
    ["--error-rate", "-0.1"],
    ["--error-rate", "150%"],
    ["--error-rate", ""],
    ["--qa-miss-rate", "often"],
    ["--qa", "nobody"],
  ])(
    "refuses %j",
    (...argv) => {
      expect(() => parseOptions(argv)).toThrow(RangeError);
    },
  );
});
