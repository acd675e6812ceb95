import { describe, expect, it } from "vitest";
import { isAppError } from "./app-error";
import {
  DEFAULT_RESEND_WORKING_DAYS,
  PAPER_ACTIONS,
  PAPER_STATUSES,
  allowedPaperActions,
  assertPaperTransition,
  checkLetter,
  closingOutcomes,
  coverSheetCode,
  discrepancyRecipients,
  judgeCoverSheet,
  packetCode,
  packetDiscrepancies,
  paperTransition,
  parseReceiptLabel,
  readScan,
  receiptLabel,
  resendDueOn,
  type Arrival,
  type OpenPacket,
  type PaperStatus,
} from "./paper-trail";
import { mulberry32 } from "./seeded-random";
import { DEFAULT_CALENDAR, type WorkCalendar } from "./work-calendar";

describe("the originals' lifecycle", () => {
  // The whole table, written out independently of the implementation.
  const LEGAL: Record<string, PaperStatus> = {
    "AWAITING:receive": "RECEIVED",
    "AWAITING:reportDiscrepancy": "DISCREPANCY",
    "RECEIVED:reportDiscrepancy": "DISCREPANCY",
    "DISCREPANCY:receiveResent": "RECEIVED",
    "RECEIVED:archive": "ARCHIVED",
  };

  it("allows exactly the legal moves and refuses every other with a code", () => {
    for (const from of PAPER_STATUSES) {
      for (const action of PAPER_ACTIONS) {
        const to = LEGAL[`${from}:${action}`];
        expect(paperTransition(from, action)).toEqual(to ? { ok: true, from, to } : { ok: false, code: "illegal_paper_transition", from, action });
      }
    }
  });

  it("lists the actions open from each status; ARCHIVED is the end", () => {
    expect(allowedPaperActions("AWAITING")).toEqual(["receive", "reportDiscrepancy"]);
    expect(allowedPaperActions("RECEIVED")).toEqual(["reportDiscrepancy", "archive"]);
    expect(allowedPaperActions("DISCREPANCY")).toEqual(["receiveResent"]);
    expect(allowedPaperActions("ARCHIVED")).toEqual([]);
  });

  it("asserts a move or throws a 409 AppError", () => {
    expect(assertPaperTransition("DISCREPANCY", "receiveResent")).toBe("RECEIVED");
    let thrown: unknown;
    try {
      assertPaperTransition("AWAITING", "archive");
    } catch (err) {
      thrown = err;
    }
    expect(isAppError(thrown, "illegal_paper_transition")).toBe(true);
    expect(thrown).toMatchObject({ status: 409, details: { from: "AWAITING", action: "archive" } });
  });
});

describe("codes and their check letter", () => {
  it("works the documented examples out by hand", () => {
    // P25×11 + K20×10 + 4×2 + 2×1 = 485 ≡ 2 (mod 23) → C
    expect(packetCode(42)).toBe("PK000000042C");
    // E14×12 + C12×11 + 2×10 + 2×8 + 6×7 + 1×3 + 2×2 + 3×1 = 388 ≡ 20 → X
    expect(coverSheetCode("EC2026000123")).toBe("EC2026000123X");
  });

  it("never uses a letter that reads as a digit", () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 500; n++) seen.add(packetCode(n).slice(-1));
    expect([...seen].sort().join("")).toBe("ABCDEFGHJKLMNPRSTUVWXYZ");
  });

  it("catches every single changed digit and every swap of neighbouring digits (seeded sample)", () => {
    const random = mulberry32(12);
    for (let i = 0; i < 100; i++) {
      const digits = Array.from({ length: 10 }, () => Math.floor(random() * 10));
      const number = `EC${digits.join("")}`;
      const code = coverSheetCode(number);
      for (let p = 2; p < number.length; p++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === number[p]) continue;
          const typo = number.slice(0, p) + d + number.slice(p + 1) + code.slice(-1);
          expect(readScan(typo)).toMatchObject({ kind: "unknown", reason: "bad_check" });
        }
        if (p + 1 < number.length && number[p] !== number[p + 1]) {
          const swapped = number.slice(0, p) + number[p + 1] + number[p] + number.slice(p + 2) + code.slice(-1);
          expect(readScan(swapped)).toMatchObject({ kind: "unknown", reason: "bad_check" });
        }
      }
    }
  });

  it("refuses what it cannot check", () => {
    expect(() => checkLetter("")).toThrow(RangeError);
    expect(() => checkLetter("ec1")).toThrow(RangeError);
    expect(() => checkLetter("A".repeat(23))).toThrow(RangeError);
    expect(checkLetter("A".repeat(22))).toMatch(/^[A-Z]$/);
    expect(() => coverSheetCode("EC-2026-000123")).toThrow(RangeError);
    expect(() => coverSheetCode("EC202600012")).toThrow(RangeError);
    expect(() => packetCode(0)).toThrow(RangeError);
    expect(() => packetCode(1e9)).toThrow(RangeError);
    expect(() => packetCode(1.5)).toThrow(RangeError);
    expect(packetCode(999_999_999)).toMatch(/^PK999999999[A-Z]$/);
  });
});

describe("readScan", () => {
  it("reads a packet and a cover sheet", () => {
    expect(readScan("PK000000042C")).toEqual({ kind: "packet", code: "PK000000042C", serial: 42 });
    expect(readScan("EC2026000123X")).toEqual({ kind: "cover_sheet", code: "EC2026000123X", claimNumber: "EC2026000123" });
  });

  it("drops the scanner's Enter and whitespace, ignores case, and reads full-width characters", () => {
    expect(readScan("  ec2026000123x\r\n")).toMatchObject({ kind: "cover_sheet", claimNumber: "EC2026000123" });
    expect(readScan("\tpk000000042c\n")).toMatchObject({ kind: "packet", serial: 42 });
    expect(readScan("ＥＣ２０２６０００１２３Ｘ")).toMatchObject({ kind: "cover_sheet", claimNumber: "EC2026000123" });
  });

  it("reads claim numbers longer than the six-digit sequence", () => {
    const code = coverSheetCode("EC20261234567");
    expect(readScan(code)).toEqual({ kind: "cover_sheet", code, claimNumber: "EC20261234567" });
  });

  it.each<[string, string]>([
    ["", "empty"],
    [" \r\n", "empty"],
    ["PK000000042D", "bad_check"],
    ["EC2026000123Y", "bad_check"],
    ["EC2026000132X", "bad_check"], // neighbouring digits swapped
    ["EC2026000123", "missing_check"], // the number typed without its letter
    ["PK00000042C", "unrecognised"], // one digit short
    ["HQ-2026-BX-B0007", "unrecognised"],
    ["EC2026000123XX", "unrecognised"],
    ["hello", "unrecognised"],
  ])("refuses %j (%s)", (raw, reason) => {
    expect(readScan(raw)).toMatchObject({ kind: "unknown", reason });
  });
});

describe("judgeCoverSheet", () => {
  const packet: OpenPacket = { code: "PK000000042C", manifest: ["EC2026000001", "EC2026000002"], received: ["EC2026000002", "EC2026000009"] };
  const inThis = { known: true, packetCodes: ["PK000000042C"] } as const;

  it("ticks a listed claim the first time", () => {
    expect(judgeCoverSheet("EC2026000001", packet, inThis)).toEqual({ verdict: "expected", claimNumber: "EC2026000001", record: true });
  });

  it("flags a second scan, of a listed or an extra claim, without recording it", () => {
    expect(judgeCoverSheet("EC2026000002", packet, inThis)).toEqual({ verdict: "duplicate", claimNumber: "EC2026000002", record: false });
    expect(judgeCoverSheet("EC2026000009", packet, { known: true, packetCodes: [] })).toMatchObject({ verdict: "duplicate", record: false });
  });

  it("names the other packet a claim belongs to", () => {
    expect(judgeCoverSheet("EC2026000005", packet, { known: true, packetCodes: ["PK000000042C", "PK000000007L"] })).toEqual({
      verdict: "other_packet",
      claimNumber: "EC2026000005",
      packetCode: "PK000000007L",
      record: true,
    });
  });

  it("takes a known claim in no packet as not expected, and a number nobody knows as unknown", () => {
    expect(judgeCoverSheet("EC2026000005", packet, { known: true, packetCodes: [] })).toEqual({ verdict: "not_expected", claimNumber: "EC2026000005", record: true });
    expect(judgeCoverSheet("EC2099999999", packet, { known: false })).toEqual({ verdict: "unknown", claimNumber: "EC2099999999", record: false });
  });

  it("judges loose mail (no open packet)", () => {
    expect(judgeCoverSheet("EC2026000005", null, { known: true, packetCodes: [] })).toMatchObject({ verdict: "not_expected" });
    expect(judgeCoverSheet("EC2026000005", null, { known: true, packetCodes: ["PK000000042C"] })).toMatchObject({ verdict: "other_packet", packetCode: "PK000000042C" });
    expect(judgeCoverSheet("EC2026000005", null, { known: false })).toMatchObject({ verdict: "unknown" });
  });
});

describe("receipt labels", () => {
  it("writes and reads R1…Rn", () => {
    expect(receiptLabel(1)).toBe("R1");
    expect(receiptLabel(12)).toBe("R12");
    expect(parseReceiptLabel(" r12 ")).toBe(12);
    expect(parseReceiptLabel("Ｒ３")).toBe(3);
    for (const bad of ["R0", "R01", "3", "R", "R1a", "R10000"]) expect(parseReceiptLabel(bad)).toBeNull();
    expect(() => receiptLabel(0)).toThrow(RangeError);
    expect(() => receiptLabel(2.5)).toThrow(RangeError);
  });
});

describe("packetDiscrepancies", () => {
  const arrival = (claimNumber: string, receiptCount: number, foundReceipts: number[]): Arrival => ({ claimNumber, receiptCount, foundReceipts });

  it("is complete when everything listed arrived with every receipt", () => {
    expect(packetDiscrepancies(["A", "B"], [arrival("A", 2, [2, 1]), arrival("B", 0, [])])).toEqual({ missingClaims: [], extraClaims: [], receiptGaps: [], complete: true });
  });

  it("finds missing and extra claims", () => {
    const r = packetDiscrepancies(["A", "B", "C"], [arrival("B", 1, [1]), arrival("X", 1, [1])]);
    expect(r).toEqual({ missingClaims: ["A", "C"], extraClaims: ["X"], receiptGaps: [], complete: false });
  });

  it("finds missing and extra receipts of an arrived claim, extra ones included", () => {
    const r = packetDiscrepancies(["A", "X"], [arrival("A", 4, [1, 3, 3, 7, 5]), arrival("X", 2, [])]);
    expect(r.receiptGaps).toEqual([
      { claimNumber: "A", missing: [2, 4], extra: [5, 7] },
      { claimNumber: "X", missing: [1, 2], extra: [] },
    ]);
    expect(r.complete).toBe(false);
  });

  it("counts a receipt number that is not a whole number as extra, and refuses a bad count", () => {
    expect(packetDiscrepancies(["A"], [arrival("A", 1, [1, 0])]).receiptGaps).toEqual([{ claimNumber: "A", missing: [], extra: [0] }]);
    expect(() => packetDiscrepancies(["A"], [arrival("A", -1, [])])).toThrow(RangeError);
  });

  it("treats an empty packet as all missing", () => {
    expect(packetDiscrepancies(["A"], [])).toEqual({ missingClaims: ["A"], extraClaims: [], receiptGaps: [], complete: false });
  });
});

describe("closingOutcomes", () => {
  const status: Record<string, PaperStatus> = {
    missingNew: "AWAITING",
    missingAgain: "DISCREPANCY",
    missingButHere: "RECEIVED",
    missingArchived: "ARCHIVED",
    fine: "AWAITING",
    resent: "DISCREPANCY",
    gappy: "AWAITING",
    gappyAgain: "DISCREPANCY",
    extraFine: "AWAITING",
    twiceReceived: "RECEIVED",
    archivedGappy: "ARCHIVED",
  };
  const arrivals: Arrival[] = [
    { claimNumber: "fine", receiptCount: 1, foundReceipts: [1] },
    { claimNumber: "resent", receiptCount: 2, foundReceipts: [1, 2] },
    { claimNumber: "gappy", receiptCount: 2, foundReceipts: [1] },
    { claimNumber: "gappyAgain", receiptCount: 2, foundReceipts: [] },
    { claimNumber: "extraFine", receiptCount: 1, foundReceipts: [1] },
    { claimNumber: "twiceReceived", receiptCount: 1, foundReceipts: [1] },
    { claimNumber: "archivedGappy", receiptCount: 1, foundReceipts: [] },
  ];
  const manifest = ["missingNew", "missingAgain", "missingButHere", "missingArchived", "fine", "resent", "gappy", "gappyAgain", "twiceReceived", "archivedGappy"];

  it("receives, resends, flags or leaves each claim as its status allows", () => {
    const found = packetDiscrepancies(manifest, arrivals);
    expect(closingOutcomes(found, arrivals, (c) => status[c]!)).toEqual([
      { claimNumber: "missingNew", action: "reportDiscrepancy", discrepancy: "missing" },
      { claimNumber: "missingAgain", action: null, discrepancy: "missing" },
      { claimNumber: "fine", action: "receive", discrepancy: null },
      { claimNumber: "resent", action: "receiveResent", discrepancy: null },
      { claimNumber: "gappy", action: "reportDiscrepancy", discrepancy: "receipts" },
      { claimNumber: "gappyAgain", action: null, discrepancy: "receipts" },
      { claimNumber: "extraFine", action: "receive", discrepancy: null },
      { claimNumber: "twiceReceived", action: null, discrepancy: null },
      { claimNumber: "archivedGappy", action: null, discrepancy: "receipts" },
    ]);
  });

  it("flags receipt gaps of a claim received earlier", () => {
    const a: Arrival[] = [{ claimNumber: "R", receiptCount: 2, foundReceipts: [1] }];
    expect(closingOutcomes(packetDiscrepancies(["R"], a), a, () => "RECEIVED")).toEqual([{ claimNumber: "R", action: "reportDiscrepancy", discrepancy: "receipts" }]);
  });
});

describe("resendDueOn", () => {
  const at = (iso: string) => new Date(iso);

  it("is the N-th working day after the close, the close day not counting", () => {
    // Friday 2026-03-06, 10:00 in Shanghai; no holidays nearby.
    expect(resendDueOn(at("2026-03-06T02:00:00Z"), 1, DEFAULT_CALENDAR)).toBe("2026-03-09");
    expect(resendDueOn(at("2026-03-06T02:00:00Z"), DEFAULT_RESEND_WORKING_DAYS, DEFAULT_CALENDAR)).toBe("2026-03-13");
  });

  it("counts the day the close falls on in the calendar's zone, not in UTC", () => {
    // 2026-03-05T16:30Z is already Friday 00:30 in Shanghai.
    expect(resendDueOn(at("2026-03-05T16:30:00Z"), 1, DEFAULT_CALENDAR)).toBe("2026-03-09");
    expect(resendDueOn(at("2026-03-05T15:30:00Z"), 1, DEFAULT_CALENDAR)).toBe("2026-03-06");
  });

  it("skips holidays and counts make-up working days", () => {
    // Thursday 2026-09-24: 25–27 Mid-Autumn, 28–30 working, 1–7 October National Day, 8–9 working, Saturday 10 made up.
    expect(resendDueOn(at("2026-09-24T08:00:00Z"), 5, DEFAULT_CALENDAR)).toBe("2026-10-09");
    expect(resendDueOn(at("2026-09-24T08:00:00Z"), 6, DEFAULT_CALENDAR)).toBe("2026-10-10");
  });

  it("refuses a bad number of days, a bad instant and a calendar without working days", () => {
    expect(() => resendDueOn(at("2026-03-06T02:00:00Z"), 0, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => resendDueOn(at("2026-03-06T02:00:00Z"), 61, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => resendDueOn(at("2026-03-06T02:00:00Z"), 1.5, DEFAULT_CALENDAR)).toThrow(RangeError);
    expect(() => resendDueOn(new Date(Number.NaN), 1, DEFAULT_CALENDAR)).toThrow(RangeError);
    const never: WorkCalendar = { ...DEFAULT_CALENDAR, workdays: [], extraWorkdays: [] };
    expect(() => resendDueOn(at("2026-03-06T02:00:00Z"), 1, never)).toThrow("no working days");
  });
});

describe("discrepancyRecipients", () => {
  it("tells the claimant, and the reviewing accountant while the claim is in review", () => {
    expect(discrepancyRecipients({ claimantId: "u-emp", status: "IN_REVIEW", reviewerId: "u-acc" })).toEqual(["u-emp", "u-acc"]);
    expect(discrepancyRecipients({ claimantId: "u-emp", status: "APPROVED", reviewerId: "u-acc" })).toEqual(["u-emp"]);
    expect(discrepancyRecipients({ claimantId: "u-emp", status: "IN_REVIEW", reviewerId: null })).toEqual(["u-emp"]);
    expect(discrepancyRecipients({ claimantId: "u-emp", status: "IN_REVIEW", reviewerId: "u-emp" })).toEqual(["u-emp"]);
  });
});
