import { listFormat, numberFormat } from "~/domain/intl-format";

/** "3 hr 20 min" / "3小时20分钟": whole minutes, hours and days in the page's language. */
export function formatAge(minutes: number, locale: string, underAMinute: string): string {
  if (minutes < 1) return underAMinute;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (value: number, u: "day" | "hour" | "minute") =>
    numberFormat(locale, { style: "unit", unit: u, unitDisplay: "short" }).format(value);
  const parts = [days ? unit(days, "day") : "", hours ? unit(hours, "hour") : "", mins && !days ? unit(mins, "minute") : ""];
  return listFormat(locale, { style: "narrow", type: "unit" }).format(parts.filter(Boolean));
}

/** Whole minutes from `from` to `now`, never negative. */
export function ageMinutes(from: Date, now: number): number {
  return Math.max(0, Math.floor((now - from.getTime()) / 60_000));
}
