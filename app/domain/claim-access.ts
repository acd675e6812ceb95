import type { ClaimStatus } from "./claim-machine";

export type Viewer = { id: string; roles: readonly string[] };
export type ClaimAccessFacts = {
  claimantId: string;
  claimantManagerId: string | null;
  status: ClaimStatus;
  /** Everyone asked to approve it: assignees of its approval tasks and their delegates. */
  approverIds?: readonly string[];
};

// Back-office roles see every claim once it has left the claimant's hands.
// (Accountants will be narrowed to their processing groups' claims with routing.)
const BACK_OFFICE = ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN", "ARCHIVIST"];

/** Who may see a claim, its receipts and its history. A draft is private to its claimant. */
export function canViewClaim(viewer: Viewer, claim: ClaimAccessFacts): boolean {
  if (claim.claimantId === viewer.id) return true;
  if (claim.status === "DRAFT") return false;
  if (claim.claimantManagerId === viewer.id) return true;
  if (claim.approverIds?.includes(viewer.id)) return true;
  return viewer.roles.some((r) => BACK_OFFICE.includes(r));
}

/** Only the claimant edits, and only while the claim is with them. */
export function canEditClaim(viewer: Viewer, claim: ClaimAccessFacts): boolean {
  return claim.claimantId === viewer.id && (claim.status === "DRAFT" || claim.status === "RETURNED");
}
