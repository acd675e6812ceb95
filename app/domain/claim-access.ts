import { hasRole, type Actor } from "./actor";
import type { ClaimStatus } from "./claim-machine";

/** What a viewer works on: the processing groups they are a member of and the companies assigned to them. */
export type ViewerScope = { groupIds: readonly string[]; companyIds: readonly string[] };

export type ScopedViewer = Actor & ViewerScope;

export type ClaimAccessFacts = {
  claimantId: string;
  claimantManagerId: string | null;
  status: ClaimStatus;
  companyId: string;
  /**
   * Asked to approve it: assignees of its approval tasks (any state, any round), and managers standing
   * in for one of them under a delegation that is not revoked and covers today.
   */
  approverIds: readonly string[];
  /** The processing groups its tasks are or were in. */
  groupIds: readonly string[];
  /** Assignees of its QA tasks. */
  qaReviewerIds: readonly string[];
};

export type ViewReason = "claimant" | "line_manager" | "approver" | "processing_group" | "qa_check" | "company";

/** Roles whose scope is a set of companies (user_company): they oversee, file or administer them. */
export const COMPANY_SCOPED_ROLES = ["SUPERVISOR", "ADMIN", "ARCHIVIST", "TREASURY"] as const;

/**
 * Why the viewer may see the claim (its receipts, history, viewer window), or null. Visibility follows
 * the work: the claimant; their line manager and whoever was asked to approve it; accountants of a
 * group it went through; the QA reviewer checking it; supervisors, admins and archivists of its
 * company. A draft is private to its claimant.
 */
export function claimViewReason(viewer: ScopedViewer, claim: ClaimAccessFacts): ViewReason | null {
  if (claim.claimantId === viewer.id) return "claimant";
  if (claim.status === "DRAFT") return null;
  if (claim.claimantManagerId === viewer.id) return "line_manager";
  if (claim.approverIds.includes(viewer.id)) return "approver";
  if (hasRole(viewer, "ACCOUNTANT") && claim.groupIds.some((g) => viewer.groupIds.includes(g))) return "processing_group";
  if (hasRole(viewer, "QA") && claim.qaReviewerIds.includes(viewer.id)) return "qa_check";
  if (hasRole(viewer, ...COMPANY_SCOPED_ROLES) && viewer.companyIds.includes(claim.companyId)) return "company";
  return null;
}

/** Who may see a claim, its receipts and its history (see claimViewReason). */
export function canViewClaim(viewer: ScopedViewer, claim: ClaimAccessFacts): boolean {
  return claimViewReason(viewer, claim) !== null;
}

/** Only the claimant edits, and only while the claim is with them. */
export function canEditClaim(viewer: Actor, claim: { claimantId: string; status: ClaimStatus }): boolean {
  return claim.claimantId === viewer.id && (claim.status === "DRAFT" || claim.status === "RETURNED");
}

/** Companies an overseer may see: their assigned companies when they hold a company-scoped role, else none. */
export function overseenCompanyIds(viewer: ScopedViewer): readonly string[] {
  return hasRole(viewer, ...COMPANY_SCOPED_ROLES) ? viewer.companyIds : [];
}
