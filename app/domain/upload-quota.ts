/**
 * Per-user upload allowance: so many files in any hour, so many bytes in any 24 hours (sliding windows
 * over what the user really stored, read from Postgres by the caller). Pure: the caller passes the
 * history and the clock.
 */

export const FILES_WINDOW_MS = 60 * 60 * 1000;
export const BYTES_WINDOW_MS = 24 * 60 * 60 * 1000;

export type UploadQuotaLimits = { filesPerHour: number; bytesPerDay: number };

/** One stored file: when, and how many bytes the user sent for it. */
export type UploadUsageEntry = { at: Date; bytes: number };

export type UploadQuotaLimitName = "files_per_hour" | "bytes_per_day";

export type UploadQuotaVerdict =
  | { ok: true; filesLeft: number; bytesLeft: number }
  | {
      ok: false;
      limit: UploadQuotaLimitName;
      max: number;
      /** Counted in the window now (files, or bytes). */
      used: number;
      /** What this request would add. */
      requested: number;
      /** When enough of the window has passed for this request to fit; null if it never can (larger than the limit itself). */
      freesAt: Date | null;
    };

/**
 * Whether `request` (files and bytes about to be stored) fits the allowance, given every entry of the
 * last 24 hours. Files are checked first: it is the limit a person meets by uploading many photos.
 * A request of zero files is always allowed, so the check before reading a body asks for 1 file, 1 byte.
 */
export function checkUploadQuota({
  now,
  limits,
  history,
  request,
}: {
  now: Date;
  limits: UploadQuotaLimits;
  history: readonly UploadUsageEntry[];
  request: { files: number; bytes: number };
}): UploadQuotaVerdict {
  const t = now.getTime();
  const inHour = history.filter((e) => e.at.getTime() > t - FILES_WINDOW_MS).sort(byTime);
  const inDay = history.filter((e) => e.at.getTime() > t - BYTES_WINDOW_MS).sort(byTime);
  const filesUsed = inHour.length;
  const bytesUsed = inDay.reduce((sum, e) => sum + e.bytes, 0);
  if (request.files === 0) return { ok: true, filesLeft: Math.max(0, limits.filesPerHour - filesUsed), bytesLeft: Math.max(0, limits.bytesPerDay - bytesUsed) };

  if (filesUsed + request.files > limits.filesPerHour) {
    return {
      ok: false,
      limit: "files_per_hour",
      max: limits.filesPerHour,
      used: filesUsed,
      requested: request.files,
      freesAt: whenItFits(inHour, () => 1, filesUsed + request.files - limits.filesPerHour, request.files > limits.filesPerHour, FILES_WINDOW_MS),
    };
  }
  if (bytesUsed + request.bytes > limits.bytesPerDay) {
    return {
      ok: false,
      limit: "bytes_per_day",
      max: limits.bytesPerDay,
      used: bytesUsed,
      requested: request.bytes,
      freesAt: whenItFits(inDay, (e) => e.bytes, bytesUsed + request.bytes - limits.bytesPerDay, request.bytes > limits.bytesPerDay, BYTES_WINDOW_MS),
    };
  }
  return { ok: true, filesLeft: limits.filesPerHour - filesUsed - request.files, bytesLeft: limits.bytesPerDay - bytesUsed - request.bytes };
}

/** The moment the oldest entries have left the window and freed at least `excess` (files or bytes). */
function whenItFits(
  entries: readonly UploadUsageEntry[],
  weight: (e: UploadUsageEntry) => number,
  excess: number,
  never: boolean,
  windowMs: number,
): Date | null {
  if (never) return null;
  let freed = 0;
  for (const e of entries) {
    freed += weight(e);
    // An entry counts while at > now - window, so it stops counting at exactly at + window.
    if (freed >= excess) return new Date(e.at.getTime() + windowMs);
  }
  return null;
}

function byTime(a: UploadUsageEntry, b: UploadUsageEntry): number {
  return a.at.getTime() - b.at.getTime();
}
