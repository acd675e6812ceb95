import { describe, expect, it } from "vitest";
import {
  transitionRule,
  CLAIM_ACTIONS,
  CLAIM_STATUSES,
  IllegalTransitionError,
  allowedActions,
  assertTransition,
  isEditableByClaimant,
  isTerminal,
  transition,
  type ClaimAction,
  type ClaimStatus,
} from "./claim-machine";

// The whole table, written out independently of the implementation.
const LEGAL: Record<string, ClaimStatus> = {
  "DRAFT:submit": "SUBMITTED",
  "SUBMITTED:managerApprove": "MANAGER_APPROVED",
  "SUBMITTED:managerReturn": "RETURNED",
  "MANAGER_APPROVED:takeForReview": "IN_REVIEW",
  "IN_REVIEW:approve": "APPROVED",
  "IN_REVIEW:returnToClaimant": "RETURNED",
  "IN_REVIEW:reject": "REJECTED",
  "APPROVED:schedulePayment": "SCHEDULED",
  "PAYMENT_FAILED:schedulePayment": "SCHEDULED",
  "SCHEDULED:markPaid": "PAID",
  "SCHEDULED:paymentFailed": "PAYMENT_FAILED",
  "PAID:paymentFailed": "PAYMENT_FAILED",
  "RETURNED:resubmit": "SUBMITTED",
  "SUBMITTED:withdraw": "WITHDRAWN",
  "RETURNED:withdraw": "WITHDRAWN",
};

describe("claim state machine", () => {
  const pairs: [ClaimStatus, ClaimAction][] = CLAIM_STATUSES.flatMap((s) =>
    CLAIM_ACTIONS.map((a) => [s, a] as [ClaimStatus, ClaimAction]),
  );

  it.each(pairs)("%s + %s follows the lifecycle table", (status, action) => {
    const expected = LEGAL[`${status}:${action}`];
    const result = transition(status, action);
    if (expected) {
      expect(result).toEqual({ ok: true, from: status, to: expected });
      expect(assertTransition(status, action)).toBe(expected);
    } else {
      expect(result).toEqual({ ok: false, code: "illegal_transition", from: status, action });
      expect(() => assertTransition(status, action)).toThrow(IllegalTransitionError);
    }
  });

  it("covers exactly the legal pairs", () => {
    const legal = pairs.filter(([s, a]) => transition(s, a).ok).map(([s, a]) => `${s}:${a}`);
    expect(legal.sort()).toEqual(Object.keys(LEGAL).sort());
  });

  it("lists allowed actions per status", () => {
    expect(allowedActions("DRAFT")).toEqual(["submit"]);
    expect(allowedActions("IN_REVIEW")).toEqual(["approve", "returnToClaimant", "reject"]);
    // A paid claim can still come back: the bank returns a payment days after it was booked (issue 10).
    expect(allowedActions("PAID")).toEqual(["paymentFailed"]);
  });

  it("knows terminal and editable states", () => {
    expect(isTerminal("PAID")).toBe(false);
    expect(isTerminal("REJECTED")).toBe(true);
    expect(isTerminal("WITHDRAWN")).toBe(true);
    expect(isTerminal("RETURNED")).toBe(false);
    expect(CLAIM_STATUSES.filter(isEditableByClaimant)).toEqual(["DRAFT", "RETURNED"]);
  });
});

describe("payment states (issue 10)", () => {
  it("a failed payment is neither terminal nor editable, and goes into a later run", () => {
    expect(allowedActions("SCHEDULED")).toEqual(["markPaid", "paymentFailed"]);
    expect(allowedActions("PAYMENT_FAILED")).toEqual(["schedulePayment"]);
    expect(isTerminal("PAYMENT_FAILED")).toBe(false);
    expect(isEditableByClaimant("PAYMENT_FAILED")).toBe(false);
    expect(assertTransition("PAYMENT_FAILED", "schedulePayment")).toBe("SCHEDULED");
    expect(() => assertTransition("PAYMENT_FAILED", "markPaid")).toThrow(IllegalTransitionError);
  });

  it("gives a statement the same rule as the checks: takeForReview from MANAGER_APPROVED only, to IN_REVIEW", () => {
    const rule = transitionRule("takeForReview");
    expect(rule).toEqual({ from: ["MANAGER_APPROVED"], to: "IN_REVIEW" });
    for (const from of rule.from) expect(assertTransition(from, "takeForReview")).toBe(rule.to);
  });
});
