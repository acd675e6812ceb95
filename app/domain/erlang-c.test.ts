import { describe, expect, it } from "vitest";
import { averageSpeedOfAnswer, erlangB, erlangC, queueFigures, serversNeeded, serviceLevel } from "./erlang-c";

/** The textbook formula with factorials, fine for small N: the reference the recursion must match. */
function erlangCDirect(n: number, a: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < n; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (n / (n - a)); // a^n / n! · n / (n − a)
  return top / (sum + top);
}

describe("erlangB", () => {
  it("matches the Erlang B table: 5 erlangs on 10 lines block 1.84%", () => {
    // Any Erlang B table (e.g. ITU-T E.521 / Siemens telephone traffic tables): A = 5.0, N = 10 → 0.0184.
    expect(erlangB(10, 5)).toBeCloseTo(0.01838, 5);
  });
  it("is 1 with no servers and 0 with no traffic", () => {
    expect(erlangB(0, 3)).toBe(1);
    expect(erlangB(4, 0)).toBe(0);
  });
});

describe("erlangC against published values", () => {
  // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls in
  // 30 minutes, AHT 180 s → A = 10 erlangs; target answer time 20 s. Published per number of agents:
  //   11 agents: P_w 68.21%, ASA 122.8 s, service level 39%
  //   12 agents: P_w 44.94%, ASA 40.4 s,  service level 64%
  //   13 agents: P_w 28.53%, ASA 17.1 s,  service level 80% (79.6%)
  //   14 agents: P_w 17.41%, ASA 7.8 s,   service level 89% (88.8%)
  const A = 10;
  const AHT = 180;
  const T = 20;
  it.each([
    [11, 0.6821, 122.8, 0.39],
    [12, 0.4494, 40.4, 0.64],
    [13, 0.2853, 17.1, 0.796],
    [14, 0.1741, 7.8, 0.888],
  ])("%i agents on 10 erlangs", (n, pw, asa, sl) => {
    expect(erlangC(n, A)).toBeCloseTo(pw, 4);
    expect(averageSpeedOfAnswer(n, A, AHT)).toBeCloseTo(asa, 1);
    expect(serviceLevel(n, A, AHT, T)).toBeCloseTo(sl, 2);
  });
  it("needs 14 agents for 80% answered in 20 s (13 agents fall just short at 79.6%)", () => {
    expect(serversNeeded({ traffic: A, aht: AHT, t: T, goal: 0.8 })).toBe(14);
    expect(serversNeeded({ traffic: A, aht: AHT, t: T, goal: 0.79 })).toBe(13);
  });
  it("gives about 0.10 for 6 erlangs on 10 servers (the Erlang C curve in the textbook M/M/m exercise)", () => {
    // 120 customers per hour, 3 minutes each, 10 assistants: "the probability of waiting is about 0.10".
    expect(erlangC(10, 6)).toBeCloseTo(0.1013, 4);
  });
  it("agrees with the factorial formula wherever that one is usable", () => {
    for (let n = 1; n <= 40; n++) {
      for (const share of [0.1, 0.5, 0.8, 0.95, 0.999]) {
        const a = n * share;
        expect(erlangC(n, a)).toBeCloseTo(erlangCDirect(n, a), 12);
      }
    }
  });
});

describe("numerical range", () => {
  it("stays finite and in [0, 1] for thousands of servers, where a^N / N! overflows", () => {
    const c = erlangC(2000, 1950);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    // The direct formula gives NaN here (Infinity / Infinity).
    expect(Number.isNaN(erlangCDirect(2000, 1950))).toBe(true);
  });
  it("falls as servers are added and rises with traffic", () => {
    let previous = 1;
    for (let n = 11; n < 40; n++) {
      const c = erlangC(n, 10);
      expect(c).toBeLessThan(previous);
      previous = c;
    }
    expect(erlangC(12, 11)).toBeGreaterThan(erlangC(12, 10));
  });
});

describe("an unstable queue (A ≥ N)", () => {
  it("always waits, waits forever and never meets a service level", () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(3, 7.5)).toBe(1);
    expect(averageSpeedOfAnswer(10, 10, 5)).toBe(Number.POSITIVE_INFINITY);
    expect(serviceLevel(10, 12, 5, 480)).toBe(0);
    const f = queueFigures({ servers: 2, traffic: 3, aht: 10, t: 60 });
    expect(f).toMatchObject({ stable: false, probabilityOfWaiting: 1, serviceLevel: 0, averageSpeedOfAnswer: Number.POSITIVE_INFINITY, occupancy: 1.5 });
  });
  it("needs more servers than the traffic, even with a very long target", () => {
    expect(serversNeeded({ traffic: 4.2, aht: 10, t: 100_000, goal: 0.8 })).toBe(5);
    expect(serversNeeded({ traffic: 4, aht: 10, t: 100_000, goal: 0.8 })).toBe(5);
  });
});

describe("no traffic", () => {
  it("needs nobody and never waits", () => {
    expect(serversNeeded({ traffic: 0, aht: 10, t: 60, goal: 0.8 })).toBe(0);
    expect(queueFigures({ servers: 0, traffic: 0, aht: 10, t: 60 })).toMatchObject({ stable: true, probabilityOfWaiting: 0, serviceLevel: 1, averageSpeedOfAnswer: 0, occupancy: 0 });
  });
});

describe("bad input", () => {
  it.each([
    () => erlangC(-1, 2),
    () => erlangC(2.5, 2),
    () => erlangC(3, -0.1),
    () => erlangC(3, Number.NaN),
    () => serviceLevel(3, 2, 0, 10),
    () => serviceLevel(3, 2, 5, -1),
    () => serversNeeded({ traffic: 2, aht: 5, t: 10, goal: 1 }),
    () => serversNeeded({ traffic: 2, aht: 5, t: 10, goal: 0 }),
    () => serversNeeded({ traffic: Number.POSITIVE_INFINITY, aht: 5, t: 10, goal: 0.8 }),
  ])("refuses case %#", (call) => {
    expect(call).toThrow(RangeError);
  });
});
