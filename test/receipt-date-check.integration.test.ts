/**
 * The workstation's "receipt date far from the line date" check against the real Postgres: the capture
 * date the imaging worker stored on stored_file.captured_on reaches checkClaim through getWorkstation.
 */
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getWorkstation } from "~/models/review.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser } from "./helpers";

/** An IN_REVIEW claim with one line on 2026-11-24 (a Tuesday) and one receipt whose file was captured on `capturedOn`. */
async function claimWithReceiptCapturedOn(capturedOn: string | null) {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: department.id };
  const code = `G${randomUUID().slice(0, 8).toUpperCase()}`;
  const group = await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: `Group ${code}`, nameZh: `组 ${code}` } });
  const claimant = await createUser(org);
  const accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  await prisma.groupMember.create({ data: { groupId: group.id, userId: accountant.id } });
  const category = `C${randomUUID().slice(0, 8).toUpperCase()}`;
  await prisma.expenseCategory.create({ data: { code: category, name: `Cat ${category}`, nameZh: `类 ${category}` } });

  const claim = await createClaim(claimant, { status: "IN_REVIEW", version: 2, groupId: group.id });
  const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
  await prisma.storedFile.create({
    data: { sha256, sizeBytes: 10, mimeType: "image/jpeg", status: "READY", capturedOn: capturedOn === null ? null : new Date(`${capturedOn}T00:00:00Z`) },
  });
  const lineId = randomUUID();
  await prisma.claimLine.create({
    data: { id: lineId, claimId: claim.id, position: 1, spentOn: new Date("2026-11-24T00:00:00Z"), categoryCode: category, merchant: "Taxi", amountMinor: 8_800n, currency: "CNY" },
  });
  const receiptId = randomUUID();
  await prisma.receipt.create({ data: { id: receiptId, claimId: claim.id, fileSha256: sha256, fileName: "taxi.jpg", uploadedById: claimant.id } });
  await prisma.lineReceipt.create({ data: { lineId, receiptId } });
  const taskId = randomUUID();
  await prisma.task.create({
    data: { id: taskId, claimId: claim.id, type: "REVIEW", status: "IN_PROGRESS", groupId: group.id, assigneeId: accountant.id, claimVersion: 2, startedAt: new Date() },
  });
  return { taskId, accountant, lineId, receiptId };
}

describe("receipt_date_far on the workstation", () => {
  it("flags a receipt captured months before the line date, with both dates and the distance", async () => {
    const c = await claimWithReceiptCapturedOn("2026-08-01");
    const ws = await getWorkstation({ taskId: c.taskId, viewer: c.accountant });
    const far = ws?.findings.filter((f) => f.code === "receipt_date_far");
    expect(far).toEqual([
      { code: "receipt_date_far", severity: "warning", lineId: c.lineId, params: { receiptId: c.receiptId, capturedOn: "2026-08-01", spentOn: "2026-11-24", days: 115 } },
    ]);
  });

  it("is quiet for a receipt captured days from the line date, and for one with no capture date", async () => {
    for (const capturedOn of ["2026-11-20", "2026-12-24", null]) {
      const c = await claimWithReceiptCapturedOn(capturedOn);
      const ws = await getWorkstation({ taskId: c.taskId, viewer: c.accountant });
      expect(ws, String(capturedOn)).not.toBeNull();
      expect(ws!.findings.some((f) => f.code === "receipt_date_far"), String(capturedOn)).toBe(false);
    }
  });
});
