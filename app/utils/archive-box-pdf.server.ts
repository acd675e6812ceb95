import type { PDFFont, PDFPage } from "pdf-lib";
import { formatMoney } from "~/domain/money";
import type { Locale } from "~/i18n/config";
import { resources } from "~/i18n/resources";
import type { BoxDetail } from "~/contracts/archive-boxes";
import { formatDate } from "./format";
import { A4, createPrintDocument, embedCode128, fit, INK, interpolate, MARGIN, MUTED, RULE } from "./print-pdf.server";

/**
 * The box label (stuck on the box's end: the label as a Code 128 barcode and in large text, company, year,
 * type, location, count and date range) and the box's contents list, both A4, in the reader's language with
 * the other language's label small beside each field.
 */
type Pdf = (typeof resources)["en"]["archiveBoxes"]["pdf"];

function labels(locale: Locale) {
  const primary = resources[locale].archiveBoxes;
  const secondary = resources[locale === "en" ? "zh-CN" : "en"].archiveBoxes;
  return { primary, secondary };
}

function drawer(page: PDFPage, font: PDFFont, locale: Locale) {
  const { primary, secondary } = labels(locale);
  const text = (s: string, x: number, y: number, size: number, color = INK) => page.drawText(s, { x, y, size, font, color });
  const label = (key: keyof Pdf, x: number, y: number, size = 9) => {
    const main = primary.pdf[key];
    text(main, x, y, size, MUTED);
    text(secondary.pdf[key], x + font.widthOfTextAtSize(main, size) + 4, y, size * 0.72, MUTED);
  };
  return { text, label };
}

function companyName(box: BoxDetail, locale: Locale): string {
  return locale === "en" ? `${box.company.name} · ${box.company.nameZh}` : `${box.company.nameZh} · ${box.company.name}`;
}

function locationName(box: BoxDetail, locale: Locale): string {
  return `${box.location.code} ${locale === "en" ? box.location.name : box.location.nameZh}`;
}

function dateRange(box: BoxDetail, locale: Locale): string {
  return box.dateRange ? `${formatDate(box.dateRange.from, locale)} – ${formatDate(box.dateRange.to, locale)}` : "—";
}

export async function renderBoxLabelPdf(box: BoxDetail, { locale, printedAt }: { locale: Locale; printedAt: string }): Promise<Uint8Array> {
  const { primary, secondary } = labels(locale);
  const { doc, font } = await createPrintDocument(`${primary.pdf.labelTitle} ${box.label}`, box.label);
  const page = doc.addPage(A4);
  const [width, height] = A4;
  const inner = width - 2 * MARGIN;
  const { text, label } = drawer(page, font, locale);
  let y = height - MARGIN;

  // The label sits in a frame at the top of the page, to cut out and stick on the box (drawn last, around what it holds).
  const top = y;
  y -= 28;
  text(primary.pdf.labelTitle, MARGIN + 16, y, 16);
  text(secondary.pdf.labelTitle, MARGIN + 16 + font.widthOfTextAtSize(primary.pdf.labelTitle, 16) + 6, y, 10, MUTED);
  const statusText = primary.status[box.status];
  text(statusText, width - MARGIN - 16 - font.widthOfTextAtSize(statusText, 11), y, 11, MUTED);
  y -= 12;

  const barcode = await embedCode128(doc, box.label, { height: 12 });
  const barcodeWidth = Math.min(inner - 32, barcode.width * 0.75);
  const barcodeHeight = (barcode.height / barcode.width) * barcodeWidth;
  page.drawImage(barcode, { x: (width - barcodeWidth) / 2, y: y - barcodeHeight, width: barcodeWidth, height: barcodeHeight });
  y -= barcodeHeight + 30;
  const labelSize = Math.min(30, ((inner - 32) / font.widthOfTextAtSize(box.label, 30)) * 30);
  text(box.label, (width - font.widthOfTextAtSize(box.label, labelSize)) / 2, y, labelSize);
  y -= 28;
  page.drawLine({ start: { x: MARGIN + 16, y }, end: { x: width - MARGIN - 16, y }, thickness: 0.6, color: RULE });
  y -= 20;

  const half = (inner - 32) / 2;
  const left = MARGIN + 16;
  const fact = (key: keyof Pdf, value: string, x: number, at: number, size = 13, room = half - 10) => {
    label(key, x, at);
    text(fit(value, font, size, room), x, at - 17, size);
  };
  fact("company", companyName(box, locale), left, y, 13, inner - 32);
  y -= 42;
  fact("year", String(box.year), left, y, 18);
  fact("type", `${primary.docTypeShort[box.docType]} (${box.docType})`, left + half, y);
  y -= 42;
  fact("location", locationName(box, locale), left, y);
  fact("count", `${box.filled} / ${box.capacity}`, left + half, y);
  y -= 42;
  fact("dateRange", dateRange(box, locale), left, y);
  y -= 34;
  page.drawRectangle({ x: MARGIN, y, width: inner, height: top - y, borderColor: INK, borderWidth: 1.2 });

  const printed = `${primary.pdf.printedAt} ${secondary.pdf.printedAt}: ${printedAt}`;
  text(printed, width - MARGIN - font.widthOfTextAtSize(printed, 7), MARGIN, 7, MUTED);
  return doc.save();
}

const ROW = 17;

export async function renderBoxContentsPdf(box: BoxDetail, { locale, printedAt }: { locale: Locale; printedAt: string }): Promise<Uint8Array> {
  const { primary, secondary } = labels(locale);
  const { doc, font } = await createPrintDocument(`${primary.pdf.contentsTitle} ${box.label}`, box.label);
  const [width, height] = A4;
  const right = width - MARGIN;
  const cols = { pos: MARGIN, claim: MARGIN + 150, claimant: MARGIN + 265, received: MARGIN + 380, amountRight: right };

  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;
  const newPage = () => {
    page = doc.addPage(A4);
    pages.push(page);
    const { text, label } = drawer(page, font, locale);
    y = height - MARGIN - 14;
    text(primary.pdf.contentsTitle, MARGIN, y, 16);
    text(secondary.pdf.contentsTitle, MARGIN + font.widthOfTextAtSize(primary.pdf.contentsTitle, 16) + 6, y, 10, MUTED);
    text(box.label, right - font.widthOfTextAtSize(box.label, 14), y, 14);
    y -= 20;
    text(fit(`${companyName(box, locale)} · ${box.year} · ${primary.docTypeShort[box.docType]} · ${locationName(box, locale)}`, font, 9, right - MARGIN), MARGIN, y, 9, MUTED);
    y -= 14;
    text(`${primary.pdf.count}: ${box.filled} / ${box.capacity}   ${primary.pdf.dateRange}: ${dateRange(box, locale)}   ${primary.pdf.status}: ${primary.status[box.status]}`, MARGIN, y, 9, MUTED);
    y -= 22;
    label("position", cols.pos, y, 8);
    label("claim", cols.claim, y, 8);
    label("claimant", cols.claimant, y, 8);
    label("received", cols.received, y, 8);
    const amountHead = font.widthOfTextAtSize(primary.pdf.amount, 8) + 4 + font.widthOfTextAtSize(secondary.pdf.amount, 8 * 0.72);
    label("amount", cols.amountRight - amountHead, y, 8);
    y -= 6;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.4, color: RULE });
    y -= 14;
  };
  newPage();
  if (box.contents.length === 0) {
    page.drawText(primary.pdf.empty, { x: MARGIN, y, size: 10, font, color: MUTED });
  }
  for (const row of box.contents) {
    if (y < MARGIN + 24) newPage();
    const draw = (s: string, x: number, size = 9.5) => page.drawText(s, { x, y, size, font, color: INK });
    draw(fit(row.positionLabel, font, 9.5, cols.claim - cols.pos - 6), cols.pos);
    draw(row.claimNumber, cols.claim);
    draw(fit(row.claimant, font, 9.5, cols.received - cols.claimant - 6), cols.claimant);
    draw(row.receivedAt ? formatDate(row.receivedAt, locale) : "—", cols.received);
    const amount = fit(row.totals.map((m) => formatMoney(m, locale)).join(" + ") || "—", font, 9.5, cols.amountRight - cols.received - 70);
    draw(amount, cols.amountRight - font.widthOfTextAtSize(amount, 9.5));
    y -= ROW;
  }
  const printed = `${primary.pdf.printedAt} ${secondary.pdf.printedAt}: ${printedAt}`;
  pages.forEach((p, i) => {
    const n = interpolate(primary.pdf.page, { page: i + 1, pages: pages.length });
    p.drawText(n, { x: MARGIN, y: MARGIN - 14, size: 7, font, color: MUTED });
    p.drawText(printed, { x: right - font.widthOfTextAtSize(printed, 7), y: MARGIN - 14, size: 7, font, color: MUTED });
  });
  return doc.save();
}
