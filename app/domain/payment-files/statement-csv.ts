/**
 * A bank statement as CSV, for banks whose e-banking exports no camt.053. Read as a stream into the
 * same head and entry shapes as `readCamt053`, so import, balance check and matching are one path.
 *
 * Layout (RFC 4180 CSV, UTF-8 with or without a BOM, or GBK as most mainland e-banking exports it):
 *
 *   1. Header rows, one `key,value` pair each, in any order, all before the entry table:
 *        statement_id | 对账单号      the bank's statement id (unique per account)
 *        account      | 账号          our account number or IBAN
 *        currency     | 币种          ISO 4217 code, e.g. CNY
 *        opening_balance | 期初余额   decimal, e.g. 100000.00 (a leading "-" for an overdrawn account)
 *        closing_balance | 期末余额   decimal
 *   2. The entry table's own header row, starting with `booking_date` (or `记账日期`):
 *        booking_date,direction,amount,end_to_end_id,counterparty_account,return_reason
 *        记账日期,借贷,金额,业务参考号,对方账号,退回原因
 *   3. One row per entry: booking date YYYY-MM-DD (or YYYYMMDD); direction DBIT/CRDT (or 借/贷: money
 *      out of / into our account); a positive decimal amount; the end-to-end id we sent (blank when the
 *      bank gives none); the counterparty's account; the return reason code for a returned payment.
 *
 * Blank lines are skipped. Anything else — a missing header value, an unknown key, a bad date, amount or
 * direction, an entry in another currency — refuses the whole statement (AppError "invalid_statement").
 */
import iconv from "iconv-lite";
import { AppError } from "../app-error";
import { parseAmount } from "../money";
import type { CamtEntry, CamtStatementHead } from "./camt053";

const invalid = (message: string) => new AppError("invalid_statement", { status: 422, message });

const HEAD_KEYS: Record<string, "statementId" | "account" | "currency" | "opening" | "closing"> = {
  statement_id: "statementId",
  对账单号: "statementId",
  account: "account",
  账号: "account",
  currency: "currency",
  币种: "currency",
  opening_balance: "opening",
  期初余额: "opening",
  closing_balance: "closing",
  期末余额: "closing",
};
const TABLE_START = new Set(["booking_date", "记账日期"]);
const DIRECTIONS: Record<string, "DBIT" | "CRDT"> = { DBIT: "DBIT", CRDT: "CRDT", 借: "DBIT", 贷: "CRDT" };

function toMinor(text: string, currency: string, where: string, allowNegative: boolean): bigint {
  const t = text.trim();
  if (!(allowNegative ? /^-?\d{1,18}(\.\d{1,5})?$/ : /^\d{1,18}(\.\d{1,5})?$/).test(t)) throw invalid(`${where}: not an amount: ${JSON.stringify(text)}`);
  const parsed = parseAmount(t, currency);
  if (!parsed.ok) throw invalid(`${where}: not an amount in ${currency}: ${JSON.stringify(text)}`);
  return parsed.minor;
}

function toDate(text: string, where: string): string {
  const t = text.trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(t);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : "";
  if (!m || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso) throw invalid(`${where}: not a date: ${JSON.stringify(text)}`);
  return iso;
}

/** Splits decoded text into CSV records as it arrives: quoted fields may hold commas, quotes and line breaks. */
export function createCsvRecordReader() {
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingCr = false;
  const push = (text: string, out: string[][]) => {
    for (const ch of text) {
      if (pendingCr) {
        pendingCr = false;
        if (ch === "\n") continue;
      }
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else field += ch;
        continue;
      }
      if (ch === '"') {
        if (afterQuote) field += '"'; // "" inside quotes
        quoted = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (ch === ",") {
        record.push(field);
        field = "";
      } else if (ch === "\n" || ch === "\r") {
        record.push(field);
        out.push(record);
        record = [];
        field = "";
        pendingCr = ch === "\r";
      } else field += ch;
    }
  };
  return {
    write(text: string): string[][] {
      const out: string[][] = [];
      push(text, out);
      return out;
    },
    end(): string[][] {
      if (quoted) throw invalid("the file ends inside a quoted field");
      const out: string[][] = [];
      if (field !== "" || record.length > 0) out.push([...record, field]);
      record = [];
      field = "";
      return out;
    },
  };
}

/** UTF-8 when the file says so (a BOM) or reads as UTF-8; otherwise GBK. */
function sniffEncoding(first: Uint8Array): "utf-8" | "gbk" {
  if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) return "utf-8";
  // A chunk may end inside a character: leave its last three bytes out of the test.
  const probe = first.length > 3 ? first.subarray(0, first.length - 3) : first;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(probe);
    return "utf-8";
  } catch {
    return "gbk";
  }
}

export async function* readStatementCsv(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  { encoding = "auto" }: { encoding?: "auto" | "utf-8" | "gbk" } = {},
): AsyncGenerator<CamtStatementHead | CamtEntry> {
  const reader = createCsvRecordReader();
  let decode: ((bytes: Uint8Array) => string) | null = null;
  const head: { statementId?: string; account?: string; currency?: string; opening?: string; closing?: string } = {};
  let headSent = false;
  let line = 0;
  let currency = "";

  const onRecord = function* (cells: string[]): Generator<CamtStatementHead | CamtEntry> {
    line += 1;
    const trimmed = cells.map((c) => c.trim());
    if (trimmed.every((c) => c === "")) return;
    const first = line === 1 ? trimmed[0]!.replace(/^\uFEFF/, "") : trimmed[0]!;
    if (!headSent) {
      if (TABLE_START.has(first.toLowerCase())) {
        const missing = (["statementId", "account", "currency", "opening", "closing"] as const).filter((k) => !head[k]);
        if (missing.length > 0) throw invalid(`line ${line}: the statement head lacks ${missing.join(", ")}`);
        currency = head.currency!.toUpperCase();
        if (!/^[A-Z]{3}$/.test(currency)) throw invalid(`currency: not an ISO 4217 code: ${JSON.stringify(head.currency)}`);
        headSent = true;
        yield {
          kind: "statement",
          statementId: head.statementId!,
          account: head.account!.replace(/\s+/g, ""),
          currency,
          openingMinor: toMinor(head.opening!, currency, "opening balance", true),
          closingMinor: toMinor(head.closing!, currency, "closing balance", true),
        };
        return;
      }
      const key = HEAD_KEYS[first.toLowerCase()] ?? HEAD_KEYS[first];
      if (!key) throw invalid(`line ${line}: unknown header ${JSON.stringify(first)} (expected statement_id, account, currency, opening_balance, closing_balance, then the entry table)`);
      if (!trimmed[1]) throw invalid(`line ${line}: ${first} has no value`);
      head[key] = trimmed[1];
      return;
    }
    const [date = "", direction = "", amount = "", e2e = "", counterparty = "", reason = ""] = trimmed;
    const dir = DIRECTIONS[direction.toUpperCase()] ?? DIRECTIONS[direction];
    if (!dir) throw invalid(`line ${line}: direction must be DBIT or CRDT (借/贷), not ${JSON.stringify(direction)}`);
    yield {
      kind: "entry",
      minor: toMinor(amount, currency, `line ${line} amount`, false),
      currency,
      direction: dir,
      bookingDate: toDate(date, `line ${line} booking date`),
      endToEndId: e2e || null,
      counterpartyAccount: counterparty.replace(/\s+/g, "") || null,
      returnReason: reason || null,
    };
  };

  for await (const chunk of chunks) {
    let text: string;
    if (typeof chunk === "string") text = chunk;
    else {
      if (!decode) {
        const chosen = encoding === "auto" ? sniffEncoding(chunk) : encoding;
        if (chosen === "gbk") {
          const decoder = iconv.getDecoder("gbk");
          decode = (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        } else {
          const decoder = new TextDecoder("utf-8", { fatal: true });
          decode = (bytes) => {
            try {
              return decoder.decode(bytes, { stream: true });
            } catch {
              throw invalid("the file is neither UTF-8 nor GBK text");
            }
          };
        }
      }
      text = decode(chunk);
    }
    for (const record of reader.write(text)) yield* onRecord(record);
  }
  for (const record of reader.end()) yield* onRecord(record);
  if (!headSent) throw invalid("no entry table: the file needs a header row starting with booking_date (记账日期)");
}

/** An uploaded statement's format from its first bytes: camt.053 XML begins (after a BOM and blanks) with "<"; anything else is read as the CSV layout. */
export function sniffStatementFormat(first: Uint8Array): "camt053" | "csv" {
  let i = first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf ? 3 : 0;
  while (i < first.length && (first[i] === 0x20 || first[i] === 0x09 || first[i] === 0x0a || first[i] === 0x0d)) i++;
  return first[i] === 0x3c ? "camt053" : "csv";
}
