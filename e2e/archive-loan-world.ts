/**
 * The archive loan browser test's world, in the e2e database (run with tsx by e2e/archive-loan.spec.ts;
 * prints JSON): a company with an archivist (assigned to it) and an auditor (an ordinary employee), two
 * boxes, and an archive record whose originals are filed in the first box at position 12.
 */
import { randomUUID } from "node:crypto";
import { prisma } from "~/utils/db.server";
import { createArchiveBox, createArchiveRecord, createFiledClaim } from "../fixtures/archive-access";

async function main() {
  const tag = randomUUID().slice(0, 5).toUpperCase();
  const companyId = randomUUID();
  const departmentId = randomUUID();
  await prisma.company.create({ data: { id: companyId, code: `A${tag}`, name: `Archive Co ${tag}`, nameZh: `档案测试公司 ${tag}`, currency: "CNY" } });
  await prisma.department.create({ data: { id: departmentId, companyId, code: "ADM", name: "Administration", nameZh: "行政部" } });
  const hash = (await prisma.user.findFirstOrThrow({ where: { email: "manager@demo.af" }, select: { passwordHash: true } })).passwordHash;
  const user = async (name: string, roles: ("EMPLOYEE" | "ARCHIVIST")[], locale: string) => {
    const id = randomUUID();
    const email = `archive-${id.slice(0, 8)}@test.example`;
    await prisma.user.create({ data: { id, email, name, passwordHash: hash, roles, companyId, departmentId, locale } });
    return { id, email, name };
  };
  const archivist = await user("何档案", ["EMPLOYEE", "ARCHIVIST"], "en");
  await prisma.userCompany.create({ data: { userId: archivist.id, companyId } });
  const auditor = await user("Audrey Auditor", ["EMPLOYEE"], "en");
  const boxes = [`A${tag}-2025-BX-B0001`, `A${tag}-2025-BX-B0002`];
  const boxIds: string[] = [];
  for (const [i, label] of boxes.entries()) boxIds.push(await createArchiveBox(prisma, { companyId, label, createdById: archivist.id, boxNo: i + 1 }));
  const filed = await createFiledClaim(prisma, { companyId, departmentId, claimantId: auditor.id, boxId: boxIds[0]!, position: 12, claimNumber: `EC2025${tag}01` });
  const record = await createArchiveRecord(prisma, {
    companyId,
    departmentId,
    claimantId: auditor.id,
    claimantName: "王芳",
    claimId: filed.claimId,
    claimNumber: filed.claimNumber,
    totalMinor: 61_800n,
    merchants: "上海锦江饭店; 滴滴出行",
    spentFrom: "2025-11-20",
    spentTo: "2025-11-21",
  });
  console.log(JSON.stringify({ archivist, auditor, boxes, claimNumber: record.claimNumber, recordId: record.id }));
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
