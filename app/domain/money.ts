/**
 * Money is an integer count of minor units plus an ISO 4217 code; never a float.
 * Conversions take a decimal rate as a string and round once, half-even.
 */
import { numberFormat } from "./intl-format";

export type Money = { minor: bigint; currency: string };

const CURRENCY_RE = /^[A-Z]{3}$/;

export function isCurrencyCode(code: string): boolean {
  if (!CURRENCY_RE.test(code)) return false;
  try {
    numberFormat("en", { style: "currency", currency: code }); // throws RangeError for a code Intl refuses
    return true;
  } catch {
    return false;
  }
}

const exponents = new Map<string, number>();

/**
 * Digits after the decimal point for a currency (CNY 2, JPY 0, BHD 3), from ICU's data; looked up once
 * per currency (building an Intl.NumberFormat costs ~20 µs: a 100,000-line statement would spend seconds).
 */
export function currencyExponent(currency: string): number {
  const known = exponents.get(currency);
  if (known !== undefined) return known;
  const exp = numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  exponents.set(currency, exp);
  return exp;
}

export type ParseAmountResult =
  | { ok: true; minor: bigint }
  | { ok: false; code: "empty" | "invalid" | "too_many_decimals" | "too_large" };

const MAX_MINOR = 10n ** 15n; // 10 trillion in a 2-decimal currency: a typo, not an expense.

/** Parses what a person types ("1,234.5", "88", "-3.20") into minor units, exactly. */
export function parseAmount(input: string, currency: string): ParseAmountResult {
  const text = input.trim().replace(/[,\s_]/g, "");
  if (text === "") return { ok: false, code: "empty" };
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text) ?? /^([+-]?)()\.(\d+)$/.exec(text);
  if (!m) return { ok: false, code: "invalid" };
  const [, sign, whole = "", fraction = ""] = m;
  const exp = currencyExponent(currency);
  const frac = fraction.replace(/0+$/, "");
  if (frac.length > exp) return { ok: false, code: "too_many_decimals" };
  const minorAbs = BigInt(whole || "0") * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, "0") || "0");
  if (minorAbs >= MAX_MINOR) return { ok: false, code: "too_large" };
  return { ok: true, minor: sign === "-" ? -minorAbs : minorAbs };
}

/** Minor units as a plain decimal string ("1234.50"), for inputs and exports. */
export function minorToDecimalString(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  if (exp === 0) return `${negative ? "-" : ""}${abs}`;
  const s = abs.toString().padStart(exp + 1, "0");
  return `${negative ? "-" : ""}${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

export function formatMoney(money: Money, locale: string): string {
  const fmt = numberFormat(locale, { style: "currency", currency: money.currency });
  // A decimal string keeps every digit; Intl formats it exactly.
  return fmt.format(minorToDecimalString(money.minor, money.currency) as unknown as number);
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`cannot add ${a.currency} to ${b.currency}`);
  return { minor: a.minor + b.minor, currency: a.currency };
}

/** Totals per currency, in first-seen order. */
export function sumByCurrency(items: readonly Money[]): Money[] {
  const totals = new Map<string, bigint>();
  for (const m of items) totals.set(m.currency, (totals.get(m.currency) ?? 0n) + m.minor);
  return [...totals].map(([currency, minor]) => ({ minor, currency }));
}

/** Integer division rounding half to even (banker's rounding). */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new Error("division by zero");
  if (denominator < 0n) return divideHalfEven(-numerator, -denominator);
  const q = numerator / denominator; // truncates toward zero
  const r = numerator % denominator;
  if (r === 0n) return q;
  const twice = 2n * (r < 0n ? -r : r);
  const awayFromZero = numerator < 0n ? q - 1n : q + 1n;
  if (twice > denominator) return awayFromZero;
  if (twice < denominator) return q;
  return q % 2n === 0n ? q : awayFromZero;
}

/** A decimal rate string as an integer and a power of ten: "7.1234" → [71234n, 4]. */
export function parseRate(rate: string): { scaled: bigint; scale: number } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) throw new Error(`invalid rate: ${rate}`);
  const fraction = m[2] ?? "";
  const scaled = BigInt((m[1] ?? "0") + fraction);
  if (scaled === 0n) throw new Error("rate must be positive");
  return { scaled, scale: fraction.length };
}

/**
 * Converts at `rate` (1 unit of `money.currency` = `rate` units of `to`), rounding once, half-even.
 */
export function convert(money: Money, to: string, rate: string): Money {
  if (money.currency === to) return { ...money };
  const { scaled, scale } = parseRate(rate);
  const fromExp = currencyExponent(money.currency);
  const toExp = currencyExponent(to);
  const numerator = money.minor * scaled * 10n ** BigInt(toExp);
  const denominator = 10n ** BigInt(scale + fromExp);
  return { minor: divideHalfEven(numerator, denominator), currency: to };
}

export type RateLookup = (from: string, to: string, onDate: string) => string | undefined;

/** Sum of items in one target currency; reports the items that had no rate instead of guessing. */
export function totalIn(
  items: readonly (Money & { onDate: string })[],
  to: string,
  rateFor: RateLookup,
): { total: Money; missingRates: { currency: string; onDate: string }[] } {
  let minor = 0n;
  const missingRates: { currency: string; onDate: string }[] = [];
  for (const item of items) {
    if (item.currency === to) {
      minor += item.minor;
      continue;
    }
    const rate = rateFor(item.currency, to, item.onDate);
    if (rate === undefined) missingRates.push({ currency: item.currency, onDate: item.onDate });
    else minor += convert(item, to, rate).minor;
  }
  return { total: { minor, currency: to }, missingRates };
}
