/**
 * One invoice, one payment, across the group: an invoice already on another live claim (any company) is
 * refused at submission. A claim that was withdrawn or rejected gives its invoices back; a draft never
 * held them. The claim number is only shown to someone allowed to see that claim.
 */
import type { ClaimStatus } from "../claim-machine";

/** Statuses in which a claim holds its invoices (a returned claim keeps them: it is coming back). */
export const INVOICE_HOLDING_STATUSES: readonly ClaimStatus[] = [
  "SUBMITTED", "MANAGER_APPROVED", "IN_REVIEW", "APPROVED", "SCHEDULED", "PAID", "RETURNED", "PAYMENT_FAILED",
];

export function holdsInvoices(status: ClaimStatus): boolean {
  return INVOICE_HOLDING_STATUSES.includes(status);
}

export type InvoiceOnClaim = { identityKey: string; receiptId: string };
export type InvoiceHeldElsewhere = { identityKey: string; claimId: string; claimNumber: string; status: ClaimStatus; viewerMaySee: boolean };

export type DuplicateInvoice = {
  receiptId: string;
  identityKey: string;
  /** The other claim's number when the submitter may see it, else null ("already claimed on another claim"). */
  otherClaimNumber: string | null;
};

/**
 * The receipts of the claim being submitted whose invoice is held by another claim. `held` may contain
 * this claim's own rows and claims no longer holding (looked up loosely): both are ignored here.
 */
export function duplicateInvoices(claimId: string, mine: readonly InvoiceOnClaim[], held: readonly InvoiceHeldElsewhere[]): DuplicateInvoice[] {
  const out: DuplicateInvoice[] = [];
  const seen = new Set<string>();
  for (const r of mine) {
    const other = held.find((h) => h.identityKey === r.identityKey && h.claimId !== claimId && holdsInvoices(h.status));
    if (!other || seen.has(r.receiptId)) continue;
    seen.add(r.receiptId);
    out.push({ receiptId: r.receiptId, identityKey: r.identityKey, otherClaimNumber: other.viewerMaySee ? other.claimNumber : null });
  }
  return out;
}

/** One invoice carried by two receipts of the same claim (a photo and the PDF): claimed once, not refused. */
export function distinctInvoices(mine: readonly InvoiceOnClaim[]): InvoiceOnClaim[] {
  const byKey = new Map<string, InvoiceOnClaim>();
  for (const r of mine) if (!byKey.has(r.identityKey)) byKey.set(r.identityKey, r);
  return [...byKey.values()];
}
