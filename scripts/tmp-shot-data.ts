import { randomUUID } from "node:crypto";
import { bankAccountFingerprint } from "~/domain/bank-account";
import { hashPassword } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { approveRun, prepareRuns, releaseRun } from "~/models/payment-runs.server";

const company = await prisma.company.findFirstOrThrow({ where: { currency: "CNY" }, orderBy: { code: "asc" } });
const dept = await prisma.department.findFirstOrThrow({ where: { companyId: company.id } });
const hash = await hashPassword("demo1234");
const mk = async (email: string, name: string) => {
  const u = await prisma.user.upsert({ where: { email }, update: { roles: ["EMPLOYEE", "TREASURY"] }, create: { id: randomUUID(), email, name, passwordHash: hash, roles: ["EMPLOYEE", "TREASURY"], companyId: company.id, departmentId: dept.id } });
  await prisma.userCompany.upsert({ where: { userId_companyId: { userId: u.id, companyId: company.id } }, update: {}, create: { userId: u.id, companyId: company.id } });
  return u;
};
const t1 = await mk("treasury@demo.af", "钱晓燕");
const t2 = await mk("treasury2@demo.af", "孙建国");
await prisma.payerAccount.create({ data: { id: randomUUID(), companyId: company.id, currency: "CNY", name: "总部基本户 · 建行", kind: "cn", holderName: company.nameZh, accountNumber: "11001016200053000888", bankName: "中国建设银行北京分行", cnapsCode: "105100000017" } });
await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
const employees = await prisma.user.findMany({ where: { companyId: company.id, NOT: { roles: { has: "TREASURY" } } }, take: 6 });
let i = 0;
for (const e of employees) {
  i++;
  const d = { kind: "cn" as const, holderName: e.name, accountNumber: `622202020000${String(1000 + i)}`, bankName: i % 2 ? "中国工商银行北京海淀支行" : "招商银行上海分行", cnapsCode: i % 2 ? "102100099996" : "308290003020" };
  const recent = i === 2;
  const at = recent ? new Date(Date.now() - 3 * 86400000) : new Date(Date.now() - 200 * 86400000);
  await prisma.bankAccount.create({ data: { id: randomUUID(), userId: e.id, kind: "cn", holderName: d.holderName, accountNumber: d.accountNumber, bankName: d.bankName, cnapsCode: d.cnapsCode, fingerprint: bankAccountFingerprint(d), status: "ACTIVE", requestedBy: e.id, activeFrom: at, requestedAt: at } });
  for (let k = 0; k < 2; k++) {
    const id = randomUUID();
    await prisma.claim.create({ data: { id, number: `EC-2026-${String(9000 + i * 10 + k)}`, claimantId: e.id, companyId: company.id, departmentId: e.departmentId, purpose: k ? "赴深圳拜访客户" : "参加北京行业峰会", status: "APPROVED", version: 4, submittedAt: new Date() } });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: id, position: 1, spentOn: new Date("2026-11-20T00:00:00Z"), categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: BigInt(12345 + i * 1000 + k * 777), currency: "CNY" } });
  }
}
const first = await prepareRuns(t1, { valueDate: "2026-12-08" });
console.log("prepared", first);
