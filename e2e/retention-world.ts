/**
 * The retention browser test's world, made in the e2e database (run with tsx by e2e/retention.spec.ts,
 * DATABASE_URL and STORAGE_DIR pointing at the e2e server's; prints JSON): a company of its own with an
 * archivist, a supervisor and an admin assigned to it, three archive records whose retention is over (closed in
 * 1994, 30 years) with their packages on disk, and one under legal hold.
 */
import { randomUUID } from "node:crypto";
import { prisma } from "~/utils/db.server";
import { createArchiveRecord } from "../fixtures/archive-records";

async function main() {
  const tag = randomUUID().slice(0, 6).toUpperCase();
  const companyId = randomUUID();
  const departmentId = randomUUID();
  await prisma.company.create({ data: { id: companyId, code: `R${tag}`, name: `Retention Co ${tag}`, nameZh: `档案测试公司 ${tag}`, currency: "CNY" } });
  await prisma.department.create({ data: { id: departmentId, companyId, code: "ADM", name: "Administration", nameZh: "行政部" } });
  const hash = (await prisma.user.findUniqueOrThrow({ where: { email: "manager@demo.af" }, select: { passwordHash: true } })).passwordHash;
  const person = async (name: string, roles: ("EMPLOYEE" | "ARCHIVIST" | "SUPERVISOR" | "ADMIN")[]) => {
    const id = randomUUID();
    const email = `retention-${id.slice(0, 8)}@test.example`;
    await prisma.user.create({ data: { id, email, name, passwordHash: hash, roles, companyId, departmentId, locale: "en" } });
    await prisma.userCompany.create({ data: { userId: id, companyId } });
    return { id, email, name };
  };
  const archivist = await person("Ann Archivist 何档案", ["EMPLOYEE", "ARCHIVIST"]);
  const supervisor = await person("Sam Supervisor 周主管", ["EMPLOYEE", "SUPERVISOR"]);
  const admin = await person("Ada Admin 管理员", ["EMPLOYEE", "ADMIN"]);
  const records = [];
  for (const [i, closedOn] of ["1994-03-18", "1994-08-09", "1995-02-27", "1995-06-01"].entries()) {
    const claimNumber = `EC-${closedOn.slice(0, 4)}-${tag}${i}`;
    const r = await createArchiveRecord(prisma, { companyId, departmentId, claimNumber, closedOn, claimantName: ["王芳", "李雷", "Chen Jing", "张伟"][i]!, merchants: "北京饭店" });
    records.push({ id: r.id, claimNumber, packageDir: r.packageDir });
  }
  const held = await createArchiveRecord(prisma, { companyId, departmentId, claimNumber: `EC-1994-${tag}H`, closedOn: "1994-01-05", legalHold: { reason: "Litigation", byId: admin.id } });
  console.log(JSON.stringify({ companyId, companyCode: `R${tag}`, archivist, supervisor, admin, records, held: { id: held.id, claimNumber: `EC-1994-${tag}H` } }));
  await prisma.$disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
