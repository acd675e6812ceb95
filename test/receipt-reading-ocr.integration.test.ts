/**
 * Issue 14, OCR: a till slip photographed (no XML, no invoice QR) goes upload → imaging → reading and
 * ends with an `ocr` reading whose total and date are the slip's, the total with the box of its line in
 * the upright image's pixels (what the viewer shows).
 */
import { randomInt } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { fieldsFromJson } from "~/domain/receipt-reading/fields";
import { mulberry32 } from "~/domain/seeded-random";
import { attachReceipts } from "~/models/claim-commands.server";
import { prisma } from "~/utils/db.server";
import { receiveUploads } from "~/utils/upload.server";
import { randomReceiptSpec, renderReceiptJpeg } from "../fixtures/receipts";
import { createApprovalChain, createClaim, multipartRequest, waitFor } from "./helpers";
import { useReadingPipeline } from "./reading-pipeline";

describe("reading a till slip by OCR after imaging", () => {
  useReadingPipeline();

  it("stores an ocr reading with the slip's total (and its line's box) and date", async () => {
    // A new total each run: readings are kept per file digest in the shared test database.
    const totalMinor = randomInt(1_000, 90_000);
    const spec = randomReceiptSpec(mulberry32(totalMinor), { lang: "zh", currency: "CNY", date: "2026-11-17", kind: "till", totalMinor });
    // Made photo-like: the renderer's desk photo, turned a little more, softened and saved as a phone JPEG.
    const rendered = await renderReceiptJpeg(spec, { widthPx: 900, seed: 3, exif: false });
    const photo = await sharp(rendered).rotate(3, { background: "#4b3b2e" }).blur(0.6).jpeg({ quality: 72 }).toBuffer();
    const { width, height } = await sharp(photo).metadata();

    const { employee } = await createApprovalChain();
    const claim = await createClaim(employee);
    const { accepted, rejected } = await receiveUploads(multipartRequest([{ fileName: "slip.jpg", data: photo }]));
    expect(rejected).toEqual([]);
    const [receipt] = await attachReceipts({ viewer: employee, claimId: claim.id, uploads: accepted });
    const stored = await prisma.receipt.findUniqueOrThrow({ where: { id: receipt!.id } });
    const row = await waitFor(() => prisma.receiptReading.findUnique({ where: { fileSha256: stored.fileSha256 } }).then((r) => r ?? undefined), {
      what: "the slip's reading",
      timeoutMs: 45_000,
    });

    expect(row.source).toBe("ocr");
    expect(row.invoiceKey).toBeNull();
    const fields = fieldsFromJson(row.fields);
    expect(fields.total?.value).toBe(BigInt(spec.totalMinor));
    expect(fields.date?.value).toBe("2026-11-17");
    expect(fields.currency?.value).toBe("CNY");
    expect(fields.merchant?.value).toBe(spec.merchant);
    // The total's line: on the page, inside the image, in the lower half of the slip (below the items).
    const region = fields.total!.region!;
    expect(region.page).toBe(1);
    expect(region.x).toBeGreaterThanOrEqual(0);
    expect(region.x + region.width).toBeLessThanOrEqual(width!);
    expect(region.y + region.height).toBeLessThanOrEqual(height!);
    expect(region.y).toBeGreaterThan(height! * 0.3);
    expect(region.height).toBeLessThan(120);
    expect(fields.total!.confidence).toBeGreaterThan(0.7);
  }, 60_000);
});
