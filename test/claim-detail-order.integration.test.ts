/**
 * Decision 042: with relation joins a nested list comes back in the order its query asks for, or any order.
 * The claim pages draw a line's receipt thumbnails and a receipt's "used by lines" in the claim's own order
 * (receipts by upload time, lines by position), and the workstation opens a line's first receipt.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { getClaimDetail } from "~/models/claim.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createClaimant } from "./helpers";

it("orders a line's receipts and a receipt's lines", async () => {
  const { user } = await createClaimant();
  const claim = await createClaim(user);
  const receipt = async (id: string, createdAt: Date) => {
    const sha256 = randomBytes(32).toString("hex");
    await prisma.storedFile.create({ data: { sha256, sizeBytes: 4, mimeType: "image/jpeg", status: "READY", pageCount: 1, pages: [{ width: 10, height: 10 }] } });
    await prisma.receipt.create({ data: { id, claimId: claim.id, fileSha256: sha256, fileName: "t.jpg", uploadedById: user.id, createdAt } });
    return id;
  };
  const r1 = await receipt(`ffff${randomUUID().slice(4)}`, new Date(Date.now() - 60_000));
  const r2 = await receipt(`0000${randomUUID().slice(4)}`, new Date());
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  const line = (id: string, position: number) => prisma.claimLine.create({ data: { id, claimId: claim.id, position, spentOn: new Date("2026-11-20"), categoryCode: "TAXI", merchant: "m", amountMinor: 1n, currency: "CNY" } });
  const l2 = (await line(`0000${randomUUID().slice(4)}`, 2)).id;
  const l1 = (await line(`ffff${randomUUID().slice(4)}`, 1)).id;
  await prisma.lineReceipt.create({ data: { lineId: l1, receiptId: r2 } });
  await prisma.lineReceipt.create({ data: { lineId: l1, receiptId: r1 } });
  await prisma.lineReceipt.create({ data: { lineId: l2, receiptId: r1 } });
  const d = (await getClaimDetail({ claimId: claim.id, viewer: { id: user.id, roles: ["EMPLOYEE"] } }))!;
  expect(d.lines.map((l) => [l.id, l.receiptIds])).toEqual([[l1, [r1, r2]], [l2, [r1]]]);
  expect(d.receipts.map((r) => [r.id, r.lineIds])).toEqual([[r1, [l1, l2]], [r2, [l1]]]);
});
