import { describe, expect, it } from "vitest";
import { canEditClaim, canViewClaim } from "./claim-access";

const claim = { claimantId: "emp", claimantManagerId: "mgr", status: "SUBMITTED" as const };

describe("claim access", () => {
  it("lets the claimant see and edit only while the claim is with them", () => {
    const emp = { id: "emp", roles: ["EMPLOYEE"] };
    expect(canViewClaim(emp, claim)).toBe(true);
    expect(canEditClaim(emp, claim)).toBe(false);
    expect(canEditClaim(emp, { ...claim, status: "DRAFT" })).toBe(true);
    expect(canEditClaim(emp, { ...claim, status: "RETURNED" })).toBe(true);
  });
  it("refuses other employees, even managers of someone else", () => {
    expect(canViewClaim({ id: "other", roles: ["EMPLOYEE"] }, claim)).toBe(false);
    expect(canViewClaim({ id: "other-mgr", roles: ["EMPLOYEE", "MANAGER"] }, claim)).toBe(false);
  });
  it("lets the line manager see submitted claims but not drafts", () => {
    const mgr = { id: "mgr", roles: ["EMPLOYEE", "MANAGER"] };
    expect(canViewClaim(mgr, claim)).toBe(true);
    expect(canViewClaim(mgr, { ...claim, status: "DRAFT" })).toBe(false);
    expect(canEditClaim(mgr, { ...claim, status: "DRAFT" })).toBe(false);
  });
  it("lets approvers (department head, delegates) see it once submitted", () => {
    const head = { id: "head", roles: ["EMPLOYEE", "MANAGER"] };
    expect(canViewClaim(head, claim)).toBe(false);
    expect(canViewClaim(head, { ...claim, approverIds: ["head"] })).toBe(true);
    expect(canViewClaim(head, { ...claim, status: "DRAFT", approverIds: ["head"] })).toBe(false);
  });
  it("lets the back office see claims that left the claimant, never drafts", () => {
    for (const role of ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN", "ARCHIVIST"]) {
      expect(canViewClaim({ id: "x", roles: [role] }, claim)).toBe(true);
      expect(canViewClaim({ id: "x", roles: [role] }, { ...claim, status: "DRAFT" })).toBe(false);
    }
  });
});
