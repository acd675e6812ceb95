/**
 * Loans and access to the archive (issue 12): a request to VIEW an archived claim (electronic access for a
 * period, every view logged) or to BORROW a box (a physical loan with a due date, reminders and a return),
 * and the reading room's monthly figures. Pure rules; dates are calendar dates (YYYY-MM-DD) counted in the
 * SSC's time zone.
 *
 *   REQUESTED → APPROVED | REFUSED
 *   BORROW: APPROVED → ON_LOAN → RETURNED
 *   VIEW:   APPROVED → REVOKED; access ends by date (EXPIRED is derived, never stored)
 */
import { DateTime } from "luxon";
import { AppError } from "./app-error";
import { SSC_TIME_ZONE } from "./calendar-date";

export const ARCHIVE_REQUEST_KINDS = ["VIEW", "BORROW"] as const;
export type ArchiveRequestKind = (typeof ARCHIVE_REQUEST_KINDS)[number];

export const PURPOSE_KINDS = ["AUDIT", "TAX", "LITIGATION", "INTERNAL", "OTHER"] as const;
export type PurposeKind = (typeof PURPOSE_KINDS)[number];

export const ARCHIVE_REQUEST_STATUSES = ["REQUESTED", "APPROVED", "REFUSED", "ON_LOAN", "RETURNED", "REVOKED"] as const;
export type ArchiveRequestStatus = (typeof ARCHIVE_REQUEST_STATUSES)[number];
/** What a screen shows: the stored status, or EXPIRED for an approved view whose period is over, OVERDUE for a loan past due. */
export type ArchiveRequestDisplayStatus = ArchiveRequestStatus | "EXPIRED" | "OVERDUE";

/** The longest period a request may ask for, first day and last day included. */
export const MAX_PERIOD_DAYS = 90;
/** How far ahead a period may start. */
export const MAX_START_AHEAD_DAYS = 180;

export const ARCHIVE_REQUEST_ACTIONS = ["approve", "refuse", "lend", "return", "revoke"] as const;
export type ArchiveRequestAction = (typeof ARCHIVE_REQUEST_ACTIONS)[number];

const TRANSITIONS: Record<ArchiveRequestAction, { from: ArchiveRequestStatus; to: ArchiveRequestStatus; kinds: readonly ArchiveRequestKind[] }> = {
  approve: { from: "REQUESTED", to: "APPROVED", kinds: ["VIEW", "BORROW"] },
  refuse: { from: "REQUESTED", to: "REFUSED", kinds: ["VIEW", "BORROW"] },
  lend: { from: "APPROVED", to: "ON_LOAN", kinds: ["BORROW"] },
  return: { from: "ON_LOAN", to: "RETURNED", kinds: ["BORROW"] },
  revoke: { from: "APPROVED", to: "REVOKED", kinds: ["VIEW"] },
};

/** The actions open on a request in `status`. */
export function allowedRequestActions(kind: ArchiveRequestKind, status: ArchiveRequestStatus): ArchiveRequestAction[] {
  return ARCHIVE_REQUEST_ACTIONS.filter((a) => TRANSITIONS[a].from === status && TRANSITIONS[a].kinds.includes(kind));
}

/** The new status, or a 409 `illegal_request_transition` (someone else moved it first). */
export function assertRequestTransition(kind: ArchiveRequestKind, from: ArchiveRequestStatus, action: ArchiveRequestAction): ArchiveRequestStatus {
  const rule = TRANSITIONS[action];
  if (rule.from !== from || !rule.kinds.includes(kind)) throw new AppError("illegal_request_transition", { status: 409, details: { from, action } });
  return rule.to;
}

/** Today's calendar date in the SSC's time zone. */
export function sscToday(now: Date): string {
  return DateTime.fromJSDate(now, { zone: SSC_TIME_ZONE }).toISODate()!;
}

/** Days from `a` to `b` (calendar dates), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: "utc" }).diff(DateTime.fromISO(a, { zone: "utc" }), "days").days);
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "utc" }).plus({ days }).toISODate()!;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDate = (s: string) => ISO_DATE.test(s) && DateTime.fromISO(s, { zone: "utc" }).isValid;

export type PeriodErrorCode = "bad_date" | "starts_in_past" | "starts_too_far" | "ends_before_start" | "period_too_long";

/**
 * A requested period: both dates real, starting today or later (at most MAX_START_AHEAD_DAYS ahead),
 * ending on or after the start, at most MAX_PERIOD_DAYS long counting both ends. Errors per field.
 */
export function checkRequestPeriod(fromOn: string, toOn: string, today: string): Record<string, PeriodErrorCode> {
  const errors: Record<string, PeriodErrorCode> = {};
  if (!isIsoDate(fromOn)) errors.fromOn = "bad_date";
  if (!isIsoDate(toOn)) errors.toOn = "bad_date";
  if (Object.keys(errors).length > 0) return errors;
  if (fromOn < today) errors.fromOn = "starts_in_past";
  else if (daysBetween(today, fromOn) > MAX_START_AHEAD_DAYS) errors.fromOn = "starts_too_far";
  if (toOn < fromOn) errors.toOn = "ends_before_start";
  else if (daysBetween(fromOn, toOn) + 1 > MAX_PERIOD_DAYS) errors.toOn = "period_too_long";
  return errors;
}

/** A loan's due date: within the approved period's end, not before the day it is lent. */
export function checkLoanDue(dueOn: string, today: string, periodTo: string): PeriodErrorCode | "after_period" | null {
  if (!isIsoDate(dueOn)) return "bad_date";
  if (dueOn < today) return "starts_in_past";
  if (dueOn > periodTo) return "after_period";
  return null;
}

export type AccessVerdict = { ok: true } | { ok: false; reason: "not_approved" | "not_yet" | "expired" | "revoked" };

/** May the requester open the record today? Only an approved VIEW, only from its first to its last day. */
export function viewAccess(req: { kind: ArchiveRequestKind; status: ArchiveRequestStatus; fromOn: string; toOn: string }, today: string): AccessVerdict {
  if (req.kind !== "VIEW") return { ok: false, reason: "not_approved" };
  if (req.status === "REVOKED") return { ok: false, reason: "revoked" };
  if (req.status !== "APPROVED") return { ok: false, reason: "not_approved" };
  if (today < req.fromOn) return { ok: false, reason: "not_yet" };
  if (today > req.toOn) return { ok: false, reason: "expired" };
  return { ok: true };
}

export function isOverdue(loan: { status: ArchiveRequestStatus; dueOn: string | null }, today: string): boolean {
  return loan.status === "ON_LOAN" && loan.dueOn !== null && loan.dueOn < today;
}

/** The status to show: approved views past their period are EXPIRED; loans past due are OVERDUE. */
export function displayStatus(req: { kind: ArchiveRequestKind; status: ArchiveRequestStatus; toOn: string; dueOn: string | null }, today: string): ArchiveRequestDisplayStatus {
  if (req.kind === "VIEW" && req.status === "APPROVED" && today > req.toOn) return "EXPIRED";
  if (isOverdue(req, today)) return "OVERDUE";
  return req.status;
}

export type LoanStanding =
  | { state: "due"; dueOn: string; daysLeft: number }
  | { state: "overdue"; dueOn: string; overdueSince: string; daysLate: number };

/**
 * Where a box on loan stands today, for the loan screens: due in `daysLeft` days (0 = due today), or
 * overdue since the day after its due date, `daysLate` days (the count the reminders give). Null when
 * the box is not out (or has no due date).
 */
export function loanStanding(loan: { status: ArchiveRequestStatus; dueOn: string | null }, today: string): LoanStanding | null {
  if (loan.status !== "ON_LOAN" || loan.dueOn === null) return null;
  if (!isOverdue(loan, today)) return { state: "due", dueOn: loan.dueOn, daysLeft: daysBetween(today, loan.dueOn) };
  return { state: "overdue", dueOn: loan.dueOn, overdueSince: addDays(loan.dueOn, 1), daysLate: daysBetween(loan.dueOn, today) };
}

/** An overdue loan gets at most one reminder per SSC calendar day. */
export function reminderDue(loan: { status: ArchiveRequestStatus; dueOn: string | null; lastReminderAt: Date | null }, now: Date): boolean {
  const today = sscToday(now);
  if (!isOverdue(loan, today)) return false;
  return loan.lastReminderAt === null || sscToday(loan.lastReminderAt) < today;
}

/** The p-th percentile (0–100) by nearest rank of an unsorted list; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Median and 90th percentile of the hours from request to decision. */
export function turnaround(pairs: readonly { requestedAt: Date; decidedAt: Date }[]): { medianHours: number | null; p90Hours: number | null } {
  const hours = pairs.map((p) => (p.decidedAt.getTime() - p.requestedAt.getTime()) / 3_600_000);
  const round = (h: number | null) => (h === null ? null : Math.round(h * 10) / 10);
  return { medianHours: round(percentile(hours, 50)), p90Hours: round(percentile(hours, 90)) };
}

/** The SSC month (YYYY-MM) an instant falls in. */
export function sscMonth(at: Date): string {
  return sscToday(at).slice(0, 7);
}

export type MonthFacts = {
  requests: { kind: ArchiveRequestKind; purposeKind: PurposeKind; requestedAt: Date; decidedAt: Date | null; status: ArchiveRequestStatus; lentAt: Date | null; returnedAt: Date | null; dueOn: string | null }[];
  views: { viewedAt: Date }[];
};

export type MonthRow = {
  month: string;
  requests: Record<ArchiveRequestKind, number>;
  purposes: Record<PurposeKind, number>;
  approved: number;
  refused: number;
  medianHours: number | null;
  p90Hours: number | null;
  views: number;
  loansOut: number;
  loansReturned: number;
  /** Loans due that month that came back late, or are still out past their due date. */
  overdue: number;
};

/**
 * The reading room's register per month, newest first: requests by kind and purpose (month requested),
 * approvals, refusals and turnaround (month decided), views logged, loans lent and returned, loans that
 * went overdue (month due). Months with nothing are left out.
 */
export function monthlyRegister(facts: MonthFacts, now: Date): MonthRow[] {
  const today = sscToday(now);
  const rows = new Map<string, MonthRow & { pairs: { requestedAt: Date; decidedAt: Date }[] }>();
  const row = (month: string) => {
    let r = rows.get(month);
    if (!r) {
      r = {
        month,
        requests: { VIEW: 0, BORROW: 0 },
        purposes: { AUDIT: 0, TAX: 0, LITIGATION: 0, INTERNAL: 0, OTHER: 0 },
        approved: 0,
        refused: 0,
        medianHours: null,
        p90Hours: null,
        views: 0,
        loansOut: 0,
        loansReturned: 0,
        overdue: 0,
        pairs: [],
      };
      rows.set(month, r);
    }
    return r;
  };
  for (const q of facts.requests) {
    const m = row(sscMonth(q.requestedAt));
    m.requests[q.kind] += 1;
    m.purposes[q.purposeKind] += 1;
    if (q.decidedAt) {
      const d = row(sscMonth(q.decidedAt));
      d.pairs.push({ requestedAt: q.requestedAt, decidedAt: q.decidedAt });
      if (q.status === "REFUSED") d.refused += 1;
      else d.approved += 1;
    }
    if (q.lentAt) row(sscMonth(q.lentAt)).loansOut += 1;
    if (q.returnedAt) row(sscMonth(q.returnedAt)).loansReturned += 1;
    if (q.lentAt && q.dueOn) {
      const late = q.returnedAt ? sscToday(q.returnedAt) > q.dueOn : q.dueOn < today;
      if (late) row(q.dueOn.slice(0, 7)).overdue += 1;
    }
  }
  for (const v of facts.views) row(sscMonth(v.viewedAt)).views += 1;
  return [...rows.values()]
    .map(({ pairs, ...r }) => ({ ...r, ...turnaround(pairs) }))
    .sort((a, b) => (a.month < b.month ? 1 : -1));
}
