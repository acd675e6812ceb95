import { describe, expect, it } from "vitest";
import type { Actor } from "./actor";
import {
  activeApprovers,
  approvalSteps,
  canApproveAsManager,
  canApproveStep,
  canProcess,
  checkDelegation,
  isIsoDate,
  type ApprovalStepFacts,
  type Delegation,
} from "./segregation";

const manager: Actor = { id: "mgr", roles: ["EMPLOYEE", "MANAGER"] };

describe("canApproveAsManager", () => {
  const claim = { claimantId: "emp", approverIds: ["mgr", "head"] };
  it("lets a listed manager approve", () => {
    expect(canApproveAsManager(manager, claim)).toEqual({ ok: true });
  });
  it("refuses the claimant, even a manager listed as approver of their own claim", () => {
    expect(canApproveAsManager(manager, { claimantId: "mgr", approverIds: ["mgr"] })).toEqual({ ok: false, reason: "own_claim" });
  });
  it("refuses a manager who is not an approver of this claim", () => {
    expect(canApproveAsManager({ id: "other-mgr", roles: ["MANAGER"] }, claim)).toEqual({ ok: false, reason: "not_an_approver" });
  });
  it("refuses someone without the manager role, even if listed", () => {
    expect(canApproveAsManager({ id: "mgr", roles: ["EMPLOYEE", "ADMIN"] }, claim)).toEqual({ ok: false, reason: "not_a_manager" });
  });
});

describe("canProcess", () => {
  const accountant: Actor & { groupIds: string[] } = { id: "acc", roles: ["ACCOUNTANT"], groupIds: ["g-travel", "g-general"] };
  const claim = { claimantId: "emp", managerApproverIds: ["mgr"], groupId: "g-travel" };
  it("lets an accountant of the claim's group process it", () => {
    expect(canProcess(accountant, claim)).toEqual({ ok: true });
  });
  it("refuses the claimant", () => {
    expect(canProcess(accountant, { ...claim, claimantId: "acc" })).toEqual({ ok: false, reason: "own_claim" });
  });
  it("refuses the manager who approved it, even as an accountant of the group", () => {
    expect(canProcess(accountant, { ...claim, managerApproverIds: ["mgr", "acc"] })).toEqual({ ok: false, reason: "approved_as_manager" });
  });
  it("refuses an accountant of another group, and everyone for an unrouted claim", () => {
    expect(canProcess(accountant, { ...claim, groupId: "g-foreign" })).toEqual({ ok: false, reason: "not_in_group" });
    expect(canProcess(accountant, { ...claim, groupId: null })).toEqual({ ok: false, reason: "not_in_group" });
  });
  it("refuses someone without the accountant role, even in the group", () => {
    expect(canProcess({ ...accountant, roles: ["SUPERVISOR", "QA"] }, claim)).toEqual({ ok: false, reason: "not_an_accountant" });
  });
});

describe("activeApprovers", () => {
  const delegations: Delegation[] = [
    { managerId: "mgr", delegateId: "deputy", from: "2026-03-02", to: "2026-03-06" },
    { managerId: "head", delegateId: "deputy-head", from: "2026-03-09", to: "2026-03-13" },
    { managerId: "someone-else", delegateId: "stranger", from: "2026-01-01", to: "2026-12-31" },
    { managerId: "deputy", delegateId: "deputy-of-deputy", from: "2026-01-01", to: "2026-12-31" },
  ];
  it("adds delegates active today, with inclusive bounds", () => {
    expect(activeApprovers(["mgr", "head"], delegations, "2026-03-01")).toEqual(["mgr", "head"]);
    expect(activeApprovers(["mgr", "head"], delegations, "2026-03-02")).toEqual(["mgr", "head", "deputy"]);
    expect(activeApprovers(["mgr", "head"], delegations, "2026-03-06")).toEqual(["mgr", "head", "deputy"]);
    expect(activeApprovers(["mgr", "head"], delegations, "2026-03-07")).toEqual(["mgr", "head"]);
    expect(activeApprovers(["mgr", "head"], delegations, "2026-03-10")).toEqual(["mgr", "head", "deputy-head"]);
  });
  it("ignores delegations of other managers and is not transitive", () => {
    const today = "2026-03-04";
    expect(activeApprovers(["mgr"], delegations, today)).not.toContain("stranger");
    expect(activeApprovers(["mgr"], delegations, today)).not.toContain("deputy-of-deputy");
  });
  it("lists each person once", () => {
    const twice: Delegation[] = [
      { managerId: "mgr", delegateId: "head", from: "2026-03-01", to: "2026-03-31" },
      { managerId: "head", delegateId: "deputy", from: "2026-03-01", to: "2026-03-31" },
      { managerId: "mgr", delegateId: "deputy", from: "2026-03-01", to: "2026-03-31" },
    ];
    expect(activeApprovers(["mgr", "head", "mgr"], twice, "2026-03-15")).toEqual(["mgr", "head", "deputy"]);
  });
  it("may list the claimant as a delegate; canApproveAsManager still refuses them", () => {
    const toClaimant: Delegation[] = [{ managerId: "mgr", delegateId: "emp", from: "2026-03-01", to: "2026-03-31" }];
    const approverIds = activeApprovers(["mgr"], toClaimant, "2026-03-15");
    expect(approverIds).toEqual(["mgr", "emp"]);
    expect(canApproveAsManager({ id: "emp", roles: ["MANAGER"] }, { claimantId: "emp", approverIds })).toEqual({ ok: false, reason: "own_claim" });
  });
  it("returns no one for no primaries", () => {
    expect(activeApprovers([], delegations, "2026-03-04")).toEqual([]);
  });
});

describe("approvalSteps", () => {
  const threshold = 1_000_000n;
  it("needs only the line manager below the threshold", () => {
    expect(approvalSteps(999_999n, threshold, "mgr", "head")).toEqual([{ step: 1, approverId: "mgr" }]);
  });
  it("adds the department head at and above the threshold", () => {
    const both = [
      { step: 1, approverId: "mgr" },
      { step: 2, approverId: "head" },
    ];
    expect(approvalSteps(1_000_000n, threshold, "mgr", "head")).toEqual(both);
    expect(approvalSteps(5_000_000n, threshold, "mgr", "head")).toEqual(both);
  });
  it("has no second step without a threshold", () => {
    expect(approvalSteps(10n ** 12n, null, "mgr", "head")).toEqual([{ step: 1, approverId: "mgr" }]);
  });
  it("does not ask the same person twice", () => {
    expect(approvalSteps(5_000_000n, threshold, "head", "head")).toEqual([{ step: 1, approverId: "head" }]);
  });
  it("goes to the head when there is no line manager, once", () => {
    expect(approvalSteps(5_000_000n, threshold, null, "head")).toEqual([{ step: 1, approverId: "head" }]);
    expect(approvalSteps(1n, threshold, null, "head")).toEqual([{ step: 1, approverId: "head" }]);
  });
  it("has only the line manager when there is no head", () => {
    expect(approvalSteps(5_000_000n, threshold, "mgr", null)).toEqual([{ step: 1, approverId: "mgr" }]);
  });
  it("is empty with neither (the caller routes the claim to an administrator)", () => {
    expect(approvalSteps(5_000_000n, threshold, null, null)).toEqual([]);
  });
  it("leaves the claimant out of their own chain when told who it is", () => {
    // The department head files a claim: their own line manager approves, there is no second step.
    expect(approvalSteps(5_000_000n, threshold, "vp", "head", "head")).toEqual([{ step: 1, approverId: "vp" }]);
    // A head with no manager above them: nobody left, so an administrator.
    expect(approvalSteps(5_000_000n, threshold, null, "head", "head")).toEqual([]);
    // A line manager record pointing at the claimant: the head steps in.
    expect(approvalSteps(1n, threshold, "emp", "head", "emp")).toEqual([{ step: 1, approverId: "head" }]);
    // Not the claimant: unchanged.
    expect(approvalSteps(5_000_000n, threshold, "mgr", "head", "emp")).toHaveLength(2);
  });
});

describe("canApproveStep (four eyes, delegation included)", () => {
  const step: ApprovalStepFacts = { claimantId: "emp", approverIds: ["head", "deputy"], unassigned: false, companyInScope: false, otherStepApproverIds: [], reviewerIds: [] };
  const deputy: Actor = { id: "deputy", roles: ["MANAGER"] };
  it("lets the assignee or their delegate approve", () => {
    expect(canApproveStep({ id: "head", roles: ["MANAGER"] }, step)).toEqual({ ok: true });
    expect(canApproveStep(deputy, step)).toEqual({ ok: true });
  });
  it("refuses whoever approved another step of the claim, also as someone's delegate", () => {
    expect(canApproveStep(deputy, { ...step, otherStepApproverIds: ["deputy"] })).toEqual({ ok: false, reason: "approved_other_step" });
    // The head approved step 1 standing in for the line manager: step 2 (their own) needs someone else.
    expect(canApproveStep({ id: "head", roles: ["MANAGER"] }, { ...step, otherStepApproverIds: ["head"] })).toEqual({ ok: false, reason: "approved_other_step" });
  });
  it("refuses an accountant who reviewed the claim, and the claimant before anything else", () => {
    expect(canApproveStep(deputy, { ...step, reviewerIds: ["deputy"] })).toEqual({ ok: false, reason: "reviewed_claim" });
    expect(canApproveStep({ id: "emp", roles: ["MANAGER"] }, { ...step, approverIds: ["emp"], otherStepApproverIds: ["emp"] })).toEqual({ ok: false, reason: "own_claim" });
  });
  it("lets only an administrator of the claim's company clear an unassigned step, with the same conflicts", () => {
    const unassigned = { ...step, approverIds: [], unassigned: true, companyInScope: true };
    expect(canApproveStep({ id: "adm", roles: ["ADMIN"] }, unassigned)).toEqual({ ok: true });
    expect(canApproveStep({ id: "adm", roles: ["ADMIN"] }, { ...unassigned, companyInScope: false })).toEqual({ ok: false, reason: "not_an_approver" });
    expect(canApproveStep({ id: "mgr", roles: ["MANAGER"] }, unassigned)).toEqual({ ok: false, reason: "not_an_approver" });
    expect(canApproveStep({ id: "adm", roles: ["ADMIN"] }, { ...unassigned, reviewerIds: ["adm"] })).toEqual({ ok: false, reason: "reviewed_claim" });
    expect(canApproveStep({ id: "emp", roles: ["ADMIN"] }, unassigned)).toEqual({ ok: false, reason: "own_claim" });
  });
  it("keeps the manager rules: a listed approver needs the MANAGER role", () => {
    expect(canApproveStep({ id: "deputy", roles: ["EMPLOYEE"] }, step)).toEqual({ ok: false, reason: "not_a_manager" });
    expect(canApproveStep({ id: "stranger", roles: ["MANAGER"] }, step)).toEqual({ ok: false, reason: "not_an_approver" });
  });
});

describe("checkDelegation", () => {
  const manager: Actor & { companyId: string } = { id: "mgr", roles: ["MANAGER"], companyId: "co-a" };
  const delegate: Actor & { companyId: string; active: boolean } = { id: "dep", roles: ["EMPLOYEE", "MANAGER"], companyId: "co-a", active: true };
  const base = { manager, delegate, from: "2026-12-03", to: "2026-12-10", today: "2026-12-03" };
  it("accepts an active manager of the same company, from today, up to 90 days inclusive", () => {
    expect(checkDelegation(base)).toEqual({ ok: true });
    expect(checkDelegation({ ...base, to: "2027-03-02" })).toEqual({ ok: true }); // 90 days
    expect(checkDelegation({ ...base, to: "2027-03-03" })).toEqual({ ok: false, field: "to", code: "too_long" });
  });
  it("refuses other companies, inactive people, non-managers and oneself", () => {
    expect(checkDelegation({ ...base, delegate: { ...delegate, companyId: "co-b" } })).toEqual({ ok: false, field: "delegateEmail", code: "other_company" });
    expect(checkDelegation({ ...base, delegate: { ...delegate, active: false } })).toEqual({ ok: false, field: "delegateEmail", code: "not_a_manager" });
    expect(checkDelegation({ ...base, delegate: { ...delegate, roles: ["EMPLOYEE"] } })).toEqual({ ok: false, field: "delegateEmail", code: "not_a_manager" });
    expect(checkDelegation({ ...base, delegate: null })).toEqual({ ok: false, field: "delegateEmail", code: "not_a_manager" });
    expect(checkDelegation({ ...base, delegate: { ...delegate, id: "mgr" } })).toEqual({ ok: false, field: "delegateEmail", code: "self" });
    expect(checkDelegation({ ...base, manager: { ...manager, roles: ["EMPLOYEE"] } })).toEqual({ ok: false, field: "delegateEmail", code: "not_a_manager" });
  });
  it("refuses a start in the past, an end before the start and dates that do not exist", () => {
    expect(checkDelegation({ ...base, from: "2026-12-02" })).toEqual({ ok: false, field: "from", code: "in_the_past" });
    expect(checkDelegation({ ...base, to: "2026-12-02" })).toEqual({ ok: false, field: "to", code: "invalid_range" });
    expect(checkDelegation({ ...base, from: "2026-02-30" })).toEqual({ ok: false, field: "from", code: "invalid_date" });
    expect(checkDelegation({ ...base, to: "soon" })).toEqual({ ok: false, field: "to", code: "invalid_date" });
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2027-02-29")).toBe(false);
  });
});

describe("approvalSteps with budget owners", () => {
  const threshold = 1_000_000n;
  it("adds each budget owner as a step after the manager and head steps", () => {
    expect(approvalSteps(5_000_000n, threshold, "mgr", "head", "emp", ["owner"])).toEqual([
      { step: 1, approverId: "mgr" },
      { step: 2, approverId: "head" },
      { step: 3, approverId: "owner" },
    ]);
    expect(approvalSteps(1n, threshold, "mgr", "head", "emp", ["o1", "o2"])).toEqual([
      { step: 1, approverId: "mgr" },
      { step: 2, approverId: "o1" },
      { step: 3, approverId: "o2" },
    ]);
  });
  it("skips an owner who already approves a step, or who filed the claim", () => {
    expect(approvalSteps(1n, threshold, "mgr", "head", "emp", ["mgr", "emp", "head"])).toEqual([
      { step: 1, approverId: "mgr" },
      { step: 2, approverId: "head" },
    ]);
    expect(approvalSteps(5_000_000n, threshold, "mgr", "head", "emp", ["head"])).toHaveLength(2);
  });
  it("lets the owner approve alone when the claimant has no manager and no head", () => {
    expect(approvalSteps(1n, threshold, null, null, "emp", ["owner"])).toEqual([{ step: 1, approverId: "owner" }]);
  });
});
