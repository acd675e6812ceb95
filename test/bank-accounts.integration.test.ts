/**
 * Issue 10, bank accounts: a change is held (a new row, PENDING) until a second person in treasury
 * confirms it, or the employee confirms it and a cooling-off passes; the old account stays usable until
 * then and is SUPERSEDED at that moment. The employee is told about every change; everything is audited
 * with the masked account only. Real Postgres.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import { bankAccountFingerprint, type BankAccountInput } from "~/domain/bank-account";
import type { User } from "~/generated/prisma/client";
import {
  activateDueChanges,
  activeAccountsFor,
  cancelBankChange,
  confirmBankChangeAsEmployee,
  decideBankChange,
  listHeldChanges,
  myBankAccounts,
  pendingChangeUserIds,
  requestBankChange,
} from "~/models/bank-accounts.server";
import { listNotifications } from "~/models/notifications.server";
import { addPayerAccount, deactivatePayerAccount, defaultPayerAccountFor, makeDefaultPayerAccount, saveTreasurySettings } from "~/models/payer-accounts.server";
import { hashPassword } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { createCompany, createDepartment, createUser } from "./helpers";

const CN_A: BankAccountInput = { kind: "cn", holderName: "张伟", accountNumber: "6222021001045678123", bankName: "中国工商银行上海分行", cnapsCode: "102290000016" };
const CN_B: BankAccountInput = { kind: "cn", holderName: "张伟", accountNumber: "6217000010012345678", bankName: "中国建设银行北京分行", cnapsCode: "105100000017" };
const IBAN: BankAccountInput = { kind: "iban", holderName: "Wei Zhang", iban: "DE89370400440532013000", bic: "COBADEFFXXX" };

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, reason: error.reason, fieldErrors: error.fieldErrors };
    throw error;
  }
  throw new Error("expected a refusal");
}

async function setup(policy: "SECOND_PERSON" | "EMPLOYEE_CONFIRM", coolingHours = 72) {
  const company = await createCompany({ bankChangePolicy: policy, bankChangeCoolingHours: coolingHours });
  const dept = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: dept.id };
  const employee = await createUser(org, { passwordHash: await hashPassword("s3cret-pass") });
  const treasury1 = await createUser(org, { roles: ["EMPLOYEE", "TREASURY"] });
  const treasury2 = await createUser(org, { roles: ["EMPLOYEE", "TREASURY"] });
  const accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  await prisma.userCompany.createMany({ data: [treasury1, treasury2, accountant].map((u) => ({ userId: u.id, companyId: company.id })) });
  return { company, org, employee, treasury1, treasury2, accountant };
}

const rowsOf = (userId: string) => prisma.bankAccount.findMany({ where: { userId }, orderBy: { requestedAt: "asc" } });
const auditOf = (userId: string) =>
  prisma.auditEvent.findMany({ where: { type: { startsWith: "bank_account." }, data: { path: ["userId"], equals: userId } }, orderBy: { id: "asc" } });
const kindsOf = async (userId: string) => (await listNotifications(prisma, userId)).map((n) => n.kind).reverse();

describe("held bank-account changes, SECOND_PERSON", () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup("SECOND_PERSON");
  });

  it("holds the very first account until another treasury user confirms it", async () => {
    const t0 = new Date("2026-12-01T08:00:00Z");
    const { id } = await requestBankChange(prisma, { actor: s.employee, input: CN_A, now: t0 });
    expect((await rowsOf(s.employee.id)).map((r) => r.status)).toEqual(["PENDING"]);
    expect((await activeAccountsFor(prisma, [s.employee.id])).size).toBe(0);
    expect(await pendingChangeUserIds(prisma, [s.employee.id, s.treasury1.id])).toEqual(new Set([s.employee.id]));
    const page = await myBankAccounts(prisma, s.employee.id, t0);
    expect(page.pending).toMatchObject({ id, wait: { kind: "finance" }, masked: "中国工商银行上海分行 ····8123" });

    // Finance sees the full details of what they are asked to confirm.
    const held = (await listHeldChanges(prisma, s.treasury1)).find((h) => h.id === id)!;
    expect(held).toMatchObject({ next: { accountNumber: "6222021001045678123", cnapsCode: "102290000016" }, current: null, confirmRefusal: null, holderDiffers: true });
    // An accountant of the company is not treasury: the change does not exist for them.
    expect(await refusal(decideBankChange(prisma, { actor: s.accountant, accountId: id, decision: "confirm" }))).toMatchObject({ code: "not_found" });

    await decideBankChange(prisma, { actor: s.treasury1, accountId: id, decision: "confirm", now: new Date("2026-12-01T09:00:00Z") });
    const active = (await activeAccountsFor(prisma, [s.employee.id])).get(s.employee.id)!;
    expect(active).toMatchObject({ id, fingerprint: bankAccountFingerprint(CN_A), details: CN_A, activeFrom: new Date("2026-12-01T09:00:00Z") });
    expect((await rowsOf(s.employee.id))[0]).toMatchObject({ status: "ACTIVE", decidedBy: s.treasury1.id });
  });

  it("keeps the old account usable while a change is held, then supersedes it", async () => {
    const oldId = (await activeAccountsFor(prisma, [s.employee.id])).get(s.employee.id)!.id;
    const first = await requestBankChange(prisma, { actor: s.employee, input: IBAN });
    // A newer request replaces the held one.
    const second = await requestBankChange(prisma, { actor: s.employee, input: CN_B });
    const rows = await rowsOf(s.employee.id);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [oldId, "ACTIVE"],
      [first.id, "CANCELLED"],
      [second.id, "PENDING"],
    ]);
    expect((await activeAccountsFor(prisma, [s.employee.id])).get(s.employee.id)!.id).toBe(oldId);

    await decideBankChange(prisma, { actor: s.treasury2, accountId: second.id, decision: "confirm" });
    const after = await prisma.bankAccount.findMany({ where: { id: { in: [oldId, second.id] } } });
    const old = after.find((r) => r.id === oldId)!;
    expect(old.status).toBe("SUPERSEDED");
    expect(old.endedAt).not.toBeNull();
    // Nothing edited in place: the old row still has its details.
    expect(old.accountNumber).toBe(CN_A.kind === "cn" ? CN_A.accountNumber : "");
    expect(after.find((r) => r.id === second.id)!.status).toBe("ACTIVE");
  });

  it("refuses the same details as the active account", async () => {
    expect(await refusal(requestBankChange(prisma, { actor: s.employee, input: CN_B }))).toMatchObject({ code: "same_account" });
  });

  it("never lets the requester or the owner confirm", async () => {
    // A treasury user's own account: their colleague may confirm it, they may not.
    const own = await requestBankChange(prisma, { actor: s.treasury1, input: CN_A });
    expect(await refusal(decideBankChange(prisma, { actor: s.treasury1, accountId: own.id, decision: "confirm" }))).toMatchObject({ code: "not_allowed", reason: "own_account" });
    expect(await refusal(decideBankChange(prisma, { actor: s.treasury1, accountId: own.id, decision: "reject", note: "x" }))).toMatchObject({ reason: "own_account" });
    const held = (await listHeldChanges(prisma, s.treasury1)).find((h) => h.id === own.id)!;
    expect(held.confirmRefusal).toBe("own_account");

    // A change someone else asked for on the owner's behalf: the requester may not confirm it either.
    const onBehalf = randomUUID();
    await prisma.bankAccount.create({
      data: { id: onBehalf, userId: s.accountant.id, kind: "cn", holderName: "x", accountNumber: "6222000000001111", bankName: "b", cnapsCode: "102290000016", fingerprint: "f".repeat(64), status: "PENDING", requestedBy: s.treasury2.id },
    });
    expect(await refusal(decideBankChange(prisma, { actor: s.treasury2, accountId: onBehalf, decision: "confirm" }))).toMatchObject({ reason: "own_request" });

    await decideBankChange(prisma, { actor: s.treasury2, accountId: own.id, decision: "confirm" });
    expect((await activeAccountsFor(prisma, [s.treasury1.id])).get(s.treasury1.id)!.id).toBe(own.id);
  });

  it("treasury of another company does not see or decide the change", async () => {
    const other = await setup("SECOND_PERSON");
    const { id } = await requestBankChange(prisma, { actor: s.employee, input: IBAN });
    expect((await listHeldChanges(prisma, other.treasury1)).map((h) => h.id)).not.toContain(id);
    expect(await refusal(decideBankChange(prisma, { actor: other.treasury1, accountId: id, decision: "confirm" }))).toMatchObject({ code: "not_found" });
    await cancelBankChange(prisma, { actor: s.employee, accountId: id });
  });

  it("rejects with a note, and tells and audits every step", async () => {
    const { id } = await requestBankChange(prisma, { actor: s.employee, input: IBAN });
    expect(await refusal(decideBankChange(prisma, { actor: s.treasury1, accountId: id, decision: "reject", note: " " }))).toMatchObject({ fieldErrors: { note: "required" } });
    await decideBankChange(prisma, { actor: s.treasury1, accountId: id, decision: "reject", note: "Holder name does not match the employee" });
    expect(await prisma.bankAccount.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "REJECTED", decisionNote: "Holder name does not match the employee" });
    expect(await refusal(decideBankChange(prisma, { actor: s.treasury2, accountId: id, decision: "confirm" }))).toMatchObject({ code: "not_pending" });

    expect(await kindsOf(s.employee.id)).toEqual([
      "bank_account.change_requested",
      "bank_account.change_confirmed",
      "bank_account.change_requested",
      "bank_account.change_requested",
      "bank_account.change_confirmed",
      "bank_account.change_requested",
      "bank_account.change_cancelled",
      "bank_account.change_requested",
      "bank_account.change_rejected",
    ]);
    const events = await auditOf(s.employee.id);
    expect(events.map((e) => e.type)).toEqual([
      "bank_account.change_requested",
      "bank_account.activated",
      "bank_account.change_requested",
      "bank_account.cancelled",
      "bank_account.change_requested",
      "bank_account.activated",
      "bank_account.change_requested",
      "bank_account.cancelled",
      "bank_account.change_requested",
      "bank_account.rejected",
    ]);
    // The masked account and its fingerprint, never the full number.
    const text = JSON.stringify(events.map((e) => e.data)) + JSON.stringify(await listNotifications(prisma, s.employee.id));
    expect(text).toContain("····8123");
    expect(text).toContain(bankAccountFingerprint(CN_A));
    expect(text).not.toContain("6222021001045678123");
    expect(text).not.toContain("DE89370400440532013000");
  });
});

describe("held bank-account changes, EMPLOYEE_CONFIRM", () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup("EMPLOYEE_CONFIRM", 48);
  });

  it("the employee confirms with their password; the account is usable after the cooling-off", async () => {
    const t0 = new Date("2026-12-02T08:00:00Z");
    const { id } = await requestBankChange(prisma, { actor: s.employee, input: CN_A, now: t0 });
    expect((await myBankAccounts(prisma, s.employee.id, t0)).pending!.wait).toEqual({ kind: "employee_confirmation" });
    // Finance may not confirm under this policy.
    expect(await refusal(decideBankChange(prisma, { actor: s.treasury1, accountId: id, decision: "confirm" }))).toMatchObject({ reason: "employee_confirms" });
    expect(await refusal(confirmBankChangeAsEmployee(prisma, { actor: s.employee, password: "wrong", now: t0 }))).toMatchObject({ fieldErrors: { password: "wrong_password" } });

    const confirmed = await confirmBankChangeAsEmployee(prisma, { actor: s.employee, password: "s3cret-pass", now: t0 });
    expect(confirmed).toEqual({ usableAfter: new Date("2026-12-04T08:00:00Z"), active: false });
    expect((await myBankAccounts(prisma, s.employee.id, t0)).pending!.wait).toEqual({ kind: "cooling_off", usableAfter: "2026-12-04T08:00:00.000Z" });

    expect(await activateDueChanges(prisma, new Date("2026-12-04T07:59:59Z"))).toBe(0);
    expect((await activeAccountsFor(prisma, [s.employee.id])).size).toBe(0);
    const due = new Date("2026-12-04T08:00:00Z");
    const [a, b] = await Promise.all([activateDueChanges(prisma, due), activateDueChanges(prisma, due)]);
    expect(a + b).toBe(1);
    expect(await activateDueChanges(prisma, due)).toBe(0);
    expect((await activeAccountsFor(prisma, [s.employee.id])).get(s.employee.id)).toMatchObject({ id, activeFrom: due });
    const events = (await auditOf(s.employee.id)).map((e) => [e.type, e.actorId]);
    expect(events).toEqual([
      ["bank_account.change_requested", s.employee.id],
      ["bank_account.confirm_failed", s.employee.id],
      ["bank_account.employee_confirmed", s.employee.id],
      ["bank_account.activated", null],
    ]);
    expect(await kindsOf(s.employee.id)).toEqual(["bank_account.change_requested", "bank_account.change_confirmed", "bank_account.now_active"]);
  });

  it("allows a few wrong passwords, then refuses even the right one for a while (each failure audited)", async () => {
    const other = await setup("EMPLOYEE_CONFIRM", 48);
    await requestBankChange(prisma, { actor: other.employee, input: CN_B });
    for (let i = 0; i < 5; i++) {
      expect(await refusal(confirmBankChangeAsEmployee(prisma, { actor: other.employee, password: `guess-${i}` }))).toMatchObject({ fieldErrors: { password: "wrong_password" } });
    }
    expect(await refusal(confirmBankChangeAsEmployee(prisma, { actor: other.employee, password: "s3cret-pass" }))).toMatchObject({ code: "too_many", fieldErrors: { password: "too_many_attempts" } });
    expect(await prisma.auditEvent.count({ where: { actorId: other.employee.id, type: "bank_account.confirm_failed" } })).toBe(5);
    // A quarter of an hour later the right password works.
    const later = new Date(Date.now() + 16 * 60_000);
    expect(await confirmBankChangeAsEmployee(prisma, { actor: other.employee, password: "s3cret-pass", now: later })).toMatchObject({ active: false });
    // Withdrawn, so the sweeps of the other tests have nothing of this employee's to activate.
    const held = await prisma.bankAccount.findFirstOrThrow({ where: { userId: other.employee.id, status: "PENDING" } });
    await cancelBankChange(prisma, { actor: other.employee, accountId: held.id });
  });

  it("finance may still reject during the cooling-off; the old account stays", async () => {
    const oldId = (await activeAccountsFor(prisma, [s.employee.id])).get(s.employee.id)!.id;
    const t0 = new Date("2026-12-05T08:00:00Z");
    const { id } = await requestBankChange(prisma, { actor: s.employee, input: IBAN, now: t0 });
    await confirmBankChangeAsEmployee(prisma, { actor: s.employee, password: "s3cret-pass", now: t0 });
    await decideBankChange(prisma, { actor: s.treasury2, accountId: id, decision: "reject", note: "Employee says they did not ask for this" });
    expect(await activateDueChanges(prisma, new Date("2026-12-31T00:00:00Z"))).toBe(0);
    expect((await activeAccountsFor(prisma, [s.employee.id])).get(s.employee.id)!.id).toBe(oldId);
  });

  it("the database allows one ACTIVE and one PENDING row per employee", async () => {
    const base = { userId: s.employee.id, kind: "cn", holderName: "x", accountNumber: "6222000000002222", bankName: "b", cnapsCode: "102290000016", fingerprint: "e".repeat(64), requestedBy: s.employee.id };
    await expect(prisma.bankAccount.create({ data: { ...base, id: randomUUID(), status: "ACTIVE", activeFrom: new Date() } })).rejects.toThrow();
    await prisma.bankAccount.create({ data: { ...base, id: randomUUID(), status: "PENDING" } });
    await expect(prisma.bankAccount.create({ data: { ...base, id: randomUUID(), status: "PENDING" } })).rejects.toThrow();
    // An ACTIVE row must say since when; a CN row must have a 12-digit CNAPS code.
    await expect(prisma.bankAccount.create({ data: { ...base, id: randomUUID(), userId: s.accountant.id, status: "ACTIVE" } })).rejects.toThrow();
    await expect(prisma.bankAccount.create({ data: { ...base, id: randomUUID(), userId: s.accountant.id, status: "REJECTED", cnapsCode: "12345" } })).rejects.toThrow();
  });
});

describe("payer accounts and treasury settings", () => {
  let s: Awaited<ReturnType<typeof setup>>;
  let admin: User;
  beforeAll(async () => {
    s = await setup("SECOND_PERSON");
    admin = await createUser(s.org, { roles: ["EMPLOYEE", "ADMIN"] });
    await prisma.userCompany.create({ data: { userId: admin.id, companyId: s.company.id } });
  });

  const main = { kind: "cn" as const, holderName: "测试公司", accountNumber: "1001234509876543210", bankName: "中国工商银行上海分行", cnapsCode: "102290000016", name: "ICBC main", currency: "CNY", connector: "host-to-host" as const, fileFormat: "pain001" as const };

  it("the first account of a currency is its default; making another the default moves it", async () => {
    const a = await addPayerAccount(prisma, { actor: s.treasury1, companyId: s.company.id, input: main });
    const b = await addPayerAccount(prisma, { actor: admin, companyId: s.company.id, input: { ...main, name: "CCB batch", connector: "file", fileFormat: "cn-batch-csv" } });
    expect((await defaultPayerAccountFor(prisma, s.company.id, "cny"))!.id).toBe(a.id);
    await makeDefaultPayerAccount(prisma, { actor: s.treasury2, payerAccountId: b.id });
    expect((await defaultPayerAccountFor(prisma, s.company.id, "CNY"))!.id).toBe(b.id);
    await deactivatePayerAccount(prisma, { actor: s.treasury2, payerAccountId: b.id });
    expect(await defaultPayerAccountFor(prisma, s.company.id, "CNY")).toBeNull();
    expect(await refusal(makeDefaultPayerAccount(prisma, { actor: s.treasury2, payerAccountId: b.id }))).toMatchObject({ code: "inactive_account" });
    await makeDefaultPayerAccount(prisma, { actor: s.treasury2, payerAccountId: a.id });
    expect((await defaultPayerAccountFor(prisma, s.company.id, "CNY"))!.id).toBe(a.id);
    const types = (await prisma.auditEvent.findMany({ where: { type: { startsWith: "payer_account." }, data: { path: ["companyId"], equals: s.company.id } }, orderBy: { id: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["payer_account.added", "payer_account.added", "payer_account.made_default", "payer_account.deactivated", "payer_account.made_default"]);
  });

  it("refuses other companies and other roles; the database refuses a CSV over the bank link", async () => {
    const other = await setup("SECOND_PERSON");
    expect(await refusal(addPayerAccount(prisma, { actor: other.treasury1, companyId: s.company.id, input: main }))).toMatchObject({ code: "not_found" });
    expect(await refusal(addPayerAccount(prisma, { actor: s.accountant, companyId: s.company.id, input: main }))).toMatchObject({ code: "forbidden" });
    await expect(
      prisma.payerAccount.create({ data: { id: randomUUID(), companyId: s.company.id, currency: "CNY", name: "x", kind: "cn", holderName: "x", accountNumber: "1", bankName: "b", cnapsCode: "102290000016", connector: "host-to-host", fileFormat: "cn-batch-csv", isDefault: false } }),
    ).rejects.toThrow();
  });

  it("only an admin of the company changes its treasury settings", async () => {
    const values = { intent: "settings" as const, companyId: s.company.id, bankChangePolicy: "EMPLOYEE_CONFIRM" as const, bankChangeCoolingHours: 24, bankChangeFlagDays: 14, paymentWeekdays: [1, 3, 5] };
    expect(await refusal(saveTreasurySettings(prisma, { actor: s.treasury1, values }))).toMatchObject({ code: "forbidden" });
    await saveTreasurySettings(prisma, { actor: admin, values });
    expect(await prisma.company.findUniqueOrThrow({ where: { id: s.company.id } })).toMatchObject({ bankChangePolicy: "EMPLOYEE_CONFIRM", bankChangeCoolingHours: 24, bankChangeFlagDays: 14, paymentWeekdays: [1, 3, 5] });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { type: "company.treasury_settings", actorId: admin.id } });
    expect(event.data).toMatchObject({ before: { bankChangePolicy: "SECOND_PERSON" }, after: { bankChangeCoolingHours: 24 } });
  });
});
