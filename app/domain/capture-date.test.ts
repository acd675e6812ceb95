import { describe, expect, it } from "vitest";
import { exifCaptureDate, parseExifDateTime, parsePdfDate, plausibleCaptureDate } from "./capture-date";

describe("parseExifDateTime", () => {
  it("reads the standard EXIF form and the forms devices also write", () => {
    expect(parseExifDateTime("2026:03:09 14:30:00")).toBe("2026-03-09");
    expect(parseExifDateTime("2026:03:09 14:30")).toBe("2026-03-09");
    expect(parseExifDateTime("2026:03:09")).toBe("2026-03-09");
    expect(parseExifDateTime("2026-03-09T14:30:00.123+08:00")).toBe("2026-03-09");
    expect(parseExifDateTime("2026:03:09 14:30:00.45")).toBe("2026-03-09");
    expect(parseExifDateTime("2026/03/09 14:30:00")).toBe("2026-03-09");
  });

  it("keeps the local date as written: a late-evening photo with a +08:00 offset is still that day", () => {
    // 23:30 in Shanghai on 9 March is 15:30 UTC; 01:30 on 10 March is 9 March in UTC: the receipt's date is the local one.
    expect(parseExifDateTime("2026:03:09 23:30:00")).toBe("2026-03-09");
    expect(parseExifDateTime("2026:03:10 01:30:00")).toBe("2026-03-10");
  });

  it("gives null for blanks, zeros, impossible dates and garbage", () => {
    expect(parseExifDateTime("    :  :     :  :  ")).toBeNull();
    expect(parseExifDateTime("0000:00:00 00:00:00")).toBeNull();
    expect(parseExifDateTime("2026:02:30 10:00:00")).toBeNull();
    expect(parseExifDateTime("2026:13:01 10:00:00")).toBeNull();
    expect(parseExifDateTime("2026:03:09 25:00:00")).toBeNull();
    expect(parseExifDateTime("yesterday")).toBeNull();
    expect(parseExifDateTime("")).toBeNull();
    expect(parseExifDateTime(20260309)).toBeNull();
    expect(parseExifDateTime(undefined)).toBeNull();
    expect(parseExifDateTime(new Date("2026-03-09T00:00:00Z"))).toBeNull();
  });
});

describe("exifCaptureDate", () => {
  it("prefers DateTimeOriginal, falls back to CreateDate", () => {
    expect(exifCaptureDate({ DateTimeOriginal: "2026:03:09 10:00:00", CreateDate: "2026:04:01 10:00:00" })).toBe("2026-03-09");
    expect(exifCaptureDate({ CreateDate: "2026:04:01 10:00:00" })).toBe("2026-04-01");
    expect(exifCaptureDate({ DateTimeOriginal: "0000:00:00 00:00:00", CreateDate: "2026:04:01 10:00:00" })).toBe("2026-04-01");
    expect(exifCaptureDate({})).toBeNull();
    expect(exifCaptureDate(null)).toBeNull();
  });
});

describe("parsePdfDate", () => {
  it("reads full PDF dates in the offset they were written in", () => {
    expect(parsePdfDate("D:20260309013000+08'00'")).toBe("2026-03-09"); // 8 March 17:30 UTC
    expect(parsePdfDate("D:20260309230000-05'00'")).toBe("2026-03-09"); // 10 March 04:00 UTC
    expect(parsePdfDate("D:20260309120000Z")).toBe("2026-03-09");
    expect(parsePdfDate("D:20260309120000Z00'00'")).toBe("2026-03-09");
    expect(parsePdfDate("D:20260309013000+08'00")).toBe("2026-03-09");
    expect(parsePdfDate("D:20260309013000+0800")).toBe("2026-03-09");
  });

  it("accepts the optional parts left off, and no D: prefix", () => {
    expect(parsePdfDate("D:20260309")).toBe("2026-03-09");
    expect(parsePdfDate("D:2026030914")).toBe("2026-03-09");
    expect(parsePdfDate("20260309013000")).toBe("2026-03-09");
  });

  it("gives null without a day, for impossible values and garbage", () => {
    expect(parsePdfDate("D:2026")).toBeNull();
    expect(parsePdfDate("D:202603")).toBeNull();
    expect(parsePdfDate("D:20260230120000")).toBeNull();
    expect(parsePdfDate("D:20260309250000")).toBeNull();
    expect(parsePdfDate("D:20260309120000+15'00'")).toBeNull();
    expect(parsePdfDate("Mon Mar  9 01:30:00 2026 CST")).toBeNull();
    expect(parsePdfDate("D:20260309013000+08'00' trailing")).toBeNull();
    expect(parsePdfDate("\u00fe\u00ff\u0000D")).toBeNull();
    expect(parsePdfDate("")).toBeNull();
    expect(parsePdfDate(null)).toBeNull();
  });
});

describe("plausibleCaptureDate", () => {
  const now = new Date("2026-11-27T01:00:00Z");
  it("keeps dates from 2000 up to a day ahead of now", () => {
    expect(plausibleCaptureDate("2000-01-01", now)).toBe("2000-01-01");
    expect(plausibleCaptureDate("2026-03-09", now)).toBe("2026-03-09");
    expect(plausibleCaptureDate("2026-11-28", now)).toBe("2026-11-28"); // already 28 Nov east of UTC+11
  });

  it("drops a camera clock never set, the future, and non-dates", () => {
    expect(plausibleCaptureDate("1999-12-31", now)).toBeNull();
    expect(plausibleCaptureDate("1970-01-01", now)).toBeNull();
    expect(plausibleCaptureDate("2026-11-29", now)).toBeNull();
    expect(plausibleCaptureDate("2037-01-01", now)).toBeNull();
    expect(plausibleCaptureDate("2026-02-30", now)).toBeNull();
    expect(plausibleCaptureDate(null, now)).toBeNull();
  });
});
