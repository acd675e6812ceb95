/**
 * The claim lifecycle. Every status change in the system goes through `transition`;
 * an illegal move is refused here, not only hidden in the UI.
 */
export const CLAIM_STATUSES = [
  "DRAFT",
  "SUBMITTED",
  "MANAGER_APPROVED",
  "IN_REVIEW",
  "APPROVED",
  "SCHEDULED",
  "PAID",
  "RETURNED",
  "REJECTED",
  "PAYMENT_FAILED",
  "WITHDRAWN",
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_ACTIONS = [
  "submit",
  "managerApprove",
  "managerReturn",
  "takeForReview",
  "approve",
  "returnToClaimant",
  "reject",
  "schedulePayment",
  "markPaid",
  "paymentFailed",
  "resubmit",
  "withdraw",
] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

const TRANSITIONS: Record<ClaimAction, { from: readonly ClaimStatus[]; to: ClaimStatus }> = {
  submit: { from: ["DRAFT"], to: "SUBMITTED" },
  managerApprove: { from: ["SUBMITTED"], to: "MANAGER_APPROVED" },
  managerReturn: { from: ["SUBMITTED"], to: "RETURNED" },
  takeForReview: { from: ["MANAGER_APPROVED"], to: "IN_REVIEW" },
  approve: { from: ["IN_REVIEW"], to: "APPROVED" },
  returnToClaimant: { from: ["IN_REVIEW"], to: "RETURNED" },
  reject: { from: ["IN_REVIEW"], to: "REJECTED" },
  // Released in a payment run; a claim whose payment came back goes into a later run once its account is fixed.
  schedulePayment: { from: ["APPROVED", "PAYMENT_FAILED"], to: "SCHEDULED" },
  // The bank statement shows the money left.
  markPaid: { from: ["SCHEDULED"], to: "PAID" },
  // The bank rejected the payment, or it came back (closed account, wrong name) — a return may arrive days
  // after the statement showed it paid: the employee is asked to fix their account.
  paymentFailed: { from: ["SCHEDULED", "PAID"], to: "PAYMENT_FAILED" },
  resubmit: { from: ["RETURNED"], to: "SUBMITTED" },
  // The claimant takes back a claim no manager has decided yet, or one returned to them; its budget is released.
  withdraw: { from: ["SUBMITTED", "RETURNED"], to: "WITHDRAWN" },
};

export type TransitionResult =
  | { ok: true; from: ClaimStatus; to: ClaimStatus }
  | { ok: false; code: "illegal_transition"; from: ClaimStatus; action: ClaimAction };

export function transition(from: ClaimStatus, action: ClaimAction): TransitionResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) return { ok: false, code: "illegal_transition", from, action };
  return { ok: true, from, to: rule.to };
}

/** The statuses an action starts from and the one it leads to (for a statement that makes the move in SQL). */
export function transitionRule(action: ClaimAction): { from: readonly ClaimStatus[]; to: ClaimStatus } {
  return TRANSITIONS[action];
}

export function allowedActions(status: ClaimStatus): ClaimAction[] {
  return CLAIM_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(status));
}

/** The claimant may change lines and receipts only while the claim is with them. */
export function isEditableByClaimant(status: ClaimStatus): boolean {
  return status === "DRAFT" || status === "RETURNED";
}

export function isTerminal(status: ClaimStatus): boolean {
  return allowedActions(status).length === 0;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ClaimStatus,
    readonly action: ClaimAction,
  ) {
    super(`cannot ${action} a claim in status ${from}`);
    this.name = "IllegalTransitionError";
  }
}

export function assertTransition(from: ClaimStatus, action: ClaimAction): ClaimStatus {
  const r = transition(from, action);
  if (!r.ok) throw new IllegalTransitionError(from, action);
  return r.to;
}
