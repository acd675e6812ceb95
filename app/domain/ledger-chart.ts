/**
 * A chart of accounts from CSV (code, name, name_zh, kind), checked row by row before anything is
 * imported: an import with one bad row imports nothing.
 */
import { splitCsvLine } from "./ledger-export";

export const ACCOUNT_KINDS = ["ASSET", "LIABILITY", "EQUITY", "INCOME", "EXPENSE"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const ACCOUNT_CODE_RE = /^[0-9A-Za-z._-]{1,40}$/;

export type ChartRow = { line: number; code: string; name: string; nameZh: string; kind: string; errors: string[] };

const KIND_ALIASES: Record<string, AccountKind> = {
  资产: "ASSET",
  负债: "LIABILITY",
  权益: "EQUITY",
  所有者权益: "EQUITY",
  损益: "EXPENSE",
  收入: "INCOME",
  费用: "EXPENSE",
  成本: "EXPENSE",
};

/** Parses and checks every row; the header must name code, name, name_zh and kind (any order). */
export function parseChartCsv(csvText: string): { rows: ChartRow[]; headerError: string | null } {
  const lines = csvText.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  const col = { code: header.indexOf("code"), name: header.indexOf("name"), nameZh: header.indexOf("name_zh"), kind: header.indexOf("kind") };
  if (col.code < 0 || col.name < 0 || col.nameZh < 0 || col.kind < 0) return { rows: [], headerError: "bad_header" };
  const rows: ChartRow[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i += 1) {
    if ((lines[i] ?? "").trim() === "") continue;
    const cells = splitCsvLine(lines[i]!).map((c) => c.trim());
    const code = cells[col.code] ?? "";
    const name = cells[col.name] ?? "";
    const nameZh = cells[col.nameZh] ?? "";
    const rawKind = cells[col.kind] ?? "";
    const kind = KIND_ALIASES[rawKind] ?? rawKind.toUpperCase();
    const errors: string[] = [];
    if (!ACCOUNT_CODE_RE.test(code)) errors.push("code_invalid");
    else if (seen.has(code)) errors.push("code_duplicate");
    if (!name) errors.push("name_required");
    if (!nameZh) errors.push("name_zh_required");
    if (name.length > 200 || nameZh.length > 200) errors.push("name_too_long");
    if (!(ACCOUNT_KINDS as readonly string[]).includes(kind)) errors.push("kind_invalid");
    seen.add(code);
    rows.push({ line: i + 1, code, name, nameZh, kind, errors });
  }
  return { rows, headerError: rows.length === 0 ? "empty" : null };
}
