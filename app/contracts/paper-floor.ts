/**
 * What the floor shows of paper originals (issue 12): claims whose originals are overdue and the open
 * scan-to-paper exceptions a supervisor resolves. Plain data, shared by the model and the screens.
 */
import type { DiffersReason } from "~/domain/paper-check";
import type { PaperStatus } from "~/domain/paper-trail";

export type OverdueOriginal = {
  claimId: string;
  number: string;
  claimantName: string;
  companyCode: string;
  companyName: string;
  companyNameZh: string;
  status: PaperStatus;
  /** YYYY-MM-DD. */
  dueOn: string;
  daysOverdue: number;
  /** The kind of the claim's oldest unresolved discrepancy (MISSING, RECEIPTS, DIFFERS, …), or null. */
  openDiscrepancy: string | null;
};

export type OpenException = {
  id: string;
  claimId: string;
  number: string;
  claimantName: string;
  companyCode: string;
  reason: DiffersReason;
  reasonText: string;
  raisedByName: string;
  raisedAt: string;
};

export type PaperFloor = { overdue: OverdueOriginal[]; overdueTotal: number; exceptions: OpenException[] };
