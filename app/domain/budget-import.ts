/**
 * A budget import (CSV): parsed and checked row by row, so the preview can show every row with its
 * problems before anything is written. Columns (header row, any order, English or Chinese names):
 * company, department, period, category (blank = all categories), amount, owner email (optional).
 * UTF-8 with or without a BOM. An amount is the cell's new budget (not a change), in the company's currency.
 */
import { createCsvRecordReader } from "./payment-files/statement-csv";
import { parseAmount } from "./money";

export type BudgetPeriodKind = "MONTH" | "YEAR";

/** What the rows are checked against: the admin's companies, their departments, the categories, possible owners. */
export type BudgetImportReference = {
  companies: readonly { id: string; code: string; currency: string; budgetPeriod: BudgetPeriodKind }[];
  departments: readonly { id: string; companyId: string; code: string }[];
  categories: readonly { code: string }[];
  /** Active users, with the companies they belong to (their own and user_company). */
  /** isManager: budget owners approve claims past the approval band, which takes the MANAGER role. */
  owners: readonly { id: string; email: string; companyIds: readonly string[]; isManager: boolean }[];
};

export type BudgetImportErrorCode =
  | "unknown_company"
  | "unknown_department"
  | "unknown_category"
  | "bad_period"
  | "wrong_period_kind"
  | "bad_amount"
  | "negative_amount"
  | "duplicate_row"
  | "unknown_owner"
  | "owner_not_in_company"
  | "owner_not_manager"
  | "wrong_column_count";

export type BudgetImportCell = {
  companyId: string;
  departmentId: string;
  period: string;
  categoryCode: string | null;
  amountMinor: bigint;
  currency: string;
  ownerId: string | null;
};

export type BudgetImportRow = {
  /** The row's line in the file (the header is line 1). */
  line: number;
  /** The cells as written, for the preview. */
  company: string;
  department: string;
  period: string;
  category: string;
  amount: string;
  ownerEmail: string;
  errors: BudgetImportErrorCode[];
  /** Set when the row has no error. */
  cell: BudgetImportCell | null;
};

export type BudgetImportResult =
  | { ok: true; rows: BudgetImportRow[] }
  | { ok: false; fileError: "empty" | "missing_columns" | "bad_csv" | "too_many_rows"; missing?: string[] };

export const MAX_IMPORT_ROWS = 5000;

type Column = "company" | "department" | "period" | "category" | "amount" | "ownerEmail";

const HEADER_NAMES: Record<string, Column> = {
  company: "company",
  公司: "company",
  department: "department",
  部门: "department",
  period: "period",
  期间: "period",
  category: "category",
  类别: "category",
  费用类别: "category",
  amount: "amount",
  金额: "amount",
  预算: "amount",
  owner: "ownerEmail",
  owneremail: "ownerEmail",
  owner_email: "ownerEmail",
  负责人: "ownerEmail",
  负责人邮箱: "ownerEmail",
};

const REQUIRED: Column[] = ["company", "department", "period", "category", "amount"];

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const YEAR_RE = /^\d{4}$/;

/** A cell's identity: one row per cell in a file. */
export function budgetCellKey(c: { companyId: string; departmentId: string; period: string; categoryCode: string | null }): string {
  return `${c.companyId}|${c.departmentId}|${c.period}|${c.categoryCode ?? ""}`;
}

function splitRecords(text: string): string[][] | null {
  const reader = createCsvRecordReader();
  try {
    return [...reader.write(text.replace(/^\uFEFF/, "")), ...reader.end()];
  } catch {
    return null;
  }
}

/** Reads the file's text and checks every row; never throws for bad input. */
export function parseBudgetImport(text: string, ref: BudgetImportReference): BudgetImportResult {
  const records = splitRecords(text);
  if (!records) return { ok: false, fileError: "bad_csv" };
  const nonEmpty = records.filter((r) => r.some((c) => c.trim() !== ""));
  if (nonEmpty.length === 0) return { ok: false, fileError: "empty" };
  const header = records.find((r) => r.some((c) => c.trim() !== ""))!;
  const positions = new Map<Column, number>();
  header.forEach((name, i) => {
    const col = HEADER_NAMES[name.trim().toLowerCase().replace(/\s+/g, "_")] ?? HEADER_NAMES[name.trim().toLowerCase().replace(/\s+/g, "")];
    if (col && !positions.has(col)) positions.set(col, i);
  });
  const missing = REQUIRED.filter((c) => !positions.has(c));
  if (missing.length > 0) return { ok: false, fileError: "missing_columns", missing };
  if (nonEmpty.length - 1 > MAX_IMPORT_ROWS) return { ok: false, fileError: "too_many_rows" };

  const companies = new Map(ref.companies.map((c) => [c.code.toLowerCase(), c]));
  const departments = new Map(ref.departments.map((d) => [`${d.companyId}|${d.code.toLowerCase()}`, d]));
  const categories = new Set(ref.categories.map((c) => c.code));
  const owners = new Map(ref.owners.map((o) => [o.email.toLowerCase(), o]));
  const firstLineOfKey = new Map<string, number>();

  const rows: BudgetImportRow[] = [];
  const headerIndex = records.indexOf(header);
  records.forEach((record, index) => {
    if (index <= headerIndex || record.every((c) => c.trim() === "")) return;
    const cell = (col: Column) => {
      const at = positions.get(col);
      return at === undefined ? "" : (record[at] ?? "").trim();
    };
    const row: BudgetImportRow = {
      line: index + 1,
      company: cell("company"),
      department: cell("department"),
      period: cell("period"),
      category: cell("category"),
      amount: cell("amount"),
      ownerEmail: cell("ownerEmail"),
      errors: [],
      cell: null,
    };
    const errors = row.errors;
    if (record.length < header.length) errors.push("wrong_column_count");

    const company = companies.get(row.company.toLowerCase());
    if (!company) errors.push("unknown_company");
    const department = company ? departments.get(`${company.id}|${row.department.toLowerCase()}`) : undefined;
    if (company && !department) errors.push("unknown_department");
    const categoryCode = row.category === "" ? null : row.category.toUpperCase();
    if (categoryCode !== null && !categories.has(categoryCode)) errors.push("unknown_category");

    if (!MONTH_RE.test(row.period) && !YEAR_RE.test(row.period)) errors.push("bad_period");
    else if (company && (company.budgetPeriod === "MONTH") !== MONTH_RE.test(row.period)) errors.push("wrong_period_kind");

    let amountMinor = 0n;
    if (company) {
      const parsed = parseAmount(row.amount, company.currency);
      if (!parsed.ok) errors.push("bad_amount");
      else if (parsed.minor < 0n) errors.push("negative_amount");
      else amountMinor = parsed.minor;
    } else if (!/^\d[\d,]*(\.\d+)?$/.test(row.amount)) errors.push("bad_amount");

    let ownerId: string | null = null;
    if (row.ownerEmail !== "") {
      const owner = owners.get(row.ownerEmail.toLowerCase());
      if (!owner) errors.push("unknown_owner");
      else if (company && !owner.companyIds.includes(company.id)) errors.push("owner_not_in_company");
      else if (!owner.isManager) errors.push("owner_not_manager");
      else ownerId = owner.id;
    }

    if (company && department) {
      const key = budgetCellKey({ companyId: company.id, departmentId: department.id, period: row.period, categoryCode });
      if (firstLineOfKey.has(key)) errors.push("duplicate_row");
      else firstLineOfKey.set(key, row.line);
    }

    if (errors.length === 0 && company && department) {
      row.cell = { companyId: company.id, departmentId: department.id, period: row.period, categoryCode, amountMinor, currency: company.currency, ownerId };
    }
    rows.push(row);
  });
  return { ok: true, rows };
}

/** True when every row can be written: the import is all or nothing. */
export function importIsClean(result: BudgetImportResult): result is { ok: true; rows: BudgetImportRow[] } {
  return result.ok && result.rows.length > 0 && result.rows.every((r) => r.errors.length === 0);
}
