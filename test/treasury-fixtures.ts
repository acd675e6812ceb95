/**
 * Rows the treasury tests share: a company with treasury users, a default payer account, employees with a
 * confirmed bank account, and approved claims of a known amount with the tasks of whoever approved them.
 */
import { randomUUID } from "node:crypto";
import { bankAccountFingerprint, type AccountDetails } from "~/domain/bank-account";
import type { User } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser } from "./helpers";

let accountSeq = 0;

/** A valid mainland account for tests (numbers differ per call). */
export function cnAccount(holderName: string): AccountDetails {
  accountSeq += 1;
  return { kind: "cn", holderName, accountNumber: `62220212${String(Date.now() % 1e6).padStart(6, "0")}${String(accountSeq).padStart(4, "0")}`, bankName: "中国工商银行北京分行", cnapsCode: "102100099996" };
}

export async function addActiveAccount(user: Pick<User, "id" | "name">, details: AccountDetails = cnAccount(user.name), activeFrom = new Date(Date.now() - 90 * 86_400_000)) {
  const columns = details.kind === "cn" ? { accountNumber: details.accountNumber, bankName: details.bankName, cnapsCode: details.cnapsCode } : { iban: details.iban, bic: details.bic };
  return prisma.bankAccount.create({
    data: { id: randomUUID(), userId: user.id, kind: details.kind, holderName: details.holderName, ...columns, fingerprint: bankAccountFingerprint(details), status: "ACTIVE", requestedBy: user.id, requestedAt: activeFrom, activeFrom },
  });
}

export async function treasuryOrg(opts: { connector?: "file" | "host-to-host"; fileFormat?: "pain001" | "cn-batch-csv" } = {}) {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: department.id };
  const treasurer = await createUser(org, { roles: ["EMPLOYEE", "TREASURY"], name: "出纳 王" });
  const approver = await createUser(org, { roles: ["EMPLOYEE", "TREASURY"], name: "资金主管 李" });
  const manager = await createUser(org, { roles: ["EMPLOYEE", "MANAGER"] });
  const accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  for (const u of [treasurer, approver]) await prisma.userCompany.create({ data: { userId: u.id, companyId: company.id } });
  const payer = await prisma.payerAccount.create({
    data: {
      id: randomUUID(),
      companyId: company.id,
      currency: "CNY",
      name: "总部基本户",
      kind: "cn",
      holderName: company.name,
      accountNumber: `11001${String(Date.now()).slice(-10)}`,
      bankName: "中国建设银行北京分行",
      cnapsCode: "105100000017",
      connector: opts.connector ?? "file",
      fileFormat: opts.fileFormat ?? "pain001",
    },
  });
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  return { company, org, treasurer, approver, manager, accountant, payer };
}

/** An approved claim of `minor` CNY by a new employee (with an active account), approved by the org's manager and accountant. */
export async function approvedClaim(o: Awaited<ReturnType<typeof treasuryOrg>>, minor: bigint, employee?: User) {
  const claimant = employee ?? (await createUser(o.org, { managerId: o.manager.id, name: `员工 ${randomUUID().slice(0, 4)}` }));
  if (!employee) await addActiveAccount(claimant);
  const claim = await createClaim(claimant, { status: "APPROVED", version: 4, submittedAt: new Date() });
  await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-20T00:00:00Z"), categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: minor, currency: "CNY" } });
  const now = new Date();
  await prisma.task.createMany({
    data: [
      { id: randomUUID(), claimId: claim.id, type: "MANAGER_APPROVAL", status: "DONE", assigneeId: o.manager.id, outcome: "approved", claimVersion: 2, startedAt: now, finishedAt: now },
      { id: randomUUID(), claimId: claim.id, type: "REVIEW", status: "DONE", assigneeId: o.accountant.id, outcome: "approved", claimVersion: 3, startedAt: now, finishedAt: now },
    ],
  });
  return { claim, claimant };
}
