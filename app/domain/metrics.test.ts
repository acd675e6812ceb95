import { SSC_TIME_ZONE } from "./calendar-date";
import { describe, expect, it } from "vitest";
import {
  ageBucket,
  dayRange,
  errorsPer10k,
  firstPassYield,
  hourStart,
  localDay,
  localHour,
  parseTargetDays,
  percentile,
  sameWeekdayLastWeek,
  share,
  slaCompliance,
  taskBuckets,
} from "./metrics";

const at = (iso: string) => new Date(iso);

describe("buckets in the SSC's time zone", () => {
  it("is Shanghai", () => expect(SSC_TIME_ZONE).toBe("Asia/Shanghai"));
  it("puts 23:30Z into the next local day (UTC+8) and its local hour 07:00", () => {
    expect(localDay(at("2026-11-26T23:30:00Z"))).toBe("2026-11-27");
    expect(localHour(at("2026-11-26T23:30:00Z"))).toBe(7);
    expect(hourStart(at("2026-11-26T23:30:00Z")).toISOString()).toBe("2026-11-26T23:00:00.000Z");
  });
  it("starts the local day at 16:00Z the evening before", () => {
    expect(localDay(at("2026-11-26T15:59:59.999Z"))).toBe("2026-11-26");
    expect(localDay(at("2026-11-26T16:00:00Z"))).toBe("2026-11-27");
    expect(dayRange("2026-11-27")).toEqual({ start: at("2026-11-26T16:00:00Z"), end: at("2026-11-27T16:00:00Z") });
  });
  it("truncates to local hours in a half-hour zone (Kolkata, UTC+5:30)", () => {
    expect(hourStart(at("2026-11-27T10:10:00Z"), "Asia/Kolkata").toISOString()).toBe("2026-11-27T09:30:00.000Z");
    expect(localHour(at("2026-11-27T10:10:00Z"), "Asia/Kolkata")).toBe(15);
  });
  it("has a 23-hour day when the clocks go forward (New York, 2026-03-08)", () => {
    const { start, end } = dayRange("2026-03-08", "America/New_York");
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(23);
  });
  it("finds the same weekday a week earlier, across a month end", () => {
    expect(sameWeekdayLastWeek("2026-12-03")).toBe("2026-11-26");
  });
  it("rejects what is not a day", () => {
    expect(() => dayRange("2026-13-01")).toThrow(RangeError);
    expect(() => sameWeekdayLastWeek("yesterday")).toThrow(RangeError);
    expect(() => localDay(new Date(), "Mars/Olympus")).toThrow(RangeError);
  });
  it("touches a task's arrival hour, and its finishing hour once finished", () => {
    const created = at("2026-11-27T01:10:00Z");
    expect(taskBuckets({ createdAt: created, finishedAt: null })).toEqual([at("2026-11-27T01:00:00Z")]);
    expect(taskBuckets({ createdAt: created, finishedAt: at("2026-11-27T01:50:00Z") })).toEqual([at("2026-11-27T01:00:00Z")]);
    expect(taskBuckets({ createdAt: created, finishedAt: at("2026-11-27T03:05:00Z") })).toEqual([at("2026-11-27T01:00:00Z"), at("2026-11-27T03:00:00Z")]);
  });
});

describe("percentile", () => {
  it("interpolates between closest ranks like percentile_cont", () => {
    // 1..10: p50 = 5.5, p90 = 9.1 (rank 8.1 between 9 and 10).
    const v = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(percentile(v, 0.5)).toBe(5.5);
    expect(percentile(v, 0.9)).toBeCloseTo(9.1, 10);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 1)).toBe(10);
  });
  it("is the value itself for one value and null for none", () => {
    expect(percentile([0.3], 0.9)).toBe(0.3);
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([Number.NaN], 0.5)).toBeNull();
  });
  it("refuses a p outside 0..1", () => {
    expect(() => percentile([1], 90)).toThrow(RangeError);
    expect(() => percentile([1], -0.1)).toThrow(RangeError);
  });
});

describe("shares", () => {
  it("SLA compliance is met over tracked, null when nothing was tracked", () => {
    expect(slaCompliance(45, 50)).toBe(0.9);
    expect(slaCompliance(0, 0)).toBeNull();
  });
  it("first-pass yield is first-pass over approved", () => {
    expect(firstPassYield(8, 6)).toBe(0.75);
    expect(firstPassYield(0, 0)).toBeNull();
  });
  it("errors per 10,000 checked", () => {
    expect(errorsPer10k(3, 20_000)).toBe(1.5);
    expect(errorsPer10k(0, 120)).toBe(0);
    expect(errorsPer10k(0, 0)).toBeNull();
  });
  it("refuses a part larger than the whole or negative counts", () => {
    expect(() => share(6, 5)).toThrow(RangeError);
    expect(() => share(-1, 5)).toThrow(RangeError);
  });
});

describe("backlog age buckets", () => {
  const h = 3_600_000;
  it("puts each age in its bucket, lower bounds inclusive", () => {
    expect(ageBucket(-5_000)).toBe("lt1h");
    expect(ageBucket(h - 1)).toBe("lt1h");
    expect(ageBucket(h)).toBe("h1to4");
    expect(ageBucket(4 * h)).toBe("h4to8");
    expect(ageBucket(8 * h)).toBe("h8to24");
    expect(ageBucket(24 * h - 1)).toBe("h8to24");
    expect(ageBucket(24 * h)).toBe("gt1d");
    expect(ageBucket(40 * 24 * h)).toBe("gt1d");
  });
});

describe("cycle-time target", () => {
  it("accepts positive days up to 30 with two decimals, comma or point", () => {
    expect(parseTargetDays("0.22")).toEqual({ ok: true, days: 0.22 });
    expect(parseTargetDays("0,3")).toEqual({ ok: true, days: 0.3 });
    expect(parseTargetDays(2)).toEqual({ ok: true, days: 2 });
  });
  it("names what is wrong", () => {
    expect(parseTargetDays("")).toEqual({ ok: false, code: "required" });
    expect(parseTargetDays("abc")).toEqual({ ok: false, code: "not_a_number" });
    expect(parseTargetDays("0")).toEqual({ ok: false, code: "out_of_range" });
    expect(parseTargetDays("31")).toEqual({ ok: false, code: "out_of_range" });
    expect(parseTargetDays("0.225")).toEqual({ ok: false, code: "too_precise" });
  });
});
