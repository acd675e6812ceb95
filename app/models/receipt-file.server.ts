import type { Actor } from "~/domain/actor";
import { prisma } from "~/utils/db.server";
import { claimAccessFor } from "./claim.server";

type Cached = { sha256: string; mimeType: string; fileName: string; allowed: boolean; until: number };

// A deep-zoom view asks for dozens of tiles a second; the access decision is cached for a short while
// per (viewer, receipt) so each tile is not a database round trip. Short, because a change of rights
// (a group left, a company taken away, a delegation revoked) must take effect within seconds.
export const RECEIPT_ACCESS_TTL_MS = 3_000;
const MAX_ENTRIES = 10_000;
const cache = new Map<string, Cached>();

/** The stored file behind a receipt, if the viewer may see the receipt's claim; otherwise null. */
export async function findViewableReceiptFile(
  receiptId: string,
  viewer: Actor,
): Promise<{ sha256: string; mimeType: string; fileName: string } | null> {
  const key = `${viewer.id}:${receiptId}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.allowed ? hit : null;
  const receipt = await prisma.receipt.findUnique({
    where: { id: receiptId },
    select: { claimId: true, fileName: true, file: { select: { sha256: true, mimeType: true } } },
  });
  if (!receipt) return null;
  const allowed = (await claimAccessFor({ claimId: receipt.claimId, viewer })) !== null;
  if (cache.size >= MAX_ENTRIES) {
    for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
    if (cache.size >= MAX_ENTRIES) cache.clear();
  }
  const entry = { sha256: receipt.file.sha256, mimeType: receipt.file.mimeType, fileName: receipt.fileName, allowed, until: now + RECEIPT_ACCESS_TTL_MS };
  cache.set(key, entry);
  return allowed ? entry : null;
}
