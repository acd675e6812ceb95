import { describe, expect, it } from "vitest";
import { importIsClean, parseBudgetImport, type BudgetImportReference } from "./budget-import";

const ref: BudgetImportReference = {
  companies: [
    { id: "c1", code: "SH01", currency: "CNY", budgetPeriod: "MONTH" },
    { id: "c2", code: "HK01", currency: "HKD", budgetPeriod: "YEAR" },
  ],
  departments: [
    { id: "d1", companyId: "c1", code: "SALES" },
    { id: "d2", companyId: "c1", code: "RND" },
    { id: "d3", companyId: "c2", code: "SALES" },
  ],
  categories: [{ code: "MEALS" }, { code: "AIR" }],
  owners: [
    { id: "u1", email: "wang@example.com", companyIds: ["c1"], isManager: true },
    { id: "u2", email: "chan@example.com", companyIds: ["c2"], isManager: true },
    { id: "u3", email: "li@example.com", companyIds: ["c1"], isManager: false },
  ],
};

const HEADER = "company,department,period,category,amount,owner email";

function rowsOf(text: string) {
  const result = parseBudgetImport(text, ref);
  if (!result.ok) throw new Error(`file refused: ${result.fileError}`);
  return result.rows;
}

describe("parseBudgetImport", () => {
  it("reads good rows into cells, with a BOM, CRLF, a blank category as all categories and amounts in the company currency", () => {
    const rows = rowsOf(`\uFEFF${HEADER}\r\nSH01,SALES,2026-12,MEALS,"12,000.50",wang@example.com\r\nsh01,rnd,2026-12,,300000,\r\nHK01,SALES,2026,AIR,99.9,CHAN@example.com\r\n`);
    expect(rows.map((r) => r.errors)).toEqual([[], [], []]);
    expect(rows.map((r) => r.cell)).toEqual([
      { companyId: "c1", departmentId: "d1", period: "2026-12", categoryCode: "MEALS", amountMinor: 1_200_050n, currency: "CNY", ownerId: "u1" },
      { companyId: "c1", departmentId: "d2", period: "2026-12", categoryCode: null, amountMinor: 30_000_000n, currency: "CNY", ownerId: null },
      { companyId: "c2", departmentId: "d3", period: "2026", categoryCode: "AIR", amountMinor: 9_990n, currency: "HKD", ownerId: "u2" },
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(importIsClean(parseBudgetImport(`${HEADER}\nSH01,SALES,2026-12,,1,\n`, ref))).toBe(true);
  });

  it("accepts Chinese headers and Chinese text in cells (an unknown Chinese company name is reported, not mangled)", () => {
    const rows = rowsOf("公司,部门,期间,类别,金额,负责人邮箱\nSH01,SALES,2026-11,,5000,\n上海分公司,SALES,2026-11,,5000,\n");
    expect(rows[0]!.errors).toEqual([]);
    expect(rows[1]!.company).toBe("上海分公司");
    expect(rows[1]!.errors).toEqual(["unknown_company"]);
  });

  it("reports each row's problems: unknown company, department, category; bad period; bad or negative amount; wrong owner", () => {
    const rows = rowsOf(
      [
        HEADER,
        "XX99,SALES,2026-12,,100,",
        "SH01,NOPE,2026-12,,100,",
        "SH01,SALES,2026-12,TAXI,100,",
        "SH01,SALES,2026-13,,100,",
        "SH01,SALES,2026,,100,",
        "HK01,SALES,2026-12,,100,",
        "SH01,SALES,2026-10,,12.345,",
        "SH01,SALES,2026-09,,abc,",
        "SH01,SALES,2026-08,,-5,",
        "SH01,SALES,2026-07,,100,nobody@example.com",
        "SH01,SALES,2026-06,,100,chan@example.com",
        "SH01,SALES,2026-05,,100,li@example.com",
      ].join("\n"),
    );
    expect(rows.map((r) => r.errors)).toEqual([
      ["unknown_company"],
      ["unknown_department"],
      ["unknown_category"],
      ["bad_period"],
      ["wrong_period_kind"],
      ["wrong_period_kind"],
      ["bad_amount"],
      ["bad_amount"],
      ["negative_amount"],
      ["unknown_owner"],
      ["owner_not_in_company"],
      ["owner_not_manager"],
    ]);
    expect(rows.every((r) => r.cell === null)).toBe(true);
  });

  it("flags the second row of the same cell as a duplicate (category compared case-blind, blank = all categories)", () => {
    const rows = rowsOf(`${HEADER}\nSH01,SALES,2026-12,meals,100,\nSH01,SALES,2026-12,MEALS,200,\nSH01,SALES,2026-12,,1,\nSH01,SALES,2026-12,,2,\n`);
    expect(rows.map((r) => r.errors)).toEqual([[], ["duplicate_row"], [], ["duplicate_row"]]);
    expect(importIsClean(parseBudgetImport(`${HEADER}\nSH01,SALES,2026-12,meals,100,\nSH01,SALES,2026-12,MEALS,200,\n`, ref))).toBe(false);
  });

  it("refuses a file without rows or without the required columns, and a broken quote", () => {
    expect(parseBudgetImport("", ref)).toEqual({ ok: false, fileError: "empty" });
    expect(parseBudgetImport("\uFEFF\n\n", ref)).toEqual({ ok: false, fileError: "empty" });
    expect(parseBudgetImport("company,department,amount\nSH01,SALES,1\n", ref)).toEqual({ ok: false, fileError: "missing_columns", missing: ["period", "category"] });
    expect(parseBudgetImport(`${HEADER}\nSH01,"SALES,2026-12,,1,\n`, ref)).toEqual({ ok: false, fileError: "bad_csv" });
    expect(importIsClean(parseBudgetImport(`${HEADER}\n`, ref))).toBe(false);
  });

  it("reports a short row, and skips blank lines without shifting line numbers", () => {
    const rows = rowsOf(`${HEADER}\n\nSH01,SALES\nSH01,SALES,2026-12,,1\n`);
    expect(rows.map((r) => [r.line, r.errors.includes("wrong_column_count")])).toEqual([
      [3, true],
      [4, true],
    ]);
    // The owner column is optional: a row without it is short only when the header has it.
    expect(rowsOf("company,department,period,category,amount\nSH01,SALES,2026-12,,1\n")[0]!.errors).toEqual([]);
  });
});
