import { describe, expect, it } from "vitest";
import { openTaskSlaState, slaEscalation } from "./sla";
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
