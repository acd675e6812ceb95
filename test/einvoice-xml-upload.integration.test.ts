/**
 * Issue 14: a digital e-invoice uploaded as its bare XML — accepted by content only when it parses as an
 * e-invoice, imaged as a page drawn from its fields (so viewer and thumbnails work), and read exactly.
 */
import { randomInt } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { EINVOICE_PAGE } from "~/domain/einvoice-page";
import { fieldsFromJson } from "~/domain/receipt-reading/fields";
import { attachReceipts } from "~/models/claim-commands.server";
import { prisma } from "~/utils/db.server";
import { objectStore } from "~/utils/object-store.server";
import { derivedPrefix } from "~/utils/storage.server";
import { receiveUploads } from "~/utils/upload.server";
import { eInvoiceXmlWithNumber } from "../fixtures/einvoices/index";
import { createApprovalChain, createClaim, multipartRequest, waitFor } from "./helpers";
import { useReadingPipeline } from "./reading-pipeline";

describe("bare e-invoice XML uploads", () => {
  useReadingPipeline();

  it("accepts an e-invoice XML, draws its page and reads it exactly; refuses other XML", async () => {
    const number = `2644${String(Date.now()).slice(-10)}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
    const { accepted, rejected } = await receiveUploads(
      multipartRequest([
        { fileName: "invoice.xml", data: Buffer.from(eInvoiceXmlWithNumber(number, "digital-hotel")) },
        { fileName: "feed.xml", data: Buffer.from('<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>') },
      ]),
    );
    expect(rejected).toEqual([{ fileName: "feed.xml", code: "not_einvoice", params: {} }]);
    expect(accepted.map((a) => [a.mimeType, a.kind])).toEqual([["application/xml", "einvoice"]]);

    const { employee } = await createApprovalChain();
    const claim = await createClaim(employee);
    const [receipt] = await attachReceipts({ viewer: employee, claimId: claim.id, uploads: accepted });
    const row = await prisma.receipt.findUniqueOrThrow({ where: { id: receipt!.id } });
    const file = await waitFor(
      () => prisma.storedFile.findUnique({ where: { sha256: row.fileSha256 } }).then((f) => (f?.status === "READY" ? f : undefined)),
      { what: "the XML's page image", timeoutMs: 45_000 },
    );
    expect(file).toMatchObject({ pageCount: 1, pages: [{ width: EINVOICE_PAGE.width, height: EINVOICE_PAGE.height }], capture: null });
    // The thumbnail is a real image of the drawn page.
    const thumb = await objectStore().getBytes(`${derivedPrefix(row.fileSha256)}/p1-thumb.jpg`);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width! / meta.height!).toBeCloseTo(EINVOICE_PAGE.width / EINVOICE_PAGE.height, 1);

    const readingRow = await waitFor(() => prisma.receiptReading.findUnique({ where: { fileSha256: row.fileSha256 } }).then((r) => r ?? undefined), {
      what: "the XML's reading",
      timeoutMs: 45_000,
    });
    expect(readingRow).toMatchObject({ source: "xml", invoiceKey: `D${number}` });
    expect(fieldsFromJson(readingRow.fields).total?.confidence).toBe(1);
  });
});
