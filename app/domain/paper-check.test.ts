import { describe, expect, it } from "vitest";
import { CLAIM_STATUSES, transition } from "./claim-machine";
import {
  canCheckPaper,
  daysOverdue,
  differsOutcomes,
  DiffersForm,
  differsReasonCode,
  differsReasonText,
  isOverdue,
  originalsAwaited,
  PaperSettingsForm,
  paperReturnAction,
  resolveRefusal,
  ResolveExceptionForm,
} from "./paper-check";

describe("pay on paper", () => {
  it("never waits for originals when the company pays on the image", () => {
    for (const s of [null, "AWAITING", "DISCREPANCY", "RECEIVED", "ARCHIVED"] as const) expect(originalsAwaited(false, s)).toBe(false);
  });
  it("waits until the originals are received or filed; no row counts as not received", () => {
    expect(originalsAwaited(true, null)).toBe(true);
    expect(originalsAwaited(true, "AWAITING")).toBe(true);
    expect(originalsAwaited(true, "DISCREPANCY")).toBe(true);
    expect(originalsAwaited(true, "RECEIVED")).toBe(false);
    expect(originalsAwaited(true, "ARCHIVED")).toBe(false);
  });
  it("reads the admin's settings form", () => {
    const ok = PaperSettingsForm.safeParse({ intent: "paper-settings", companyId: "c", payOnPaper: "on", originalsDueWorkingDays: "10" });
    expect(ok.success && ok.data).toMatchObject({ payOnPaper: true, originalsDueWorkingDays: 10 });
    const off = PaperSettingsForm.safeParse({ intent: "paper-settings", companyId: "c", originalsDueWorkingDays: "3" });
    expect(off.success && off.data.payOnPaper).toBe(false);
    for (const days of ["0", "121", "2.5", "x"]) {
      const bad = PaperSettingsForm.safeParse({ intent: "paper-settings", companyId: "c", originalsDueWorkingDays: days });
      expect(bad.success).toBe(false);
      expect(bad.error?.issues[0]?.message).toBe("bad_days");
    }
  });
});

describe("overdue originals", () => {
  it("is overdue only while still expected and past its due date", () => {
    expect(isOverdue("AWAITING", "2026-12-03", "2026-12-04")).toBe(true);
    expect(isOverdue("DISCREPANCY", "2026-12-03", "2026-12-04")).toBe(true);
    expect(isOverdue("AWAITING", "2026-12-04", "2026-12-04")).toBe(false);
    expect(isOverdue("RECEIVED", "2026-11-01", "2026-12-04")).toBe(false);
    expect(isOverdue("ARCHIVED", "2026-11-01", "2026-12-04")).toBe(false);
  });
  it("counts whole days past due, across months", () => {
    expect(daysOverdue("2026-11-28", "2026-12-04")).toBe(6);
    expect(daysOverdue("2026-12-04", "2026-12-04")).toBe(0);
    expect(daysOverdue("2026-12-05", "2026-12-04")).toBe(0);
    expect(() => daysOverdue("soon", "2026-12-04")).toThrow(RangeError);
  });
});

describe("scan-to-paper: return or exception", () => {
  it("returns only through a transition the claim machine allows, to RETURNED", () => {
    for (const status of CLAIM_STATUSES) {
      const action = paperReturnAction(status);
      if (action) expect(transition(status, action)).toEqual({ ok: true, from: status, to: "RETURNED" });
    }
    expect(paperReturnAction("SUBMITTED")).toBe("managerReturn");
    expect(paperReturnAction("IN_REVIEW")).toBe("returnToClaimant");
  });
  it("offers only an exception once the claim is past returning", () => {
    expect(differsOutcomes("SUBMITTED")).toEqual(["RETURN", "EXCEPTION"]);
    expect(differsOutcomes("IN_REVIEW")).toEqual(["RETURN", "EXCEPTION"]);
    for (const s of ["MANAGER_APPROVED", "APPROVED", "SCHEDULED", "PAID", "PAYMENT_FAILED", "REJECTED", "RETURNED"] as const) expect(differsOutcomes(s)).toEqual(["EXCEPTION"]);
  });
  it("has no originals to check on a draft or a withdrawn claim", () => {
    expect(canCheckPaper("DRAFT")).toBe(false);
    expect(canCheckPaper("WITHDRAWN")).toBe(false);
    expect(canCheckPaper("PAID")).toBe(true);
  });
  it("needs a reason and an outcome, and words for 'other'", () => {
    const base = { intent: "differs", claimVersion: "3", reason: "amount", outcome: "RETURN" };
    expect(DiffersForm.safeParse(base).success).toBe(true);
    const other = DiffersForm.safeParse({ ...base, reason: "other" });
    expect(other.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["note", "note_required"]]);
    expect(DiffersForm.safeParse({ ...base, reason: "other", note: "torn in half" }).success).toBe(true);
    expect(DiffersForm.safeParse({ ...base, reason: "colour" }).error?.issues[0]?.message).toBe("reason_required");
    expect(DiffersForm.safeParse({ ...base, outcome: "" }).error?.issues[0]?.message).toBe("outcome_required");
  });
  it("stores the reason code first so it can be read back", () => {
    const text = differsReasonText({ reason: "stamp", receipts: "R2", note: "no seal on the invoice" });
    expect(text).toBe("stamp [R2] no seal on the invoice");
    expect(differsReasonCode(text)).toBe("stamp");
    expect(differsReasonCode("MISSING R3")).toBe("other");
  });
  it("resolves an open DIFFERS exception once, with words", () => {
    expect(resolveRefusal({ kind: "DIFFERS", outcome: "EXCEPTION", resolvedAt: null })).toBeNull();
    expect(resolveRefusal({ kind: "DIFFERS", outcome: "EXCEPTION", resolvedAt: new Date() })).toBe("already_resolved");
    expect(resolveRefusal({ kind: "DIFFERS", outcome: "RETURNED", resolvedAt: null })).toBe("not_exception");
    expect(resolveRefusal({ kind: "MISSING", outcome: null, resolvedAt: null })).toBe("not_exception");
    expect(ResolveExceptionForm.safeParse({ intent: "resolve", discrepancyId: "d", resolution: " " }).error?.issues[0]?.message).toBe("resolution_required");
  });
});
