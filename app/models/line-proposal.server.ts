/**
 * Issue 14: the lines a claim's receipt readings propose to its claimant (app/domain/receipt-proposal.ts),
 * and the line an accepted proposal adds (built here, on the server, from the stored reading: what the
 * browser sends is only which receipt).
 */
import { AppError } from "~/domain/app-error";
import type { LineInput } from "~/domain/claim-input";
import { isCompleteProposal, proposeLine, type LineProposal } from "~/domain/receipt-proposal";
import { fieldsFromJson } from "~/domain/receipt-reading/fields";
import { prisma, type Db, type Tx } from "~/utils/db.server";

type ReceiptRow = { id: string; file_sha256: string; proposal_dismissed_at: Date | null; used: boolean; fields: unknown; source: string };

async function receiptReadings(db: Db | Tx, claimId: string, receiptId?: string): Promise<ReceiptRow[]> {
  return db.$queryRaw<ReceiptRow[]>`
    SELECT r.id, r.file_sha256, r.proposal_dismissed_at, rr.fields, rr.source,
           EXISTS (SELECT 1 FROM line_receipt lr WHERE lr.receipt_id = r.id) AS used
    FROM receipt r JOIN receipt_reading rr ON rr.file_sha256 = r.file_sha256
    WHERE r.claim_id = ${claimId} AND (${receiptId ?? null}::text IS NULL OR r.id = ${receiptId ?? null})
    ORDER BY r.created_at, r.id`;
}

async function proposalFacts(db: Db | Tx, claimId: string) {
  const [claim, categories] = await Promise.all([
    db.claim.findUnique({ where: { id: claimId }, select: { company: { select: { currency: true } } } }),
    db.expenseCategory.findMany({ select: { code: true } }),
  ]);
  return { defaultCurrency: claim?.company.currency ?? "CNY", categoryCodes: categories.map((c) => c.code) };
}

export type ProposalView = LineProposal & { source: string };

/** The proposals of a claim's receipts not yet used by a line nor dismissed, in the receipts' order. */
export async function listLineProposals(claimId: string, db: Db | Tx = prisma): Promise<ProposalView[]> {
  const rows = await receiptReadings(db, claimId);
  if (rows.length === 0) return [];
  const facts = await proposalFacts(db, claimId);
  return rows.flatMap((r) => {
    const p = proposeLine({ ...facts, receiptId: r.id, fields: fieldsFromJson(r.fields), usedReceiptIds: new Set(r.used ? [r.id] : []), dismissed: r.proposal_dismissed_at !== null });
    return p ? [{ ...p, source: r.source }] : [];
  });
}

/**
 * Inside the saving transaction: the line the receipt's proposal adds, refused ("proposal_gone") when
 * the receipt is not this claim's, has no proposal, is dismissed, or is already used by a saved line or
 * one of the lines being saved (no double line), or ("proposal_incomplete") when the date or category is
 * missing (that proposal goes through the line form).
 */
export async function proposedLineInput(
  tx: Tx,
  claimId: string,
  receiptId: string,
  lines: LineInput[],
): Promise<{ line: LineInput; audit: { receiptId: string; source: string; read: string[]; guessed: string[]; lowConfidence: string[] } }> {
  const [row] = await receiptReadings(tx, claimId, receiptId);
  const used = new Set(lines.flatMap((l) => l.receiptIds));
  if (row?.used) used.add(row.id);
  const p = row
    ? proposeLine({ ...(await proposalFacts(tx, claimId)), receiptId, fields: fieldsFromJson(row.fields), usedReceiptIds: used, dismissed: row.proposal_dismissed_at !== null })
    : null;
  if (!row || !p) throw new AppError("proposal_gone", { status: 409 });
  if (!isCompleteProposal(p)) throw new AppError("proposal_incomplete", { status: 409 });
  const values = { spentOn: p.spentOn, categoryCode: p.categoryCode, merchant: p.merchant, amountMinor: p.amountMinor, currency: p.currency };
  const entries = Object.entries(values);
  return {
    line: {
      spentOn: p.spentOn!.value,
      categoryCode: p.categoryCode!.value,
      merchant: p.merchant?.value ?? "",
      amountMinor: p.amountMinor.value,
      currency: p.currency.value,
      note: "",
      receiptIds: [receiptId],
    },
    audit: {
      receiptId,
      source: row.source,
      read: entries.flatMap(([k, v]) => (v?.origin === "read" ? [k] : [])),
      guessed: entries.flatMap(([k, v]) => (v && v.origin !== "read" ? [k] : [])),
      lowConfidence: p.lowConfidence,
    },
  };
}
