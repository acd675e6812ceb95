/**
 * The SSC's home time zone, and calendar dates. Instants are stored in UTC; a date without a time (an
 * expense date, a rate's valid-from) is stored as UTC midnight and read back with `isoDate`.
 */

/** Where "today", months and pay periods are counted, and times are shown, unless a calendar or a user says otherwise. */
export const SSC_TIME_ZONE = "Asia/Shanghai";

/** The calendar date (YYYY-MM-DD) of a date-only value stored as UTC midnight. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
