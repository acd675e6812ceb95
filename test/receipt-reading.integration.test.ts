/**
 * Issue 14: upload → imaging → reading → stored reading (a digital e-invoice PDF carrying its XML, a
 * photographed VAT invoice with its QR), and one invoice, one payment across the group: refused at
 * submission (the other claim named only to who may see it), the concurrent case, a withdrawn claim giving
 * its invoice back, and the accountant's finding.
 */
import { randomInt, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import { fieldsFromJson } from "~/domain/receipt-reading/fields";
import type { User } from "~/generated/prisma/client";
import { attachReceipts, saveClaim, withdrawClaim } from "~/models/claim-commands.server";
import { invoicesElsewhere, READER_VERSION } from "~/models/receipt-reading.server";
import { prisma } from "~/utils/db.server";
import { runShutdownHooks } from "~/utils/shutdown.server";
import { receiveUploads } from "~/utils/upload.server";
import { eInvoicePdf, eInvoiceXmlWithNumber, photographedQrInvoice, vatQrPayload } from "../fixtures/einvoices/index";
import { createApprovalChain, createClaim, multipartRequest, waitFor } from "./helpers";
import { useReadingPipeline } from "./reading-pipeline";

const today = new Date().toISOString().slice(0, 10);
/** A fresh 20-digit digital invoice number / 8-digit VAT number per run: the shared test database keeps readings. */
const digitalNumber = () => `2644${String(Date.now()).slice(-10)}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
const vatNumber = () => String(randomInt(10_000_000, 99_999_999));

async function uploadTo(user: User, claimId: string, files: { fileName: string; data: Buffer }[]) {
  const { accepted, rejected } = await receiveUploads(multipartRequest(files));
  expect(rejected).toEqual([]);
  return attachReceipts({ viewer: user, claimId, uploads: accepted });
}

async function readingOf(receiptId: string) {
  const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: receiptId } });
  return waitFor(() => prisma.receiptReading.findUnique({ where: { fileSha256: receipt.fileSha256 } }).then((r) => r ?? undefined), {
    what: `the reading of ${receipt.fileName}`,
    timeoutMs: 45_000,
  });
}

function submit(user: User, claim: { id: string; version: number }, receiptId: string, db = prisma) {
  return saveClaim({
    viewer: user,
    claimId: claim.id,
    version: claim.version,
    submit: true,
    today,
    db,
    input: {
      purpose: "Client visit",
      companyId: user.companyId,
      departmentId: user.departmentId,
      lines: [{ spentOn: today, categoryCode: "TAXI", merchant: "Restaurant", amountMinor: 30_000n, currency: "CNY", note: "", receiptIds: [receiptId] }],
    },
  });
}

/** A claim with one READY receipt whose reading carries `invoiceKey` (no imaging: the rule alone). */
async function claimWithInvoice(user: User, invoiceKey: string) {
  const claim = await createClaim(user);
  const sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
  await prisma.receiptReading.create({ data: { fileSha256: sha, source: "qr", fields: {}, invoiceKey, readerVersion: 1 } });
  const receipt = await prisma.receipt.create({ data: { id: randomUUID(), claimId: claim.id, fileSha256: sha, fileName: "invoice.jpg", uploadedById: user.id } });
  return { claim, receipt };
}

async function refusalOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe("reading receipts after imaging", () => {
  useReadingPipeline();

  it("stores the exact fields of a digital e-invoice PDF (its XML) and the QR of a photographed VAT invoice, once per file", async () => {
    const { employee } = await createApprovalChain();
    const claim = await createClaim(employee);
    const number = digitalNumber();
    const vat = vatNumber();
    const [pdf, photo] = await uploadTo(employee, claim.id, [
      { fileName: "meal-invoice.pdf", data: await eInvoicePdf(eInvoiceXmlWithNumber(number), null) },
      { fileName: "hotel-photo.jpg", data: await photographedQrInvoice(vatQrPayload({ code: "031002400111", number: vat, amount: "1000.00", date: "2026-12-02" })) },
    ]);

    const fromXml = await readingOf(pdf!.id);
    expect(fromXml).toMatchObject({ source: "pdf-xml", invoiceKey: `D${number}`, qrRegion: null, readerVersion: READER_VERSION });
    const xmlFields = fieldsFromJson(fromXml.fields);
    expect(xmlFields.total).toEqual({ value: 30000n, confidence: 1 });
    expect(xmlFields.date).toEqual({ value: "2026-12-01", confidence: 1 });
    expect(xmlFields.sellerTaxId?.value).toBe("91440101MA5CXXX10B");
    expect(xmlFields.merchant?.value).toBe("广州市天河区粤味轩餐饮有限公司");

    const fromQr = await readingOf(photo!.id);
    expect(fromQr).toMatchObject({ source: "qr", invoiceKey: `V031002400111-${vat}` });
    expect(fieldsFromJson(fromQr.fields).amountWithoutTax?.value).toBe(100000n);
    // The QR sits at (60, 80) of a 1400×900 page turned 4° and put 100 px into the photo: its box is there, in the upright image's pixels.
    const region = fromQr.qrRegion as { page: number; x: number; y: number; width: number; height: number };
    expect(region.page).toBe(1);
    expect(region.x).toBeGreaterThan(100);
    expect(region.x).toBeLessThan(300);
    expect(region.y).toBeGreaterThan(100);
    expect(region.y).toBeLessThan(300);
    expect(region.width).toBeGreaterThan(250);

    // Both came through the outbox after imaging, and both jobs are done.
    const rows = await prisma.outboxEvent.findMany({ where: { queue: "reading", jobKey: { in: [`reading-${fromXml.fileSha256}`, `reading-${fromQr.fileSha256}`] } } });
    expect(rows.map((r) => r.status)).toEqual(["DONE", "DONE"]);
    // The reading is insert-only.
    await expect(prisma.receiptReading.update({ where: { fileSha256: fromQr.fileSha256 }, data: { source: "ocr" } })).rejects.toThrow(/insert-only/);
  });
});

describe("one invoice, one payment, across the group", () => {
  beforeAll(async () => {
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  });

  it("refuses an invoice already on another employee's live claim, without naming a claim they may not see", async () => {
    const a = await createApprovalChain();
    const b = await createApprovalChain(); // another company
    const key = `D${digitalNumber()}`;
    const first = await claimWithInvoice(a.employee, key);
    await submit(a.employee, first.claim, first.receipt.id);
    expect(await prisma.invoiceClaim.findUnique({ where: { invoiceKey: key } })).toMatchObject({ claimId: first.claim.id, receiptId: first.receipt.id });

    const second = await claimWithInvoice(b.employee, key);
    const err = await refusalOf(submit(b.employee, second.claim, second.receipt.id));
    expect(err.code).toBe("duplicate_invoice");
    expect(err.details).toEqual({ duplicates: [{ receiptId: second.receipt.id, otherClaimNumber: null }] });
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: second.claim.id } })).status).toBe("DRAFT");

    // The same employee filing it twice sees which claim holds it.
    const again = await claimWithInvoice(a.employee, key);
    const own = await refusalOf(submit(a.employee, again.claim, again.receipt.id));
    expect(own.details).toEqual({ duplicates: [{ receiptId: again.receipt.id, otherClaimNumber: first.claim.number }] });

    // The accountant sees it as an error beside the line, on either claim.
    const elsewhere = await invoicesElsewhere(second.claim.id);
    expect(elsewhere).toEqual([{ receiptId: second.receipt.id, invoiceKey: key, claimId: first.claim.id, claimNumber: first.claim.number }]);

    // Withdrawn, the first claim gives the invoice back: the second now goes through.
    const held = await prisma.claim.findUniqueOrThrow({ where: { id: first.claim.id } });
    await withdrawClaim({ viewer: a.employee, claimId: held.id, version: held.version });
    await submit(b.employee, second.claim, second.receipt.id);
    expect(await prisma.invoiceClaim.findUnique({ where: { invoiceKey: key } })).toMatchObject({ claimId: second.claim.id });
    expect(await invoicesElsewhere(second.claim.id)).toEqual([]);
  });

  it("lets exactly one of two simultaneous submissions of the same invoice through", async () => {
    const a = await createApprovalChain();
    const b = await createApprovalChain();
    const key = `V0310024001${String(randomInt(10, 99))}-${vatNumber()}`;
    const one = await claimWithInvoice(a.employee, key);
    const two = await claimWithInvoice(b.employee, key);
    const results = await Promise.allSettled([submit(a.employee, one.claim, one.receipt.id), submit(b.employee, two.claim, two.receipt.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(refused.reason).toBeInstanceOf(AppError);
    expect((refused.reason as AppError).code).toBe("duplicate_invoice");
    const holder = await prisma.invoiceClaim.findUniqueOrThrow({ where: { invoiceKey: key } });
    const submitted = await prisma.claim.findMany({ where: { id: { in: [one.claim.id, two.claim.id] }, status: "SUBMITTED" } });
    expect(submitted.map((c) => c.id)).toEqual([holder.claimId]);
  });
});

afterAll(async () => {
  await runShutdownHooks();
});
