/**
 * The treasury's demo data (issue 10): two treasury users for the whole group, an ACTIVE bank account
 * for every demo user (mainland accounts with 12-digit CNAPS codes in the CNY companies, valid IBANs and
 * BICs elsewhere), a default payer account per company and currency (HQ's over the bank link, the rest
 * by file), and one employee whose change of account is held for finance. Deterministic: ids and
 * numbers come from stableId and hashes of the user's id, never from the clock or Math.random.
 */
import { createHash } from "node:crypto";
import { bankAccountFingerprint, ibanMod97, maskedAccount, type AccountDetails } from "~/domain/bank-account";
import type { Db } from "~/utils/db.server";
import { stableId } from "./plan";

export const TREASURY_ACCOUNTS = [
  { email: "treasury@demo.af", name: "孙丽华", key: "treasury" },
  { email: "treasury2@demo.af", name: "吴志强", key: "treasury2" },
] as const;

/** Mainland banks: name, card prefix and CNAPS bank-code prefix (bank 3 digits + area 4 digits). */
const CN_BANKS: Record<string, { bankName: string; prefix: string; cnaps: string }[]> = {
  "co-hq": [
    { bankName: "中国工商银行上海分行营业部", prefix: "6222", cnaps: "1022900" },
    { bankName: "招商银行上海分行", prefix: "6225", cnaps: "3082900" },
    { bankName: "中国建设银行上海浦东分行", prefix: "6217", cnaps: "1052900" },
  ],
  "co-sz": [
    { bankName: "中国银行深圳分行", prefix: "6216", cnaps: "1045840" },
    { bankName: "招商银行深圳分行", prefix: "6225", cnaps: "3085840" },
  ],
};

function digitsFrom(seed: string, count: number): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  let out = "";
  for (let i = 0; out.length < count; i += 2) out += String(parseInt(hex.slice(i % 64, (i % 64) + 2), 16) % 10);
  return out;
}

/** A valid IBAN for a country and its BBAN: the check digits are computed (ISO 7064 mod 97-10). */
export function ibanFor(country: string, bban: string): string {
  const check = 98 - ibanMod97(`${country}00${bban}`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

/** The account a demo user is paid to; `variant` gives a different one (for a held change). */
export function demoAccountFor(user: { id: string; name: string; companyId: string }, variant = 0): AccountDetails {
  const seed = `${user.id}:${variant}`;
  const banks = CN_BANKS[user.companyId];
  if (banks) {
    const bank = banks[Number(digitsFrom(seed, 2)) % banks.length]!;
    return {
      kind: "cn",
      holderName: user.name,
      accountNumber: bank.prefix + digitsFrom(`${seed}:n`, 15),
      bankName: bank.bankName,
      cnapsCode: bank.cnaps + digitsFrom(`${seed}:b`, 5),
    };
  }
  // Abroad (the Hong Kong company's staff are paid to UK accounts at HSBC in this demo).
  return { kind: "iban", holderName: user.name, iban: ibanFor("GB", `HBUK40${digitsFrom(`${seed}:s`, 4)}${digitsFrom(`${seed}:n`, 8)}`), bic: "HBUKGB4BXXX" };
}

function columns(details: AccountDetails) {
  return details.kind === "cn"
    ? { kind: "cn", holderName: details.holderName, accountNumber: details.accountNumber, bankName: details.bankName, cnapsCode: details.cnapsCode }
    : { kind: "iban", holderName: details.holderName, iban: details.iban, bic: details.bic };
}

const PAYER_ACCOUNTS = [
  {
    companyId: "co-hq",
    currency: "CNY",
    name: "工行总部付款户 ICBC HQ",
    connector: "host-to-host",
    fileFormat: "pain001",
    details: { kind: "cn", holderName: "华信通信集团有限公司", accountNumber: "1001202919000123456", bankName: "中国工商银行上海分行营业部", cnapsCode: "102290020294" },
  },
  {
    companyId: "co-sz",
    currency: "CNY",
    name: "招行深圳代发户 CMB Shenzhen",
    connector: "file",
    fileFormat: "cn-batch-csv",
    details: { kind: "cn", holderName: "华信通信深圳有限公司", accountNumber: "755912345610801", bankName: "招商银行深圳分行", cnapsCode: "308584000013" },
  },
  {
    companyId: "co-hk",
    currency: "HKD",
    name: "HSBC HKD operating account",
    connector: "file",
    fileFormat: "pain001",
    details: { kind: "iban", holderName: "Huaxin International (Hong Kong) Ltd.", iban: ibanFor("GB", "HBUK40127612345678"), bic: "HBUKGB4BXXX" },
  },
] as const satisfies readonly { details: AccountDetails; [k: string]: unknown }[];

/** The employee whose new account waits for finance in the demo. */
export const HELD_CHANGE_EMAIL = "employee2@demo.af";

export async function seedTreasuryAccounts(db: Db, { now, passwordHash }: { now: Date; passwordHash: string }): Promise<void> {
  const sscHead = stableId("user", "ssc-head");
  await db.user.createMany({
    data: TREASURY_ACCOUNTS.map((t) => ({
      id: stableId("user", t.key),
      email: t.email,
      name: t.name,
      roles: ["EMPLOYEE", "TREASURY"],
      companyId: "co-hq",
      departmentId: "dep-hq-ssc",
      managerId: sscHead,
      locale: "zh-CN",
      passwordHash,
    })),
  });
  const companies = await db.company.findMany({ select: { id: true, currency: true }, orderBy: { id: "asc" } });
  await db.userCompany.createMany({ data: TREASURY_ACCOUNTS.flatMap((t) => companies.map((c) => ({ userId: stableId("user", t.key), companyId: c.id }))) });

  // Every demo user has an account that has been in use for a while (well past the flag days).
  const users = await db.user.findMany({ select: { id: true, name: true, email: true, companyId: true }, orderBy: { email: "asc" } });
  const since = new Date(now.getTime() - 180 * 86_400_000);
  await db.bankAccount.createMany({
    data: users.map((u) => {
      const details = demoAccountFor(u);
      return {
        id: stableId("bank-account", u.id, 0),
        userId: u.id,
        ...columns(details),
        fingerprint: bankAccountFingerprint(details),
        status: "ACTIVE",
        requestedBy: u.id,
        requestedAt: since,
        decidedBy: stableId("user", "treasury"),
        decidedAt: since,
        activeFrom: since,
      };
    }),
  });

  // One held change: the employee asked for a new account yesterday; it waits for a second person in finance.
  const held = users.find((u) => u.email === HELD_CHANGE_EMAIL);
  if (held) {
    const details = demoAccountFor(held, 1);
    const requestedAt = new Date(now.getTime() - 26 * 3_600_000);
    const id = stableId("bank-account", held.id, 1);
    const masked = maskedAccount(details);
    await db.bankAccount.create({
      data: { id, userId: held.id, ...columns(details), fingerprint: bankAccountFingerprint(details), status: "PENDING", requestedBy: held.id, requestedAt },
    });
    await db.notification.create({
      data: { id: stableId("notification", id, "requested"), userId: held.id, kind: "bank_account.change_requested", data: { masked, policy: "SECOND_PERSON" }, createdAt: requestedAt },
    });
    await db.auditEvent.create({
      data: { actorId: held.id, type: "bank_account.change_requested", at: requestedAt, data: { accountId: id, masked, fingerprint: bankAccountFingerprint(details), userId: held.id, policy: "SECOND_PERSON", first: false } },
    });
  }

  // The Hong Kong company lets employees confirm their own changes, with two days' cooling-off.
  await db.company.update({ where: { id: "co-hk" }, data: { bankChangePolicy: "EMPLOYEE_CONFIRM", bankChangeCoolingHours: 48 } });

  await db.payerAccount.createMany({
    data: PAYER_ACCOUNTS.filter((p) => companies.some((c) => c.id === p.companyId)).map((p) => ({
      id: stableId("payer-account", p.companyId, p.currency),
      companyId: p.companyId,
      currency: p.currency,
      name: p.name,
      ...columns(p.details),
      connector: p.connector,
      fileFormat: p.fileFormat,
      isDefault: true,
      active: true,
      createdAt: since,
    })),
  });
  console.log(`[seed] treasury: ${TREASURY_ACCOUNTS.length} treasury users, ${users.length} bank accounts (1 change held), ${PAYER_ACCOUNTS.length} payer accounts`);
}
