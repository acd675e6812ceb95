/** What the ledger screens show (app/models/ledger-views.server.ts): amounts as minor-unit strings. */

export type LedgerCompany = { id: string; code: string; name: string; nameZh: string; currency: string };

export type VoucherListItem = {
  id: string;
  companyId: string;
  companyCode: string;
  period: string;
  /** "记-0001" */
  label: string;
  kind: string;
  voucherDate: string;
  description: string;
  totalMinor: string;
  currency: string;
  attachmentCount: number;
  claimId: string | null;
  claimNumber: string | null;
  exported: boolean;
  erpNumber: string | null;
};

export type VoucherPage = { items: VoucherListItem[]; total: number; page: number; pageSize: number };

export type VoucherLineView = {
  position: number;
  description: string;
  accountCode: string;
  accountName: string;
  accountNameZh: string;
  debitMinor: string;
  creditMinor: string;
  currency: string;
  originalMinor: string;
  rate: string;
  department: { name: string; nameZh: string } | null;
  employee: string | null;
  projectCode: string | null;
  externalId: string;
};

export type VoucherRef = { id: string; label: string; period: string };

export type VoucherDetail = {
  id: string;
  company: LedgerCompany;
  period: string;
  label: string;
  voucherType: string;
  kind: string;
  voucherDate: string;
  description: string;
  attachmentCount: number;
  currency: string;
  totalMinor: string;
  claim: { id: string; number: string } | null;
  payment: { id: string; endToEndId: string; runId: string; runNumber: string; claimId: string; claimNumber: string } | null;
  reverses: VoucherRef | null;
  reversedBy: VoucherRef | null;
  erp: { system: string; number: string; recordedAt: string } | null;
  exports: { id: string; format: string; createdAt: string }[];
  createdBy: string | null;
  createdAt: string;
  lines: VoucherLineView[];
  /** The period is still open (a reversal lands in the current open period anyway). */
  periodOpen: boolean;
};

/** A claim's vouchers on the claim page. */
export type ClaimVoucherItem = { id: string; label: string; period: string; kind: string; voucherDate: string; totalMinor: string; currency: string };

export type PeriodRow = {
  companyId: string;
  period: string;
  status: "OPEN" | "CLOSED";
  voucherCount: number;
  nextNumber: number;
  closedAt: string | null;
  closedBy: string | null;
};

export type ExportRow = {
  id: string;
  companyId: string;
  companyCode: string;
  format: string;
  voucherCount: number;
  lineCount: number;
  sha256: string;
  createdBy: string | null;
  createdAt: string;
};

/** An approved claim or paid payment without its voucher, and why (app/models/ledger-posting.server.ts pendingPostings). */
export type PendingRow = {
  source: string;
  kind: string;
  companyId: string;
  claimId: string | null;
  claimNumber: string | null;
  date: string | null;
  period: string | null;
  totalMinor: string | null;
  currency: string | null;
  status: "ready" | "ledger_unmapped";
  missing: (
    | { kind: "mapping"; purpose: string; categoryCode?: string; department?: string | null; payerAccount?: string | null }
    | { kind: "rate"; currency: string; to: string; onDate: string }
  )[];
};
