/**
 * The per-user upload allowance, counted in Postgres from what each user really stored (upload_usage),
 * so every web process agrees. The check and the write happen in the attaching transaction under a
 * per-user advisory lock: two requests at once cannot both take the last places.
 */
import { AppError } from "~/domain/app-error";
import { checkUploadQuota, BYTES_WINDOW_MS, type UploadQuotaLimitName, type UploadQuotaLimits } from "~/domain/upload-quota";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import type { AcceptedUpload } from "~/utils/upload.server";

export function uploadQuotaFromEnv(): UploadQuotaLimits {
  return { filesPerHour: env.UPLOAD_FILES_PER_HOUR, bytesPerDay: env.UPLOAD_BYTES_PER_DAY };
}

/**
 * Over the allowance: the `details` of the AppError("too_many") that `assertUploadQuota` throws. Which limit,
 * how much is used, and when the request would fit (ISO time; null: never, it is larger than the limit).
 */
export type UploadQuotaRefusal = { limit: UploadQuotaLimitName; max: number; used: number; requested: number; freesAt: string | null };

/** Serialises the quota check and write of one user's uploads until the transaction ends. */
export async function lockUploadQuota(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`upload-quota:${userId}`}, 0))`;
}

/** Throws AppError("too_many", { details: UploadQuotaRefusal }) when `request` does not fit the user's allowance now. */
export async function assertUploadQuota(
  db: Db | Tx,
  { userId, request, limits = uploadQuotaFromEnv(), now = new Date() }: { userId: string; request: { files: number; bytes: number }; limits?: UploadQuotaLimits; now?: Date },
): Promise<void> {
  const rows = await db.uploadUsage.findMany({
    where: { userId, createdAt: { gt: new Date(now.getTime() - BYTES_WINDOW_MS) } },
    select: { createdAt: true, sizeBytes: true },
  });
  const verdict = checkUploadQuota({ now, limits, history: rows.map((r) => ({ at: r.createdAt, bytes: Number(r.sizeBytes) })), request });
  if (!verdict.ok) {
    const details: UploadQuotaRefusal = { limit: verdict.limit, max: verdict.max, used: verdict.used, requested: verdict.requested, freesAt: verdict.freesAt?.toISOString() ?? null };
    throw new AppError("too_many", { details, message: `upload limit ${verdict.limit}: ${verdict.used} used of ${verdict.max}, ${verdict.requested} requested` });
  }
}

/**
 * Checked before a request body is read: a user already at a limit is refused without receiving a byte.
 * (One file of one byte: the smallest request that could still fit.)
 */
export async function assertUploadAllowance({ userId, limits, now }: { userId: string; limits?: UploadQuotaLimits; now?: Date }): Promise<void> {
  await assertUploadQuota(prisma, { userId, limits, now, request: { files: 1, bytes: 1 } });
}

/** Counts the stored uploads, in the transaction that attaches them. */
export async function recordUploads(tx: Tx, { userId, claimId, uploads }: { userId: string; claimId: string | null; uploads: readonly AcceptedUpload[] }): Promise<void> {
  await tx.uploadUsage.createMany({
    data: uploads.map((u) => ({ userId, claimId, sha256: u.sha256, sizeBytes: BigInt(u.sizeBytes) })),
  });
}
