/**
 * Issue 12, paper originals on the floor: a company paying on paper holds its claims until the originals
 * arrived; the scan-to-paper check returns a claim or opens an exception a supervisor resolves; the board's
 * paper tile and the floor's overdue list count the right rows. paper_original rows are made here directly
 * (creating them on submission is another part of the issue).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import { localDay } from "~/domain/metrics";
import type { Role } from "~/generated/prisma/enums";
import { getBoardData } from "~/models/board-data.server";
import { latestReturnNotice } from "~/models/claim-return.server";
import { listPaperSettings, openExceptions, overdueOriginals, paperCheckView, paperFigures, recordDiffers, resolveException, setPaperSettings } from "~/models/paper-check.server";
import { paymentQueue } from "~/models/payment-runs.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createOrg, createUser, queueReviewTask, createGroup, refusal, type Org } from "./helpers";
import { createApprovedClaim, createTreasuryOrg } from "../fixtures/payment-runs";

const DAY = 86_400_000;
const dateOnly = (iso: string) => new Date(`${iso}T00:00:00Z`);
const shift = (iso: string, days: number) => new Date(dateOnly(iso).getTime() + days * DAY).toISOString().slice(0, 10);

async function original(claimId: string, companyId: string, status: string, dueOn: string, receivedAt: Date | null = null) {
  await prisma.paperOriginal.create({
    data: { claimId, companyId, status, receiptCount: 1, expectedSince: new Date(Date.now() - 5 * DAY), dueOn: dateOnly(dueOn), receivedAt },
  });
}

async function staff(org: Org, roles: Role[], companies: string[] = [org.companyId]) {
  const user = await createUser(org, { roles: ["EMPLOYEE", ...roles] });
  for (const companyId of companies) await prisma.userCompany.create({ data: { userId: user.id, companyId } });
  return user;
}

describe("pay on image or on paper", () => {
  it("holds a paying-on-paper company's claims until their originals are received; a company on the image pays regardless", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const today = localDay(new Date());
    const noRow = await createApprovedClaim(o, 1_000n);
    const awaiting = await createApprovedClaim(o, 2_000n);
    const received = await createApprovedClaim(o, 4_000n);
    await original(awaiting.claim.id, o.company.id, "AWAITING", shift(today, 3));
    await original(received.claim.id, o.company.id, "RECEIVED", shift(today, 3), new Date());

    // On the image (the default): everything approved is paid.
    let queue = await paymentQueue(o.preparer);
    expect(queue.eligible).toEqual([expect.objectContaining({ count: 3, totalMinor: "7000" })]);

    // The company's admin switches to paper: audited, and the claims without originals in hand wait.
    const admin = await staff(o.org, ["ADMIN"]);
    await setPaperSettings(admin, { companyId: o.company.id, payOnPaper: true, originalsDueWorkingDays: 7 });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { type: "company.paper_settings", actorId: admin.id } });
    expect(audit.data).toMatchObject({ companyId: o.company.id, before: { payOnPaper: false, originalsDueWorkingDays: 10 }, after: { payOnPaper: true, originalsDueWorkingDays: 7 } });
    expect((await listPaperSettings(admin)).find((c) => c.companyId === o.company.id)).toMatchObject({ payOnPaper: true, originalsDueWorkingDays: 7, awaiting: 1, overdue: 0 });

    queue = await paymentQueue(o.preparer);
    expect(queue.eligible).toEqual([expect.objectContaining({ count: 1, totalMinor: "4000" })]);
    expect(queue.waiting.map((w) => [w.claimId, w.reason]).sort()).toEqual(
      [
        [noRow.claim.id, "originals_not_received"],
        [awaiting.claim.id, "originals_not_received"],
      ].sort(),
    );

    // The originals arrive: the claim is released for payment.
    await prisma.paperOriginal.update({ where: { claimId: awaiting.claim.id }, data: { status: "RECEIVED", receivedAt: new Date() } });
    queue = await paymentQueue(o.preparer);
    expect(queue.eligible).toEqual([expect.objectContaining({ count: 2, totalMinor: "6000" })]);
    expect(queue.waiting.map((w) => w.claimId)).toEqual([noRow.claim.id]);

    // Another company, on the image, with its originals still awaited, pays.
    const other = await createTreasuryOrg({ connector: "file" });
    const onImage = await createApprovedClaim(other, 3_000n);
    await original(onImage.claim.id, other.company.id, "AWAITING", shift(today, -4));
    expect((await paymentQueue(other.preparer)).eligible).toEqual([expect.objectContaining({ count: 1, totalMinor: "3000" })]);
  });

  it("lets only an admin of the company change it", async () => {
    const org = await createOrg();
    const elsewhere = await createOrg();
    const admin = await staff(org, ["ADMIN"]);
    const refused = await refusal(setPaperSettings(admin, { companyId: elsewhere.companyId, payOnPaper: true, originalsDueWorkingDays: 10 }), AppError);
    expect(refused.code).toBe("not_found");
    const supervisor = await staff(org, ["SUPERVISOR"]);
    expect((await refusal(setPaperSettings(supervisor, { companyId: org.companyId, payOnPaper: true, originalsDueWorkingDays: 10 }), AppError)).code).toBe("forbidden");
    expect((await prisma.company.findUniqueOrThrow({ where: { id: elsewhere.companyId } })).payOnPaper).toBe(false);
  });
});

describe("scan-to-paper check", () => {
  it("DIFFERS → return: the reviewer's task is cancelled, the claim goes back, the claimant is told, all audited", async () => {
    const org = await createOrg();
    const groupId = await createGroup();
    const claimant = await createUser(org);
    const accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
    const archivist = await staff(org, ["ARCHIVIST"]);
    const { claimId, taskId } = await queueReviewTask(claimant, groupId, { status: "IN_PROGRESS", assigneeId: accountant.id, lines: [[12_000, "CNY"]] });
    await original(claimId, org.companyId, "RECEIVED", shift(localDay(new Date()), 2), new Date());

    const view = await paperCheckView(archivist, claimId);
    expect(view.outcomes).toEqual(["RETURN", "EXCEPTION"]);
    expect(view.original?.status).toBe("RECEIVED");

    // At a version the checker no longer sees: refused, nothing written.
    expect((await refusal(recordDiffers(archivist, claimId, { claimVersion: 2, reason: "amount", receipts: "R1", note: "", outcome: "RETURN" }), AppError)).code).toBe("stale");
    expect(await prisma.paperDiscrepancy.count({ where: { claimId } })).toBe(0);

    const { discrepancyId, returned } = await recordDiffers(archivist, claimId, { claimVersion: 3, reason: "amount", receipts: "R1", note: "paper says 102.00", outcome: "RETURN" });
    expect(returned).toBe(true);
    expect(await prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).toMatchObject({ status: "RETURNED", version: 4 });
    expect((await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("CANCELLED");
    expect(await prisma.paperDiscrepancy.findUniqueOrThrow({ where: { id: discrepancyId } })).toMatchObject({ kind: "DIFFERS", outcome: "RETURNED", reason: "amount [R1] paper says 102.00", raisedById: archivist.id, resolvedAt: null });
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId } })).status).toBe("DISCREPANCY");
    const events = await prisma.auditEvent.findMany({ where: { claimId }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ["claim.returned", "IN_REVIEW", "RETURNED"],
      ["paper.differs", null, null],
    ]);
    expect(events[0]!.data).toMatchObject({ by: "archive", discrepancyId, cancelledTaskIds: [taskId] });
    const told = await prisma.notification.findFirstOrThrow({ where: { userId: claimant.id, kind: "paper.returned" } });
    expect(told.data).toMatchObject({ claimId, reason: "amount" });
    // The claimant's claim page says who returned it and why.
    expect(await latestReturnNotice(claimId)).toMatchObject({ by: "archive", paperReason: "amount", comment: "[R1] paper says 102.00", actorName: archivist.name, reasons: [] });
    // The claim may no longer be returned: only an exception is offered.
    expect((await paperCheckView(archivist, claimId)).outcomes).toEqual(["EXCEPTION"]);
  });

  it("DIFFERS → exception → a supervisor resolves it with a note; the originals count as received again", async () => {
    const org = await createOrg();
    const claimant = await createUser(org);
    const archivist = await staff(org, ["ARCHIVIST"]);
    const supervisor = await staff(org, ["SUPERVISOR"]);
    const otherSupervisor = await staff(await createOrg(), ["SUPERVISOR"]);
    const claim = await createClaim(claimant, { status: "APPROVED", version: 5, submittedAt: new Date() });
    await original(claim.id, org.companyId, "RECEIVED", shift(localDay(new Date()), 1), new Date());

    // Past returning: a return is refused, an exception is what is offered.
    expect((await paperCheckView(archivist, claim.id)).outcomes).toEqual(["EXCEPTION"]);
    expect((await refusal(recordDiffers(archivist, claim.id, { claimVersion: 5, reason: "stamp", receipts: "", note: "", outcome: "RETURN" }), AppError)).code).toBe("cannot_return");

    const { discrepancyId, returned } = await recordDiffers(archivist, claim.id, { claimVersion: 5, reason: "stamp", receipts: "R1", note: "no seal", outcome: "EXCEPTION" });
    expect(returned).toBe(false);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe("APPROVED");
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: claim.id } })).status).toBe("DISCREPANCY");
    expect(await prisma.notification.count({ where: { userId: supervisor.id, kind: "paper.exception" } })).toBe(1);
    expect(await prisma.notification.count({ where: { userId: otherSupervisor.id, kind: "paper.exception" } })).toBe(0);
    expect(await prisma.notification.count({ where: { userId: claimant.id } })).toBe(0);

    const open = await openExceptions([org.companyId]);
    expect(open).toEqual([expect.objectContaining({ id: discrepancyId, claimId: claim.id, reason: "stamp", raisedByName: archivist.name })]);
    expect(await openExceptions([otherSupervisor.companyId])).toEqual([]);

    // The archivist raises, the supervisor resolves; a supervisor of another company does not see it.
    expect((await refusal(resolveException(archivist, discrepancyId, "fine"), AppError)).code).toBe("forbidden");
    expect((await refusal(resolveException(otherSupervisor, discrepancyId, "fine"), AppError)).code).toBe("not_found");
    expect((await refusal(resolveException(supervisor, discrepancyId, "   "), AppError)).code).toBe("invalid");

    await resolveException(supervisor, discrepancyId, "Seal confirmed with the vendor by phone.");
    expect(await prisma.paperDiscrepancy.findUniqueOrThrow({ where: { id: discrepancyId } })).toMatchObject({ resolvedById: supervisor.id, resolution: "Seal confirmed with the vendor by phone." });
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: claim.id } })).status).toBe("RECEIVED");
    const resolved = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: claim.id, type: "paper.exception_resolved" } });
    expect(resolved.data).toMatchObject({ discrepancyId, paper: { from: "DISCREPANCY", to: "RECEIVED" } });
    expect(await openExceptions([org.companyId])).toEqual([]);
    expect((await refusal(resolveException(supervisor, discrepancyId, "again"), AppError)).code).toBe("already_resolved");
  });

  it("shows a claim only to archive staff of its company", async () => {
    const org = await createOrg();
    const claimant = await createUser(org);
    const claim = await createClaim(claimant, { status: "SUBMITTED", version: 2, submittedAt: new Date() });
    const outsider = await staff(await createOrg(), ["ARCHIVIST"]);
    const noRole = await staff(org, ["ACCOUNTANT"]);
    for (const who of [outsider, noRole]) expect((await refusal(paperCheckView(who, claim.id), AppError)).status).toBe(404);
    expect((await refusal(recordDiffers(outsider, claim.id, { claimVersion: 2, reason: "date", receipts: "", note: "", outcome: "EXCEPTION" }), AppError)).code).toBe("not_found");
    const draft = await createClaim(claimant, { status: "DRAFT" });
    expect((await refusal(paperCheckView(await staff(org, ["ARCHIVIST"]), draft.id), AppError)).status).toBe(404);
  });

  it("labels a line's receipts in the cover sheet's order, however the links were stored", async () => {
    const org = await createOrg();
    const claimant = await createUser(org);
    const claim = await createClaim(claimant, { status: "SUBMITTED", version: 2, submittedAt: new Date() });
    // R1 is the first uploaded but has the larger id, and the line's link to R2 is stored first: neither the
    // link table's key order nor its insertion order is the labels' order.
    const receipt = async (id: string, createdAt: Date) => {
      const sha256 = randomUUID().replaceAll("-", "").padEnd(64, "0");
      await prisma.storedFile.create({ data: { sha256, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
      await prisma.receipt.create({ data: { id, claimId: claim.id, fileSha256: sha256, fileName: `${id}.jpg`, uploadedById: claimant.id, createdAt } });
      return id;
    };
    const r1 = await receipt(`ffff${randomUUID().slice(4)}`, new Date(Date.now() - 60_000));
    const r2 = await receipt(`0000${randomUUID().slice(4)}`, new Date());
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
    const line = await prisma.claimLine.create({
      data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: dateOnly("2026-11-20"), categoryCode: "TAXI", merchant: "Taxi", amountMinor: 4_500n, currency: "CNY" },
    });
    await prisma.lineReceipt.create({ data: { lineId: line.id, receiptId: r2 } });
    await prisma.lineReceipt.create({ data: { lineId: line.id, receiptId: r1 } });

    const view = await paperCheckView(await staff(org, ["ARCHIVIST"]), claim.id);
    expect(view.receipts.map((r) => [r.id, r.label])).toEqual([
      [r1, "R1"],
      [r2, "R2"],
    ]);
    expect(view.lines.map((l) => l.receiptLabels)).toEqual([["R1", "R2"]]);
  });
});

describe("the board's paper tile and the floor's overdue list", () => {
  it("counts expected, received today and overdue for the viewer's companies only", async () => {
    const now = new Date();
    const today = localDay(now);
    const org = await createOrg();
    const other = await createOrg();
    const claimant = await createUser(org);
    const outsider = await createUser(other);
    const mk = async (status: string, dueOn: string, receivedAt: Date | null = null, who = claimant) => {
      const claim = await createClaim(who, { status: "SUBMITTED", version: 2, submittedAt: new Date() });
      await original(claim.id, who.companyId, status, dueOn, receivedAt);
      return claim;
    };
    await mk("AWAITING", shift(today, 3));
    const late = await mk("AWAITING", shift(today, -6));
    const lateWithGap = await mk("DISCREPANCY", shift(today, -2));
    await mk("AWAITING", today); // due today: not yet overdue
    await mk("RECEIVED", shift(today, -1), new Date(now.getTime() - 60_000));
    await mk("RECEIVED", shift(today, -3), new Date(now.getTime() - 3 * DAY));
    await mk("AWAITING", shift(today, -30), null, outsider);
    await prisma.paperDiscrepancy.create({ data: { id: randomUUID(), claimId: lateWithGap.id, kind: "MISSING", raisedById: claimant.id } });

    expect(await paperFigures([org.companyId], now)).toEqual({ expected: 4, receivedToday: 1, overdue: 2 });
    const board = await getBoardData({ now, scope: { companyIds: [org.companyId] } });
    expect(board.paper).toEqual({ expected: 4, receivedToday: 1, overdue: 2 });

    const { rows, total } = await overdueOriginals([org.companyId], now);
    expect(total).toBe(2);
    expect(rows.map((r) => [r.claimId, r.daysOverdue, r.openDiscrepancy])).toEqual([
      [late.id, 6, null],
      [lateWithGap.id, 2, "MISSING"],
    ]);
    expect(rows[0]).toMatchObject({ claimantName: claimant.name, dueOn: shift(today, -6), status: "AWAITING" });
  });
});
