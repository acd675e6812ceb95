/**
 * Head-office accounts payments leave from (issue 10), per company and currency, one default per pair;
 * and each company's treasury settings (how bank-account changes are confirmed, how long a new account
 * is flagged, the weekdays runs are prepared on). Treasury and admins manage the payer accounts of their
 * companies (user_company); only admins change the settings. Every change is audited.
 */
import type { Actor } from "~/domain/actor";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { bankAccountFingerprint, maskedAccount, type AccountDetails } from "~/domain/bank-account";
import { isBankChangePolicy, type BankChangePolicy, type PayerAccountInput, type TreasurySettingsInput } from "~/domain/bank-change";
import type { PayerAccount } from "~/generated/prisma/client";
import type { Db, Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { accountDetailsOf } from "./bank-accounts.server";

async function companiesOf(db: Db | Tx, userId: string): Promise<string[]> {
  return (await db.userCompany.findMany({ where: { userId }, select: { companyId: true } })).map((c) => c.companyId);
}

/** Treasury or admin, and the company is one of theirs; otherwise the company does not exist for them. */
async function requireCompanyManager(db: Db | Tx, actor: Actor, companyId: string): Promise<void> {
  if (!hasRole(actor, "TREASURY", "ADMIN")) throw new AppError("forbidden");
  if (!(await companiesOf(db, actor.id)).includes(companyId)) throw new AppError("not_found");
}

/** The default active account a run of `companyId` in `currency` pays from, or null. */
export async function defaultPayerAccountFor(db: Db | Tx, companyId: string, currency: string): Promise<PayerAccount | null> {
  return db.payerAccount.findFirst({ where: { companyId, currency: currency.toUpperCase(), isDefault: true, active: true } });
}

export type PayerAccountView = {
  id: string;
  name: string;
  currency: string;
  details: AccountDetails;
  masked: string;
  connector: string;
  fileFormat: string;
  isDefault: boolean;
  active: boolean;
  createdAt: string;
};

export type CompanyTreasuryView = {
  id: string;
  code: string;
  name: string;
  nameZh: string;
  currency: string;
  settings: { bankChangePolicy: BankChangePolicy; bankChangeCoolingHours: number; bankChangeFlagDays: number; paymentWeekdays: number[] };
  accounts: PayerAccountView[];
};

/** The viewer's companies (user_company), each with its payer accounts (active first) and settings. */
export async function listPayerAccounts(db: Db | Tx, viewer: Actor): Promise<CompanyTreasuryView[]> {
  const ids = await companiesOf(db, viewer.id);
  if (ids.length === 0) return [];
  const [companies, accounts] = await Promise.all([
    db.company.findMany({ where: { id: { in: ids } }, orderBy: { code: "asc" } }),
    db.payerAccount.findMany({ where: { companyId: { in: ids } }, orderBy: [{ active: "desc" }, { currency: "asc" }, { isDefault: "desc" }, { createdAt: "asc" }] }),
  ]);
  return companies.map((c) => ({
    id: c.id,
    code: c.code,
    name: c.name,
    nameZh: c.nameZh,
    currency: c.currency,
    settings: {
      bankChangePolicy: isBankChangePolicy(c.bankChangePolicy) ? c.bankChangePolicy : "SECOND_PERSON",
      bankChangeCoolingHours: c.bankChangeCoolingHours,
      bankChangeFlagDays: c.bankChangeFlagDays,
      paymentWeekdays: c.paymentWeekdays,
    },
    accounts: accounts
      .filter((a) => a.companyId === c.id)
      .map((a) => {
        const details = accountDetailsOf(a);
        return {
          id: a.id,
          name: a.name,
          currency: a.currency,
          details,
          masked: maskedAccount(details),
          connector: a.connector,
          fileFormat: a.fileFormat,
          isDefault: a.isDefault && a.active,
          active: a.active,
          createdAt: a.createdAt.toISOString(),
        };
      }),
  }));
}

/** Serializes default changes of one company (the unique index allows one default per currency). */
async function lockCompany(tx: Tx, companyId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM company WHERE id = ${companyId} FOR UPDATE`;
}

function auditFacts(row: PayerAccount) {
  const details = accountDetailsOf(row);
  return { payerAccountId: row.id, companyId: row.companyId, currency: row.currency, name: row.name, masked: maskedAccount(details), fingerprint: bankAccountFingerprint(details) };
}

/** Adds an account; it becomes the default when its company has none in that currency (or when asked). */
export async function addPayerAccount(
  db: Db,
  { actor, companyId, input, makeDefault = false }: { actor: Actor; companyId: string; input: PayerAccountInput; makeDefault?: boolean },
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    await requireCompanyManager(tx, actor, companyId);
    await lockCompany(tx, companyId);
    const existingDefault = await defaultPayerAccountFor(tx, companyId, input.currency);
    const isDefault = makeDefault || existingDefault === null;
    if (isDefault && existingDefault) await tx.payerAccount.update({ where: { id: existingDefault.id }, data: { isDefault: false } });
    const account =
      input.kind === "cn"
        ? { kind: "cn", holderName: input.holderName, accountNumber: input.accountNumber, bankName: input.bankName, cnapsCode: input.cnapsCode }
        : { kind: "iban", holderName: input.holderName, iban: input.iban, bic: input.bic };
    const row = await tx.payerAccount.create({
      data: { id: newId(), companyId, currency: input.currency, name: input.name, ...account, connector: input.connector, fileFormat: input.fileFormat, isDefault, active: true },
    });
    await recordAudit(tx, { actorId: actor.id, type: "payer_account.added", data: { ...auditFacts(row), connector: row.connector, fileFormat: row.fileFormat, isDefault } });
    return { id: row.id };
  });
}

async function lockedPayerAccount(tx: Tx, actor: Actor, payerAccountId: string): Promise<PayerAccount> {
  const found = await tx.payerAccount.findUnique({ where: { id: payerAccountId }, select: { companyId: true } });
  if (!found) throw new AppError("not_found");
  await requireCompanyManager(tx, actor, found.companyId);
  await lockCompany(tx, found.companyId);
  return tx.payerAccount.findUniqueOrThrow({ where: { id: payerAccountId } });
}

/** Takes an account out of use (it stays, for the runs that paid from it); it is no longer the default. */
export async function deactivatePayerAccount(db: Db, { actor, payerAccountId }: { actor: Actor; payerAccountId: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await lockedPayerAccount(tx, actor, payerAccountId);
    if (!row.active) return;
    await tx.payerAccount.update({ where: { id: row.id }, data: { active: false, isDefault: false } });
    await recordAudit(tx, { actorId: actor.id, type: "payer_account.deactivated", data: { ...auditFacts(row), wasDefault: row.isDefault } });
  });
}

/** Makes an active account the default of its company and currency (the previous one stops being it). */
export async function makeDefaultPayerAccount(db: Db, { actor, payerAccountId }: { actor: Actor; payerAccountId: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await lockedPayerAccount(tx, actor, payerAccountId);
    if (!row.active) throw new AppError("inactive_account", { status: 409 });
    if (row.isDefault) return;
    const previous = await defaultPayerAccountFor(tx, row.companyId, row.currency);
    if (previous) await tx.payerAccount.update({ where: { id: previous.id }, data: { isDefault: false } });
    await tx.payerAccount.update({ where: { id: row.id }, data: { isDefault: true } });
    await recordAudit(tx, { actorId: actor.id, type: "payer_account.made_default", data: { ...auditFacts(row), previous: previous?.id ?? null } });
  });
}

/** ADMIN, for one of their companies: the bank-change policy, cooling-off, flag days and payment weekdays. */
export async function saveTreasurySettings(db: Db, { actor, values }: { actor: Actor; values: TreasurySettingsInput }): Promise<void> {
  await db.$transaction(async (tx) => {
    if (!hasRole(actor, "ADMIN")) throw new AppError("forbidden");
    if (!(await companiesOf(tx, actor.id)).includes(values.companyId)) throw new AppError("not_found");
    const before = await tx.company.findUniqueOrThrow({
      where: { id: values.companyId },
      select: { bankChangePolicy: true, bankChangeCoolingHours: true, bankChangeFlagDays: true, paymentWeekdays: true },
    });
    const after = {
      bankChangePolicy: values.bankChangePolicy,
      bankChangeCoolingHours: values.bankChangeCoolingHours,
      bankChangeFlagDays: values.bankChangeFlagDays,
      paymentWeekdays: values.paymentWeekdays,
    };
    await tx.company.update({ where: { id: values.companyId }, data: after });
    await recordAudit(tx, { actorId: actor.id, type: "company.treasury_settings", data: { companyId: values.companyId, before, after } });
  });
}
