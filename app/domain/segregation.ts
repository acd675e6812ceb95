/**
 * Segregation of duties: nobody approves or processes their own claim, and the accountant who
 * checks a claim is never the manager who approved it. Enforced on the server in every action;
 * the UI only hides what these refuse.
 */

export type Actor = { id: string; roles: readonly string[] };

export type ApproveDecision = { ok: true } | { ok: false; reason: "own_claim" | "not_an_approver" | "not_a_manager" };

/**
 * `approverIds` are the managers allowed now (line manager, department head, active delegates; see
 * `activeApprovers`). A delegate must hold the MANAGER role too: delegation passes the claim on,
 * not the authority to approve. Conflicts of interest are checked first: they are the reason to show.
 */
export function canApproveAsManager(actor: Actor, claim: { claimantId: string; approverIds: readonly string[] }): ApproveDecision {
  if (actor.id === claim.claimantId) return { ok: false, reason: "own_claim" };
  if (!actor.roles.includes("MANAGER")) return { ok: false, reason: "not_a_manager" };
  if (!claim.approverIds.includes(actor.id)) return { ok: false, reason: "not_an_approver" };
  return { ok: true };
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
  if (!actor.roles.includes("ACCOUNTANT")) return { ok: false, reason: "not_an_accountant" };
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

export type ApprovalStep = { step: 1 | 2; approverId: string };

/**
 * Who approves, in order. Step 1: the line manager, or the department head when there is none.
 * Step 2: the department head too, when the total reaches the threshold and the head is someone
 * else. No manager and no head: [] (the caller sends the claim to an administrator). Pass
 * `claimantId` to leave the claimant out of their own chain (a head filing a claim, a manager whose
 * line manager record points at themselves); a chain that loses every approver is [] as well.
 */
export function approvalSteps(
  totalCompanyMinor: bigint,
  thresholdMinor: bigint | null,
  lineManagerId: string | null,
  departmentHeadId: string | null,
  claimantId: string | null = null,
): ApprovalStep[] {
  const eligible = (id: string | null) => (id !== null && id !== claimantId ? id : null);
  const manager = eligible(lineManagerId);
  const head = eligible(departmentHeadId);
  const first = manager ?? head;
  if (first === null) return [];
  const steps: ApprovalStep[] = [{ step: 1, approverId: first }];
  if (thresholdMinor !== null && totalCompanyMinor >= thresholdMinor && head !== null && head !== first) {
    steps.push({ step: 2, approverId: head });
  }
  return steps;
}
