import { describe, expect, it } from "vitest";
import {
  checkSendDetails,
  claimNumberFromEntry,
  foundReceipts,
  missingReceiptsFromMarks,
  originalPackable,
  packetEditable,
  packetHolds,
  packetReceivable,
  readDeskInput,
  workingDaysAfter,
} from "./paper-desk";
import { coverSheetCode, packetCode } from "./paper-trail";
import { DEFAULT_CALENDAR } from "./work-calendar";

describe("workingDaysAfter (originals due)", () => {
  it("counts working days after the submission's local day, skipping weekends", () => {
    // Friday 2026-12-04 10:00 in Shanghai → 10 working days → Friday 2026-12-18.
    expect(workingDaysAfter(new Date("2026-12-04T02:00:00Z"), 10, DEFAULT_CALENDAR)).toBe("2026-12-18");
    expect(workingDaysAfter(new Date("2026-12-04T02:00:00Z"), 1, DEFAULT_CALENDAR)).toBe("2026-12-07");
  });
  it("takes the day in the calendar's zone: 23:30 UTC on Thursday is already Friday in Shanghai", () => {
    expect(workingDaysAfter(new Date("2026-12-03T23:30:00Z"), 1, DEFAULT_CALENDAR)).toBe("2026-12-07");
  });
  it("skips holidays and counts make-up workdays (National Day 2026)", () => {
    // Submitted Wednesday 2026-09-30: Oct 1–7 are holidays, Saturday Oct 10 is a make-up workday.
    expect(workingDaysAfter(new Date("2026-09-30T02:00:00Z"), 1, DEFAULT_CALENDAR)).toBe("2026-10-08");
    expect(workingDaysAfter(new Date("2026-09-30T02:00:00Z"), 3, DEFAULT_CALENDAR)).toBe("2026-10-10");
  });
  it("refuses nonsense", () => {
    expect(() => workingDaysAfter(new Date(), 0, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => workingDaysAfter(new Date(), 1.5, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => workingDaysAfter(new Date("x"), 3, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => workingDaysAfter(new Date(), 3, { ...DEFAULT_CALENDAR, workdays: [], extraWorkdays: [] })).toThrow(RangeError);
  });
});

describe("packet states", () => {
  it("is packed only while open, received from open or sent until closed, and holds its claims until closed", () => {
    expect([packetEditable("OPEN"), packetEditable("SENT"), packetEditable("RECEIVING"), packetEditable("CLOSED")]).toEqual([true, false, false, false]);
    expect([packetReceivable("OPEN"), packetReceivable("SENT"), packetReceivable("RECEIVING"), packetReceivable("CLOSED")]).toEqual([true, true, true, false]);
    expect([packetHolds("OPEN"), packetHolds("SENT"), packetHolds("RECEIVING"), packetHolds("CLOSED")]).toEqual([true, true, true, false]);
  });
  it("packs originals that are owed: awaited or asked for again", () => {
    expect(["AWAITING", "RECEIVED", "ARCHIVED", "DISCREPANCY"].map(originalPackable)).toEqual([true, false, false, true]);
  });
});

describe("claimNumberFromEntry", () => {
  it("takes a cover-sheet code or a bare claim number, nothing else", () => {
    const code = coverSheetCode("EC2026000123");
    expect(claimNumberFromEntry(code)).toBe("EC2026000123");
    expect(claimNumberFromEntry(` ${code.toLowerCase()} `)).toBe("EC2026000123");
    expect(claimNumberFromEntry("EC2026000123")).toBe("EC2026000123");
    expect(claimNumberFromEntry("EC2026000124" + code.slice(-1))).toBeNull();
    expect(claimNumberFromEntry(packetCode(7))).toBeNull();
    expect(claimNumberFromEntry("hello")).toBeNull();
  });
});

describe("readDeskInput", () => {
  it("reads CLOSE in any case and width", () => {
    expect(readDeskInput("close")).toEqual({ kind: "close" });
    expect(readDeskInput(" ＣＬＯＳＥ ")).toEqual({ kind: "close" });
  });
  it("reads receipts marked missing or found, one or several", () => {
    expect(readDeskInput("-R2")).toEqual({ kind: "receipts_missing", receipts: [2] });
    expect(readDeskInput("-r3 r1,R3")).toEqual({ kind: "receipts_missing", receipts: [1, 3] });
    expect(readDeskInput("- 2, 4")).toEqual({ kind: "receipts_missing", receipts: [2, 4] });
    expect(readDeskInput("+R2")).toEqual({ kind: "receipts_found", receipts: [2] });
  });
  it("leaves anything else to readScan", () => {
    expect(readDeskInput("-R0").kind).toBe("scan");
    expect(readDeskInput("-Rx").kind).toBe("scan");
    expect(readDeskInput(packetCode(42))).toEqual({ kind: "scan", scan: { kind: "packet", code: packetCode(42), serial: 42 } });
    const code = coverSheetCode("EC2026000123");
    expect(readDeskInput(code)).toEqual({ kind: "scan", scan: { kind: "cover_sheet", code, claimNumber: "EC2026000123" } });
  });
});

describe("receipt marks", () => {
  it("adds with -R and takes back with +R, in order", () => {
    expect(missingReceiptsFromMarks([])).toEqual([]);
    expect(
      missingReceiptsFromMarks([
        { missing: true, receipts: [2, 3] },
        { missing: false, receipts: [3] },
        { missing: true, receipts: [1] },
      ]),
    ).toEqual([1, 2]);
  });
  it("finds R1…Rn minus the missing", () => {
    expect(foundReceipts(4, [2])).toEqual([1, 3, 4]);
    expect(foundReceipts(0, [])).toEqual([]);
  });
});

describe("checkSendDetails", () => {
  it("needs both carrier and tracking number", () => {
    expect(checkSendDetails(" SF Express ", " SF123 ")).toEqual({ ok: true, carrier: "SF Express", trackingNumber: "SF123" });
    expect(checkSendDetails("", " ")).toEqual({ ok: false, fieldErrors: { carrier: "required", trackingNumber: "required" } });
    expect(checkSendDetails("x".repeat(81), "1")).toEqual({ ok: false, fieldErrors: { carrier: "too_long" } });
  });
});
