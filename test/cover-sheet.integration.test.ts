import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coverSheetCode } from "~/domain/paper-trail";
import type { User } from "~/generated/prisma/client";
import { loader } from "~/routes/claims.$claimId.cover-sheet";
import { prisma } from "~/utils/db.server";
import { localeCookie } from "~/utils/session.server";
import { createClaim, createClaimant, createUser, sessionCookie } from "./helpers";
import { decodeBarcode as decodeIn, pdfText as pdfTextIn } from "./pdf-reading";

let dir: string;
let claimant: User;
let claim: { id: string; number: string };
const decodeBarcode = (pdf: Buffer) => decodeIn(pdf, dir);
const pdfText = (pdf: Buffer) => pdfTextIn(pdf, dir);

async function fetchSheet(user: User, claimId: string, locale: "en" | "zh-CN" = "en"): Promise<Response> {
  const lng = (await localeCookie.serialize(locale)).split(";")[0]!;
  const cookie = `${await sessionCookie(user.id)}; ${lng}`;
  const request = new Request(`http://localhost/claims/${claimId}/cover-sheet`, { headers: { Cookie: cookie } });
  try {
    return (await loader({ request, params: { claimId }, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "cover-sheet-"));
  const org = await createClaimant();
  claimant = org.user;
  await prisma.user.update({ where: { id: claimant.id }, data: { name: "王小明 Wang Xiaoming" } });
  // A number of the app's own shape (EC, year, sequence), so the barcode carries its check letter.
  const number = `EC2026${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
  const row = await createClaim(claimant, { number, status: "SUBMITTED", version: 2, submittedAt: new Date("2026-12-01T02:00:00Z"), purpose: "客户拜访 Client visit" });
  claim = { id: row.id, number: row.number };
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  const bytes = Buffer.from(randomUUID());
  const sha = createHash("sha256").update(bytes).digest("hex");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: bytes.length, mimeType: "image/png", status: "READY", pageCount: 1, pages: [{ width: 1, height: 1 }], readyAt: new Date() } });
  const receiptIds: string[] = [];
  for (const [i, name] of ["hotel-folio.png", "taxi.png", "dinner.png"].entries()) {
    const id = randomUUID();
    await prisma.receipt.create({ data: { id, claimId: claim.id, fileSha256: sha, fileName: name, uploadedById: claimant.id, createdAt: new Date(Date.UTC(2026, 10, 20, 8, i)) } });
    receiptIds.push(id);
  }
  for (const [i, [minor, currency, receiptId]] of ([[45_000, "CNY", receiptIds[1]], [128_800, "CNY", receiptIds[0]], [30_000, "HKD", receiptIds[2]]] as const).entries()) {
    const lineId = randomUUID();
    await prisma.claimLine.create({ data: { id: lineId, claimId: claim.id, position: i, spentOn: new Date("2026-11-18"), categoryCode: "TAXI", merchant: "m", amountMinor: BigInt(minor), currency } });
    await prisma.lineReceipt.create({ data: { lineId, receiptId: receiptId! } });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the claim's cover sheet PDF", () => {
  it("is one page whose barcode scans as the cover-sheet code (claim number + check letter), listing the receipts R1… in order", async () => {
    const response = await fetchSheet(claimant, claim.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toBe(`inline; filename="cover-sheet-${claim.number}.pdf"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // The font is subset: the sheet stays small.
    expect(pdf.length).toBeLessThan(120_000);

    expect(await decodeBarcode(pdf)).toBe(coverSheetCode(claim.number));

    const { pages, text } = await pdfText(pdf);
    expect(pages).toBe(1);
    expect(text).toMatch(/R1\s+hotel-folio\.png/);
    expect(text).toMatch(/R2\s+taxi\.png/);
    expect(text).toMatch(/R3\s+dinner\.png/);
    expect(text).not.toMatch(/\bR4\b/);
    expect(text).toContain("Expense claim cover sheet");
    expect(text).toContain("报销单封面");
    expect(text).toContain("王小明 Wang Xiaoming");
    expect(text).toContain("2026-12-01");
    expect(text).toContain("Finance Shared Service Center");
  });

  it("speaks the reader's language first: Chinese labels and the company's Chinese name", async () => {
    const pdf = Buffer.from(await (await fetchSheet(claimant, claim.id, "zh-CN")).arrayBuffer());
    expect(await decodeBarcode(pdf)).toBe(coverSheetCode(claim.number));
    const { pages, text } = await pdfText(pdf);
    expect(pages).toBe(1);
    expect(text).toContain("报销人");
    expect(text).toContain("测试公司");
    expect(text).toContain("财务共享服务中心");
  });

  it("stays on one page with many receipts, saying how many more there are", async () => {
    const many = await createClaim(claimant, { status: "SUBMITTED", version: 2, submittedAt: new Date() });
    const { fileSha256 } = await prisma.receipt.findFirstOrThrow({ where: { claimId: claim.id } });
    await prisma.receipt.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), claimId: many.id, fileSha256, fileName: `r${i + 1}.png`, uploadedById: claimant.id, createdAt: new Date(Date.UTC(2026, 10, 1, 0, i)) })),
    });
    const pdf = Buffer.from(await (await fetchSheet(claimant, many.id)).arrayBuffer());
    const { pages, text } = await pdfText(pdf);
    expect(pages).toBe(1);
    expect(text).toMatch(/R1\s+r1\.png/);
    expect(text).toMatch(/and \d+ more receipts/);
    expect(await decodeBarcode(pdf)).toBe(many.number);
  });

  it("is 404 to someone who may not see the claim", async () => {
    const stranger = await createUser({ companyId: claimant.companyId, departmentId: claimant.departmentId });
    expect((await fetchSheet(stranger, claim.id)).status).toBe(404);
  });
});
