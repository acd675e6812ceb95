import { describe, expect, it } from "vitest";
import { isAppError } from "./app-error";
import {
  allowedRequestActions,
  assertRequestTransition,
  checkLoanDue,
  checkRequestPeriod,
  displayStatus,
  isOverdue,
  loanStanding,
  monthlyRegister,
  percentile,
  reminderDue,
  sscToday,
  turnaround,
  viewAccess,
} from "./archive-access";

describe("request periods", () => {
  const today = "2026-12-04";
  it("accepts a period from today, up to 90 days counting both ends", () => {
    expect(checkRequestPeriod("2026-12-04", "2026-12-04", today)).toEqual({});
    expect(checkRequestPeriod("2026-12-04", "2027-03-03", today)).toEqual({}); // 90 days
  });
  it("refuses day 91, an end before the start, a start in the past, a start too far ahead, and non-dates", () => {
    expect(checkRequestPeriod("2026-12-04", "2027-03-04", today)).toEqual({ toOn: "period_too_long" });
    expect(checkRequestPeriod("2026-12-10", "2026-12-09", today)).toEqual({ toOn: "ends_before_start" });
    expect(checkRequestPeriod("2026-12-03", "2026-12-09", today)).toEqual({ fromOn: "starts_in_past" });
    expect(checkRequestPeriod("2027-07-01", "2027-07-02", today)).toEqual({ fromOn: "starts_too_far" });
    expect(checkRequestPeriod("2026-02-30", "x", today)).toEqual({ fromOn: "bad_date", toOn: "bad_date" });
  });
  it("a loan's due date lies between today and the period's end", () => {
    expect(checkLoanDue("2026-12-20", today, "2026-12-31")).toBeNull();
    expect(checkLoanDue("2026-12-03", today, "2026-12-31")).toBe("starts_in_past");
    expect(checkLoanDue("2027-01-01", today, "2026-12-31")).toBe("after_period");
  });
});

describe("transitions", () => {
  it("only a loan is lent and returned; only a view is revoked", () => {
    expect(allowedRequestActions("BORROW", "REQUESTED")).toEqual(["approve", "refuse"]);
    expect(allowedRequestActions("BORROW", "APPROVED")).toEqual(["lend"]);
    expect(allowedRequestActions("BORROW", "ON_LOAN")).toEqual(["return"]);
    expect(allowedRequestActions("VIEW", "APPROVED")).toEqual(["revoke"]);
    expect(allowedRequestActions("VIEW", "REFUSED")).toEqual([]);
    expect(assertRequestTransition("BORROW", "ON_LOAN", "return")).toBe("RETURNED");
  });
  it("refuses a step from the wrong state with a 409", () => {
    let err: unknown;
    try {
      assertRequestTransition("VIEW", "APPROVED", "lend");
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, "illegal_request_transition")).toBe(true);
  });
});

describe("view access", () => {
  const grant = { kind: "VIEW" as const, status: "APPROVED" as const, fromOn: "2026-12-05", toOn: "2026-12-10" };
  it("only on the days of the period, first and last included", () => {
    expect(viewAccess(grant, "2026-12-04")).toEqual({ ok: false, reason: "not_yet" });
    expect(viewAccess(grant, "2026-12-05")).toEqual({ ok: true });
    expect(viewAccess(grant, "2026-12-10")).toEqual({ ok: true });
    expect(viewAccess(grant, "2026-12-11")).toEqual({ ok: false, reason: "expired" });
  });
  it("never for a request not approved, revoked, or a loan", () => {
    expect(viewAccess({ ...grant, status: "REQUESTED" }, "2026-12-06").ok).toBe(false);
    expect(viewAccess({ ...grant, status: "REVOKED" }, "2026-12-06")).toEqual({ ok: false, reason: "revoked" });
    expect(viewAccess({ ...grant, kind: "BORROW" }, "2026-12-06").ok).toBe(false);
  });
  it("today is the SSC's date: 23:30 UTC is already tomorrow in Shanghai", () => {
    expect(sscToday(new Date("2026-12-04T23:30:00Z"))).toBe("2026-12-05");
  });
});

describe("overdue loans and reminders", () => {
  const loan = { status: "ON_LOAN" as const, dueOn: "2026-12-03", lastReminderAt: null };
  it("a loan is overdue the day after its due date", () => {
    expect(isOverdue(loan, "2026-12-03")).toBe(false);
    expect(isOverdue(loan, "2026-12-04")).toBe(true);
    expect(isOverdue({ ...loan, status: "RETURNED" }, "2026-12-09")).toBe(false);
    expect(displayStatus({ kind: "BORROW", status: "ON_LOAN", toOn: "2026-12-03", dueOn: "2026-12-03" }, "2026-12-04")).toBe("OVERDUE");
    expect(displayStatus({ kind: "VIEW", status: "APPROVED", toOn: "2026-12-03", dueOn: null }, "2026-12-04")).toBe("EXPIRED");
  });
  it("at most one reminder per SSC day", () => {
    const now = new Date("2026-12-04T02:00:00Z"); // 10:00 in Shanghai
    expect(reminderDue(loan, now)).toBe(true);
    expect(reminderDue({ ...loan, lastReminderAt: new Date("2026-12-04T01:00:00Z") }, now)).toBe(false);
    // 23:00 UTC on the 3rd is the 4th in Shanghai: already reminded today.
    expect(reminderDue({ ...loan, lastReminderAt: new Date("2026-12-03T23:00:00Z") }, now)).toBe(false);
    expect(reminderDue({ ...loan, lastReminderAt: new Date("2026-12-03T10:00:00Z") }, now)).toBe(true);
    expect(reminderDue({ ...loan, dueOn: "2026-12-04" }, now)).toBe(false);
  });
});

describe("a loan's standing on the loan screens", () => {
  const loan = { status: "ON_LOAN" as const, dueOn: "2026-12-03" };
  it("counts the days left up to the due date, then the days late from the day after", () => {
    expect(loanStanding(loan, "2026-11-30")).toEqual({ state: "due", dueOn: "2026-12-03", daysLeft: 3 });
    expect(loanStanding(loan, "2026-12-03")).toEqual({ state: "due", dueOn: "2026-12-03", daysLeft: 0 });
    expect(loanStanding(loan, "2026-12-04")).toEqual({ state: "overdue", dueOn: "2026-12-03", overdueSince: "2026-12-04", daysLate: 1 });
    // Across a month end and a year end.
    expect(loanStanding({ ...loan, dueOn: "2026-12-30" }, "2027-01-02")).toEqual({ state: "overdue", dueOn: "2026-12-30", overdueSince: "2026-12-31", daysLate: 3 });
  });
  it("says nothing for a box that is not out", () => {
    expect(loanStanding({ status: "RETURNED", dueOn: "2026-12-03" }, "2026-12-09")).toBeNull();
    expect(loanStanding({ status: "APPROVED", dueOn: null }, "2026-12-09")).toBeNull();
    expect(loanStanding({ status: "ON_LOAN", dueOn: null }, "2026-12-09")).toBeNull();
  });
});

describe("turnaround", () => {
  it("nearest-rank median and p90 in hours", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    const at = (h: number) => new Date(Date.UTC(2026, 11, 1) + h * 3_600_000);
    const pairs = [1, 2, 4, 8, 48].map((h) => ({ requestedAt: at(0), decidedAt: at(h) }));
    expect(turnaround(pairs)).toEqual({ medianHours: 4, p90Hours: 48 });
  });
});

describe("the monthly register", () => {
  it("counts each fact in the month it happened, newest month first", () => {
    const now = new Date("2026-12-20T04:00:00Z");
    const rows = monthlyRegister(
      {
        requests: [
          { kind: "VIEW", purposeKind: "AUDIT", requestedAt: new Date("2026-11-30T10:00:00Z"), decidedAt: new Date("2026-12-01T02:00:00Z"), status: "APPROVED", lentAt: null, returnedAt: null, dueOn: null },
          { kind: "BORROW", purposeKind: "TAX", requestedAt: new Date("2026-12-02T01:00:00Z"), decidedAt: new Date("2026-12-02T03:00:00Z"), status: "RETURNED", lentAt: new Date("2026-12-03T01:00:00Z"), returnedAt: new Date("2026-12-12T01:00:00Z"), dueOn: "2026-12-10" },
          { kind: "BORROW", purposeKind: "TAX", requestedAt: new Date("2026-12-05T01:00:00Z"), decidedAt: new Date("2026-12-05T02:00:00Z"), status: "ON_LOAN", lentAt: new Date("2026-12-05T03:00:00Z"), returnedAt: null, dueOn: "2026-12-15" },
          { kind: "VIEW", purposeKind: "OTHER", requestedAt: new Date("2026-12-06T01:00:00Z"), decidedAt: new Date("2026-12-06T05:00:00Z"), status: "REFUSED", lentAt: null, returnedAt: null, dueOn: null },
        ],
        views: [{ viewedAt: new Date("2026-12-01T05:00:00Z") }, { viewedAt: new Date("2026-12-02T05:00:00Z") }],
      },
      now,
    );
    expect(rows.map((r) => r.month)).toEqual(["2026-12", "2026-11"]);
    const dec = rows[0]!;
    expect(dec.requests).toEqual({ VIEW: 1, BORROW: 2 });
    expect(dec.purposes.TAX).toBe(2);
    expect(dec.approved).toBe(3);
    expect(dec.refused).toBe(1);
    expect(dec.views).toBe(2);
    expect(dec.loansOut).toBe(2);
    expect(dec.loansReturned).toBe(1);
    expect(dec.overdue).toBe(2); // one returned late, one still out past due
    expect(dec.medianHours).toBe(2);
    expect(rows[1]!.requests).toEqual({ VIEW: 1, BORROW: 0 });
    expect(rows[1]!.approved).toBe(0);
  });
});
