import { describe, expect, it } from "vitest";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { buildPain001, type Pain001Run } from "./pain001";

const run: Pain001Run = {
  messageId: "PR202612080001",
  createdAt: new Date("2026-12-04T05:00:00.123Z"),
  initiatingParty: "华信通信集团有限公司",
  paymentInfoId: "PR202612080001",
  valueDate: "2026-12-08",
  currency: "CNY",
  debtor: { kind: "cn", holderName: "华信通信集团有限公司", accountNumber: "110060149018170014822", bankName: "交通银行北京分行", cnapsCode: "301100000015" },
  payments: [
    { endToEndId: "PR202612080001P000001", minor: 123_450n, creditor: { kind: "cn", holderName: "张三", accountNumber: "6222021001122334455", bankName: "中国工商银行北京分行", cnapsCode: "102100099996" }, remittance: "报销 EC-2026-000123" },
    { endToEndId: "PR202612080001P000002", minor: 5n, creditor: { kind: "iban", holderName: "A. Person", iban: "GB82WEST12345698765432", bic: "NWBKGB2L" }, remittance: "Expense claim EC-2026-000124" },
  ],
};

describe("pain.001.001.10", () => {
  it("builds a run that passes the official schema, amounts in decimals and a control sum", async () => {
    const xml = buildPain001(run);
    expect(await validateAgainstSchema(xml, "pain.001.001.10")).toEqual({ valid: true });
    expect(xml).toContain("<CtrlSum>1234.55</CtrlSum>");
    expect(xml).toContain('<InstdAmt Ccy="CNY">0.05</InstdAmt>');
    expect(xml).toContain("<MmbId>102100099996</MmbId>");
    expect(xml).toContain("<IBAN>GB82WEST12345698765432</IBAN>");
    expect(xml).toContain("<CreDtTm>2026-12-04T05:00:00Z</CreDtTm>");
    expect(xml.match(/<EndToEndId>/g)).toHaveLength(2);
  });
  it("is refused by the schema when a field breaks its rules", async () => {
    const bad = buildPain001({ ...run, payments: [{ ...run.payments[0]!, endToEndId: "X".repeat(36) }] });
    const check = await validateAgainstSchema(bad, "pain.001.001.10");
    expect(check.valid).toBe(false);
    expect(!check.valid && check.errors.join("\n")).toMatch(/EndToEndId/);
  });
  it("refuses an empty run", () => {
    expect(() => buildPain001({ ...run, payments: [] })).toThrow(RangeError);
  });
});
