import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { mulberry32 as rng } from "~/domain/seeded-random";
import {
  DEFAULT_CALENDAR,
  addWorkingMinutes,
  isWorkingDay,
  parseWorkCalendar,
  slaDueAt,
  slaState,
  workingMinutesBetween,
  type Interval,
  type WorkCalendar,
} from "./work-calendar";

const cal = DEFAULT_CALENDAR;
/** A Shanghai wall-clock time as the UTC instant it is. */
const sh = (local: string) => DateTime.fromISO(local, { zone: "Asia/Shanghai" }).toJSDate();
const shText = (d: Date) => DateTime.fromJSDate(d, { zone: "Asia/Shanghai" }).toFormat("yyyy-MM-dd'T'HH:mm");
const london: WorkCalendar = {
  timeZone: "Europe/London",
  workdays: [1, 2, 3, 4, 5],
  dayStart: "09:00",
  dayEnd: "17:00",
  holidays: [],
  extraWorkdays: [],
};
const pause = (from: string, to: string): Interval => ({ from: sh(from), to: sh(to) });

// 2026-03-06 is a Friday, 2026-03-09 a Monday; no holidays nearby.

describe("isWorkingDay", () => {
  it("follows weekdays, holidays and make-up days", () => {
    expect(isWorkingDay("2026-03-06", cal)).toBe(true); // Friday
    expect(isWorkingDay("2026-03-07", cal)).toBe(false); // Saturday
    expect(isWorkingDay("2026-03-08", cal)).toBe(false); // Sunday
    expect(isWorkingDay("2026-10-01", cal)).toBe(false); // National Day, a Thursday
    expect(isWorkingDay("2026-10-08", cal)).toBe(true); // back to work
    expect(isWorkingDay("2026-10-10", cal)).toBe(true); // make-up Saturday
    expect(isWorkingDay("2026-09-20", cal)).toBe(true); // make-up Sunday
    expect(isWorkingDay("2026-09-19", cal)).toBe(false); // an ordinary Saturday
  });
  it("lets a holiday win when a date is listed as both", () => {
    expect(isWorkingDay("2026-03-07", { ...cal, holidays: ["2026-03-07"], extraWorkdays: ["2026-03-07"] })).toBe(false);
  });
  it.each(["2026-02-30", "2026-3-6", "20260306", ""])("refuses the date %j", (date) => {
    expect(() => isWorkingDay(date, cal)).toThrow(RangeError);
  });
});

describe("addWorkingMinutes", () => {
  it("carries over a weekend: Friday 17:00 + 2 h = Monday 10:00", () => {
    expect(shText(addWorkingMinutes(sh("2026-03-06T17:00"), 120, cal))).toBe("2026-03-09T10:00");
  });
  it("ends at the end of the day rather than the start of the next", () => {
    expect(shText(addWorkingMinutes(sh("2026-03-06T17:00"), 60, cal))).toBe("2026-03-06T18:00");
  });
  it("skips lunch", () => {
    expect(shText(addWorkingMinutes(sh("2026-03-09T11:30"), 60, cal))).toBe("2026-03-09T13:30");
    expect(shText(addWorkingMinutes(sh("2026-03-09T11:30"), 30, cal))).toBe("2026-03-09T12:00");
    expect(shText(addWorkingMinutes(sh("2026-03-09T12:15"), 15, cal))).toBe("2026-03-09T13:15");
  });
  it("starts a night or weekend arrival at the next working instant", () => {
    expect(shText(addWorkingMinutes(sh("2026-03-10T22:00"), 30, cal))).toBe("2026-03-11T09:30");
    expect(shText(addWorkingMinutes(sh("2026-03-11T06:00"), 30, cal))).toBe("2026-03-11T09:30");
    expect(shText(addWorkingMinutes(sh("2026-03-07T10:00"), 30, cal))).toBe("2026-03-09T09:30");
  });
  it("skips holidays and works make-up days", () => {
    // Wednesday 30 Sep, then the National Day week off, back Thursday 8 Oct.
    expect(shText(addWorkingMinutes(sh("2026-09-30T17:00"), 120, cal))).toBe("2026-10-08T10:00");
    // Friday 9 Oct, then the make-up Saturday 10 Oct.
    expect(shText(addWorkingMinutes(sh("2026-10-09T17:00"), 120, cal))).toBe("2026-10-10T10:00");
    // Friday 18 Sep, Saturday off, make-up Sunday 20 Sep.
    expect(shText(addWorkingMinutes(sh("2026-09-18T17:00"), 120, cal))).toBe("2026-09-20T10:00");
  });
  it("returns the start itself for zero minutes, even at night", () => {
    expect(addWorkingMinutes(sh("2026-03-07T03:00"), 0, cal)).toEqual(sh("2026-03-07T03:00"));
    expect(addWorkingMinutes(sh("2026-03-09T10:00"), 0, cal)).toEqual(sh("2026-03-09T10:00"));
  });
  it("adds 10,000 minutes by whole segments, not minute by minute", () => {
    // 10,000 min = 20 days of 8 h + 400 min; from Monday 2 Mar: 20 working days to Friday 27 Mar,
    // then Monday 30 Mar 09:00–12:00 (180) and 13:00–16:40 (220).
    expect(shText(addWorkingMinutes(sh("2026-03-02T09:00"), 10_000, cal))).toBe("2026-03-30T16:40");
    // About half a millisecond each; stepping minute by minute would take seconds. A wide margin for slow CI.
    const started = performance.now();
    for (let i = 0; i < 50; i++) addWorkingMinutes(sh("2031-03-03T09:00"), 10_000 + i, cal);
    expect(performance.now() - started).toBeLessThan(1000);
  });
  it("accepts fractional minutes and refuses negative or non-finite ones", () => {
    expect(addWorkingMinutes(sh("2026-03-09T09:00"), 0.5, cal)).toEqual(new Date(sh("2026-03-09T09:00").getTime() + 30_000));
    expect(() => addWorkingMinutes(sh("2026-03-09T09:00"), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(sh("2026-03-09T09:00"), Number.NaN, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(sh("2026-03-09T09:00"), Infinity, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(new Date(Number.NaN), 1, cal)).toThrow(RangeError);
  });
});

describe("workingMinutesBetween", () => {
  it("counts only working hours", () => {
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-03-09T18:00"), cal)).toBe(480);
    expect(workingMinutesBetween(sh("2026-03-09T11:00"), sh("2026-03-09T14:00"), cal)).toBe(120);
    expect(workingMinutesBetween(sh("2026-03-06T17:00"), sh("2026-03-09T10:00"), cal)).toBe(120);
    expect(workingMinutesBetween(sh("2026-03-07T00:00"), sh("2026-03-09T00:00"), cal)).toBe(0);
    expect(workingMinutesBetween(sh("2026-03-02T00:00"), sh("2026-03-09T00:00"), cal)).toBe(5 * 480);
  });
  it("is zero for an empty or reversed range", () => {
    expect(workingMinutesBetween(sh("2026-03-09T10:00"), sh("2026-03-09T10:00"), cal)).toBe(0);
    expect(workingMinutesBetween(sh("2026-03-09T11:00"), sh("2026-03-09T10:00"), cal)).toBe(0);
  });
  it("counts seconds as fractions of a minute", () => {
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), new Date(sh("2026-03-09T09:01").getTime() + 30_000), cal)).toBe(1.5);
  });
  it("is zero, not an error, for a calendar without working days", () => {
    const never = { ...cal, workdays: [], extraWorkdays: [] };
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-04-09T09:00"), never)).toBe(0);
    expect(() => addWorkingMinutes(sh("2026-03-09T09:00"), 1, never)).toThrow(RangeError);
  });
});

describe("pauses (the claim is back with the claimant)", () => {
  it("move the due time by the working time they cover", () => {
    expect(shText(slaDueAt(sh("2026-03-09T09:00"), 480, cal))).toBe("2026-03-09T18:00");
    // 10:00–14:00 covers 3 working hours (lunch was not working time anyway).
    const p = [pause("2026-03-09T10:00", "2026-03-09T14:00")];
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-03-09T18:00"), cal, p)).toBe(300);
    expect(shText(slaDueAt(sh("2026-03-09T09:00"), 480, cal, p))).toBe("2026-03-10T12:00");
  });
  it("may overlap each other and reach outside the range", () => {
    const overlapping = [
      pause("2026-03-09T13:30", "2026-03-09T13:45"),
      pause("2026-03-09T10:00", "2026-03-09T12:30"),
      pause("2026-03-09T11:00", "2026-03-09T14:00"),
    ];
    expect(shText(slaDueAt(sh("2026-03-09T09:00"), 480, cal, overlapping))).toBe("2026-03-10T12:00");
    // Starting inside a pause that began on Saturday.
    const fromWeekend = [pause("2026-03-07T10:00", "2026-03-09T11:00")];
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-03-09T18:00"), cal, fromWeekend)).toBe(360);
    expect(shText(slaDueAt(sh("2026-03-09T09:00"), 90, cal, fromWeekend))).toBe("2026-03-09T13:30");
  });
  it("that touch end to start behave as one", () => {
    const touching = [pause("2026-03-09T10:00", "2026-03-09T11:00"), pause("2026-03-09T11:00", "2026-03-09T15:00")];
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-03-09T18:00"), cal, touching)).toBe(240);
  });
  it("ignore empty and reversed intervals", () => {
    const junk = [pause("2026-03-09T10:00", "2026-03-09T10:00"), pause("2026-03-09T15:00", "2026-03-09T11:00")];
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-03-09T18:00"), cal, junk)).toBe(480);
  });
  it("left open (far-future end) stop the clock, and are jumped over, not walked", () => {
    const open = [{ from: sh("2026-03-09T11:00"), to: new Date("9999-12-31T00:00:00Z") }];
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), sh("2030-01-01T00:00"), cal, open)).toBe(120);
    // Walking the ~2.9 million days to 9999 would take minutes; jumping takes nothing.
    const started = performance.now();
    const due = slaDueAt(sh("2026-03-09T09:00"), 480, cal, open);
    expect(performance.now() - started).toBeLessThan(500);
    expect(due.getTime()).toBeGreaterThan(open[0]!.to.getTime());
    expect(workingMinutesBetween(sh("2026-03-09T09:00"), due, cal, open)).toBe(480);
  });
});

describe("daylight saving time (Europe/London)", () => {
  const ldn = (local: string) => DateTime.fromISO(local, { zone: "Europe/London" }).toJSDate();
  it("keeps 09:00 at 09:00 across the March switch", () => {
    // Friday 27 Mar 2026 16:00 GMT; clocks go forward on Sunday 29 Mar.
    const due = addWorkingMinutes(ldn("2026-03-27T16:00"), 120, london);
    expect(due.toISOString()).toBe("2026-03-30T09:00:00.000Z"); // 10:00 BST
    expect(workingMinutesBetween(ldn("2026-03-27T16:00"), due, london)).toBe(120);
  });
  it("keeps 09:00 at 09:00 across the October switch", () => {
    // Friday 23 Oct 2026 16:00 BST; clocks go back on Sunday 25 Oct.
    const due = addWorkingMinutes(ldn("2026-10-23T16:00"), 120, london);
    expect(due.toISOString()).toBe("2026-10-26T10:00:00.000Z"); // 10:00 GMT
    expect(workingMinutesBetween(ldn("2026-10-23T16:00"), due, london)).toBe(120);
  });
  it("counts real minutes on the switch days themselves", () => {
    const always: WorkCalendar = { ...london, workdays: [1, 2, 3, 4, 5, 6, 7], dayStart: "00:00", dayEnd: "24:00" };
    expect(workingMinutesBetween(ldn("2026-03-29T00:00"), ldn("2026-03-30T00:00"), always)).toBe(23 * 60);
    expect(workingMinutesBetween(ldn("2026-10-25T00:00"), ldn("2026-10-26T00:00"), always)).toBe(25 * 60);
    const sundays: WorkCalendar = { ...london, workdays: [7] };
    expect(addWorkingMinutes(ldn("2026-03-29T00:00"), 0.5, sundays).toISOString()).toBe("2026-03-29T08:00:30.000Z");
  });
});

describe("slaState", () => {
  const created = sh("2026-03-09T09:00");
  const due = slaDueAt(created, 480, cal); // Monday 18:00
  it("is on track, at risk from 75 %, breached from the due time", () => {
    expect(slaState(sh("2026-03-09T14:00"), created, due, cal)).toEqual({ state: "ON_TRACK", usedShare: 0.5 });
    expect(slaState(sh("2026-03-09T15:59"), created, due, cal).state).toBe("ON_TRACK");
    expect(slaState(sh("2026-03-09T16:00"), created, due, cal)).toEqual({ state: "AT_RISK", usedShare: 0.75 });
    expect(slaState(sh("2026-03-09T17:59"), created, due, cal).state).toBe("AT_RISK");
    expect(slaState(sh("2026-03-09T18:00"), created, due, cal)).toEqual({ state: "BREACHED", usedShare: 1 });
    expect(slaState(sh("2026-03-10T10:00"), created, due, cal)).toEqual({ state: "BREACHED", usedShare: 1.125 });
  });
  it("stays on track before creation and at night", () => {
    expect(slaState(sh("2026-03-08T10:00"), created, due, cal)).toEqual({ state: "ON_TRACK", usedShare: 0 });
  });
  it("takes another at-risk share and refuses a nonsensical one", () => {
    expect(slaState(sh("2026-03-09T14:00"), created, due, cal, [], 0.5).state).toBe("AT_RISK");
    expect(() => slaState(sh("2026-03-09T14:00"), created, due, cal, [], 0)).toThrow(RangeError);
    expect(() => slaState(sh("2026-03-09T14:00"), created, due, cal, [], 1.5)).toThrow(RangeError);
  });
  it("freezes the share while paused", () => {
    const open = [{ from: sh("2026-03-09T11:00"), to: new Date("9999-12-31T00:00:00Z") }];
    const pausedDue = slaDueAt(created, 480, cal, open);
    const early = slaState(sh("2026-03-09T11:00"), created, pausedDue, cal, open);
    const later = slaState(sh("2026-03-20T11:00"), created, pausedDue, cal, open);
    expect(later).toEqual(early);
    expect(later.state).toBe("ON_TRACK");
    expect(later.usedShare).toBe(0.25);
  });
  it("treats a zero-minute SLA as due at once", () => {
    expect(slaState(created, created, created, cal)).toEqual({ state: "BREACHED", usedShare: 1 });
    expect(slaState(sh("2026-03-09T08:00"), created, created, cal)).toEqual({ state: "ON_TRACK", usedShare: 0 });
  });
});

describe("calendar validation", () => {
  const base = { ...cal };
  it.each<[string, WorkCalendar]>([
    ["unknown zone", { ...base, timeZone: "Mars/Olympus" }],
    ["start after end", { ...base, dayStart: "18:00", dayEnd: "09:00" }],
    ["bad clock", { ...base, dayStart: "9:00" }],
    ["25 o'clock", { ...base, dayEnd: "25:00" }],
    ["inverted break", { ...base, breaks: [{ start: "13:00", end: "12:00" }] }],
    ["weekday 8", { ...base, workdays: [8] }],
  ])("refuses %s", (_, bad) => {
    expect(() => workingMinutesBetween(sh("2026-03-09T09:00"), sh("2026-03-09T18:00"), bad)).toThrow(RangeError);
  });
  it("accepts 24:00, breaks reaching outside the day, and several breaks", () => {
    const c: WorkCalendar = {
      ...base,
      dayStart: "08:00",
      dayEnd: "24:00",
      breaks: [
        { start: "07:00", end: "09:00" },
        { start: "15:00", end: "15:30" },
        { start: "12:00", end: "13:00" },
      ],
    };
    // 09:00–12:00, 13:00–15:00, 15:30–24:00
    expect(workingMinutesBetween(sh("2026-03-09T00:00"), sh("2026-03-10T00:00"), c)).toBe(180 + 120 + 510);
    expect(shText(addWorkingMinutes(sh("2026-03-09T23:30"), 60, c))).toBe("2026-03-10T09:30");
  });
});

describe("DEFAULT_CALENDAR", () => {
  it("lists valid 2026 dates: holidays are not make-up days, make-up days are weekends", () => {
    for (const d of [...cal.holidays, ...cal.extraWorkdays]) expect(DateTime.fromISO(d).isValid, d).toBe(true);
    expect(cal.holidays.filter((d) => cal.extraWorkdays.includes(d))).toEqual([]);
    for (const d of cal.extraWorkdays) expect(DateTime.fromISO(d).weekday, d).toBeGreaterThanOrEqual(6);
    expect(cal.holidays.filter((d) => d.startsWith("2026-10-"))).toHaveLength(7);
    expect(cal.holidays.filter((d) => d.startsWith("2026-02-"))).toHaveLength(9);
  });
});


describe("addWorkingMinutes and workingMinutesBetween are inverse (seeded property test)", () => {
  const yearStart = sh("2026-01-01T00:00").getTime();
  const year = 365 * 24 * 3_600_000;
  const calendars: [string, WorkCalendar][] = [
    ["Shanghai", cal],
    ["London", { ...london, breaks: [{ start: "12:30", end: "13:15" }] }],
  ];
  it.each(calendars)("%s", (_, c) => {
    const random = rng(20260309);
    for (let i = 0; i < 150; i++) {
      const start = new Date(yearStart + Math.floor(random() * year));
      const minutes = Math.floor(random() * 6000);
      const pauses: Interval[] = [];
      for (let k = Math.floor(random() * 3); k > 0; k--) {
        const from = start.getTime() + Math.floor((random() - 0.2) * 10 * 86_400_000);
        pauses.push({ from: new Date(from), to: new Date(from + Math.floor(random() * 3 * 86_400_000)) });
      }
      const due = addWorkingMinutes(start, minutes, c, pauses);
      expect(workingMinutesBetween(start, due, c, pauses)).toBe(minutes);
      if (minutes > 0) {
        // Earliest: one second sooner, the minutes are not yet all used.
        expect(workingMinutesBetween(start, new Date(due.getTime() - 1000), c, pauses)).toBeLessThan(minutes);
      }
      // The other way round, from an arbitrary end point.
      const end = new Date(start.getTime() + Math.floor(random() * 20 * 86_400_000));
      const between = workingMinutesBetween(start, end, c, pauses);
      const back = addWorkingMinutes(start, between, c, pauses);
      expect(back.getTime()).toBeLessThanOrEqual(end.getTime());
      expect(workingMinutesBetween(start, back, c, pauses)).toBeCloseTo(between, 9);
    }
  });
});

describe("parseWorkCalendar", () => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  it("reads a stored calendar as it is, and none stored as the default without a word", () => {
    warnings.length = 0;
    expect(parseWorkCalendar(JSON.parse(JSON.stringify(london)), warn)).toEqual(london);
    expect(parseWorkCalendar(null, warn)).toBe(DEFAULT_CALENDAR);
    expect(parseWorkCalendar(undefined, warn)).toBe(DEFAULT_CALENDAR);
    expect(warnings).toEqual([]);
  });

  it.each([
    ["not an object", "Asia/Shanghai"],
    ["a missing field", { ...london, workdays: undefined }],
    ["a weekday out of range", { ...london, workdays: [0, 1] }],
    ["a clock that is not HH:MM", { ...london, dayStart: "9am" }],
    ["an unknown time zone", { ...london, timeZone: "Mars/Olympus" }],
    ["a day that ends before it starts", { ...london, dayStart: "18:00", dayEnd: "09:00" }],
    ["a break that ends before it starts", { ...london, breaks: [{ start: "13:00", end: "12:00" }] }],
    ["a date that does not exist", { ...london, holidays: ["2026-02-30"] }],
  ])("falls back to the default with a warning on %s", (_what, stored) => {
    warnings.length = 0;
    expect(parseWorkCalendar(stored, warn)).toBe(DEFAULT_CALENDAR);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/work calendar is invalid/);
  });
});
