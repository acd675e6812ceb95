import { describe, expect, it } from "vitest";
import { isoDate, SSC_TIME_ZONE } from "./calendar-date";
import { dateTimeFormat } from "./intl-format";

describe("calendar dates", () => {
  it("reads a date-only value stored as UTC midnight back as its day", () => {
    expect(isoDate(new Date("2026-12-04T00:00:00Z"))).toBe("2026-12-04");
    expect(isoDate(new Date("2026-02-28T23:59:59.999Z"))).toBe("2026-02-28");
  });
  it("names a real IANA zone", () => {
    expect(() => dateTimeFormat("en", { timeZone: SSC_TIME_ZONE })).not.toThrow(); // Intl throws RangeError for an unknown zone
  });
});
