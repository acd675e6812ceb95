import { describe, expect, it } from "vitest";
import type { Role } from "./route-manifest";
import { canEditClaim, canViewClaim, claimViewReason, type ClaimAccessFacts, type ScopedViewer } from "./claim-access";

const claim: ClaimAccessFacts = {
  claimantId: "emp",
  claimantManagerId: "mgr",
  status: "SUBMITTED",
  companyId: "co-a",
  approverIds: [],
  groupIds: [],
  qaReviewerIds: [],
};
const who = (id: string, roles: Role[], scope: Partial<ScopedViewer> = {}): ScopedViewer => ({ id, roles, groupIds: [], companyIds: [], ...scope });

describe("claim access", () => {
  it("lets the claimant see and edit only while the claim is with them", () => {
    const emp = who("emp", ["EMPLOYEE"]);
    expect(claimViewReason(emp, claim)).toBe("claimant");
    expect(canEditClaim(emp, claim)).toBe(false);
    expect(canEditClaim(emp, { ...claim, status: "DRAFT" })).toBe(true);
    expect(canEditClaim(emp, { ...claim, status: "RETURNED" })).toBe(true);
  });
  it("refuses other employees, even managers of someone else", () => {
    expect(canViewClaim(who("other", ["EMPLOYEE"]), claim)).toBe(false);
    expect(canViewClaim(who("other-mgr", ["EMPLOYEE", "MANAGER"]), claim)).toBe(false);
  });
  it("lets the line manager see submitted claims but not drafts", () => {
    const mgr = who("mgr", ["EMPLOYEE", "MANAGER"]);
    expect(claimViewReason(mgr, claim)).toBe("line_manager");
    expect(canViewClaim(mgr, { ...claim, status: "DRAFT" })).toBe(false);
    expect(canEditClaim(mgr, { ...claim, status: "DRAFT" })).toBe(false);
  });
  it("lets approvers (department head, delegates the model found valid today) see it once submitted", () => {
    const head = who("head", ["EMPLOYEE", "MANAGER"]);
    expect(canViewClaim(head, claim)).toBe(false);
    expect(claimViewReason(head, { ...claim, approverIds: ["head"] })).toBe("approver");
    expect(canViewClaim(head, { ...claim, status: "DRAFT", approverIds: ["head"] })).toBe(false);
  });
  it("lets an accountant see the claims that are or were in a task of one of their groups, no others", () => {
    const acc = who("acc", ["EMPLOYEE", "ACCOUNTANT"], { groupIds: ["g-travel"] });
    expect(canViewClaim(acc, claim)).toBe(false);
    expect(canViewClaim(acc, { ...claim, groupIds: ["g-general"] })).toBe(false);
    expect(claimViewReason(acc, { ...claim, groupIds: ["g-general", "g-travel"] })).toBe("processing_group");
    // Membership without the role grants nothing.
    expect(canViewClaim(who("acc", ["EMPLOYEE"], { groupIds: ["g-travel"] }), { ...claim, groupIds: ["g-travel"] })).toBe(false);
  });
  it("lets a QA reviewer see only the claims of QA tasks assigned to them", () => {
    expect(claimViewReason(who("qa", ["QA"]), { ...claim, qaReviewerIds: ["qa"] })).toBe("qa_check");
    expect(canViewClaim(who("qa2", ["QA"]), { ...claim, qaReviewerIds: ["qa"] })).toBe(false);
    expect(canViewClaim(who("qa", ["EMPLOYEE"]), { ...claim, qaReviewerIds: ["qa"] })).toBe(false);
  });
  it("lets supervisors, admins and archivists see the claims of the companies assigned to them, never drafts", () => {
    for (const role of ["SUPERVISOR", "ADMIN", "ARCHIVIST"] as const) {
      expect(claimViewReason(who("x", [role], { companyIds: ["co-a"] }), claim)).toBe("company");
      expect(canViewClaim(who("x", [role], { companyIds: ["co-b"] }), claim)).toBe(false);
      expect(canViewClaim(who("x", [role]), claim)).toBe(false);
      expect(canViewClaim(who("x", [role], { companyIds: ["co-a"] }), { ...claim, status: "DRAFT" })).toBe(false);
    }
    // A company assignment without such a role grants nothing.
    expect(canViewClaim(who("x", ["EMPLOYEE", "ACCOUNTANT", "QA", "MANAGER"], { companyIds: ["co-a"] }), claim)).toBe(false);
  });
});
