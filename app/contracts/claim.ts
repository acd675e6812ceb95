import type { CaptureProblem } from "~/domain/capture-quality";
import type { ClaimStatus } from "~/domain/claim-machine";
import type { Money } from "~/domain/money";

/**
 * What the server hands the claim screens (claim page, editor, viewer, workstation): shapes only, no
 * server code, so components import them from here and never from a model.
 */
export type ReceiptPage = { width: number; height: number };

export type ClaimReceipt = {
  id: string;
  fileName: string;
  mimeType: string;
  status: "PROCESSING" | "READY" | "FAILED";
  failureCode: string | null;
  failureReason: string | null;
  pages: ReceiptPage[];
  lineIds: string[];
  createdAt: Date;
  /** Issue 14: the capture gate's verdict on a photo ("retake"); [] for a good one, a PDF or one not measured. */
  captureProblems: CaptureProblem[];
  /** Issue 14: imaged but not read yet (the reader runs after imaging), within READING_WAIT_MS of the upload. */
  readingPending: boolean;
};

export type ClaimLineView = {
  id: string;
  position: number;
  spentOn: string; // YYYY-MM-DD
  categoryCode: string;
  categoryName: string;
  categoryNameZh: string;
  merchant: string;
  amount: Money;
  /** What the accountant approved, in the line's currency, when it is less than the amount; null otherwise. */
  approvedMinor: bigint | null;
  note: string;
  receiptIds: string[];
  /** SPECIAL_VAT, ORDINARY_E, TRANSPORT_TICKET or NONE. */
  invoiceKind: string;
  /** The tax printed on the invoice (line currency), null when none. */
  taxMinor: bigint | null;
  /** AIR, RAIL, ROAD or WATER for a passenger ticket. */
  transportMode: string | null;
};

export type ClaimDetail = {
  id: string;
  number: string;
  status: ClaimStatus;
  version: number;
  purpose: string;
  /** A project for the voucher (optional). */
  projectCode: string | null;
  submittedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  claimant: { id: string; name: string; email: string };
  company: { id: string; code: string; name: string; nameZh: string; currency: string };
  department: { id: string; code: string; name: string; nameZh: string };
  lines: ClaimLineView[];
  receipts: ClaimReceipt[];
  totals: Money[];
  companyTotal: Money;
  missingRates: { currency: string; onDate: string }[];
  canEdit: boolean;
  isClaimant: boolean;
};

/** Why a claim is back with its claimant: the last return, with its coded reasons named in both languages. */
export type ReturnNotice = {
  at: Date;
  /** "archive": the paper original differed from its image (app/domain/paper-check.ts); `paperReason` says how. */
  by: "accountant" | "manager" | "archive";
  paperReason?: string | null;
  actorName: string | null;
  comment: string | null;
  reasons: { code: string; name: string; nameZh: string }[];
};

type OrgName = { id: string; code: string; name: string; nameZh: string };

/** The companies (with their departments) and expense categories a claimant may choose from. */
export type ClaimFormOptions = {
  companies: (OrgName & { currency: string; departments: OrgName[] })[];
  categories: { code: string; name: string; nameZh: string }[];
};
