/**
 * The archive loan browser test's world, in the e2e database (run with tsx by e2e/archive-loan.spec.ts;
 * prints JSON): a company with an archivist (assigned to it) and an auditor (an ordinary employee), two
 * boxes, an archive record whose originals are filed in the first box at position 12, and a third box the
 * auditor borrowed that is three days overdue (reminded yesterday).
 */
import { randomUUID } from "node:crypto";
import { addDays, sscToday } from "~/domain/archive-access";
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
  // The overdue loan: lent ten days ago, due three days ago, one reminder yesterday.
  const overdueBox = `A${tag}-2025-BX-B0003`;
  const overdueBoxId = await createArchiveBox(prisma, { companyId, label: overdueBox, createdById: archivist.id, boxNo: 3 });
  const now = new Date();
  const today = sscToday(now);
  const day = (n: number) => new Date(`${addDays(today, n)}T00:00:00Z`);
  const overdueRequestId = randomUUID();
  await prisma.archiveRequest.create({
    data: {
      id: overdueRequestId,
      kind: "BORROW",
      requesterId: auditor.id,
      boxId: overdueBoxId,
      purposeKind: "AUDIT",
      purpose: "Interim audit",
      fromOn: day(-10),
      toOn: day(-3),
      status: "ON_LOAN",
      requestedAt: new Date(now.getTime() - 11 * 86_400_000),
      decidedAt: new Date(now.getTime() - 10 * 86_400_000),
      decidedById: archivist.id,
      lentAt: new Date(now.getTime() - 10 * 86_400_000),
      lentById: archivist.id,
      borrowerName: auditor.name,
      dueOn: day(-3),
      remindersSent: 1,
      lastReminderAt: new Date(now.getTime() - 86_400_000),
    },
  });
  console.log(JSON.stringify({ archivist, auditor, boxes, claimNumber: record.claimNumber, recordId: record.id, overdue: { requestId: overdueRequestId, box: overdueBox, daysLate: 3 } }));
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
