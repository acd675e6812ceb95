import type { PDFPage } from "pdf-lib";
import type { Locale } from "~/i18n/config";
import { resources } from "~/i18n/resources";
import type { PacketDetail } from "~/contracts/paper-packets";
import { A4, createPrintDocument, embedCode128, fit, INK, interpolate, MARGIN, MUTED, RULE } from "./print-pdf.server";

type Labels = (typeof resources)["en"]["paper"]["manifestPdf"];

const ROW = 20;

/**
 * A packet's manifest as A4 pages (the same machinery as the cover sheet): the packet code as a Code 128
 * barcode for the arrival desk, the company, who packed it and how it travels, then every claim with its
 * number of receipts and a box to tick. The reader's language first, the other's small beside it.
 */
export async function renderPacketManifestPdf(packet: PacketDetail, { locale, printedAt, createdOn, sentOn }: { locale: Locale; printedAt: string; createdOn: string; sentOn: string | null }): Promise<Uint8Array> {
  const primary: Labels = resources[locale].paper.manifestPdf;
  const secondary: Labels = resources[locale === "en" ? "zh-CN" : "en"].paper.manifestPdf;
  const { doc, font } = await createPrintDocument(`${primary.title} ${packet.code}`, packet.code);
  const barcode = await embedCode128(doc, packet.code);
  const [width, height] = A4;
  const right = width - MARGIN;
  const text = (p: PDFPage, s: string, x: number, at: number, size: number, color = INK) => p.drawText(s, { x, y: at, size, font, color });
  const label = (p: PDFPage, key: keyof Labels, x: number, at: number, size = 9, values: Record<string, string | number> = {}) => {
    const main = interpolate(primary[key], values);
    text(p, main, x, at, size, MUTED);
    text(p, interpolate(secondary[key], values), x + font.widthOfTextAtSize(main, size) + 4, at, size * 0.72, MUTED);
  };
  const cols = { no: MARGIN, number: MARGIN + 28, claimant: MARGIN + 170, purpose: MARGIN + 300, receipts: right - 86, tick: right - 18 };

  let page = doc.addPage(A4);
  let y = height - MARGIN;
  // Head: company and title left, the packet's barcode right.
  const barcodeWidth = 210;
  const barcodeHeight = (barcode.height / barcode.width) * barcodeWidth;
  page.drawImage(barcode, { x: right - barcodeWidth, y: y - barcodeHeight, width: barcodeWidth, height: barcodeHeight });
  const codeWidth = font.widthOfTextAtSize(packet.code, 13);
  text(page, packet.code, right - barcodeWidth / 2 - codeWidth / 2, y - barcodeHeight - 15, 13);
  const headWidth = width - 2 * MARGIN - barcodeWidth - 16;
  const companyPrimary = locale === "en" ? packet.company.name : packet.company.nameZh;
  const companySecondary = locale === "en" ? packet.company.nameZh : packet.company.name;
  text(page, fit(companyPrimary, font, 13, headWidth), MARGIN, y - 12, 13);
  text(page, fit(companySecondary, font, 9, headWidth), MARGIN, y - 26, 9, MUTED);
  text(page, primary.title, MARGIN, y - 52, 20);
  text(page, secondary.title, MARGIN, y - 68, 10, MUTED);
  y -= Math.max(84, barcodeHeight + 26);

  page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.6, color: RULE });
  y -= 18;
  const half = (width - 2 * MARGIN) / 2;
  const fact = (key: keyof Labels, value: string, x: number) => {
    label(page, key, x, y);
    text(page, fit(value, font, 11, half - 12), x, y - 14, 11);
  };
  fact("origin", packet.origin || "—", MARGIN);
  fact("packedBy", `${packet.createdBy} · ${createdOn}`, MARGIN + half);
  y -= 34;
  fact("carrier", packet.carrier ? `${packet.carrier} · ${packet.trackingNumber ?? ""}` : "—", MARGIN);
  fact("sentOn", sentOn ?? "—", MARGIN + half);
  y -= 34;
  fact("claims", String(packet.items.length), MARGIN);
  fact("receipts", String(packet.items.reduce((n, i) => n + i.receiptCount, 0)), MARGIN + half);
  y -= 28;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.6, color: RULE });
  y -= 18;

  const head = () => {
    label(page, "no", cols.no, y, 8);
    label(page, "claimNumber", cols.number, y, 8);
    label(page, "claimant", cols.claimant, y, 8);
    label(page, "purpose", cols.purpose, y, 8);
    label(page, "receiptCount", cols.receipts, y, 8);
    y -= 6;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.4, color: RULE });
    y -= 16;
  };
  if (packet.items.length === 0) text(page, primary.empty, MARGIN, y, 10, MUTED);
  else head();
  packet.items.forEach((item, i) => {
    if (y < MARGIN + 40) {
      page = doc.addPage(A4);
      y = height - MARGIN;
      text(page, `${primary.title} ${packet.code}`, MARGIN, y - 10, 10, MUTED);
      y -= 32;
      head();
    }
    text(page, String(i + 1), cols.no, y, 10);
    text(page, item.claimNumber, cols.number, y, 11);
    text(page, fit(item.claimant, font, 10, cols.purpose - cols.claimant - 8), cols.claimant, y, 10);
    text(page, fit(item.purpose, font, 9, cols.receipts - cols.purpose - 8), cols.purpose, y, 9, MUTED);
    text(page, item.receiptCount > 1 ? `R1–R${item.receiptCount}` : item.receiptCount === 1 ? "R1" : "—", cols.receipts, y, 10);
    page.drawRectangle({ x: cols.tick, y: y - 2, width: 11, height: 11, borderColor: INK, borderWidth: 0.8 });
    y -= ROW;
  });

  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const foot = `${primary.printedAt} ${secondary.printedAt}: ${printedAt} · ${i + 1}/${pages.length}`;
    p.drawText(foot, { x: right - font.widthOfTextAtSize(foot, 7), y: MARGIN - 14, size: 7, font, color: MUTED });
    p.drawText(fit(`${primary.instructions} ${secondary.instructions}`, font, 7, width - 2 * MARGIN - font.widthOfTextAtSize(foot, 7) - 12), { x: MARGIN, y: MARGIN - 14, size: 7, font, color: MUTED });
  });
  return doc.save();
}
