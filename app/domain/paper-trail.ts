/**
 * The paper originals of a claim: their small lifecycle, the codes printed on cover sheets and packets,
 * what the arrival desk makes of each scan, and what a closed packet leaves missing or extra.
 *
 * Lifecycle: AWAITING → RECEIVED → ARCHIVED; AWAITING or RECEIVED → DISCREPANCY when something is
 * missing or extra; DISCREPANCY → RECEIVED when the claimant resends what was missing.
 */
import { DateTime } from "luxon";
import { AppError } from "./app-error";
import type { ClaimStatus } from "./claim-machine";
import { isWorkingDay, type WorkCalendar } from "./work-calendar";

export const PAPER_STATUSES = ["AWAITING", "RECEIVED", "ARCHIVED", "DISCREPANCY"] as const;
export type PaperStatus = (typeof PAPER_STATUSES)[number];

export const PAPER_ACTIONS = ["receive", "reportDiscrepancy", "receiveResent", "archive"] as const;
export type PaperAction = (typeof PAPER_ACTIONS)[number];

const PAPER_TRANSITIONS: Record<PaperAction, { from: readonly PaperStatus[]; to: PaperStatus }> = {
  receive: { from: ["AWAITING"], to: "RECEIVED" },
  // Found at the desk (missing claim or receipts) or later, e.g. an original that differs from its image.
  reportDiscrepancy: { from: ["AWAITING", "RECEIVED"], to: "DISCREPANCY" },
  receiveResent: { from: ["DISCREPANCY"], to: "RECEIVED" },
  // Filed into a box position; only complete originals are filed.
  archive: { from: ["RECEIVED"], to: "ARCHIVED" },
};

export type PaperTransitionResult =
  | { ok: true; from: PaperStatus; to: PaperStatus }
  | { ok: false; code: "illegal_paper_transition"; from: PaperStatus; action: PaperAction };

export function paperTransition(from: PaperStatus, action: PaperAction): PaperTransitionResult {
  const rule = PAPER_TRANSITIONS[action];
  if (!rule.from.includes(from)) return { ok: false, code: "illegal_paper_transition", from, action };
  return { ok: true, from, to: rule.to };
}

export function allowedPaperActions(status: PaperStatus): PaperAction[] {
  return PAPER_ACTIONS.filter((a) => PAPER_TRANSITIONS[a].from.includes(status));
}

/** The new status, or a 409 AppError `illegal_paper_transition` (the state changed under the person asking). */
export function assertPaperTransition(from: PaperStatus, action: PaperAction): PaperStatus {
  const r = paperTransition(from, action);
  if (!r.ok) throw new AppError("illegal_paper_transition", { status: 409, details: { from, action } });
  return r.to;
}

// ── Codes ────────────────────────────────────────────────────────────────────────────────────────
//
// Cover sheet: the claim number and one check letter, `EC2026000123` + `L`. Packet: `PK`, a nine-digit
// serial and a check letter, `PK000000042` + `X`. The check is a letter so that a bare claim number
// (typed without it) can never pass for another claim's code.
//
// Check letter: Σ value(c) × weight over the payload, weights n … 1 from the left (the last character
// weighs 1), taken mod 23 (a prime) and written with 23 letters that cannot be misread as digits (no I, O,
// Q). Digits have values 0–9 and letters 10–35. Since 23 is prime and every weight is 1–22, any single
// changed digit and any swap of two neighbouring (or next-but-one) digits changes the letter.

const CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ";
const MAX_PAYLOAD = 22;

function charValue(c: string): number {
  return Number.parseInt(c, 36);
}

/** The check letter of a payload of 1–22 characters A–Z and 0–9. */
export function checkLetter(payload: string): string {
  if (!/^[0-9A-Z]+$/.test(payload) || payload.length > MAX_PAYLOAD) throw new RangeError(`cannot check ${JSON.stringify(payload)}`);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += charValue(payload[i]!) * (payload.length - i);
  return CHECK_LETTERS[sum % CHECK_LETTERS.length]!;
}

// Claim numbers are `EC`, the year and a sequence of at least six digits (nextClaimNumber).
const CLAIM_NUMBER = /^EC\d{10,20}$/;
const PACKET_SERIAL_DIGITS = 9;

/** The code printed as the cover sheet's barcode and under it. */
export function coverSheetCode(claimNumber: string): string {
  if (!CLAIM_NUMBER.test(claimNumber)) throw new RangeError(`not a claim number: ${JSON.stringify(claimNumber)}`);
  return claimNumber + checkLetter(claimNumber);
}

/** A packet's code from its serial (a database sequence), 1 … 999,999,999. */
export function packetCode(serial: number): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial >= 10 ** PACKET_SERIAL_DIGITS) throw new RangeError(`packet serial out of range: ${serial}`);
  const payload = `PK${String(serial).padStart(PACKET_SERIAL_DIGITS, "0")}`;
  return payload + checkLetter(payload);
}

export type Scan =
  | { kind: "packet"; code: string; serial: number }
  | { kind: "cover_sheet"; code: string; claimNumber: string }
  | { kind: "unknown"; text: string; reason: "empty" | "bad_check" | "missing_check" | "unrecognised" };

/**
 * What a scanned (or typed) string is. A keyboard-wedge scanner types the code and Enter; whatever
 * whitespace comes with it is dropped, case does not matter, and full-width characters (a scanner typing
 * through a Chinese input method) are read as their ASCII selves.
 */
export function readScan(raw: string): Scan {
  const text = raw.normalize("NFKC").trim().toUpperCase();
  if (text === "") return { kind: "unknown", text, reason: "empty" };
  const packet = /^(PK(\d{9}))([A-Z])$/.exec(text);
  if (packet) {
    return checkLetter(packet[1]!) === packet[3]
      ? { kind: "packet", code: text, serial: Number(packet[2]) }
      : { kind: "unknown", text, reason: "bad_check" };
  }
  const cover = /^(EC\d{10,20})([A-Z])$/.exec(text);
  if (cover) {
    return checkLetter(cover[1]!) === cover[2]
      ? { kind: "cover_sheet", code: text, claimNumber: cover[1]! }
      : { kind: "unknown", text, reason: "bad_check" };
  }
  if (CLAIM_NUMBER.test(text)) return { kind: "unknown", text, reason: "missing_check" };
  return { kind: "unknown", text, reason: "unrecognised" };
}

// ── The arrival desk ─────────────────────────────────────────────────────────────────────────────

/** The packet open at the desk: the claims its manifest lists and those ticked so far (claim numbers). */
export type OpenPacket = { code: string; manifest: readonly string[]; received: readonly string[] };

/** What the database knows of a scanned claim: whether it exists, and which packets' manifests list it. */
export type ClaimLookup = { known: false } | { known: true; packetCodes: readonly string[] };

export type ScanVerdict =
  | { verdict: "expected"; claimNumber: string; record: true }
  | { verdict: "duplicate"; claimNumber: string; record: false }
  | { verdict: "other_packet"; claimNumber: string; packetCode: string; record: true }
  | { verdict: "not_expected"; claimNumber: string; record: true }
  | { verdict: "unknown"; claimNumber: string; record: false };

/**
 * A cover sheet scanned into the open packet (or, with `packet` null, loose mail). `record` says whether
 * the arrival is recorded: the paper is on the desk whenever the claim exists and was not ticked already —
 * a claim from another packet or from none arrives as an extra.
 */
export function judgeCoverSheet(claimNumber: string, packet: OpenPacket | null, lookup: ClaimLookup): ScanVerdict {
  if (packet?.received.includes(claimNumber)) return { verdict: "duplicate", claimNumber, record: false };
  if (packet?.manifest.includes(claimNumber)) return { verdict: "expected", claimNumber, record: true };
  if (!lookup.known) return { verdict: "unknown", claimNumber, record: false };
  const other = lookup.packetCodes.find((code) => code !== packet?.code);
  if (other) return { verdict: "other_packet", claimNumber, packetCode: other, record: true };
  return { verdict: "not_expected", claimNumber, record: true };
}

/** Receipt numbers as written on the originals: R1, R2, … */
export function receiptLabel(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`not a receipt number: ${n}`);
  return `R${n}`;
}

/** `r3`, ` R3 ` → 3; anything else → null. */
export function parseReceiptLabel(text: string): number | null {
  const m = /^R([1-9]\d{0,3})$/.exec(text.normalize("NFKC").trim().toUpperCase());
  return m ? Number(m[1]) : null;
}

/** A claim whose cover sheet arrived: how many receipts it has (R1…Rn) and which numbers were found. */
export type Arrival = { claimNumber: string; receiptCount: number; foundReceipts: readonly number[] };

export type ReceiptGap = { claimNumber: string; missing: number[]; extra: number[] };

export type PacketDiscrepancies = {
  /** In the manifest, never scanned. */
  missingClaims: string[];
  /** Scanned, not in the manifest. */
  extraClaims: string[];
  /** Arrived claims with receipts missing (of R1…Rn) or extra (numbers beyond Rn). */
  receiptGaps: ReceiptGap[];
  complete: boolean;
};

function receiptGap(a: Arrival): ReceiptGap {
  if (!Number.isSafeInteger(a.receiptCount) || a.receiptCount < 0) throw new RangeError(`bad receipt count for ${a.claimNumber}: ${a.receiptCount}`);
  const found = new Set(a.foundReceipts);
  const missing: number[] = [];
  for (let n = 1; n <= a.receiptCount; n++) if (!found.has(n)) missing.push(n);
  const extra = [...found].filter((n) => !(Number.isInteger(n) && n >= 1 && n <= a.receiptCount)).sort((x, y) => x - y);
  return { claimNumber: a.claimNumber, missing, extra };
}

/** What closing a packet records: the manifest against what arrived, claim by claim and receipt by receipt. */
export function packetDiscrepancies(manifest: readonly string[], arrivals: readonly Arrival[]): PacketDiscrepancies {
  const arrived = new Set(arrivals.map((a) => a.claimNumber));
  const listed = new Set(manifest);
  const missingClaims = [...listed].filter((c) => !arrived.has(c));
  const extraClaims = [...arrived].filter((c) => !listed.has(c));
  const receiptGaps = arrivals.map(receiptGap).filter((g) => g.missing.length > 0 || g.extra.length > 0);
  return { missingClaims, extraClaims, receiptGaps, complete: missingClaims.length + extraClaims.length + receiptGaps.length === 0 };
}

export type ClaimOutcome = { claimNumber: string; action: PaperAction | null; discrepancy: "missing" | "receipts" | null };

/**
 * What closing the packet does to each claim's originals, given their status now: a complete arrival is
 * received (or, after a discrepancy, received as resent); a claim missing or with receipt gaps gets a
 * discrepancy (one already in DISCREPANCY stays there, with the new finding). A listed claim whose
 * originals were received before (by another packet) is not missing. An extra claim is received like any other.
 */
export function closingOutcomes(found: PacketDiscrepancies, arrivals: readonly Arrival[], statusOf: (claimNumber: string) => PaperStatus): ClaimOutcome[] {
  const gaps = new Set(found.receiptGaps.map((g) => g.claimNumber));
  const outcomes: ClaimOutcome[] = [];
  for (const claimNumber of found.missingClaims) {
    const status = statusOf(claimNumber);
    if (status === "RECEIVED" || status === "ARCHIVED") continue;
    outcomes.push({ claimNumber, action: status === "AWAITING" ? "reportDiscrepancy" : null, discrepancy: "missing" });
  }
  for (const { claimNumber } of arrivals) {
    const status = statusOf(claimNumber);
    if (gaps.has(claimNumber)) {
      outcomes.push({ claimNumber, action: paperTransition(status, "reportDiscrepancy").ok ? "reportDiscrepancy" : null, discrepancy: "receipts" });
    } else {
      const action = status === "AWAITING" ? "receive" : status === "DISCREPANCY" ? "receiveResent" : null;
      outcomes.push({ claimNumber, action, discrepancy: null });
    }
  }
  return outcomes;
}

/** Working days the claimant has to resend, unless the company says otherwise. */
export const DEFAULT_RESEND_WORKING_DAYS = 5;

/**
 * The date (YYYY-MM-DD, in the calendar's zone) by which missing originals must be resent: the N-th
 * working day after the day the packet was closed (that day itself does not count).
 */
export function resendDueOn(closedAt: Date, workingDays: number, cal: WorkCalendar): string {
  if (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > 60) throw new RangeError(`working days must be 1–60, got ${workingDays}`);
  const local = DateTime.fromJSDate(closedAt, { zone: cal.timeZone });
  if (!local.isValid) throw new RangeError("closedAt is not a valid instant");
  let day = DateTime.utc(local.year, local.month, local.day);
  let left = workingDays;
  // A calendar with no working day at all would loop for ever; a year without one is a misconfiguration.
  for (let step = 0; step < 366 + workingDays * 7; step++) {
    day = day.plus({ days: 1 });
    const iso = day.toISODate()!;
    if (isWorkingDay(iso, cal) && --left === 0) return iso;
  }
  throw new RangeError("work calendar has no working days");
}

/** Who hears of a discrepancy: the claimant, and the accountant when the claim is in review with them. */
export function discrepancyRecipients(claim: { claimantId: string; status: ClaimStatus; reviewerId: string | null }): string[] {
  const recipients = [claim.claimantId];
  if (claim.status === "IN_REVIEW" && claim.reviewerId && claim.reviewerId !== claim.claimantId) recipients.push(claim.reviewerId);
  return recipients;
}
