/**
 * Issue 14, a PDF made by software (its text layer, no XML attached): upload → imaging → reading →
 * proposal. The reading is `pdf-text`, exact; the total, printed on the folio's second page, carries
 * page 2 and a region inside that page's image; the claimant is offered the line.
 */
import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fieldsFromJson } from "~/domain/receipt-reading/fields";
import { mulberry32 } from "~/domain/seeded-random";
import { attachReceipts } from "~/models/claim-commands.server";
import { listLineProposals } from "~/models/line-proposal.server";
import { READER_VERSION } from "~/models/receipt-reading.server";
import { prisma } from "~/utils/db.server";
import { receiveUploads } from "~/utils/upload.server";
import { randomReceiptSpec, renderReceiptTextPdf } from "../fixtures/receipts";
import { createApprovalChain, createClaim, multipartRequest, waitFor } from "./helpers";
import { useReadingPipeline } from "./reading-pipeline";

describe("reading a PDF's text layer after imaging", () => {
  useReadingPipeline();

  it("stores a pdf-text reading with the folio's total (on page 2, with its region there) and proposes the line", async () => {
    await prisma.expenseCategory.upsert({ where: { code: "HOTEL" }, update: {}, create: { code: "HOTEL", name: "Hotel", nameZh: "住宿费" } });
    // A new total each run: readings are kept per file digest in the shared test database.
    const totalMinor = randomInt(100_000, 900_000);
    const spec = randomReceiptSpec(mulberry32(totalMinor), { lang: "zh", currency: "CNY", date: "2026-11-17", kind: "hotel", totalMinor });
    // Cut above the folio's totals: the charges run onto page 2 with them.
    const pdf = await renderReceiptTextPdf(spec, { pages: 2, cutBefore: /^消费合计/ });

    const { employee } = await createApprovalChain();
    const claim = await createClaim(employee);
    const { accepted, rejected } = await receiveUploads(multipartRequest([{ fileName: "folio.pdf", data: pdf }]));
    expect(rejected).toEqual([]);
    const [receipt] = await attachReceipts({ viewer: employee, claimId: claim.id, uploads: accepted });
    const stored = await prisma.receipt.findUniqueOrThrow({ where: { id: receipt!.id } });
    const row = await waitFor(() => prisma.receiptReading.findUnique({ where: { fileSha256: stored.fileSha256 } }).then((r) => r ?? undefined), {
      what: "the folio's reading",
      timeoutMs: 45_000,
    });

    expect(row).toMatchObject({ source: "pdf-text", invoiceKey: null, readerVersion: READER_VERSION });
    const fields = fieldsFromJson(row.fields);
    expect(fields.total?.value).toBe(BigInt(totalMinor));
    expect(fields.total!.confidence).toBeGreaterThanOrEqual(0.85);
    expect(fields.currency?.value).toBe("CNY");
    expect(fields.merchant?.value).toBe(spec.merchant);
    // Departure date: the folio's check-out day or the date printed, never a guess from the wrong page.
    expect(fields.date?.region?.page).toBe(1);
    // The total's row is on page 2, inside the page image imaging rendered (the viewer's pixels).
    const file = await prisma.storedFile.findUniqueOrThrow({ where: { sha256: stored.fileSha256 } });
    const pages = file.pages as { width: number; height: number }[];
    expect(pages).toHaveLength(2);
    const region = fields.total!.region!;
    expect(region.page).toBe(2);
    expect(region.x + region.width).toBeLessThanOrEqual(pages[1]!.width);
    expect(region.y + region.height).toBeLessThanOrEqual(pages[1]!.height);
    expect(region.height).toBeLessThan(60);

    const proposals = await listLineProposals(claim.id);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      receiptId: receipt!.id,
      source: "pdf-text",
      amountMinor: { value: BigInt(totalMinor), origin: "read" },
      currency: { value: "CNY", origin: "read" },
      categoryCode: { value: "HOTEL", origin: "guessed" },
    });
  }, 60_000);
});
