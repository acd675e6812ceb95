/**
 * The archive records browser test's world, made in the e2e database and storage by the app's own code (run
 * with tsx by e2e/archive-records.spec.ts, DATABASE_URL and STORAGE_DIR pointing at the e2e server's; prints
 * JSON): a company with an archivist, three paid claims and a rejected one filed as archive records (real
 * packages, the four checks on filing), then one package's original damaged and a fixity run that finds it.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { runArchiveRecordChecks } from "~/models/archive-checks.server";
import { fileArchiveRecord } from "~/models/archive-filing.server";
import { runFixity } from "~/models/archive-fixity.server";
import { packageDir } from "~/utils/archive-store.server";
import { prisma } from "~/utils/db.server";
import { attachTypicalReceipts } from "../fixtures/archive";

async function main() {
  const tag = randomUUID().slice(0, 6).toUpperCase();
  const company = await prisma.company.create({ data: { id: randomUUID(), code: `A${tag}`, name: `Archive Co ${tag}`, nameZh: `档案测试公司 ${tag}`, currency: "CNY" } });
  const department = await prisma.department.create({ data: { id: randomUUID(), companyId: company.id, code: "ADM", name: "Administration", nameZh: "行政部" } });
  const hash = (await prisma.user.findUniqueOrThrow({ where: { email: "manager@demo.af" } })).passwordHash;
  const user = async (name: string, roles: ("EMPLOYEE" | "ARCHIVIST")[]) => {
    const id = randomUUID();
    const u = await prisma.user.create({ data: { id, email: `archive-${id.slice(0, 8)}@test.example`, name, passwordHash: hash, roles, companyId: company.id, departmentId: department.id, locale: "en" } });
    return u;
  };
  const archivist = await user("Ari Archivist", ["EMPLOYEE", "ARCHIVIST"]);
  await prisma.userCompany.create({ data: { userId: archivist.id, companyId: company.id } });
  const employee = await user("王小明", ["EMPLOYEE"]);
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  const records: { id: string; number: string }[] = [];
  for (const [i, status] of (["PAID", "PAID", "PAID", "REJECTED"] as const).entries()) {
    const claim = await prisma.claim.create({
      data: { id: randomUUID(), number: `AR-${tag}-${i + 1}`, claimantId: employee.id, companyId: company.id, departmentId: department.id, purpose: "Customer visit 客户拜访", status, version: 6, submittedAt: new Date() },
    });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-20T00:00:00Z"), categoryCode: "TAXI", merchant: i % 2 ? "滴滴出行" : "Shenzhen Taxi", amountMinor: BigInt(8_800 + i * 1_250), currency: "CNY" } });
    await attachTypicalReceipts(prisma, claim.id, employee.id);
    const filed = await fileArchiveRecord(claim.id, { process: "e2e world" });
    if (filed.status !== "filed") throw new Error(`not filed: ${filed.status}`);
    await runArchiveRecordChecks(filed.recordId, "FILING");
    records.push({ id: filed.recordId, number: claim.number });
  }
  // Damage one package's original (the way bit rot or a stray write would) and let fixity find it.
  const damaged = await prisma.archiveRecord.findUniqueOrThrow({ where: { id: records[1]!.id } });
  const file = path.join(packageDir(damaged.packagePath), "originals", "R1.jpg");
  await fs.chmod(file, 0o644);
  const bytes = await fs.readFile(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  await fs.writeFile(file, bytes);
  await fs.chmod(file, 0o444);
  await runFixity("ON_DEMAND", { recordIds: records.map((r) => r.id), log: () => undefined });
  console.log(JSON.stringify({ archivist: { email: archivist.email }, good: records[0], damaged: records[1], rejected: records[3] }));
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
