/**
 * Voucher exports for the ERP, as pure functions of the vouchers: a plain CSV (one row per line), JSON
 * (vouchers with their lines) and a Kingdee-style voucher import sheet. Amounts are decimal strings in the
 * currency's own digits (never floats); a red reversal's amounts are negative in the same columns (红字).
 * Every line carries its external id (AF-<voucher id>-<position>), the key the ERP dedupes on.
 */
import { csvCell } from "./csv";
import { minorToDecimalString } from "./money";

export const EXPORT_FORMATS = ["csv", "json", "kingdee"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportLine = {
  position: number;
  externalId: string;
  accountCode: string;
  accountName: string;
  accountNameZh: string;
  description: string;
  debitMinor: bigint;
  creditMinor: bigint;
  currency: string;
  originalMinor: bigint;
  rate: string;
  department: { code: string; name: string } | null;
  employee: { id: string; name: string } | null;
  projectCode: string | null;
};

export type ExportVoucher = {
  id: string;
  period: string;
  number: number;
  voucherType: string;
  kind: string;
  date: string;
  description: string;
  attachmentCount: number;
  currency: string;
  totalMinor: bigint;
  reversesId: string | null;
  lines: readonly ExportLine[];
};

const BOM = "\uFEFF";

/** A number cell as is (a red amount's minus sign must stay a number); anything else through csvCell (quoting, formula guard). */
function cell(value: string | number): string {
  const text = String(value);
  return /^-?\d+(\.\d+)?$/.test(text) ? text : csvCell(text);
}

function rowsToCsv(rows: readonly (readonly (string | number)[])[]): string {
  return `${BOM}${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

const amount = (minor: bigint, currency: string) => minorToDecimalString(minor, currency);

export const CSV_HEADER = [
  "voucher_id",
  "period",
  "voucher_type",
  "voucher_number",
  "voucher_date",
  "kind",
  "voucher_description",
  "attachments",
  "line",
  "external_id",
  "account_code",
  "account_name",
  "line_description",
  "debit",
  "credit",
  "company_currency",
  "currency",
  "original_amount",
  "rate",
  "department",
  "employee_id",
  "employee_name",
  "project",
  "reverses_voucher_id",
] as const;

/** One row per voucher line, UTF-8 with a BOM (Excel reads the Chinese), CRLF. */
export function vouchersToCsv(vouchers: readonly ExportVoucher[]): string {
  const rows: (string | number)[][] = [[...CSV_HEADER]];
  for (const v of vouchers) {
    for (const l of v.lines) {
      rows.push([
        v.id,
        v.period,
        v.voucherType,
        v.number,
        v.date,
        v.kind,
        v.description,
        v.attachmentCount,
        l.position,
        l.externalId,
        l.accountCode,
        l.accountNameZh || l.accountName,
        l.description,
        amount(l.debitMinor, v.currency),
        amount(l.creditMinor, v.currency),
        v.currency,
        l.currency,
        amount(l.originalMinor, l.currency),
        l.rate,
        l.department?.code ?? "",
        l.employee?.id ?? "",
        l.employee?.name ?? "",
        l.projectCode ?? "",
        v.reversesId ?? "",
      ]);
    }
  }
  return rowsToCsv(rows);
}

/** Vouchers with their lines; amounts as decimal strings. */
export function vouchersToJson(company: { id: string; code: string; currency: string }, vouchers: readonly ExportVoucher[]): string {
  return `${JSON.stringify(
    {
      company,
      vouchers: vouchers.map((v) => ({
        id: v.id,
        period: v.period,
        voucherType: v.voucherType,
        number: v.number,
        date: v.date,
        kind: v.kind,
        description: v.description,
        attachments: v.attachmentCount,
        currency: v.currency,
        total: amount(v.totalMinor, v.currency),
        reversesId: v.reversesId,
        lines: v.lines.map((l) => ({
          position: l.position,
          externalId: l.externalId,
          account: { code: l.accountCode, name: l.accountName, nameZh: l.accountNameZh },
          description: l.description,
          debit: amount(l.debitMinor, v.currency),
          credit: amount(l.creditMinor, v.currency),
          currency: l.currency,
          originalAmount: amount(l.originalMinor, l.currency),
          rate: l.rate,
          department: l.department,
          employee: l.employee,
          project: l.projectCode,
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

/**
 * The Kingdee (金蝶) voucher import layout, as a CSV one row per entry (分录), UTF-8 with a BOM. It follows the
 * column set of Kingdee K/3 WISE and KIS "凭证引入" templates (凭证日期, 会计年度, 会计期间, 凭证字, 凭证号,
 * 分录号, 摘要, 科目代码, 科目名称, 币别, 汇率, 原币金额, 借方, 贷方, 附件数) with the assistant accounting
 * items (核算项目/核算维度) written K/3's way, "类别---代码---名称", one column per dimension, and our line's
 * external id in 外部单据号. Not verified offline: the exact header spellings each Kingdee edition expects
 * (云星空 names some columns differently, e.g. 借方金额/贷方金额, which we use), whether it takes the dimension
 * columns split or as one 核算维度 text, and its code for the yuan (RMB vs CNY: we write the ISO code). A site
 * maps the columns once in Kingdee's import wizard.
 */
export const KINGDEE_HEADER = [
  "凭证日期",
  "会计年度",
  "期间",
  "凭证字",
  "凭证号",
  "分录号",
  "摘要",
  "科目代码",
  "科目名称",
  "币别",
  "汇率",
  "原币金额",
  "借方金额",
  "贷方金额",
  "附件数",
  "核算维度-部门",
  "核算维度-职员",
  "核算维度-项目",
  "外部单据号",
] as const;

const dimension = (kind: string, code: string | undefined | null, name: string | undefined | null) => (code ? `${kind}---${code}---${name ?? code}` : "");

export function vouchersToKingdee(vouchers: readonly ExportVoucher[]): string {
  const rows: (string | number)[][] = [[...KINGDEE_HEADER]];
  for (const v of vouchers) {
    const [year, month] = v.period.split("-");
    for (const l of v.lines) {
      rows.push([
        v.date,
        year ?? "",
        String(Number(month)),
        v.voucherType,
        v.number,
        l.position,
        l.description,
        l.accountCode,
        l.accountNameZh || l.accountName,
        l.currency,
        l.rate,
        amount(l.originalMinor, l.currency),
        amount(l.debitMinor, v.currency),
        amount(l.creditMinor, v.currency),
        v.attachmentCount,
        dimension("部门", l.department?.code, l.department?.name),
        dimension("职员", l.employee?.id, l.employee?.name),
        dimension("项目", l.projectCode, l.projectCode),
        l.externalId,
      ]);
    }
  }
  return rowsToCsv(rows);
}

export function exportBody(format: ExportFormat, company: { id: string; code: string; currency: string }, vouchers: readonly ExportVoucher[]): { text: string; mimeType: string; extension: string } {
  switch (format) {
    case "csv":
      return { text: vouchersToCsv(vouchers), mimeType: "text/csv; charset=utf-8", extension: "csv" };
    case "json":
      return { text: vouchersToJson(company, vouchers), mimeType: "application/json", extension: "json" };
    case "kingdee":
      return { text: vouchersToKingdee(vouchers), mimeType: "text/csv; charset=utf-8", extension: "csv" };
  }
}

/** ERP write-back rows: "voucher id or external id or period/number, ERP number" per line. */
export type ErpNumberRow = { line: number; voucherRef: string; erpNumber: string };

/**
 * Parses the ERP's write-back file: a CSV with a header naming the voucher (voucher_id, or period and
 * voucher_number) and erp_number. Answers rows and per-line errors.
 */
export function parseErpNumbers(csvText: string): { rows: ErpNumberRow[]; errors: { line: number; code: string }[] } {
  const lines = csvText.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  const idCol = header.indexOf("voucher_id");
  const periodCol = header.indexOf("period");
  const numberCol = header.indexOf("voucher_number");
  const erpCol = header.indexOf("erp_number");
  const rows: ErpNumberRow[] = [];
  const errors: { line: number; code: string }[] = [];
  if (erpCol < 0 || (idCol < 0 && (periodCol < 0 || numberCol < 0))) return { rows, errors: [{ line: 1, code: "bad_header" }] };
  for (let i = 1; i < lines.length; i += 1) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const cells = splitCsvLine(raw).map((c) => c.trim());
    const erpNumber = cells[erpCol] ?? "";
    const voucherRef = idCol >= 0 && cells[idCol] ? cells[idCol]! : periodCol >= 0 && cells[periodCol] && cells[numberCol] ? `${cells[periodCol]}/${cells[numberCol]}` : "";
    if (!voucherRef) errors.push({ line: i + 1, code: "no_voucher" });
    else if (!erpNumber || erpNumber.length > 100) errors.push({ line: i + 1, code: "bad_erp_number" });
    else rows.push({ line: i + 1, voucherRef, erpNumber });
  }
  return { rows, errors };
}

/** One CSV record's cells (RFC 4180 quotes; no line breaks inside cells in these files). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
