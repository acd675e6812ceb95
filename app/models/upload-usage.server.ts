/**
 * The per-user upload allowance, counted in Postgres from what each user really stored (upload_usage),
 * so every web process agrees. The check and the write happen in the attaching transaction under a
 * per-user advisory lock: two requests at once cannot both take the last places.
 */
import { checkUploadQuota, BYTES_WINDOW_MS, type UploadQuotaLimitName, type UploadQuotaLimits } from "~/domain/upload-quota";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import type { AcceptedUpload } from "~/utils/upload.server";

export function uploadQuotaFromEnv(): UploadQuotaLimits {
  return { filesPerHour: env.UPLOAD_FILES_PER_HOUR, bytesPerDay: env.UPLOAD_BYTES_PER_DAY };
}

/** Over the allowance: which limit, how much is used, and when the request would fit (null: never, it is larger than the limit). */
export class UploadQuotaError extends Error {
  constructor(
    readonly limit: UploadQuotaLimitName,
    readonly max: number,
    readonly used: number,
    readonly requested: number,
    readonly freesAt: Date | null,
  ) {
    super(`upload limit ${limit}: ${used} used of ${max}, ${requested} requested`);
    this.name = "UploadQuotaError";
  }

  toJSON() {
    return { limit: this.limit, max: this.max, used: this.used, requested: this.requested, freesAt: this.freesAt?.toISOString() ?? null };
  }
}

/** Serialises the quota check and write of one user's uploads until the transaction ends. */
export async function lockUploadQuota(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`upload-quota:${userId}`}, 0))`;
}

/** Throws UploadQuotaError when `request` does not fit the user's allowance now. */
export async function assertUploadQuota(
  db: Db | Tx,
  { userId, request, limits = uploadQuotaFromEnv(), now = new Date() }: { userId: string; request: { files: number; bytes: number }; limits?: UploadQuotaLimits; now?: Date },
): Promise<void> {
  const rows = await db.uploadUsage.findMany({
    where: { userId, createdAt: { gt: new Date(now.getTime() - BYTES_WINDOW_MS) } },
    select: { createdAt: true, sizeBytes: true },
  });
  const verdict = checkUploadQuota({ now, limits, history: rows.map((r) => ({ at: r.createdAt, bytes: Number(r.sizeBytes) })), request });
  if (!verdict.ok) throw new UploadQuotaError(verdict.limit, verdict.max, verdict.used, verdict.requested, verdict.freesAt);
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
