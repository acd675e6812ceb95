/**
 * Issue 14: the readings of a claim's receipts as the accountant's screens use them: facts for the checks
 * (app/domain/claim-checks.ts) and, per receipt, where its total was read, for the viewer to highlight.
 */
import type { ReceiptReadingFacts } from "~/domain/claim-checks";
import { fieldsFromJson, type ImageRegion } from "~/domain/receipt-reading/fields";
import { prisma, type Db, type Tx } from "~/utils/db.server";

/** Where a receipt's total was read: a region of its page image, or none (e-invoice data has no place on the image). */
export type ReadingMark = {
  receiptId: string;
  source: string;
  total: { minor: bigint; currency: string | null; confidence: number; region: ImageRegion | null } | null;
};

export type ClaimReadings = { facts: ReceiptReadingFacts[]; marks: ReadingMark[] };

export async function claimReceiptReadings(claimId: string, db: Db | Tx = prisma): Promise<ClaimReadings> {
  const rows = await db.$queryRaw<{ receipt_id: string; source: string; fields: unknown }[]>`
    SELECT r.id AS receipt_id, rr.source, rr.fields
    FROM receipt r JOIN receipt_reading rr ON rr.file_sha256 = r.file_sha256
    WHERE r.claim_id = ${claimId} AND rr.source <> 'none'
    ORDER BY r.created_at, r.id`;
  const facts: ReceiptReadingFacts[] = [];
  const marks: ReadingMark[] = [];
  for (const row of rows) {
    const f = fieldsFromJson(row.fields);
    const currency = f.currency?.value ?? null;
    facts.push({
      receiptId: row.receipt_id,
      source: row.source,
      ...(f.total ? { total: { minor: f.total.value, currency, confidence: f.total.confidence, hasRegion: f.total.region !== undefined } } : {}),
      ...(f.date ? { date: { value: f.date.value, confidence: f.date.confidence, hasRegion: f.date.region !== undefined } } : {}),
    });
    marks.push({
      receiptId: row.receipt_id,
      source: row.source,
      total: f.total ? { minor: f.total.value, currency, confidence: f.total.confidence, region: f.total.region ?? null } : null,
    });
  }
  return { facts, marks };
}
