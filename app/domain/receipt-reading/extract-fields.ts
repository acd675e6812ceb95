/**
 * Text lines (from OCR, or a PDF's text layer) → receipt fields with confidences. Labels first
 * (价税合计 / 合计 / Total, 开票日期 / Date, 发票号码, 纳税人识别号, 税额), then weaker guesses (the largest
 * amount, the first date, the first line that looks like a shop's name). Lines from OCR carry the box they
 * were read in and the engine's score: a field keeps its line's box (for the viewer to highlight) and its
 * confidence is the rule's confidence times that score.
 */
import { currencyOf, parseCapitalAmount, parsePrintedAmount } from "./amounts";
import { parsePrintedDate } from "./dates";
import type { Field, ImageRegion, ReceiptFields } from "./fields";
import { digitsOnly } from "./invoice-number";
import { normaliseOcrText } from "./ocr-text";
import { findUsccs } from "./uscc";

const TOTAL_LABELS = /(价税合计|小写|合\s*计|总\s*计|实\s*收|实付|应付|金\s*额\s*合\s*计|grand\s*total|total\s*(due|amount|charges)?|amount\s*due|balance\s*due)/i;
// Lines that carry the word but not the amount spent: payments, change, credits, counts.
const NOT_TOTAL = /(credits?|paid|payment|change|找零|已付|预付|付款|押金|deposit|items?\s*:|件数)/i;
const SUBTOTAL_LABELS = /(subtotal|小计|不含税|税\s*前)/i;
const TAX_LABELS = /(税\s*额|增值税|tax(?![a-z])|\bvat|\bgst\b)/i;
const DATE_LABELS = /(开票日期|日\s*期|交易时间|消费时间|date)/i;
// A hotel bill is dated the day one leaves; a due date is not the date of the expense.
const DEPARTURE_LABELS = /(离店日期|离店|departure|check[\s-]*out)/i;
const NOT_EXPENSE_DATE = /(due\s*date|到期|payment\s*due|到店日期|arrival|check[\s-]*in)/i;
const NUMBER_LABELS = /(发票号码|票\s*号|invoice\s*(no|number|#))/i;
const CODE_LABELS = /(发票代码)/;
const SELLER_LABELS = /([销消]售方|销方|seller|merchant|商户名称|商\s*户)/i;
const SELLER_TAXID_LABELS = /(纳税人识别号|统一社会信用代码|税\s*号|tax\s*id)/i;
const BUYER_HINT = /(购买方|购方|buyer)/i;

/** An amount on a line, if any: the last one (labels come first, figures last). */
function amountOn(line: string, fallbackCurrency: string): { minor: bigint; currency: string; printed: boolean } | null {
  const candidates = [...line.matchAll(/(?:[¥￥$€£]|RMB|CNY|USD|HK\$)?\s*[-−]?\d{1,3}(?:[,，]\d{3})*(?:\.\d{1,2})|(?:[¥￥$€£]|RMB|CNY|USD|HK\$)\s*\d+|\d+(?:\.\d{1,2})?\s*元/gi)];
  const last = candidates.at(-1);
  if (!last) return null;
  // A code the figure's own match left out ("Total GBP 312.40", "312.40 EUR") is still the line's currency.
  const amount = parsePrintedAmount(last[0], currencyOf(line) ?? fallbackCurrency);
  if (!amount) return null;
  return { minor: amount.minor, currency: amount.currency, printed: amount.currencyPrinted || currencyOf(line) !== null };
}

/** A line of text as read: from OCR with its box on the image and the engine's score (0–1). */
export type TextLine = { text: string; region?: ImageRegion; score?: number };

export type ExtractOptions = {
  /** Currency assumed when none is printed (the claimant's company currency). */
  defaultCurrency?: string;
  /** Day-month order preferred for an ambiguous numeric date. */
  dateOrder?: "DMY" | "MDY";
};

type Line = { text: string; region?: ImageRegion; score: number };

/** A field read from one line: the rule's confidence times the engine's score for that line, and its box. */
function fieldOf<T>(value: T, confidence: number, line: Line | undefined): Field<T> {
  const f: Field<T> = { value, confidence: Math.round(confidence * (line?.score ?? 1) * 1000) / 1000 };
  if (line?.region) f.region = line.region;
  return f;
}

const MERCHANT_NOISE = /(发票|invoice|receipt|收据|小票|欢迎|welcome|地址|address|电话|\btel\b|phone|税号|tax\s*id|date|日期|www\.|http|folio|账单|statement)/i;

/** The seller's name after a 名称/name label, cut at the next column (OCR joins cells on one line). */
function nameAfterLabel(text: string): string | undefined {
  const m = /(?:名\s*称|name)\s*[:：]\s*(.+)$/i.exec(text) ?? /[:：]\s*(.+)$/.exec(text);
  const rest = m?.[1]?.trim();
  if (!m || !rest) return undefined;
  // "销售方 地址、电话：…" is the seller's address, not its name (OCR joins the side label to any row).
  if (/(地址|电话|识别号|开户行|账号|address|\btel\b|phone|tax|bank)/i.test(text.slice(0, m.index + m[0].length - m[1]!.length))) return undefined;
  // A Chinese company name has no spaces: the first token is the name, the rest another cell.
  const name = /[\u4e00-\u9fff]/.test(rest) ? rest.split(" ")[0]! : rest;
  // "销售方：（章）" is the seal's place, not a name.
  return name.length >= 2 && !/^\d+$/.test(name) && !/^[(（]/.test(name) ? name : undefined;
}

/** The currency a receipt's text implies when its total carries none: a sign or code elsewhere, or the country. */
function currencyHint(all: string): { currency: string; confidence: number } | null {
  const printed = currencyOf(all.replace(/(tax\s*id|vat\s*reg|税号)[^\n]*/gi, ""));
  if (printed) return { currency: printed, confidence: 0.8 };
  if (/\bLondon\b|\bUK\b|United Kingdom|\bGB\s?\d{3}|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/.test(all)) return { currency: "GBP", confidence: 0.7 };
  if (/Luxembourg|Deutschland|Germany|France|Paris|Berlin|\bDE\s?\d{9}\b|\bIBAN\s*(DE|FR|LU|NL)/i.test(all)) return { currency: "EUR", confidence: 0.7 };
  if (/,\s*[A-Z]{2}\s*\d{5}\b|\bUSA\b|United States/.test(all)) return { currency: "USD", confidence: 0.7 };
  return null;
}

export function extractFields(input: readonly (string | TextLine)[], opts: ExtractOptions = {}): ReceiptFields {
  const fallback = opts.defaultCurrency ?? "CNY";
  const clean: Line[] = input
    .map((l) => (typeof l === "string" ? { text: l, score: 1 } : { text: l.text, region: l.region, score: l.score ?? 1 }))
    .map((l) => ({ ...l, text: normaliseOcrText(l.text).replace(/\s+/g, " ").trim() }))
    .filter((l) => l.text !== "");
  const out: ReceiptFields = {};
  const all = clean.map((l) => l.text).join("\n");

  // Total: a labelled amount (the last labelled one: a slip lists 合计 before 实收), the capital numerals
  // of an invoice confirming it, else the largest amount as a guess.
  let total: Field<bigint> | undefined;
  let totalLine: Line | undefined;
  let currency: Field<string> | undefined;
  for (const line of clean) {
    // From the last total label on: "All rates include 8.875% VAT. Total charges $155.50" is a total.
    const labels = [...line.text.matchAll(new RegExp(TOTAL_LABELS.source, "gi"))];
    const last = labels.at(-1);
    if (!last) continue;
    const t = line.text.slice(last.index);
    if (SUBTOTAL_LABELS.test(t) || NOT_TOTAL.test(t) || (TAX_LABELS.test(t) && !/价税合计/.test(line.text))) continue;
    const a = amountOn(t, fallback);
    // A zero balance or a payment (negative) is never what was spent.
    if (!a || a.minor <= 0n) continue;
    total = fieldOf(a.minor, 0.85, line);
    totalLine = line;
    currency = fieldOf(a.currency, a.printed ? 0.95 : 0.6, line);
  }
  const capitalLine = clean.find((l) => /[壹贰叁肆伍陆柒捌玖拾佰仟万]+[^\s]*[元圆][^\s]*/.test(l.text));
  const capital = capitalLine ? /[壹贰叁肆伍陆柒捌玖拾佰仟万]+[^\s]*[元圆][^\s]*/.exec(capitalLine.text)?.[0] : undefined;
  const capitalMinor = capital ? parseCapitalAmount(capital) : null;
  if (capitalMinor !== null) {
    // Two independent printings agree: the score of either line no longer matters much.
    if (total && total.value === capitalMinor) total = fieldOf(capitalMinor, 0.98, totalLine ? { ...totalLine, score: Math.max(totalLine.score, 0.99) } : undefined);
    else if (!total) {
      total = fieldOf(capitalMinor, 0.9, capitalLine);
      currency = fieldOf("CNY", 0.95, capitalLine);
    } else total = fieldOf(total.value, 0.5, totalLine); // the two disagree: one of them is misread
  }
  if (!total) {
    let best: { minor: bigint; currency: string; printed: boolean; line: Line } | null = null;
    for (const line of clean) {
      if (TAX_LABELS.test(line.text) || /(电话|tel|phone|卡号|card|no\.)/i.test(line.text)) continue;
      const a = amountOn(line.text, fallback);
      if (a && (!best || a.minor > best.minor)) best = { ...a, line };
    }
    if (best) {
      total = fieldOf(best.minor, 0.5, best.line);
      currency = fieldOf(best.currency, best.printed ? 0.9 : 0.5, best.line);
    }
  }
  if (total) out.total = total;
  // No currency printed by the total: one printed elsewhere on the receipt, else the country it names.
  if (currency && currency.confidence < 0.65 * (totalLine?.score ?? 1) + 0.001) {
    const hinted = currencyHint(all);
    if (hinted) currency = fieldOf(hinted.currency, hinted.confidence, totalLine);
  }
  if (currency) out.currency = currency;

  // Tax.
  for (const line of clean) {
    if (!TAX_LABELS.test(line.text) || SUBTOTAL_LABELS.test(line.text) || /价税合计|税号|识别号|tax\s*id/i.test(line.text)) continue;
    const a = amountOn(line.text, fallback);
    if (a) {
      out.taxAmount = fieldOf(a.minor, 0.8, line);
      break;
    }
  }

  // Date: a departure date (hotel bills), then a labelled one (read from the label on: a line may hold
  // several dates), then the first date anywhere.
  const dateAfter = (line: Line, label: RegExp) => {
    const at = line.text.search(label);
    return at < 0 ? null : parsePrintedDate(line.text.slice(at), opts.dateOrder);
  };
  const departure = clean.map((line) => ({ line, d: dateAfter(line, DEPARTURE_LABELS) })).find((x) => x.d !== null);
  const labelled =
    departure ??
    clean
      .filter((l) => !NOT_EXPENSE_DATE.test(l.text) || /(开票日期|invoice\s*date)/i.test(l.text))
      .map((line) => ({ line, d: dateAfter(line, /(开票日期|invoice\s*date)/i) ?? dateAfter(line, DATE_LABELS) }))
      .find((x) => x.d !== null);
  const first = clean.map((line) => ({ line, d: parsePrintedDate(line.text, opts.dateOrder) })).find((x) => x.d !== null && !NOT_EXPENSE_DATE.test(x.line.text));
  const anyDate = labelled ?? first;
  if (anyDate?.d) out.date = fieldOf(anyDate.d.date, labelled ? anyDate.d.confidence : anyDate.d.confidence * 0.85, anyDate.line);

  // Invoice number and code.
  for (const line of clean) {
    if (NUMBER_LABELS.test(line.text) && !out.invoiceNumber) {
      const after = line.text.slice(line.text.search(NUMBER_LABELS)).replace(NUMBER_LABELS, "");
      const d = digitsOnly(after);
      if (d.length === 20 || d.length === 8) out.invoiceNumber = fieldOf(d, 0.85, line);
      else {
        // An English invoice's number is a reference like INV-2026-00123: the first token after the label.
        const ref = /^[\s.:：#]*([A-Z0-9][A-Z0-9\-/]{3,})/i.exec(after)?.[1];
        if (ref && /\d/.test(ref)) out.invoiceNumber = fieldOf(ref, 0.75, line);
      }
    }
    if (CODE_LABELS.test(line.text) && !out.invoiceCode) {
      const d = digitsOnly(line.text.replace(CODE_LABELS, ""));
      if (d.length === 10 || d.length === 12) out.invoiceCode = fieldOf(d, 0.85, line);
    }
  }
  if (!out.invoiceNumber) {
    const line = clean.find((l) => /(?<!\d)\d{20}(?!\d)/.test(l.text) && !/校验码|check/i.test(l.text));
    const m = line ? /(?<!\d)\d{20}(?!\d)/.exec(line.text) : null;
    if (m) out.invoiceNumber = fieldOf(m[0], 0.6, line);
  }

  // Seller tax id: a valid USCC, the one not on a buyer's line (an invoice prints both).
  // A row holding two (a digital invoice prints buyer and seller side by side) has the seller's on the right.
  const sellerLine = clean.find((l) => SELLER_TAXID_LABELS.test(l.text) && !BUYER_HINT.test(l.text) && findUsccs(l.text).length > 0);
  const codes = findUsccs(all);
  if (sellerLine) out.sellerTaxId = fieldOf(findUsccs(sellerLine.text).at(-1)!, 0.9, sellerLine);
  else if (codes.length === 1) out.sellerTaxId = { value: codes[0]!, confidence: 0.7 };
  else if (codes.length > 1) out.sellerTaxId = { value: codes.at(-1)!, confidence: 0.5 }; // 销售方 is printed below 购买方

  // Merchant: a seller's name on a line labelled 销售方 (or seller); else, on an invoice whose 销售方 label
  // stands apart (OCR reads the side label as a line of its own), the last 名称 line (the seller's block is
  // printed below the buyer's); else the first line near the top that is mostly letters (a slip's header).
  // Read from the seller's label on: a digital invoice's row holds "购买方 名称：… 销售方 名称：…".
  const labelledSeller = clean
    .map((l) => ({ line: l, from: l.text.search(SELLER_LABELS) }))
    .filter(({ line, from }) => from >= 0 && !BUYER_HINT.test(line.text.slice(from)))
    .map(({ line, from }) => ({ line, name: nameAfterLabel(line.text.slice(from)) }))
    .find((x) => x.name !== undefined);
  const nameLines = clean.filter((l) => /名\s*称\s*[:：]/.test(l.text));
  const lastNamed = nameLines.length >= 2 || (nameLines.length === 1 && /销售方/.test(all)) ? nameLines.at(-1) : undefined;
  const lastName = lastNamed ? nameAfterLabel(lastNamed.text) : undefined;
  if (labelledSeller?.name) out.merchant = fieldOf(labelledSeller.name, 0.85, labelledSeller.line);
  else if (lastNamed && lastName) out.merchant = fieldOf(lastName, 0.75, lastNamed);
  else {
    // A document title printed beside the name ("… INVOICE", "TRIP RECEIPT") is not part of it.
    const header = clean
      .slice(0, 4)
      .map((l) => ({ line: l, name: l.text.replace(/\s*\b(tax\s+)?(invoice|receipt|trip receipt)\b\s*$/i, "").trim() }))
      .find(({ name }) => {
        const letters = (name.match(/[\p{L}]/gu) ?? []).length;
        return letters >= 2 && letters / name.length > 0.6 && !MERCHANT_NOISE.test(name);
      });
    if (header) out.merchant = fieldOf(header.name, 0.5, header.line);
  }
  return out;
}
