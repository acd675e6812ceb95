/**
 * Amounts as printed on receipts and invoices → integer minor units and a currency. Never a float:
 * digits are read as a string and scaled by the currency's exponent.
 */
import { parseAmount } from "../money";

export type ReadAmount = { minor: bigint; currency: string; /** The currency was printed (a sign or code), not assumed. */ currencyPrinted: boolean };

const CURRENCY_MARKS: readonly [RegExp, string][] = [
  [/(?:RMB|CNY|人民币|元|¥|￥)/i, "CNY"],
  [/(?:USD|US\$|\$)/i, "USD"],
  [/(?:EUR|€)/i, "EUR"],
  [/(?:HKD|HK\$)/i, "HKD"],
  [/(?:JPY|円)/i, "JPY"],
  [/(?:GBP|£)/i, "GBP"],
];

/** The currency a snippet of text names, or null. HK$ and US$ are checked before the bare $. */
export function currencyOf(text: string): string | null {
  if (/HK\$|HKD/i.test(text)) return "HKD";
  for (const [re, code] of CURRENCY_MARKS) if (re.test(text)) return code;
  return null;
}

const NUMBER_RE = /[-−]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?/;

/**
 * One amount in a snippet: "¥1,234.50", "1234.5元", "RMB 88", "CNY88.00", "$12.30", "USD 1,000".
 * `fallbackCurrency` is used (and flagged as assumed) when nothing is printed. Null when no number,
 * or more decimals than the currency has.
 */
export function parsePrintedAmount(text: string, fallbackCurrency = "CNY"): ReadAmount | null {
  const m = NUMBER_RE.exec(text.replace(/\s+(?=\d)/g, ""));
  if (!m) return null;
  const printed = currencyOf(text);
  const currency = printed ?? fallbackCurrency;
  const digits = m[0].replace(/[,，]/g, "").replace("−", "-");
  const minor = decimalToMinor(digits, currency);
  if (minor === null) return null;
  return { minor, currency, currencyPrinted: printed !== null };
}

/**
 * "1234.5" in CNY → 123450n; null if it has more decimals than the currency (a misread, not money) or is
 * not a decimal at all. The money module's parser, with its refusals as null.
 */
export function decimalToMinor(decimal: string, currency: string): bigint | null {
  if (!/^-?\d+(?:\.\d+)?$/.test(decimal.trim())) return null;
  const parsed = parseAmount(decimal, currency);
  return parsed.ok ? parsed.minor : null;
}

const CAPITAL_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 壹: 1, 一: 1, 贰: 2, 貳: 2, 二: 2, 两: 2, 叁: 3, 參: 3, 三: 3, 肆: 4, 四: 4, 伍: 5, 五: 5,
  陆: 6, 陸: 6, 六: 6, 柒: 7, 七: 7, 捌: 8, 八: 8, 玖: 9, 九: 9,
};
const SMALL_UNITS: Record<string, bigint> = { 拾: 10n, 十: 10n, 佰: 100n, 百: 100n, 仟: 1000n, 千: 1000n };
const BIG_UNITS: Record<string, bigint> = { 万: 10_000n, 萬: 10_000n, 亿: 100_000_000n, 億: 100_000_000n };

/**
 * The capital-numeral amount of an invoice (价税合计大写): "壹仟贰佰叁拾肆元伍角" → 123450n fen;
 * "叁佰元整", "零元伍角陆分", "壹万零伍元". Null when the text is not a well-formed capital amount.
 */
export function parseCapitalAmount(input: string): bigint | null {
  const text = input.replace(/[\s⊗ⓧ（）()]/g, "").replace(/^人民币/, "").replace(/[整正]$/, "");
  const m = /^(.*?)(?:[元圆])(.*)$/.exec(text);
  const yuanPart = m ? m[1]! : "";
  let fenPart = m ? m[2]! : text;
  if (!m && !/[角分]/.test(text)) return null;
  let yuan = 0n;
  if (yuanPart !== "") {
    const v = capitalInteger(yuanPart);
    if (v === null) return null;
    yuan = v;
  }
  let jiao = 0n;
  let fen = 0n;
  fenPart = fenPart.replace(/^零/, "");
  const jm = /^([^角分]?)角/.exec(fenPart);
  if (jm) {
    const d = CAPITAL_DIGITS[jm[1]!];
    if (d === undefined) return null;
    jiao = BigInt(d);
    fenPart = fenPart.slice(jm[0].length).replace(/^零/, "");
  }
  const fm = /^([^角分]?)分$/.exec(fenPart);
  if (fm) {
    const d = CAPITAL_DIGITS[fm[1]!];
    if (d === undefined) return null;
    fen = BigInt(d);
    fenPart = "";
  }
  if (fenPart !== "") return null;
  if (yuanPart === "" && !jm && !fm) return null;
  return yuan * 100n + jiao * 10n + fen;
}

function capitalInteger(text: string): bigint | null {
  let total = 0n;
  let section = 0n;
  let digit: bigint | null = null;
  for (const ch of text) {
    if (ch in CAPITAL_DIGITS) {
      digit = BigInt(CAPITAL_DIGITS[ch]!);
    } else if (ch in SMALL_UNITS) {
      section += (digit ?? 1n) * SMALL_UNITS[ch]!;
      digit = null;
    } else if (ch in BIG_UNITS) {
      section += digit ?? 0n;
      total = (total + section) * BIG_UNITS[ch]!;
      section = 0n;
      digit = null;
    } else {
      return null;
    }
  }
  return total + section + (digit ?? 0n);
}
