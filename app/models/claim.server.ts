import { canEditClaim, canViewClaim, type Viewer } from "~/domain/claim-access";
import type { ClaimStatus } from "~/domain/claim-machine";
import { sumByCurrency, totalIn, type Money } from "~/domain/money";
import { prisma, type Tx } from "~/utils/db.server";
import { rateLookupFor } from "./exchange-rate.server";
import { storedFileState } from "./stored-file.server";

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
  note: string;
  receiptIds: string[];
};

export type ClaimDetail = {
  id: string;
  number: string;
  status: ClaimStatus;
  version: number;
  purpose: string;
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

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Assignees of the claim's approval tasks, and managers standing in for them today. */
export async function approverIdsFor(claimId: string, db: Tx = prisma): Promise<string[]> {
  const tasks = await db.task.findMany({ where: { claimId, type: "MANAGER_APPROVAL" }, select: { assigneeId: true } });
  const assignees = [...new Set(tasks.flatMap((t) => (t.assigneeId ? [t.assigneeId] : [])))];
  if (assignees.length === 0) return [];
  const day = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const delegations = await db.approvalDelegation.findMany({
    where: { managerId: { in: assignees }, validFrom: { lte: day }, validTo: { gte: day } },
    select: { delegateId: true },
  });
  return [...assignees, ...delegations.map((d) => d.delegateId)];
}

/** The facts the access rules need, or null when the claim does not exist. */
export async function getClaimAccessFacts(claimId: string) {
  const claim = await prisma.claim.findUnique({
    where: { id: claimId },
    select: { claimantId: true, status: true, claimant: { select: { managerId: true } } },
  });
  return claim && { claimantId: claim.claimantId, status: claim.status, claimantManagerId: claim.claimant.managerId };
}

/**
 * A claim with everything its pages show, or null when it does not exist or the viewer may not see it.
 * Pass the transaction when called inside one, so it does not wait for a second pool connection.
 */
export async function getClaimDetail({ claimId, viewer }: { claimId: string; viewer: Viewer }, db: Tx = prisma): Promise<ClaimDetail | null> {
  const claim = await db.claim.findUnique({
    where: { id: claimId },
    include: {
      claimant: { select: { id: true, name: true, email: true, managerId: true } },
      company: { select: { id: true, code: true, name: true, nameZh: true, currency: true } },
      department: { select: { id: true, code: true, name: true, nameZh: true } },
      lines: {
        orderBy: { position: "asc" },
        include: { category: true, receipts: { select: { receiptId: true } } },
      },
      receipts: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: { file: true, lines: { select: { lineId: true } } },
      },
    },
  });
  if (!claim) return null;
  const facts = { claimantId: claim.claimantId, status: claim.status, claimantManagerId: claim.claimant.managerId };
  if (!canViewClaim(viewer, facts) && !canViewClaim(viewer, { ...facts, approverIds: await approverIdsFor(claim.id, db) })) return null;

  const lines: ClaimLineView[] = claim.lines.map((l) => ({
    id: l.id,
    position: l.position,
    spentOn: isoDate(l.spentOn),
    categoryCode: l.categoryCode,
    categoryName: l.category.name,
    categoryNameZh: l.category.nameZh,
    merchant: l.merchant,
    amount: { minor: l.amountMinor, currency: l.currency },
    note: l.note,
    receiptIds: l.receipts.map((r) => r.receiptId),
  }));
  const receipts: ClaimReceipt[] = claim.receipts.map((r) => {
    const file = storedFileState(r.file);
    return {
      id: r.id,
      fileName: r.fileName,
      mimeType: r.file.mimeType,
      status: file.status,
      failureCode: file.failureCode,
      failureReason: file.failureReason,
      pages: file.pages,
      lineIds: r.lines.map((l) => l.lineId),
      createdAt: r.createdAt,
    };
  });
  const items = lines.map((l) => ({ ...l.amount, onDate: l.spentOn }));
  const rateFor = await rateLookupFor(items, claim.company.currency);
  const { total: companyTotal, missingRates } = totalIn(items, claim.company.currency, rateFor);
  const { managerId: _m, ...claimant } = claim.claimant;
  return {
    id: claim.id,
    number: claim.number,
    status: claim.status,
    version: claim.version,
    purpose: claim.purpose,
    submittedAt: claim.submittedAt,
    createdAt: claim.createdAt,
    updatedAt: claim.updatedAt,
    claimant,
    company: claim.company,
    department: claim.department,
    lines,
    receipts,
    totals: sumByCurrency(lines.map((l) => l.amount)),
    companyTotal,
    missingRates,
    canEdit: canEditClaim(viewer, facts),
    isClaimant: claim.claimantId === viewer.id,
  };
}
