import { describe, expect, it } from "vitest";
import { BankAccountSchema, bankAccountFingerprint, compactAccountText, ibanMod97, ibanProblem, isBic, isChinaAccountNumber, isCnapsCode, maskedAccount } from "./bank-account";

/** Codes per field, as the form would show them. */
function problems(input: Record<string, string>): Record<string, string> {
  const parsed = BankAccountSchema.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe("IBAN", () => {
  it("accepts the registry's example IBANs", () => {
    for (const iban of ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957", "NO9386011117947"]) {
      expect(ibanProblem(iban), iban).toBeNull();
    }
  });
  it("refuses a wrong check digit, a swapped pair of digits and a wrong length", () => {
    expect(ibanProblem("GB82WEST12345698765433")).toBe("iban_checksum");
    expect(ibanProblem("DE89370400440532010300")).toBe("iban_checksum");
    expect(ibanProblem("DE8937040044053201300")).toBe("iban_length");
    expect(ibanProblem("1234")).toBe("iban_format");
  });
  it("computes mod 97 over the rearranged digits", () => {
    expect(ibanMod97("GB82WEST12345698765432")).toBe(1);
  });
});

describe("BIC, CNAPS and account numbers", () => {
  it("checks their shapes", () => {
    expect(isBic("DEUTDEFF")).toBe(true);
    expect(isBic("DEUTDEFF500")).toBe(true);
    expect(isBic("DEUTDEF")).toBe(false);
    expect(isBic("1EUTDEFF")).toBe(false);
    expect(isCnapsCode("102100099996")).toBe(true);
    expect(isCnapsCode("10210009999")).toBe(false);
    expect(isCnapsCode("10210009999X")).toBe(false);
    expect(isChinaAccountNumber("6222021001122334455")).toBe(true);
    expect(isChinaAccountNumber("6222 0210")).toBe(false);
  });
  it("ignores the spaces and hyphens people type", () => {
    expect(compactAccountText(" gb82 west-1234 5698 7654 32 ")).toBe("GB82WEST12345698765432");
  });
});

describe("the bank account form", () => {
  it("takes a mainland account, compacted", () => {
    const parsed = BankAccountSchema.parse({ kind: "cn", holderName: "张三", accountNumber: "6222 0210 0112 2334 455", bankName: "中国工商银行北京分行", cnapsCode: "1021 0009 9996" });
    expect(parsed).toEqual({ kind: "cn", holderName: "张三", accountNumber: "6222021001122334455", bankName: "中国工商银行北京分行", cnapsCode: "102100099996" });
  });
  it("names each field at fault with its own code", () => {
    expect(problems({ kind: "cn", holderName: "张三", accountNumber: "12ab", bankName: "工行", cnapsCode: "123" })).toEqual({ accountNumber: "account_number", cnapsCode: "cnaps_code" });
    expect(problems({ kind: "iban", holderName: "A. Person", iban: "GB82 WEST 1234 5698 7654 33", bic: "WEST" })).toEqual({ iban: "iban_checksum", bic: "bic" });
  });
});

describe("bankAccountFingerprint", () => {
  const cn = { kind: "cn", holderName: "张三", accountNumber: "6222 0212 3456 7890", bankName: "中国工商银行北京分行", cnapsCode: "102100099996" } as const;
  it("ignores how the number was typed, changes with any detail that routes the money", () => {
    const same = bankAccountFingerprint({ ...cn, accountNumber: "6222021234567890" });
    expect(same).toBe(bankAccountFingerprint(cn));
    expect(bankAccountFingerprint({ ...cn, accountNumber: "6222021234567891" })).not.toBe(same);
    expect(bankAccountFingerprint({ ...cn, cnapsCode: "102100099997" })).not.toBe(same);
    expect(bankAccountFingerprint({ ...cn, holderName: "李四" })).not.toBe(same);
    expect(same).toMatch(/^[0-9a-f]{64}$/);
  });
  it("masks all but the last four characters", () => {
    expect(maskedAccount(cn)).toBe("中国工商银行北京分行 ····7890");
    expect(maskedAccount({ kind: "iban", holderName: "A", iban: "DE89 3704 0044 0532 0130 00", bic: "COBADEFFXXX" })).toBe("DE ····3000 (COBADEFFXXX)");
  });
});
