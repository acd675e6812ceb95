import { describe, expect, it } from "vitest";
import { openTaskSlaState, slaEscalation, slaSweepStep } from "./sla";
import { DEFAULT_CALENDAR, type WorkCalendar } from "./work-calendar";

const cal: WorkCalendar = { ...DEFAULT_CALENDAR, holidays: [], extraWorkdays: [] };
// Shanghai is UTC+8: 09:00 local = 01:00Z. 2026-11-23 is a Monday.
const at = (iso: string) => new Date(iso);

describe("openTaskSlaState", () => {
  it("is on track with more than a quarter of the working minutes left", () => {
    // Due Monday 17:00 local; now Monday 10:00 local: 6 working hours (minus lunch) left of 8.
    expect(openTaskSlaState(at("2026-11-23T02:00:00Z"), at("2026-11-23T09:00:00Z"), 480, cal)).toEqual({ state: "ON_TRACK", usedShare: 0.25 });
  });
  it("is at risk with a quarter or less left", () => {
    // 16:00 local, due 17:00 local: 60 of 480 minutes left.
    expect(openTaskSlaState(at("2026-11-23T08:00:00Z"), at("2026-11-23T09:00:00Z"), 480, cal).state).toBe("AT_RISK");
  });
  it("counts working time only: Friday evening with a Monday-morning due time is not yet at risk", () => {
    // Friday 18:30 local, due Monday 12:00 local: 180 working minutes left of 480.
    const r = openTaskSlaState(at("2026-11-27T10:30:00Z"), at("2026-11-30T04:00:00Z"), 480, cal);
    expect(r).toEqual({ state: "ON_TRACK", usedShare: 1 - 180 / 480 });
  });
  it("is breached at and after the due time", () => {
    expect(openTaskSlaState(at("2026-11-23T09:00:00Z"), at("2026-11-23T09:00:00Z"), 480, cal).state).toBe("BREACHED");
    expect(openTaskSlaState(at("2026-11-24T09:00:00Z"), at("2026-11-23T09:00:00Z"), 480, cal).state).toBe("BREACHED");
  });
});

describe("slaEscalation", () => {
  it("only moves forward", () => {
    expect(slaEscalation("ON_TRACK", "AT_RISK")).toBe("AT_RISK");
    expect(slaEscalation("ON_TRACK", "BREACHED")).toBe("BREACHED");
    expect(slaEscalation("AT_RISK", "BREACHED")).toBe("BREACHED");
    expect(slaEscalation("AT_RISK", "AT_RISK")).toBeNull();
    expect(slaEscalation("BREACHED", "AT_RISK")).toBeNull();
    expect(slaEscalation("AT_RISK", "ON_TRACK")).toBeNull();
  });
});

describe("slaSweepStep", () => {
  it("looks again when the last quarter of working minutes starts, skipping lunch", () => {
    // Monday 10:00 local, due 17:00 local: 360 working minutes left; at risk with 120 left = 15:00 local.
    const r = slaSweepStep(at("2026-11-23T02:00:00Z"), at("2026-11-23T09:00:00Z"), 480, "ON_TRACK", cal);
    expect(r).toEqual({ to: null, checkAt: at("2026-11-23T07:00:00Z") });
    expect(openTaskSlaState(r.checkAt!, at("2026-11-23T09:00:00Z"), 480, cal).state).toBe("AT_RISK");
    expect(openTaskSlaState(new Date(r.checkAt!.getTime() - 60_000), at("2026-11-23T09:00:00Z"), 480, cal).state).toBe("ON_TRACK");
  });
  it("skips nights and weekends: Friday evening, due Monday noon, at risk Monday 10:00", () => {
    expect(slaSweepStep(at("2026-11-27T10:30:00Z"), at("2026-11-30T04:00:00Z"), 480, "ON_TRACK", cal)).toEqual({ to: null, checkAt: at("2026-11-30T02:00:00Z") });
  });
  it("skips holidays in the calendar", () => {
    // Monday 2026-11-30 a holiday: Friday evening, due Tuesday noon → 180 minutes left, at risk Tuesday 10:00.
    const holiday: WorkCalendar = { ...cal, holidays: ["2026-11-30"] };
    expect(slaSweepStep(at("2026-11-27T10:30:00Z"), at("2026-12-01T04:00:00Z"), 480, "ON_TRACK", holiday)).toEqual({ to: null, checkAt: at("2026-12-01T02:00:00Z") });
  });
  it("moves to at risk and looks again at the due time; moves to breached and never looks again", () => {
    expect(slaSweepStep(at("2026-11-23T08:00:00Z"), at("2026-11-23T09:00:00Z"), 480, "ON_TRACK", cal)).toEqual({ to: "AT_RISK", checkAt: at("2026-11-23T09:00:00Z") });
    expect(slaSweepStep(at("2026-11-23T08:30:00Z"), at("2026-11-23T09:00:00Z"), 480, "AT_RISK", cal)).toEqual({ to: null, checkAt: at("2026-11-23T09:00:00Z") });
    expect(slaSweepStep(at("2026-11-23T09:00:00Z"), at("2026-11-23T09:00:00Z"), 480, "ON_TRACK", cal)).toEqual({ to: "BREACHED", checkAt: null });
  });
  it("never moves back: a task at risk stays at risk (e.g. after a calendar change) and is looked at again when due", () => {
    expect(slaSweepStep(at("2026-11-23T01:00:00Z"), at("2026-11-23T09:00:00Z"), 480, "AT_RISK", cal)).toEqual({ to: null, checkAt: at("2026-11-23T09:00:00Z") });
  });
  it("a zero-minute SLA is looked at again only when due", () => {
    expect(slaSweepStep(at("2026-11-23T01:00:00Z"), at("2026-11-23T09:00:00Z"), 0, "ON_TRACK", cal)).toEqual({ to: null, checkAt: at("2026-11-23T09:00:00Z") });
  });
  it("at every minute of a week the state is unchanged until the check time and changed at it", () => {
    const due = at("2026-11-27T06:00:00Z"); // Friday 14:00 local
    for (let t = at("2026-11-23T00:00:00Z").getTime(); t < due.getTime(); t += 37 * 60_000) {
      const now = new Date(t);
      const before = openTaskSlaState(now, due, 960, cal).state;
      const { to, checkAt } = slaSweepStep(now, due, 960, "ON_TRACK", cal);
      expect(to).toBe(before === "ON_TRACK" ? null : before);
      const state = to ?? "ON_TRACK";
      expect(checkAt!.getTime()).toBeGreaterThanOrEqual(t);
      if (checkAt!.getTime() - 60_000 > t) expect(openTaskSlaState(new Date(checkAt!.getTime() - 60_000), due, 960, cal).state).toBe(state);
      expect(openTaskSlaState(checkAt!, due, 960, cal).state).not.toBe(state);
    }
  });
});
