/**
 * Issue 14, what people see: the line a receipt's reading proposes, added through saveClaim (same
 * validation, its audit event says which values were read or guessed), never twice; a dismissed
 * proposal gone for good; readings as the accountant's checks see them; the capture gate's measures
 * taken by the imaging code for a photo (not for a PDF page).
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import { captureProblems } from "~/domain/capture-quality";
import type { Claim, User } from "~/generated/prisma/client";
import { renderReceiptTiles } from "~/jobs/render-receipt";
import { dismissProposal, saveClaim } from "~/models/claim-commands.server";
import { listLineProposals } from "~/models/line-proposal.server";
import { claimReceiptReadings } from "~/models/receipt-reading-view.server";
import { storeReading } from "~/models/receipt-reading.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createClaimant, refusal } from "./helpers";

let user: User;
let claim: Claim;
let taxiReceipt: string;
let unreadReceipt: string;
let tmp: string;

async function receiptWithReading(claimId: string, fields: Parameters<typeof storeReading>[1]["fields"] | null): Promise<string> {
  const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
  await prisma.storedFile.create({ data: { sha256, sizeBytes: 100, mimeType: "image/jpeg", status: "READY", pageCount: 1, pages: [{ width: 720, height: 984 }] } });
  const id = randomUUID();
  await prisma.receipt.create({ data: { id, claimId, fileSha256: sha256, fileName: `${id.slice(0, 6)}.jpg`, uploadedById: user.id } });
  if (fields) {
    await prisma.$transaction((tx) => storeReading(tx, { fileSha256: sha256, source: "ocr", fields, invoiceKey: null, qrRegion: null, detail: {}, notes: [] }));
  }
  return id;
}

const header = () => ({ purpose: "Beijing visit", companyId: user.companyId, departmentId: user.departmentId });
const version = async () => (await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).version;

beforeAll(async () => {
  for (const [code, name, nameZh] of [["TAXI", "Taxi", "出租车"], ["HOTEL", "Hotel", "住宿费"]] as const) {
    await prisma.expenseCategory.upsert({ where: { code }, update: {}, create: { code, name, nameZh } });
  }
  ({ user } = await createClaimant());
  claim = await createClaim(user);
  taxiReceipt = await receiptWithReading(claim.id, {
    total: { value: 4850n, confidence: 0.98, region: { page: 1, x: 480, y: 538, width: 96, height: 44 } },
    currency: { value: "CNY", confidence: 0.95 },
    date: { value: "2026-11-20", confidence: 0.95 },
    merchant: { value: "滴滴出行科技有限公司", confidence: 0.9 },
  });
  unreadReceipt = await receiptWithReading(claim.id, null);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "af-gate-"));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("line proposals", () => {
  it("proposes a line for a read receipt only, each value read or guessed", async () => {
    const proposals = await listLineProposals(claim.id);
    expect(proposals.map((p) => p.receiptId)).toEqual([taxiReceipt]);
    expect(proposals[0]).toMatchObject({
      source: "ocr",
      amountMinor: { value: 4850n, origin: "read" },
      categoryCode: { value: "TAXI", origin: "guessed" },
      spentOn: { value: "2026-11-20", origin: "read" },
    });
    expect(unreadReceipt).toBeTruthy();
  });

  it("adds the line through saveClaim with the receipt linked and an audit event, then never again", async () => {
    await saveClaim({ viewer: user, claimId: claim.id, version: await version(), input: { ...header(), lines: [] }, submit: false, acceptProposal: taxiReceipt });
    const lines = await prisma.claimLine.findMany({ where: { claimId: claim.id }, include: { receipts: true } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ amountMinor: 4850n, currency: "CNY", categoryCode: "TAXI", merchant: "滴滴出行科技有限公司" });
    expect(lines[0]!.spentOn.toISOString().slice(0, 10)).toBe("2026-11-20");
    expect(lines[0]!.receipts.map((r) => r.receiptId)).toEqual([taxiReceipt]);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: claim.id, type: "claim.saved" }, orderBy: { id: "desc" } });
    expect(event.data).toMatchObject({
      lines: 1,
      lineFromReading: { receiptId: taxiReceipt, source: "ocr", read: ["spentOn", "merchant", "amountMinor", "currency"], guessed: ["categoryCode"], lowConfidence: [] },
    });
    expect(await listLineProposals(claim.id)).toEqual([]);

    // Accepting again (a second tab, a double press) is refused and adds nothing, saved line kept or not.
    const existing = { spentOn: "2026-11-20", categoryCode: "TAXI", merchant: "滴滴", amountMinor: 4850n, currency: "CNY", note: "", receiptIds: [taxiReceipt], id: lines[0]!.id };
    for (const inputLines of [[existing], []]) {
      const err = await refusal(
        saveClaim({ viewer: user, claimId: claim.id, version: await version(), input: { ...header(), lines: inputLines }, submit: false, acceptProposal: taxiReceipt }),
        AppError,
      );
      expect(err.code).toBe("proposal_gone");
    }
    expect(await prisma.claimLine.count({ where: { claimId: claim.id } })).toBe(1);
  });

  it("refuses a receipt of another claim or one without a reading", async () => {
    const other = await createClaim(user);
    const foreign = await receiptWithReading(other.id, { total: { value: 100n, confidence: 1 }, date: { value: "2026-11-20", confidence: 1 }, merchant: { value: "Hotel Nikko", confidence: 1 } });
    for (const receiptId of [foreign, unreadReceipt]) {
      const err = await refusal(
        saveClaim({ viewer: user, claimId: claim.id, version: await version(), input: { ...header(), lines: [] }, submit: false, acceptProposal: receiptId }),
        AppError,
      );
      expect(err.code).toBe("proposal_gone");
    }
  });

  it("dismisses a proposal once (one audit event), and it is not offered again", async () => {
    const hotel = await receiptWithReading(claim.id, { total: { value: 128000n, confidence: 0.5 }, merchant: { value: "如家快捷宾馆", confidence: 0.8 } });
    const offered = await listLineProposals(claim.id);
    expect(offered.map((p) => p.receiptId)).toEqual([hotel]);
    expect(offered[0]!.lowConfidence).toEqual(["amountMinor"]);
    // No date read: not complete, so Enter opens the form; the command refuses it as it stands.
    const err = await refusal(
      saveClaim({ viewer: user, claimId: claim.id, version: await version(), input: { ...header(), lines: [] }, submit: false, acceptProposal: hotel }),
      AppError,
    );
    expect(err.code).toBe("proposal_incomplete");
    await dismissProposal({ viewer: user, claimId: claim.id, receiptId: hotel });
    await dismissProposal({ viewer: user, claimId: claim.id, receiptId: hotel });
    expect(await listLineProposals(claim.id)).toEqual([]);
    expect(await prisma.auditEvent.count({ where: { claimId: claim.id, type: "receipt.proposal_dismissed" } })).toBe(1);
    const stranger = (await createClaimant()).user;
    expect((await refusal(dismissProposal({ viewer: stranger, claimId: claim.id, receiptId: hotel }), AppError)).code).toBe("not_found");
  });

  it("gives the accountant's checks the facts and the viewer the place of each total", async () => {
    const { facts, marks } = await claimReceiptReadings(claim.id);
    const taxi = facts.find((f) => f.receiptId === taxiReceipt)!;
    expect(taxi.total).toEqual({ minor: 4850n, currency: "CNY", confidence: 0.98, hasRegion: true });
    expect(marks.find((m) => m.receiptId === taxiReceipt)!.total!.region).toEqual({ page: 1, x: 480, y: 538, width: 96, height: 44 });
    expect(facts.some((f) => f.receiptId === unreadReceipt)).toBe(false);
  });
});

describe("capture gate measures in imaging", () => {
  const render = async (file: string, mimeType: string) =>
    renderReceiptTiles({ sha256: randomUUID().replace(/-/g, ""), sourcePath: file, outDir: path.join(tmp, randomUUID()), mimeType });

  it("measures a photo (sharp passes, blurred is flagged) and not a PDF page", async () => {
    const fixture = path.resolve("test/fixtures/receipt-zh.jpg");
    const sharpResult = await render(fixture, "image/jpeg");
    expect(sharpResult.capture).not.toBeNull();
    // The upright size (EXIF orientation 6 turns the 984×720 photo).
    expect([sharpResult.capture!.width, sharpResult.capture!.height]).toEqual([720, 984]);
    expect(captureProblems(sharpResult.capture)).toEqual([]);
    const blurred = path.join(tmp, "blurred.jpg");
    await sharp(fixture).rotate().blur(3).jpeg().toFile(blurred);
    expect(captureProblems((await render(blurred, "image/jpeg")).capture)).toEqual(["blurred"]);
    expect((await render(path.resolve("test/fixtures/two-page.pdf"), "application/pdf")).capture).toBeNull();
  });
});
