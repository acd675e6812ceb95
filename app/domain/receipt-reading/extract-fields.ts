/**
 * Text lines (from OCR, or a PDF's text layer) → receipt fields with confidences. Labels first
 * (价税合计 / 合计 / Total, 开票日期 / Date, 发票号码, 纳税人识别号, 税额), then weaker guesses (the largest
 * amount, the first date, the first line that looks like a shop's name).
 */
import { currencyOf, parseCapitalAmount, parsePrintedAmount } from "./amounts";
import { parsePrintedDate } from "./dates";
import type { Field, ReceiptFields } from "./fields";
import { digitsOnly } from "./invoice-number";
import { findUsccs } from "./uscc";

const TOTAL_LABELS = /(价税合计|小写|合\s*计|总\s*计|实\s*收|实付|应付|金\s*额\s*合\s*计|grand\s*total|total\s*(due|amount)?|amount\s*due|balance\s*due)/i;
const SUBTOTAL_LABELS = /(subtotal|小计|不含税|税\s*前)/i;
const TAX_LABELS = /(税\s*额|增值税|\btax\b|\bvat\b|\bgst\b)/i;
const DATE_LABELS = /(开票日期|日\s*期|交易时间|消费时间|date)/i;
const NUMBER_LABELS = /(发票号码|票\s*号|invoice\s*(no|number|#))/i;
const CODE_LABELS = /(发票代码)/;
const SELLER_LABELS = /(销售方|销方|seller|merchant|商户名称|商\s*户)/i;
const SELLER_TAXID_LABELS = /(纳税人识别号|统一社会信用代码|税\s*号|tax\s*id)/i;
const BUYER_HINT = /(购买方|购方|buyer)/i;

/** An amount on a line, if any: the last one (labels come first, figures last). */
function amountOn(line: string, fallbackCurrency: string): { minor: bigint; currency: string; printed: boolean } | null {
  const candidates = [...line.matchAll(/(?:[¥￥$€£]|RMB|CNY|USD|HK\$)?\s*[-−]?\d{1,3}(?:[,，]\d{3})*(?:\.\d{1,2})|(?:[¥￥$€£]|RMB|CNY|USD|HK\$)\s*\d+|\d+(?:\.\d{1,2})?\s*元/gi)];
  const last = candidates.at(-1);
  if (!last) return null;
  const amount = parsePrintedAmount(last[0], fallbackCurrency);
  if (!amount) return null;
  return { minor: amount.minor, currency: amount.currency, printed: amount.currencyPrinted || currencyOf(line) !== null };
}

export type ExtractOptions = {
  /** Currency assumed when none is printed (the claimant's company currency). */
  defaultCurrency?: string;
  /** Day-month order preferred for an ambiguous numeric date. */
  dateOrder?: "DMY" | "MDY";
};

export function extractFields(lines: readonly string[], opts: ExtractOptions = {}): ReceiptFields {
  const fallback = opts.defaultCurrency ?? "CNY";
  const clean = lines.map((l) => l.replace(/\s+/g, " ").trim()).filter((l) => l !== "");
  const out: ReceiptFields = {};
  const all = clean.join("\n");

  // Total: a labelled amount (the last labelled one: a slip lists 合计 before 实收), the capital numerals
  // of an invoice confirming it, else the largest amount as a guess.
  let total: Field<bigint> | undefined;
  let currency: Field<string> | undefined;
  for (const line of clean) {
    if (!TOTAL_LABELS.test(line) || SUBTOTAL_LABELS.test(line) || (TAX_LABELS.test(line) && !/价税合计/.test(line))) continue;
    const a = amountOn(line, fallback);
    if (!a) continue;
    total = { value: a.minor, confidence: 0.85 };
    currency = { value: a.currency, confidence: a.printed ? 0.95 : 0.6 };
  }
  const capital = clean.map((l) => /[壹贰叁肆伍陆柒捌玖拾佰仟万]+[^\s]*[元圆][^\s]*/.exec(l)?.[0]).find((s) => s !== undefined);
  const capitalMinor = capital ? parseCapitalAmount(capital) : null;
  if (capitalMinor !== null) {
    if (total && total.value === capitalMinor) total = { value: capitalMinor, confidence: 0.98 };
    else if (!total) {
      total = { value: capitalMinor, confidence: 0.9 };
      currency = { value: "CNY", confidence: 0.95 };
    } else total = { value: total.value, confidence: 0.5 }; // the two disagree: one of them is misread
  }
  if (!total) {
    let best: { minor: bigint; currency: string; printed: boolean } | null = null;
    for (const line of clean) {
      if (TAX_LABELS.test(line) || /(电话|tel|phone|卡号|card|no\.)/i.test(line)) continue;
      const a = amountOn(line, fallback);
      if (a && (!best || a.minor > best.minor)) best = a;
    }
    if (best) {
      total = { value: best.minor, confidence: 0.5 };
      currency = { value: best.currency, confidence: best.printed ? 0.9 : 0.5 };
    }
  }
  if (total) out.total = total;
  if (currency) out.currency = currency;

  // Tax.
  for (const line of clean) {
    if (!TAX_LABELS.test(line) || /价税合计|税号|识别号|tax\s*id/i.test(line)) continue;
    const a = amountOn(line, fallback);
    if (a) {
      out.taxAmount = { value: a.minor, confidence: 0.8 };
      break;
    }
  }

  // Date: a labelled one first.
  const labelled = clean.filter((l) => DATE_LABELS.test(l)).map((l) => parsePrintedDate(l, opts.dateOrder)).find((d) => d !== null);
  const anyDate = labelled ?? clean.map((l) => parsePrintedDate(l, opts.dateOrder)).find((d) => d !== null);
  if (anyDate) out.date = { value: anyDate.date, confidence: labelled ? anyDate.confidence : anyDate.confidence * 0.85 };

  // Invoice number and code.
  for (const line of clean) {
    if (NUMBER_LABELS.test(line) && !out.invoiceNumber) {
      const d = digitsOnly(line.replace(NUMBER_LABELS, ""));
      if (d.length === 20 || d.length === 8) out.invoiceNumber = { value: d, confidence: 0.85 };
    }
    if (CODE_LABELS.test(line) && !out.invoiceCode) {
      const d = digitsOnly(line.replace(CODE_LABELS, ""));
      if (d.length === 10 || d.length === 12) out.invoiceCode = { value: d, confidence: 0.85 };
    }
  }
  if (!out.invoiceNumber) {
    const m = /(?<!\d)\d{20}(?!\d)/.exec(all);
    if (m) out.invoiceNumber = { value: m[0], confidence: 0.6 };
  }

  // Seller tax id: a valid USCC, the one not on a buyer's line (an invoice prints both).
  const sellerLine = clean.find((l) => SELLER_TAXID_LABELS.test(l) && !BUYER_HINT.test(l) && findUsccs(l).length > 0);
  const codes = findUsccs(all);
  if (sellerLine) out.sellerTaxId = { value: findUsccs(sellerLine)[0]!, confidence: 0.9 };
  else if (codes.length === 1) out.sellerTaxId = { value: codes[0]!, confidence: 0.7 };
  else if (codes.length > 1) out.sellerTaxId = { value: codes.at(-1)!, confidence: 0.5 }; // 销售方 is printed below 购买方

  // Merchant: a labelled seller name, else the first line that is mostly letters (a slip's header).
  const sellerName = clean
    .filter((l) => SELLER_LABELS.test(l) && !BUYER_HINT.test(l))
    .map((l) => /(?:名\s*称|name)\s*[:：]\s*(.+)$/i.exec(l)?.[1] ?? /[:：]\s*(.+)$/.exec(l)?.[1])
    .find((n) => n !== undefined && n.trim().length >= 2 && !/^\d+$/.test(n.trim()));
  if (sellerName) out.merchant = { value: sellerName.trim(), confidence: 0.85 };
  else {
    const header = clean.slice(0, 4).find((l) => {
      const letters = (l.match(/[\p{L}]/gu) ?? []).length;
      return letters >= 2 && letters / l.length > 0.6 && !/(发票|invoice|receipt|收据|小票|欢迎|welcome)/i.test(l);
    });
    if (header) out.merchant = { value: header, confidence: 0.5 };
  }
  return out;
}
