/**
 * The mail room's side of the paper trail: when a claim's originals are due, the small states of a packet,
 * and what a line typed at the arrival desk means. The codes, verdicts and discrepancy rules themselves are
 * in paper-trail.ts.
 */
import { DateTime } from "luxon";
import { parseReceiptLabel, readScan, type Scan } from "./paper-trail";
import { isWorkingDay, type WorkCalendar } from "./work-calendar";

/**
 * The N-th working day after the calendar day of `at` (in the calendar's zone; that day itself does not
 * count), as YYYY-MM-DD. The originals of a claim submitted on `at` are due then.
 */
export function workingDaysAfter(at: Date, workingDays: number, cal: WorkCalendar): string {
  if (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > 366) throw new RangeError(`working days must be 1–366, got ${workingDays}`);
  const local = DateTime.fromJSDate(at, { zone: cal.timeZone });
  if (!local.isValid) throw new RangeError("not a valid instant");
  let day = DateTime.utc(local.year, local.month, local.day);
  let left = workingDays;
  for (let step = 0; step < 3 * 366 + workingDays * 7; step++) {
    day = day.plus({ days: 1 });
    if (isWorkingDay(day.toISODate()!, cal) && --left === 0) return day.toISODate()!;
  }
  throw new RangeError("work calendar has no working days");
}

export const PACKET_STATUSES = ["OPEN", "SENT", "RECEIVING", "CLOSED"] as const;
export type PacketStatus = (typeof PACKET_STATUSES)[number];

/** Claims are added and removed only while the packet is being packed. */
export function packetEditable(status: PacketStatus): boolean {
  return status === "OPEN";
}

/** A packet can be opened at the desk once packed (sent, or brought by hand while still open) and until it is closed. */
export function packetReceivable(status: PacketStatus): boolean {
  return status === "OPEN" || status === "SENT" || status === "RECEIVING";
}

/** Originals may go into a packet while they are owed: awaited, or asked for again after a discrepancy. */
export function originalPackable(status: string): boolean {
  return status === "AWAITING" || status === "DISCREPANCY";
}

/** A claim sits in one packet at a time: any packet not yet closed holds it. */
export function packetHolds(status: PacketStatus): boolean {
  return status !== "CLOSED";
}

/**
 * What a person types (or scans) when adding a claim to a packet: a cover-sheet code, or the bare claim
 * number read off the sheet. Anything else is null.
 */
export function claimNumberFromEntry(raw: string): string | null {
  const scan = readScan(raw);
  if (scan.kind === "cover_sheet") return scan.claimNumber;
  if (scan.kind === "unknown" && scan.reason === "missing_check") return scan.text;
  return null;
}

/** The command that closes the packet open at the desk. */
export const CLOSE_COMMAND = "CLOSE";

export type DeskInput =
  | { kind: "scan"; scan: Scan }
  /** `-R2` (or `-R2 R3`, `-R2,3`): these numbered originals of the last ticked claim are not in the envelope. */
  | { kind: "receipts_missing"; receipts: number[] }
  /** `+R2`: found after all (undoes a `-R2`). */
  | { kind: "receipts_found"; receipts: number[] }
  | { kind: "close" };

/**
 * One line typed at the arrival desk. Commands first (CLOSE, ±R…), then codes. Full-width characters (a
 * scanner typing through a Chinese input method) are read as ASCII.
 */
export function readDeskInput(raw: string): DeskInput {
  const text = raw.normalize("NFKC").trim().toUpperCase();
  if (text === CLOSE_COMMAND) return { kind: "close" };
  const marks = /^([-+])\s*(.+)$/.exec(text);
  if (marks) {
    const parts = marks[2]!.split(/[\s,;]+/).filter(Boolean);
    const receipts = parts.map((p) => parseReceiptLabel(/^\d+$/.test(p) ? `R${p}` : p));
    if (receipts.length > 0 && receipts.every((n): n is number => n !== null)) {
      const unique = [...new Set(receipts)].sort((a, b) => a - b);
      return marks[1] === "-" ? { kind: "receipts_missing", receipts: unique } : { kind: "receipts_found", receipts: unique };
    }
  }
  return { kind: "scan", scan: readScan(raw) };
}

/**
 * The receipts marked missing for one claim from the desk's log, oldest first: each `-R` adds its numbers,
 * each `+R` takes them away again.
 */
export function missingReceiptsFromMarks(marks: readonly { missing: boolean; receipts: readonly number[] }[]): number[] {
  const missing = new Set<number>();
  for (const m of marks) {
    for (const n of m.receipts) {
      if (m.missing) missing.add(n);
      else missing.delete(n);
    }
  }
  return [...missing].sort((a, b) => a - b);
}

/** The receipts found (R1…Rn minus those marked missing), for packetDiscrepancies' Arrival. */
export function foundReceipts(receiptCount: number, missing: readonly number[]): number[] {
  const gone = new Set(missing);
  const found: number[] = [];
  for (let n = 1; n <= receiptCount; n++) if (!gone.has(n)) found.push(n);
  return found;
}

/** Carrier and tracking number when a packet is sent: both required, trimmed, of sane length. */
export function checkSendDetails(carrier: string, trackingNumber: string): { ok: true; carrier: string; trackingNumber: string } | { ok: false; fieldErrors: Record<string, string> } {
  const c = carrier.trim();
  const n = trackingNumber.trim();
  const fieldErrors: Record<string, string> = {};
  if (!c) fieldErrors.carrier = "required";
  else if (c.length > 80) fieldErrors.carrier = "too_long";
  if (!n) fieldErrors.trackingNumber = "required";
  else if (n.length > 80) fieldErrors.trackingNumber = "too_long";
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, carrier: c, trackingNumber: n };
}
