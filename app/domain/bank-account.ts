/**
 * Employees' bank accounts, checked on entry (issue 10): a mainland-China account (number, holder,
 * bank and its 12-digit CNAPS code) or an account abroad (IBAN, mod-97 checked, and BIC). The form
 * schema gives each failure its own code, so the screen can say exactly what is wrong.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

/** IBAN lengths (ISO 13616 registry) for the countries a group like ours pays into; others get 15–34. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AT: 20, BE: 16, BG: 22, BH: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20,
  ES: 24, FI: 18, FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27,
  KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28,
  PT: 25, QA: 29, RO: 24, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TR: 26,
};

/** Spaces and hyphens people type between groups of characters carry no meaning. */
export function compactAccountText(value: string): string {
  return value.replace(/[\s-]+/g, "").toUpperCase();
}

export type IbanProblem = "iban_format" | "iban_length" | "iban_checksum";

/** Checks an IBAN (already compacted): country, length, and the ISO 7064 mod-97-10 check digits. */
export function ibanProblem(iban: string): IbanProblem | null {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return "iban_format";
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined ? iban.length !== expected : iban.length < 15 || iban.length > 34) return "iban_length";
  return ibanMod97(iban) === 1 ? null : "iban_checksum";
}

/** The remainder mod 97 of the IBAN with its first four characters moved to the end and letters as 10–35. */
export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** A BIC (ISO 9362): bank (4 letters), country (2 letters), location (2), optional branch (3). */
export function isBic(bic: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic);
}

/** A CNAPS bank code (中国现代化支付系统行号): exactly 12 digits. */
export function isCnapsCode(code: string): boolean {
  return /^\d{12}$/.test(code);
}

/** A mainland-China account number: digits only, 6 to 32 of them (cards are 16–19, company accounts vary). */
export function isChinaAccountNumber(number: string): boolean {
  return /^\d{6,32}$/.test(number);
}

const compacted = z.string().trim().transform(compactAccountText);
const holder = z.string().trim().min(1).max(100);

export const BankAccountSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("cn"),
    holderName: holder,
    accountNumber: compacted.refine(isChinaAccountNumber, "account_number"),
    bankName: z.string().trim().min(1).max(100),
    cnapsCode: compacted.refine(isCnapsCode, "cnaps_code"),
  }),
  z.object({
    kind: z.literal("iban"),
    holderName: holder,
    iban: compacted.superRefine((iban, ctx) => {
      const problem = ibanProblem(iban);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    bic: compacted.refine(isBic, "bic"),
  }),
]);
export type BankAccountInput = z.infer<typeof BankAccountSchema>;

/** The details a payment is made to, in the shape the payment files take (pain001.ts PaymentAccount). */
export type AccountDetails =
  | { kind: "cn"; holderName: string; accountNumber: string; bankName: string; cnapsCode: string }
  | { kind: "iban"; holderName: string; iban: string; bic: string };

/**
 * SHA-256 of an account's canonical details (kind, holder, number, bank code): a payment frozen on one
 * fingerprint is blocked when the account it would go to no longer has it.
 */
export function bankAccountFingerprint(account: AccountDetails): string {
  const parts =
    account.kind === "cn"
      ? ["cn", account.holderName.trim(), compactAccountText(account.accountNumber), account.cnapsCode.trim(), account.bankName.trim()]
      : ["iban", account.holderName.trim(), compactAccountText(account.iban), compactAccountText(account.bic)];
  return createHash("sha256").update(parts.join("\u001f"), "utf8").digest("hex");
}

/** An account as people see it on a screen: the bank and the last four characters only. */
export function maskedAccount(account: AccountDetails): string {
  const number = account.kind === "cn" ? compactAccountText(account.accountNumber) : compactAccountText(account.iban);
  const tail = number.slice(-4);
  return account.kind === "cn" ? `${account.bankName} ····${tail}` : `${number.slice(0, 2)} ····${tail} (${account.bic})`;
}
