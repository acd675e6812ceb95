/**
 * Segregation of duties: nobody approves or processes their own claim, and the accountant who
 * checks a claim is never the manager who approved it. Enforced on the server in every action;
 * the UI only hides what these refuse.
 */

import { hasRole, type Actor } from "./actor";

export type ApproveRefusal = "own_claim" | "not_an_approver" | "not_a_manager" | "approved_other_step" | "reviewed_claim";

export type ApproveDecision = { ok: true } | { ok: false; reason: ApproveRefusal };

/**
 * `approverIds` are the managers allowed now (line manager, department head, active delegates; see
 * `activeApprovers`). A delegate must hold the MANAGER role too: delegation passes the claim on,
 * not the authority to approve. Conflicts of interest are checked first: they are the reason to show.
 */
export function canApproveAsManager(actor: Actor, claim: { claimantId: string; approverIds: readonly string[] }): ApproveDecision {
  if (actor.id === claim.claimantId) return { ok: false, reason: "own_claim" };
  if (!hasRole(actor, "MANAGER")) return { ok: false, reason: "not_a_manager" };
  if (!claim.approverIds.includes(actor.id)) return { ok: false, reason: "not_an_approver" };
  return { ok: true };
}

export type ApprovalStepFacts = {
  claimantId: string;
  /** The step's assignee and the managers standing in for them today (`activeApprovers`); [] when unassigned. */
  approverIds: readonly string[];
  /** Nobody could be asked (no line manager, no head): an administrator of the claim's company clears the step. */
  unassigned: boolean;
  /** The claim's company is one the actor works for (user_company): needed to clear an unassigned step. */
  companyInScope: boolean;
  /** Who approved the claim's OTHER steps, in any round: one person never approves two steps. */
  otherStepApproverIds: readonly string[];
  /** Accountants who held a review task of the claim: who checks a claim never approves it. */
  reviewerIds: readonly string[];
};

/**
 * May `actor` approve (or return) this approval step? Four eyes stay four, delegation included: the
 * claimant never; nobody who approved another step of the claim (a delegate who approved step 1 for
 * the line manager cannot approve step 2 for the head); nobody who reviewed it as an accountant. Then
 * the step's own rule: its approvers (MANAGER role), or an administrator of the claim's company for a
 * step nobody could take.
 */
export function canApproveStep(actor: Actor, step: ApprovalStepFacts): ApproveDecision {
  if (actor.id === step.claimantId) return { ok: false, reason: "own_claim" };
  if (step.otherStepApproverIds.includes(actor.id)) return { ok: false, reason: "approved_other_step" };
  if (step.reviewerIds.includes(actor.id)) return { ok: false, reason: "reviewed_claim" };
  if (step.unassigned) return hasRole(actor, "ADMIN") && step.companyInScope ? { ok: true } : { ok: false, reason: "not_an_approver" };
  return canApproveAsManager(actor, step);
}

export type ProcessDecision =
  | { ok: true }
  | { ok: false; reason: "own_claim" | "approved_as_manager" | "not_in_group" | "not_an_accountant" };

/** An accountant processes claims routed to one of their groups, never one they filed or approved. */
export function canProcess(
  actor: Actor & { groupIds: readonly string[] },
  claim: { claimantId: string; managerApproverIds: readonly string[]; groupId: string | null },
): ProcessDecision {
  if (actor.id === claim.claimantId) return { ok: false, reason: "own_claim" };
  if (claim.managerApproverIds.includes(actor.id)) return { ok: false, reason: "approved_as_manager" };
  if (!hasRole(actor, "ACCOUNTANT")) return { ok: false, reason: "not_an_accountant" };
  // A claim not yet routed belongs to no group, so nobody may take it.
  if (claim.groupId === null || !actor.groupIds.includes(claim.groupId)) return { ok: false, reason: "not_in_group" };
  return { ok: true };
}

export type Delegation = {
  managerId: string;
  delegateId: string;
  /** YYYY-MM-DD, both inclusive, in the SSC's calendar. */
  from: string;
  to: string;
};

/**
 * The primary approvers plus their delegates active on `today` (YYYY-MM-DD), each once, primaries
 * first. Delegation is not transitive: a delegate's own delegate is not added. A delegate may be the
 * claimant; callers still call `canApproveAsManager`, which refuses that.
 */
export function activeApprovers(primaryIds: readonly string[], delegations: readonly Delegation[], today: string): string[] {
  const approvers = [...new Set(primaryIds)];
  const primaries = new Set(primaryIds);
  for (const d of delegations) {
    // ISO dates compare correctly as strings.
    if (primaries.has(d.managerId) && d.from <= today && today <= d.to && !approvers.includes(d.delegateId)) {
      approvers.push(d.delegateId);
    }
  }
  return approvers;
}

export type ApprovalStep = { step: number; approverId: string };

/**
 * Who approves, in order. Step 1: the line manager, or the department head when there is none.
 * Step 2: the department head too, when the total reaches the threshold and the head is someone
 * else. No manager and no head: [] (the caller sends the claim to an administrator). Pass
 * `claimantId` to leave the claimant out of their own chain (a head filing a claim, a manager whose
 * line manager record points at themselves); a chain that loses every approver is [] as well.
 * `budgetApproverIds` (the owners of the budget cells the claim pushed past the approval band) follow
 * as extra steps, each once, skipping the claimant and anyone already approving a step; with no manager
 * and no head they still approve (steps from 1).
 */
export function approvalSteps(
  totalCompanyMinor: bigint,
  thresholdMinor: bigint | null,
  lineManagerId: string | null,
  departmentHeadId: string | null,
  claimantId: string | null = null,
  budgetApproverIds: readonly string[] = [],
): ApprovalStep[] {
  const eligible = (id: string | null) => (id !== null && id !== claimantId ? id : null);
  const manager = eligible(lineManagerId);
  const head = eligible(departmentHeadId);
  const first = manager ?? head;
  const steps: ApprovalStep[] = [];
  if (first !== null) {
    steps.push({ step: 1, approverId: first });
    if (thresholdMinor !== null && totalCompanyMinor >= thresholdMinor && head !== null && head !== first) {
      steps.push({ step: 2, approverId: head });
    }
  }
  for (const id of budgetApproverIds) {
    if (eligible(id) === null || steps.some((s) => s.approverId === id)) continue;
    steps.push({ step: steps.length + 1, approverId: id });
  }
  return steps;
}

/** The longest delegation, in calendar days (both ends included). */
export const MAX_DELEGATION_DAYS = 90;

export type DelegationRefusal =
  | { field: "delegateEmail"; code: "not_a_manager" | "self" | "other_company" }
  | { field: "from"; code: "invalid_date" | "in_the_past" }
  | { field: "to"; code: "invalid_date" | "invalid_range" | "too_long" };

export type DelegationCheck = { ok: true } | ({ ok: false } & DelegationRefusal);

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * A manager hands their approvals to another manager: only to an active MANAGER of the SAME company
 * (not themselves), from today or later, ending on or after the start, at most MAX_DELEGATION_DAYS long.
 */
export function checkDelegation({
  manager,
  delegate,
  from,
  to,
  today,
}: {
  manager: Actor & { companyId: string };
  delegate: (Actor & { companyId: string; active: boolean }) | null;
  from: string;
  to: string;
  today: string;
}): DelegationCheck {
  if (!hasRole(manager, "MANAGER")) return { ok: false, field: "delegateEmail", code: "not_a_manager" };
  if (!delegate || !delegate.active || !hasRole(delegate, "MANAGER")) return { ok: false, field: "delegateEmail", code: "not_a_manager" };
  if (delegate.id === manager.id) return { ok: false, field: "delegateEmail", code: "self" };
  if (delegate.companyId !== manager.companyId) return { ok: false, field: "delegateEmail", code: "other_company" };
  if (!isIsoDate(from)) return { ok: false, field: "from", code: "invalid_date" };
  if (!isIsoDate(to)) return { ok: false, field: "to", code: "invalid_date" };
  if (from < today) return { ok: false, field: "from", code: "in_the_past" };
  if (to < from) return { ok: false, field: "to", code: "invalid_range" };
  if (daysBetween(from, to) + 1 > MAX_DELEGATION_DAYS) return { ok: false, field: "to", code: "too_long" };
  return { ok: true };
}
