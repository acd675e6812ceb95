import { describe, expect, it } from "vitest";
import { BankAccountSchema } from "~/domain/bank-account";
import { demoAccountFor, ibanFor } from "./treasury-accounts";

describe("the demo's bank accounts", () => {
  it("are valid accounts, different per user and per variant, and the same every time", () => {
    for (const companyId of ["co-hq", "co-sz", "co-hk"]) {
      for (let i = 0; i < 50; i++) {
        const user = { id: `u-${companyId}-${i}`, name: "张伟", companyId };
        const account = demoAccountFor(user);
        expect(BankAccountSchema.safeParse(account).success, JSON.stringify(account)).toBe(true);
        expect(BankAccountSchema.safeParse(demoAccountFor(user, 1)).success).toBe(true);
        expect(demoAccountFor(user, 1)).not.toEqual(account);
        expect(demoAccountFor(user)).toEqual(account);
        expect(account.kind).toBe(companyId === "co-hk" ? "iban" : "cn");
      }
    }
  });
  it("computes IBAN check digits", () => {
    expect(ibanFor("DE", "370400440532013000")).toBe("DE89370400440532013000");
    expect(ibanFor("GB", "NWBK60161331926819")).toBe("GB29NWBK60161331926819");
  });
});
