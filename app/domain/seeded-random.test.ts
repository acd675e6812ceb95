import { describe, expect, it } from "vitest";
import { mulberry32 } from "./seeded-random";

describe("mulberry32", () => {
  it("replays the same sequence for the same seed and another for another seed", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });
  it("stays in [0, 1) with a mean near one half", () => {
    const next = mulberry32(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.01);
  });
});
