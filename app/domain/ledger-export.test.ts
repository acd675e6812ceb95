import { describe, expect, it } from "vitest";
import { parseChartCsv } from "./ledger-chart";
import { CSV_HEADER, KINGDEE_HEADER, parseErpNumbers, splitCsvLine, vouchersToCsv, vouchersToJson, vouchersToKingdee, type ExportVoucher } from "./ledger-export";

const voucher: ExportVoucher = {
  id: "v1",
  period: "2026-12",
  number: 12,
  voucherType: "记",
  kind: "CLAIM",
  date: "2026-12-05",
  description: '报销 EC-1 王小明 上海,北京 "客户" 拜访',
  attachmentCount: 3,
  currency: "CNY",
  totalMinor: 11_300n,
  reversesId: null,
  lines: [
    {
      position: 1,
      externalId: "AF-v1-1",
      accountCode: "6602.03",
      accountName: "Administrative expenses - office",
      accountNameZh: "管理费用-办公费",
      description: "报销 EC-1 办公用品, 打印纸",
      debitMinor: 10_000n,
      creditMinor: 0n,
      currency: "CNY",
      originalMinor: 10_000n,
      rate: "1",
      department: { code: "SALES", name: "销售部" },
      employee: { id: "u1", name: "王小明" },
      projectCode: "P-42",
    },
    {
      position: 2,
      externalId: "AF-v1-2",
      accountCode: "22210101",
      accountName: "Input VAT",
      accountNameZh: "应交税费-应交增值税-进项税额",
      description: "进项税额 EC-1",
      debitMinor: 1_300n,
      creditMinor: 0n,
      currency: "CNY",
      originalMinor: 1_300n,
      rate: "1",
      department: null,
      employee: null,
      projectCode: null,
    },
    {
      position: 3,
      externalId: "AF-v1-3",
      accountCode: "224101",
      accountName: "Employee payables",
      accountNameZh: "其他应付款-员工报销",
      description: "=cmd",
      debitMinor: 0n,
      creditMinor: 11_300n,
      currency: "CNY",
      originalMinor: 11_300n,
      rate: "1",
      department: null,
      employee: { id: "u1", name: "王小明" },
      projectCode: null,
    },
  ],
};
const red: ExportVoucher = {
  ...voucher,
  id: "v2",
  number: 13,
  kind: "REVERSAL",
  reversesId: "v1",
  totalMinor: -11_300n,
  lines: voucher.lines.map((l) => ({ ...l, externalId: l.externalId.replace("v1", "v2"), debitMinor: -l.debitMinor, creditMinor: -l.creditMinor, originalMinor: -l.originalMinor })),
};

const records = (text: string) => text.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean);

describe("vouchersToCsv", () => {
  it("one row per line behind a BOM, Chinese text with commas and quotes quoted, formulas disarmed", () => {
    const text = vouchersToCsv([voucher]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    const rows = records(text);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe(CSV_HEADER.join(","));
    const first = splitCsvLine(rows[1]!);
    expect(first[CSV_HEADER.indexOf("voucher_description")]).toBe('报销 EC-1 王小明 上海,北京 "客户" 拜访');
    expect(rows[1]).toContain('"报销 EC-1 王小明 上海,北京 ""客户"" 拜访"');
    expect(first[CSV_HEADER.indexOf("line_description")]).toBe("报销 EC-1 办公用品, 打印纸");
    expect(first[CSV_HEADER.indexOf("external_id")]).toBe("AF-v1-1");
    expect(first[CSV_HEADER.indexOf("debit")]).toBe("100.00");
    expect(first[CSV_HEADER.indexOf("department")]).toBe("SALES");
    expect(splitCsvLine(rows[3]!)[CSV_HEADER.indexOf("line_description")]).toBe("'=cmd");
  });

  it("keeps a red reversal's amounts as negative numbers", () => {
    const row = splitCsvLine(records(vouchersToCsv([red]))[1]!);
    expect(row[CSV_HEADER.indexOf("debit")]).toBe("-100.00");
    expect(row[CSV_HEADER.indexOf("original_amount")]).toBe("-100.00");
    expect(row[CSV_HEADER.indexOf("reverses_voucher_id")]).toBe("v1");
  });
});

describe("vouchersToJson", () => {
  it("vouchers with their lines, amounts as decimal strings", () => {
    const json = JSON.parse(vouchersToJson({ id: "co", code: "CN01", currency: "CNY" }, [voucher, red]));
    expect(json.company).toEqual({ id: "co", code: "CN01", currency: "CNY" });
    expect(json.vouchers).toHaveLength(2);
    expect(json.vouchers[0]).toMatchObject({ id: "v1", number: 12, voucherType: "记", total: "113.00", attachments: 3, reversesId: null });
    expect(json.vouchers[0].lines[0]).toEqual({
      position: 1,
      externalId: "AF-v1-1",
      account: { code: "6602.03", name: "Administrative expenses - office", nameZh: "管理费用-办公费" },
      description: "报销 EC-1 办公用品, 打印纸",
      debit: "100.00",
      credit: "0.00",
      currency: "CNY",
      originalAmount: "100.00",
      rate: "1",
      department: { code: "SALES", name: "销售部" },
      employee: { id: "u1", name: "王小明" },
      project: "P-42",
    });
    expect(json.vouchers[1]).toMatchObject({ total: "-113.00", reversesId: "v1" });
  });
});

describe("vouchersToKingdee", () => {
  it("the Kingdee columns, one row per entry, dimensions written 类别---代码---名称", () => {
    const rows = records(vouchersToKingdee([voucher]));
    expect(splitCsvLine(rows[0]!)).toEqual([...KINGDEE_HEADER]);
    expect(splitCsvLine(rows[1]!)).toEqual([
      "2026-12-05",
      "2026",
      "12",
      "记",
      "12",
      "1",
      "报销 EC-1 办公用品, 打印纸",
      "6602.03",
      "管理费用-办公费",
      "CNY",
      "1",
      "100.00",
      "100.00",
      "0.00",
      "3",
      "部门---SALES---销售部",
      "职员---u1---王小明",
      "项目---P-42---P-42",
      "AF-v1-1",
    ]);
    expect(splitCsvLine(rows[2]!).slice(15)).toEqual(["", "", "", "AF-v1-2"]);
  });
});

describe("parseErpNumbers", () => {
  it("reads voucher ids or period and number, and reports bad lines", () => {
    expect(parseErpNumbers("\uFEFFvoucher_id,erp_number\r\nv1,记-1\r\n,记-2\r\nv3,\r\n")).toEqual({
      rows: [{ line: 2, voucherRef: "v1", erpNumber: "记-1" }],
      errors: [
        { line: 3, code: "no_voucher" },
        { line: 4, code: "bad_erp_number" },
      ],
    });
    expect(parseErpNumbers("period,voucher_number,erp_number\n2026-12,7,K-7\n").rows).toEqual([{ line: 2, voucherRef: "2026-12/7", erpNumber: "K-7" }]);
    expect(parseErpNumbers("a,b\n1,2\n").errors).toEqual([{ line: 1, code: "bad_header" }]);
  });
});

describe("parseChartCsv", () => {
  it("checks every row: code, names, kind (Chinese kinds too), duplicates", () => {
    const { rows, headerError } = parseChartCsv('code,name,name_zh,kind\n6602.01,Travel,"管理费用-差旅费",费用\n6602.01,Dup,重复,EXPENSE\nbad code!,X,,ASSET\n1002,Bank,银行存款,cash\n');
    expect(headerError).toBeNull();
    expect(rows.map((r) => [r.line, r.code, r.kind, r.errors])).toEqual([
      [2, "6602.01", "EXPENSE", []],
      [3, "6602.01", "EXPENSE", ["code_duplicate"]],
      [4, "bad code!", "ASSET", ["code_invalid", "name_zh_required"]],
      [5, "1002", "CASH", ["kind_invalid"]],
    ]);
    expect(parseChartCsv("code,name\n1,2\n").headerError).toBe("bad_header");
    expect(parseChartCsv("code,name,name_zh,kind\n").headerError).toBe("empty");
  });
});
