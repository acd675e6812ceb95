import { rgb, type PDFPage } from "pdf-lib";
import type { CoverSheet } from "~/domain/cover-sheet";
import { formatMoney, type Money } from "~/domain/money";
import { resources } from "~/i18n/resources";
import type { Locale } from "~/i18n/config";
import { A4, code128Png, createPdfWithFont, fit, INK, interpolate, MARGIN, MUTED, RULE, wrap } from "./pdf-kit.server";

/**
 * Draws the claim's cover sheet (app/domain/cover-sheet.ts) as a one-page A4 PDF: the reader's language
 * first, the other language's label small beside it, and the claim number as a Code 128 barcode
 * (font and barcode: pdf-kit.server.ts).
 */
type Labels = (typeof resources)["en"]["coverSheet"];
type LabelKey = keyof Labels;

const ROW_HEIGHT = 19;

export async function renderCoverSheetPdf(sheet: CoverSheet, { locale, printedAt }: { locale: Locale; printedAt: string }): Promise<Uint8Array> {
  const primary = resources[locale].coverSheet;
  const secondary = resources[locale === "en" ? "zh-CN" : "en"].coverSheet;
  const money = (m: Money) => formatMoney(m, locale);
  const { doc, font } = await createPdfWithFont({ title: `${primary.title} ${sheet.claimNumber}`, subject: sheet.claimNumber });

  const page = doc.addPage(A4);
  const [width, height] = A4;
  const right = width - MARGIN;
  let y = height - MARGIN;

  const text = (p: PDFPage, s: string, x: number, at: number, size: number, color = INK) => p.drawText(s, { x, y: at, size, font, color });
  /** A label in the reader's language with the other language's label small after it. */
  const label = (key: LabelKey, x: number, at: number, size = 9, values: Record<string, string | number> = {}) => {
    const main = interpolate(primary[key], values);
    text(page, main, x, at, size, MUTED);
    const w = font.widthOfTextAtSize(main, size);
    text(page, interpolate(secondary[key], values), x + w + 4, at, size * 0.72, MUTED);
  };

  // Head: the company (both names) and the title on the left, the barcode on the right.
  const companyPrimary = locale === "en" ? sheet.company.name : sheet.company.nameZh;
  const companySecondary = locale === "en" ? sheet.company.nameZh : sheet.company.name;
  const barcode = await code128Png(sheet.barcodeText);
  const image = await doc.embedPng(barcode);
  const barcodeWidth = 200;
  const barcodeHeight = (image.height / image.width) * barcodeWidth;
  page.drawImage(image, { x: right - barcodeWidth, y: y - barcodeHeight, width: barcodeWidth, height: barcodeHeight });
  const numberSize = 13;
  const numberWidth = font.widthOfTextAtSize(sheet.claimNumber, numberSize);
  text(page, sheet.claimNumber, right - barcodeWidth / 2 - numberWidth / 2, y - barcodeHeight - 15, numberSize);

  const headWidth = width - 2 * MARGIN - barcodeWidth - 16;
  text(page, fit(companyPrimary, font, 13, headWidth), MARGIN, y - 12, 13);
  text(page, fit(companySecondary, font, 9, headWidth), MARGIN, y - 26, 9, MUTED);
  text(page, primary.title, MARGIN, y - 52, 20);
  text(page, secondary.title, MARGIN, y - 68, 10, MUTED);
  y -= Math.max(84, barcodeHeight + 26);

  if (sheet.isDraft) {
    page.drawRectangle({ x: MARGIN, y: y - 22, width: width - 2 * MARGIN, height: 22, color: rgb(1, 0.93, 0.85) });
    text(page, fit(primary.draft, font, 10, width - 2 * MARGIN - 12), MARGIN + 6, y - 15, 10, rgb(0.6, 0.2, 0));
    y -= 30;
  }

  // Facts: two columns of label / value.
  page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.6, color: RULE });
  y -= 18;
  const half = (width - 2 * MARGIN) / 2;
  const fact = (key: LabelKey, value: string, x: number, at: number) => {
    label(key, x, at);
    text(page, fit(value, font, 11, half - 12), x, at - 14, 11);
  };
  const departmentName = locale === "en" ? sheet.department.name : sheet.department.nameZh;
  fact("claimNumber", sheet.claimNumber, MARGIN, y);
  fact("claimant", `${sheet.claimant.name} <${sheet.claimant.email}>`, MARGIN + half, y);
  y -= 34;
  fact("department", departmentName, MARGIN, y);
  fact("submittedOn", sheet.submittedOn ?? "—", MARGIN + half, y);
  y -= 34;
  fact("purpose", sheet.purpose || "—", MARGIN, y);
  fact("total", sheet.totals.length ? sheet.totals.map(money).join(" + ") : "—", MARGIN + half, y);
  y -= 30;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.6, color: RULE });
  y -= 20;

  // Foot (drawn last, measured first so the receipt list knows its room): what to do with the originals
  // and where to send them, in both languages, in a box.
  const instructions = wrap(primary.instructions, font, 10, width - 2 * MARGIN - 20);
  const instructionsOther = wrap(secondary.instructions, font, 8, width - 2 * MARGIN - 20);
  const addressPrimary = locale === "en" ? sheet.sendTo.en : sheet.sendTo.zh;
  const addressSecondary = locale === "en" ? sheet.sendTo.zh : sheet.sendTo.en;
  const boxHeight = 20 + instructions.length * 14 + instructionsOther.length * 11 + 22 + addressPrimary.length * 15 + 8 + addressSecondary.length * 11 + 10;
  const boxTop = MARGIN + 14 + boxHeight;

  // Receipts: number, file, pages, lines, amount.
  label("receipts", MARGIN, y, 12);
  y -= 20;
  const cols = { no: MARGIN, file: MARGIN + 52, pages: MARGIN + 300, lines: MARGIN + 350, amountRight: right };
  if (sheet.receipts.length === 0) {
    text(page, primary.noReceipts, MARGIN, y, 10, MUTED);
    y -= 18;
  } else {
    label("receiptNo", cols.no, y, 8);
    label("file", cols.file, y, 8);
    label("pages", cols.pages, y, 8);
    label("lines", cols.lines, y, 8);
    const amountHeadWidth = font.widthOfTextAtSize(primary.amount, 8) + 4 + font.widthOfTextAtSize(secondary.amount, 8 * 0.72);
    label("amount", cols.amountRight - amountHeadWidth, y, 8);
    y -= 6;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: right, y }, thickness: 0.4, color: RULE });
    y -= 16;
    // One page, always: the rows that fit above the foot (one row kept for the "and N more" line).
    const room = Math.floor((y - boxTop - 34) / ROW_HEIGHT);
    const shown = sheet.receipts.length > room ? sheet.receipts.slice(0, Math.max(0, room - 1)) : sheet.receipts;
    for (const r of shown) {
      text(page, r.number, cols.no, y, 13);
      text(page, fit(r.fileName, font, 10, cols.pages - cols.file - 10), cols.file, y + 1, 10);
      text(page, r.pages === null ? "—" : String(r.pages), cols.pages, y + 1, 10);
      text(page, fit(r.lineNumbers.join(", ") || "—", font, 10, 60), cols.lines, y + 1, 10);
      const amount = r.amounts.map(money).join(" + ") || "—";
      const amountText = fit(amount, font, 10, cols.amountRight - cols.lines - 70);
      text(page, amountText, cols.amountRight - font.widthOfTextAtSize(amountText, 10), y + 1, 10);
      y -= ROW_HEIGHT;
    }
    if (shown.length < sheet.receipts.length) {
      text(page, interpolate(primary.moreReceipts, { count: sheet.receipts.length - shown.length }), MARGIN, y, 10, MUTED);
      y -= 18;
    }
  }
  if (sheet.linesWithoutReceipt.length > 0) {
    text(page, fit(interpolate(primary.linesWithoutReceipt, { lines: sheet.linesWithoutReceipt.join(", ") }), font, 9, width - 2 * MARGIN), MARGIN, y, 9, MUTED);
  }

  // The foot.
  page.drawRectangle({ x: MARGIN, y: MARGIN + 14, width: width - 2 * MARGIN, height: boxHeight, borderColor: INK, borderWidth: 1 });
  let f = boxTop - 20;
  for (const line of instructions) {
    text(page, line, MARGIN + 10, f, 10);
    f -= 14;
  }
  for (const line of instructionsOther) {
    text(page, line, MARGIN + 10, f, 8, MUTED);
    f -= 11;
  }
  f -= 8;
  label("sendTo", MARGIN + 10, f, 9);
  f -= 16;
  for (const line of addressPrimary) {
    text(page, fit(line, font, 12, width - 2 * MARGIN - 20), MARGIN + 10, f, 12);
    f -= 15;
  }
  f -= 4;
  for (const line of addressSecondary) {
    text(page, fit(line, font, 8.5, width - 2 * MARGIN - 20), MARGIN + 10, f, 8.5, MUTED);
    f -= 11;
  }
  const printed = `${primary.printedAt} ${secondary.printedAt}: ${printedAt}`;
  text(page, printed, right - font.widthOfTextAtSize(printed, 7), MARGIN, 7, MUTED);

  return doc.save();
}
