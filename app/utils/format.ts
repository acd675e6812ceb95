import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { dateTimeFormat } from "~/domain/intl-format";
import { formatMoney, type Money } from "~/domain/money";

/** Dates and times are stored in UTC and shown in the viewer's zone and language. */
export function formatDateTime(value: Date | string, locale: string, timeZone = SSC_TIME_ZONE): string {
  return dateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(value));
}

export function formatDate(value: Date | string, locale: string, timeZone = SSC_TIME_ZONE): string {
  return dateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(value));
}

/** A calendar date (YYYY-MM-DD, no time zone) as the locale writes it. */
export function formatCalendarDate(isoDate: string, locale: string): string {
  return dateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}

export function formatTotals(totals: readonly Money[], locale: string): string {
  return totals.length === 0 ? "—" : totals.map((m) => formatMoney(m, locale)).join(" + ");
}

/** Org data carries an English and a Chinese name; show the one for the page language. */
export function localName(item: { name: string; nameZh: string }, locale: string): string {
  return locale.startsWith("zh") ? item.nameZh : item.name;
}
