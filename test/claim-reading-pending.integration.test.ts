/**
 * Issue 14: the draft page polls for a receipt's proposed line while the receipt is imaged but not yet
 * read. `getClaimDetail` says which receipts are in that state: imaged, no reading stored, uploaded within
 * READING_WAIT_MS. A reading (even "none", the reader giving up) ends it; so does the wait running out.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getClaimDetail, READING_WAIT_MS } from "~/models/claim.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createClaimant } from "./helpers";

async function receipt(claimId: string, uploadedById: string, status: "PROCESSING" | "READY", createdAt = new Date()): Promise<{ id: string; sha256: string }> {
  const sha256 = randomBytes(32).toString("hex");
  await prisma.storedFile.create({ data: { sha256, sizeBytes: 4, mimeType: "image/jpeg", status, pageCount: status === "READY" ? 1 : null, pages: status === "READY" ? [{ width: 10, height: 10 }] : [] } });
  const r = await prisma.receipt.create({ data: { id: randomUUID(), claimId, fileSha256: sha256, fileName: "taxi.jpg", uploadedById, createdAt } });
  return { id: r.id, sha256 };
}

describe("readingPending on the claim's receipts", () => {
  it("is true only for an imaged receipt not yet read, uploaded within the wait", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const imaging = await receipt(claim.id, user.id, "PROCESSING");
    const waiting = await receipt(claim.id, user.id, "READY");
    const read = await receipt(claim.id, user.id, "READY");
    const gaveUp = await receipt(claim.id, user.id, "READY");
    const stale = await receipt(claim.id, user.id, "READY", new Date(Date.now() - READING_WAIT_MS - 60_000));
    await prisma.receiptReading.create({ data: { fileSha256: read.sha256, source: "ocr", fields: { total: { value: "4850", confidence: 0.9 } }, readerVersion: 2 } });
    await prisma.receiptReading.create({ data: { fileSha256: gaveUp.sha256, source: "none", fields: {}, readerVersion: 2, notes: ["reader_failed: test"] } });

    const detail = await getClaimDetail({ claimId: claim.id, viewer: { id: user.id, roles: ["EMPLOYEE"] } });
    const pending = new Map(detail!.receipts.map((r) => [r.id, r.readingPending]));
    expect(pending.get(imaging.id)).toBe(false);
    expect(pending.get(waiting.id)).toBe(true);
    expect(pending.get(read.id)).toBe(false);
    expect(pending.get(gaveUp.id)).toBe(false);
    expect(pending.get(stale.id)).toBe(false);

    // The reading lands: no longer pending.
    await prisma.receiptReading.create({ data: { fileSha256: waiting.sha256, source: "qr", fields: {}, readerVersion: 2 } });
    const after = await getClaimDetail({ claimId: claim.id, viewer: { id: user.id, roles: ["EMPLOYEE"] } });
    expect(after!.receipts.find((r) => r.id === waiting.id)!.readingPending).toBe(false);
  });
});
