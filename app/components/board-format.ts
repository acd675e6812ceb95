/** Pure helpers for the wall board's figures and its live connection (shared by server and browser). */
import { numberFormat } from "~/domain/intl-format";

export const NO_VALUE = "—";

/** 0.9734 → "97.3%" (one decimal below 100 %, none at 100 %). */
export function formatPercent(rate: number | null, locale: string): string {
  if (rate === null || !Number.isFinite(rate)) return NO_VALUE;
  const digits = rate >= 0.9995 || rate === 0 ? 0 : 1;
  return numberFormat(locale, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rate);
}

/** Days as the source's SSC counts them: "0.22"; two decimals under 10 days, one above. */
export function formatDays(days: number | null, locale: string): string {
  if (days === null || !Number.isFinite(days)) return NO_VALUE;
  const digits = days < 10 ? 2 : 1;
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(days);
}

/** The same span in hours (or minutes under an hour), for people who do not think in fractions of a day. */
export function daysInClockUnits(days: number | null): { unit: "hours" | "minutes"; value: number } | null {
  if (days === null || !Number.isFinite(days)) return null;
  const hours = days * 24;
  if (hours < 1) return { unit: "minutes", value: Math.round(hours * 60) };
  return { unit: "hours", value: Math.round(hours * 10) / 10 };
}

/** Errors per 10,000: whole numbers from 10 up, one decimal below. */
export function formatPer10k(value: number | null, locale: string): string {
  if (value === null || !Number.isFinite(value)) return NO_VALUE;
  const digits = value >= 10 || value === 0 ? 0 : 1;
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

export function formatCount(value: number, locale: string): string {
  return numberFormat(locale).format(value);
}

/** Good / bad against a target where lower is better; "none" without a measurement. */
export function againstTarget(value: number | null, target: number): "good" | "bad" | "none" {
  if (value === null || !Number.isFinite(value)) return "none";
  return value <= target ? "good" : "bad";
}

/** SLA compliance colour: 95 % and up good, 85 % and up watch, below bad. */
export function complianceLevel(rate: number | null): "good" | "watch" | "bad" | "none" {
  if (rate === null) return "none";
  if (rate >= 0.95) return "good";
  if (rate >= 0.85) return "watch";
  return "bad";
}

/**
 * How long to wait before opening a new event stream after the browser gave up on one:
 * 1 s, 2 s, 4 s … capped at 30 s, with up to 20 % jitter so a floor of TVs does not reconnect in step.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, Math.min(attempt, 10)));
  return Math.round(base * (1 + 0.2 * random()));
}

/** Seconds for one pass of a self-scrolling list: a steady reading speed, never faster than 6 s. */
export function scrollSeconds(contentPx: number, pxPerSecond = 40): number {
  return Math.max(6, Math.round(contentPx / pxPerSecond));
}

/** Parses one `data:` payload of the board stream; null for anything that is not a board. */
export function parseBoardMessage<T extends { generatedAt: string }>(raw: string): T | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && typeof (value as { generatedAt?: unknown }).generatedAt === "string") return value as T;
    return null;
  } catch {
    return null;
  }
}

/** The server's `event: link` ({"up": boolean}: whether it still hears about changes through Redis); null when malformed. */
export function parseLinkMessage(raw: string): boolean | null {
  try {
    const value: unknown = JSON.parse(raw);
    const up = value && typeof value === "object" ? (value as { up?: unknown }).up : undefined;
    return typeof up === "boolean" ? up : null;
  } catch {
    return null;
  }
}

/** Keeps the newer of two boards (an out-of-order message never rolls the screen back). */
export function newerBoard<T extends { generatedAt: string }>(current: T | null, next: T): T {
  if (!current) return next;
  return Date.parse(next.generatedAt) >= Date.parse(current.generatedAt) ? next : current;
}
