/**
 * Loans and access for the demo (issue 12): a box out on loan, another one overdue (reminded once), a VIEW
 * request waiting for the archivist, an approved VIEW with two views logged, and last month a returned loan
 * and a refused request, so the search, the requests and the reading room's statistics have something to
 * show. Runs after the other archive parts; uses their boxes and records where they exist and makes what
 * it needs otherwise (idempotent: fixed ids, looked up before they are written).
 */
import type { Db } from "~/utils/db.server";
import { storageRoot } from "~/utils/storage.server";
import { createArchiveBox, createArchiveRecord, createFiledClaim, writeRecordPackage } from "../../fixtures/archive-access";
import { stableId } from "./plan";

const day = (now: Date, offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset));
const at = (now: Date, offsetDays: number, hour: number) => new Date(day(now, offsetDays).getTime() + hour * 3_600_000);

export async function seedArchiveAccess(db: Db, { now }: { now: Date }): Promise<void> {
  const archivist = await db.user.findFirst({ where: { email: "archivist@demo.af" } });
  const requester = await db.user.findFirst({ where: { email: "employee@demo.af" } });
  const auditor = (await db.user.findFirst({ where: { email: "employee2@demo.af" } })) ?? requester;
  if (!archivist || !requester || !auditor) return;
  const company = await db.company.findFirst({ where: { id: requester.companyId } });
  if (!company) return;
  const year = now.getUTCFullYear() - 1;

  // Records: the filing part's, or a few of the company's paid claims filed here.
  let records = await db.archiveRecord.findMany({ where: { companyId: company.id, status: "FILED" }, orderBy: { filedAt: "desc" }, take: 3 });
  const boxes = await db.archiveBox.findMany({ where: { companyId: company.id }, orderBy: { label: "asc" }, take: 2 });
  const boxIds = boxes.map((b) => b.id);
  for (let i = boxIds.length; i < 2; i++) {
    boxIds.push(await createArchiveBox(db, { companyId: company.id, label: `${company.code}-${year}-BX-B${String(900 + i).padStart(4, "0")}`, createdById: archivist.id, year, boxNo: 900 + i }));
  }
  if (records.length < 3) {
    const names = [
      { merchants: "Hanting Hotel; Didi Chuxing", total: 86_400n, spent: `${year}-03-12`, to: `${year}-03-14` },
      { merchants: "China Eastern Airlines", total: 215_000n, spent: `${year}-05-20`, to: `${year}-05-20` },
      { merchants: "Haidilao; Luckin Coffee", total: 12_800n, spent: `${year}-09-02`, to: `${year}-09-03` },
    ];
    for (const [i, r] of names.entries()) {
      const claimNumber = `EC${year}90000${i + 1}`;
      if (await db.archiveRecord.findFirst({ where: { claimNumber } })) continue;
      const existingClaim = await db.claim.findUnique({ where: { number: claimNumber } });
      const filed = existingClaim
        ? { claimId: existingClaim.id, claimNumber }
        : await createFiledClaim(db, { companyId: company.id, departmentId: requester.departmentId, claimantId: requester.id, boxId: boxIds[0]!, position: 900 + i, claimNumber });
      const made = await createArchiveRecord(db, {
        companyId: company.id,
        departmentId: requester.departmentId,
        claimantId: requester.id,
        claimantName: requester.name,
        claimId: filed.claimId,
        claimNumber,
        totalMinor: r.total,
        currency: company.currency,
        merchants: r.merchants,
        spentFrom: r.spent,
        spentTo: r.to,
        filedAt: new Date(`${r.to}T08:00:00Z`),
      });
      // A small package for the read-only view: the claim's data and one receipt image.
      const record = await db.archiveRecord.findUniqueOrThrow({ where: { id: made.id }, select: { packagePath: true } });
      await writeRecordPackage(db, {
        recordId: made.id,
        root: storageRoot(),
        packagePath: record.packagePath,
        claimData: { number: claimNumber, claimant: requester.name, company: company.code, currency: company.currency, totalMinor: String(r.total), spentFrom: r.spent, spentTo: r.to, merchants: r.merchants.split("; ") },
      });
    }
    records = await db.archiveRecord.findMany({ where: { companyId: company.id, status: "FILED" }, orderBy: { filedAt: "desc" }, take: 3 });
  }
  const [r1, r2] = records;
  if (!r1) return;

  type Req = Parameters<Db["archiveRequest"]["create"]>[0]["data"];
  const requests: Req[] = [
    // Out on loan, due in ten days.
    {
      id: stableId("archive-request", "on-loan"), kind: "BORROW", requesterId: auditor.id, boxId: boxIds[0]!, purposeKind: "AUDIT", purpose: "Year-end audit: sample of travel claims",
      fromOn: day(now, -3), toOn: day(now, 10), status: "ON_LOAN", requestedAt: at(now, -4, 2), decidedAt: at(now, -4, 6), decidedById: archivist.id,
      lentAt: at(now, -3, 1), lentById: archivist.id, borrowerName: auditor.name, dueOn: day(now, 10),
    },
    // Overdue by five days, reminded once yesterday.
    {
      id: stableId("archive-request", "overdue"), kind: "BORROW", requesterId: requester.id, boxId: boxIds[1]!, purposeKind: "TAX", purpose: "Tax bureau inspection of 2024 entertainment expenses",
      fromOn: day(now, -20), toOn: day(now, -5), status: "ON_LOAN", requestedAt: at(now, -21, 2), decidedAt: at(now, -21, 9), decidedById: archivist.id,
      lentAt: at(now, -20, 2), lentById: archivist.id, borrowerName: requester.name, dueOn: day(now, -5), remindersSent: 1, lastReminderAt: at(now, -1, 1),
    },
    // Waiting for the archivist.
    {
      id: stableId("archive-request", "pending-view"), kind: "VIEW", requesterId: auditor.id, recordId: (r2 ?? r1).id, purposeKind: "LITIGATION", purpose: "Supplier dispute: proof of the hotel stay",
      fromOn: day(now, 0), toOn: day(now, 14), status: "REQUESTED", requestedAt: at(now, 0, 1),
    },
    // Approved, in its period, opened twice.
    {
      id: stableId("archive-request", "approved-view"), kind: "VIEW", requesterId: requester.id, recordId: r1.id, purposeKind: "INTERNAL", purpose: "Internal review of travel policy exceptions",
      fromOn: day(now, -2), toOn: day(now, 12), status: "APPROVED", requestedAt: at(now, -3, 3), decidedAt: at(now, -2, 1), decidedById: archivist.id, decisionNote: "Read-only access for two weeks",
    },
    // Last month: a loan returned, a request refused.
    {
      id: stableId("archive-request", "returned"), kind: "BORROW", requesterId: auditor.id, boxId: boxIds[0]!, purposeKind: "AUDIT", purpose: "Interim audit",
      fromOn: day(now, -40), toOn: day(now, -30), status: "RETURNED", requestedAt: at(now, -41, 2), decidedAt: at(now, -41, 5), decidedById: archivist.id,
      lentAt: at(now, -40, 2), lentById: archivist.id, borrowerName: auditor.name, dueOn: day(now, -30), returnedAt: at(now, -31, 7), returnedToId: archivist.id,
    },
    {
      id: stableId("archive-request", "refused"), kind: "VIEW", requesterId: auditor.id, recordId: r1.id, purposeKind: "OTHER", purpose: "Curiosity",
      fromOn: day(now, -35), toOn: day(now, -30), status: "REFUSED", requestedAt: at(now, -36, 2), decidedAt: at(now, -35, 3), decidedById: archivist.id, decisionNote: "No business purpose given",
    },
  ];
  for (const data of requests) {
    if (await db.archiveRequest.findUnique({ where: { id: data.id! } })) continue;
    await db.archiveRequest.create({ data });
  }
  const viewRequestId = stableId("archive-request", "approved-view");
  for (const [i, hour] of [2, 26].entries()) {
    const id = stableId("archive-view", i);
    if (await db.archiveView.findUnique({ where: { id } })) continue;
    await db.archiveView.create({ data: { id, requestId: viewRequestId, recordId: r1.id, viewerId: requester.id, what: "record", viewedAt: at(now, -2, hour) } });
  }
}
