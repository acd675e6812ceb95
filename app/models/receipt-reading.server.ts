/**
 * Readings of stored files (issue 14) and the invoices claims hold. A reading is stored once per digest
 * (insert-only; a second run finds it there); the invoice a receipt carries is its reading's invoice key.
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { canViewClaim, type ScopedViewer } from "~/domain/claim-access";
import type { ClaimStatus } from "~/domain/claim-machine";
import { distinctInvoices, duplicateInvoices, INVOICE_HOLDING_STATUSES, type DuplicateInvoice } from "~/domain/receipt-reading/duplicate-invoice";
import { fieldsFromJson, fieldsToJson, type ImageRegion, type ReceiptFields } from "~/domain/receipt-reading/fields";
import type { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { getClaimAccessFacts, getViewerScope } from "./claim.server";

/** Bumped when a reader changes what it finds; stored with each reading (2: OCR added; 3: a PDF's text layer, every page). */
export const READER_VERSION = 3;

export type StoredReading = {
  fileSha256: string;
  source: string;
  fields: ReceiptFields;
  invoiceKey: string | null;
  qrRegion: ImageRegion | null;
  notes: string[];
  readAt: Date;
};

/** Inserts the reading unless the file has one; true when this call stored it. */
export async function storeReading(
  tx: Tx,
  r: { fileSha256: string; source: string; fields: ReceiptFields; invoiceKey: string | null; qrRegion: ImageRegion | null; detail: Record<string, unknown>; notes: string[] },
): Promise<boolean> {
  const inserted = await tx.receiptReading.createMany({
    data: [
      {
        fileSha256: r.fileSha256,
        source: r.source,
        fields: fieldsToJson(r.fields) as Prisma.InputJsonObject,
        invoiceKey: r.invoiceKey,
        qrRegion: (r.qrRegion ?? undefined) as Prisma.InputJsonObject | undefined,
        detail: r.detail as Prisma.InputJsonObject,
        notes: r.notes,
        readerVersion: READER_VERSION,
      },
    ],
    skipDuplicates: true,
  });
  return inserted.count === 1;
}

export async function getReading(fileSha256: string): Promise<StoredReading | null> {
  const row = await prisma.receiptReading.findUnique({ where: { fileSha256 } });
  if (!row) return null;
  return {
    fileSha256: row.fileSha256,
    source: row.source,
    fields: fieldsFromJson(row.fields),
    invoiceKey: row.invoiceKey,
    qrRegion: (row.qrRegion as ImageRegion | null) ?? null,
    notes: row.notes,
    readAt: row.readAt,
  };
}

/**
 * At submission (inside its transaction): every invoice the claim's receipts carry is claimed for it in
 * invoice_claim, whose primary key two simultaneous submissions meet on (the second waits for the first
 * to commit, then finds the row). An invoice held by another live claim refuses the whole submission
 * (AppError "duplicate_invoice", with per receipt the other claim's number when the submitter may see it).
 * Receipts not read yet hold nothing: the accountant's check catches them once read.
 */
export async function claimInvoicesForSubmission(tx: Tx, viewer: Actor, claimId: string): Promise<void> {
  // The invoices its receipts carry, as read; those it no longer carries (a receipt removed while it was
  // returned) are given back in the same statement.
  const rows = await tx.$queryRaw<{ receipt_id: string; invoice_key: string }[]>`
    WITH carried AS (
      SELECT r.id AS receipt_id, rr.invoice_key
        FROM receipt r JOIN receipt_reading rr ON rr.file_sha256 = r.file_sha256
       WHERE r.claim_id = ${claimId} AND rr.invoice_key IS NOT NULL
    ), given_back AS (
      DELETE FROM invoice_claim WHERE claim_id = ${claimId} AND invoice_key NOT IN (SELECT invoice_key FROM carried)
    )
    SELECT receipt_id, invoice_key FROM carried ORDER BY invoice_key, receipt_id`;
  const mine = distinctInvoices(rows.map((r) => ({ receiptId: r.receipt_id, identityKey: r.invoice_key })));
  const keys = mine.map((m) => m.identityKey);
  if (keys.length === 0) return;
  // Claims withdrawn or rejected gave their invoices back: their rows are released here, lazily.
  await tx.$executeRaw`
    DELETE FROM invoice_claim ic USING claim c
    WHERE ic.claim_id = c.id AND ic.invoice_key = ANY(${keys}::text[]) AND ic.claim_id <> ${claimId}
      AND NOT (c.status::text = ANY(${[...INVOICE_HOLDING_STATUSES]}::text[]))`;
  // One statement, rows in key order: two claims sharing two invoices take them in the same order (no deadlock).
  await tx.$executeRaw`
    INSERT INTO invoice_claim (invoice_key, claim_id, receipt_id)
    SELECT k.invoice_key, ${claimId}, k.receipt_id
      FROM unnest(${keys}::text[], ${mine.map((m) => m.receiptId)}::text[]) AS k(invoice_key, receipt_id)
     ORDER BY k.invoice_key
    ON CONFLICT (invoice_key) DO NOTHING`;
  const holders = await tx.$queryRaw<{ invoice_key: string; claim_id: string; number: string; status: ClaimStatus }[]>`
    SELECT ic.invoice_key, ic.claim_id, c.number, c.status::text AS status
    FROM invoice_claim ic JOIN claim c ON c.id = ic.claim_id
    WHERE ic.invoice_key = ANY(${keys}::text[]) AND ic.claim_id <> ${claimId}`;
  if (holders.length === 0) return;
  const scoped: ScopedViewer = { ...viewer, ...(await getViewerScope(viewer.id, tx)) };
  const held = await Promise.all(
    holders.map(async (h) => {
      const facts = await getClaimAccessFacts(h.claim_id, tx);
      return { identityKey: h.invoice_key, claimId: h.claim_id, claimNumber: h.number, status: h.status, viewerMaySee: facts !== null && canViewClaim(scoped, facts) };
    }),
  );
  const duplicates = duplicateInvoices(claimId, mine, held);
  if (duplicates.length > 0) throw duplicateInvoiceError(duplicates);
}

export function duplicateInvoiceError(duplicates: DuplicateInvoice[]): AppError<"duplicate_invoice"> {
  return new AppError("duplicate_invoice", {
    status: 409,
    details: { duplicates: duplicates.map((d) => ({ receiptId: d.receiptId, otherClaimNumber: d.otherClaimNumber })) },
  });
}

export type InvoiceElsewhere = { receiptId: string; invoiceKey: string; claimId: string; claimNumber: string };

/**
 * For the accountant's checks: receipts of this claim whose invoice (as read) is also on another claim
 * that holds invoices (submitted and not withdrawn or rejected), whoever filed it and in whichever company.
 */
export async function invoicesElsewhere(claimId: string, db: Db | Tx = prisma): Promise<InvoiceElsewhere[]> {
  const rows = await db.$queryRaw<{ receipt_id: string; invoice_key: string; claim_id: string; number: string }[]>`
    SELECT DISTINCT r.id AS receipt_id, rr.invoice_key, oc.id AS claim_id, oc.number
    FROM receipt r
    JOIN receipt_reading rr ON rr.file_sha256 = r.file_sha256 AND rr.invoice_key IS NOT NULL
    JOIN receipt_reading orr ON orr.invoice_key = rr.invoice_key
    JOIN receipt orc ON orc.file_sha256 = orr.file_sha256 AND orc.claim_id <> r.claim_id
    JOIN claim oc ON oc.id = orc.claim_id AND oc.status::text = ANY(${[...INVOICE_HOLDING_STATUSES]}::text[])
    WHERE r.claim_id = ${claimId}
    ORDER BY oc.number`;
  return rows.map((r) => ({ receiptId: r.receipt_id, invoiceKey: r.invoice_key, claimId: r.claim_id, claimNumber: r.number }));
}
