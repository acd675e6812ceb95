import { describe, expect, it } from "vitest";
import {
  ARRIVAL_CURVE,
  DEFAULT_RATES,
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
  reviewDecision,
  seededRng,
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

describe("clock and event queue", () => {
  it("maps real time to simulated time at the given speed and back", () => {
    const clock = new SimClock(1_000_000, 60, 5_000);
    expect(clock.simAt(6_000)).toBe(1_000_000 + 60_000);
    expect(clock.realAt(1_000_000 + 3_600_000)).toBe(5_000 + 60_000);
    expect(() => new SimClock(0, 0, 0)).toThrow(RangeError);
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
    });
    expect(parseOptions(["--accountants", "a@x.cn, b@x.cn"]).accountants).toEqual(["a@x.cn", "b@x.cn"]);
    expect(parseOptions([])).toMatchObject({ speed: 60, hours: 9, arrivalsPerHour: 30, accountants: null, startHour: 9 });
  });
  it.each([["--speed", "0"], ["--speed", "fast"], ["--hours"], ["--seed", "1.5"], ["--accountants", "nobody"], ["--start", "25:00"], ["--colour", "red"], ["stray"]])(
    "refuses %j",
    (...argv) => {
      expect(() => parseOptions(argv)).toThrow(RangeError);
    },
  );
});
