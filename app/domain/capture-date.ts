/**
 * When a receipt was photographed or its PDF made, as a calendar date (YYYY-MM-DD), for the
 * "receipt date far from the line date" check. Pure: the imaging job reads the raw metadata strings
 * (EXIF tags, the PDF Info dictionary) and asks here for a date, or null when there is none worth trusting.
 *
 * The date is the LOCAL date where the receipt was captured, as written in the metadata: EXIF times are
 * local wall-clock times, and a PDF date's offset says which zone its digits are in. A claimant's line
 * date is also the local date of the expense, so both are compared as written, never shifted to UTC
 * (a taxi in Shanghai at 01:30 on 9 March is 8 March in UTC, and still a 9 March receipt).
 */
import { isValidIsoDate } from "./claim-input";

/** Capture dates before this are a camera whose clock was never set, not a receipt. */
export const EARLIEST_CAPTURE_DATE = "2000-01-01";

/** The EXIF tags looked at (as exifr names them, unrevived strings). */
export type ExifDateTags = {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
};

// "2026:03:09 14:30:00" is the standard; "2026-03-09T14:30:00", "2026:03:09" and trailing
// sub-seconds or zones are what real devices and editors also write.
const EXIF_DATE = /^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/** The date part of an EXIF date-time string, or null for blanks ("    :  :  "), zeros and garbage. */
export function parseExifDateTime(value: unknown): string | null {
  if (value instanceof Date) return null; // revived by a reader in ITS zone: the local date is lost
  if (typeof value !== "string") return null;
  const m = EXIF_DATE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return null;
  const iso = `${y}-${mo}-${d}`;
  return isValidIsoDate(iso) ? iso : null;
}

/** DateTimeOriginal (shutter), else CreateDate (digitised: a scanner's or a phone's own save). */
export function exifCaptureDate(tags: ExifDateTags | null | undefined): string | null {
  if (!tags) return null;
  return parseExifDateTime(tags.DateTimeOriginal) ?? parseExifDateTime(tags.CreateDate);
}

// PDF 1.7 §7.9.4: D:YYYYMMDDHHmmSSOHH'mm' where everything after the year is optional. The "D:"
// prefix is optional in practice; some writers omit the apostrophes or close with a trailing one.
const PDF_DATE = /^\s*(?:D:)?(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2}))?)?)?(?:\s*(Z(?:00'?(?:00'?)?)?|[+-]\d{2}'?(?:\d{2}'?)?)?)?\s*$/;

/**
 * The date of a raw PDF date string (as `pdfinfo -rawdates` prints it), in the offset it was written
 * in. A date without month and day ("D:2026") says nothing about the day and gives null.
 */
export function parsePdfDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = PDF_DATE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return null;
  if (zone && !zone.startsWith("Z")) {
    const zm = /^[+-](\d{2})'?(\d{2})?/.exec(zone);
    if (!zm || Number(zm[1]) > 14 || Number(zm[2] ?? 0) > 59) return null;
  }
  const iso = `${y}-${mo}-${d}`;
  return isValidIsoDate(iso) ? iso : null;
}

/**
 * A capture date worth checking against, or null: nothing before 2000, nothing more than a day after
 * `now` (the local date somewhere on Earth can be a day ahead of UTC; beyond that the clock was wrong).
 */
export function plausibleCaptureDate(iso: string | null, now: Date): string | null {
  if (iso === null || !isValidIsoDate(iso)) return null;
  if (iso < EARLIEST_CAPTURE_DATE) return null;
  const latest = new Date(now.getTime() + 24 * 3600_000).toISOString().slice(0, 10);
  return iso > latest ? null : iso;
}
