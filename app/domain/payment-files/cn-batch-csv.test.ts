import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { PAYMENT_FILE_ADAPTERS } from "./adapters";
import { buildCnBatchCsv, cnBatchCsvRows } from "./cn-batch-csv";
import type { Pain001Run } from "./pain001";

const cn = { kind: "cn" as const, holderName: "张三", accountNumber: "6222021001122334455", bankName: "中国工商银行北京分行", cnapsCode: "102100099996" };
const run: Pain001Run = {
  messageId: "PR202612080001",
  createdAt: new Date("2026-12-04T05:00:00Z"),
  initiatingParty: "华信通信集团有限公司",
  paymentInfoId: "PR202612080001",
  valueDate: "2026-12-08",
  currency: "CNY",
  debtor: { ...cn, holderName: "华信通信集团有限公司" },
  payments: [
    { endToEndId: "PR202612080001P000001", minor: 123_450n, creditor: cn, remittance: "报销 EC-2026-000123" },
    { endToEndId: "PR202612080001P000002", minor: 5n, creditor: { ...cn, holderName: "=李四" }, remittance: "差旅, 深圳" },
  ],
};

describe("the domestic batch CSV", () => {
  it("has one row per payment with account, bank code and yuan amounts, guarded against formulas and commas", () => {
    expect(cnBatchCsvRows(run)).toEqual([
      ["1", "6222021001122334455", "张三", "中国工商银行北京分行", "102100099996", "1234.50", "报销 EC-2026-000123", "PR202612080001P000001"],
      ["2", "6222021001122334455", "=李四", "中国工商银行北京分行", "102100099996", "0.05", "差旅, 深圳", "PR202612080001P000002"],
    ]);
    const text = iconv.decode(Buffer.from(buildCnBatchCsv(run)), "gbk");
    expect(text.split("\r\n")[0]).toBe("序号,收款人账号,收款人户名,收款银行,收款行联行号,金额,用途,业务参考号");
    expect(text).toContain(`'=李四`);
    expect(text).toContain(`"差旅, 深圳"`);
  });
  it("writes GBK by default (what e-banking reads), UTF-8 with a BOM on request", () => {
    const gbk = buildCnBatchCsv(run);
    expect(Buffer.from(gbk).includes(Buffer.from("张三", "utf8"))).toBe(false);
    expect(Buffer.from(gbk).includes(iconv.encode("张三", "gbk"))).toBe(true);
    expect(Buffer.from(buildCnBatchCsv(run, "utf-8")).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
  it("refuses what a domestic batch cannot pay", () => {
    expect(() => cnBatchCsvRows({ ...run, currency: "HKD" })).toThrow(RangeError);
    expect(() => cnBatchCsvRows({ ...run, payments: [{ ...run.payments[0]!, creditor: { kind: "iban", holderName: "A", iban: "GB82WEST12345698765432", bic: "NWBKGB2L" } }] })).toThrow(RangeError);
  });
  it("is one of the adapters, beside pain.001", () => {
    expect(PAYMENT_FILE_ADAPTERS["cn-batch-csv"].build(run)).toMatchObject({ fileName: "PR202612080001.csv", schema: null });
    expect(PAYMENT_FILE_ADAPTERS.pain001.build(run)).toMatchObject({ fileName: "PR202612080001.xml", schema: "pain.001.001.10" });
  });
});
