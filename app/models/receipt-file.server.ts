import { canViewClaim, type Viewer } from "~/domain/claim-access";
import { prisma } from "~/utils/db.server";
import { approverIdsFor } from "./claim.server";

type Cached = { sha256: string; mimeType: string; fileName: string; allowed: boolean; until: number };

// A deep-zoom view asks for dozens of tiles a second; the access decision is cached for a short while
// per (viewer, receipt) so each tile is not a database round trip.
const ACCESS_TTL_MS = 15_000;
const cache = new Map<string, Cached>();

/** The stored file behind a receipt, if the viewer may see the receipt's claim; otherwise null. */
export async function findViewableReceiptFile(
  receiptId: string,
  viewer: Viewer,
): Promise<{ sha256: string; mimeType: string; fileName: string } | null> {
  const key = `${viewer.id}:${receiptId}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.allowed ? hit : null;
  const receipt = await prisma.receipt.findUnique({
    where: { id: receiptId },
    select: {
      claimId: true,
      fileName: true,
      file: { select: { sha256: true, mimeType: true } },
      claim: { select: { claimantId: true, status: true, claimant: { select: { managerId: true } } } },
    },
  });
  if (!receipt) return null;
  const facts = {
    claimantId: receipt.claim.claimantId,
    status: receipt.claim.status,
    claimantManagerId: receipt.claim.claimant.managerId,
  };
  const allowed =
    canViewClaim(viewer, facts) || canViewClaim(viewer, { ...facts, approverIds: await approverIdsFor(receipt.claimId) });
  if (cache.size > 10_000) cache.clear();
  const entry = { sha256: receipt.file.sha256, mimeType: receipt.file.mimeType, fileName: receipt.fileName, allowed, until: now + ACCESS_TTL_MS };
  cache.set(key, entry);
  return allowed ? entry : null;
}
