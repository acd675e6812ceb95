import { existsSync, readFileSync } from "node:fs";
import fontkit from "@pdf-lib/fontkit";
import bwipjs from "bwip-js/node";
import { PDFDocument, rgb, type PDFFont, type PDFImage } from "pdf-lib";

/**
 * What every printed sheet of the paper trail shares (cover sheets, packet manifests, box labels): A4,
 * one embedded CJK font, the same inks, Code 128 barcodes, and text that is cut or wrapped to fit.
 *
 * The font: WenQuanYi Micro Hei (Debian fonts-wqy-microhei), a TrueType-outline CJK face. Noto Sans CJK
 * would be the first choice, but its outlines are CID-keyed CFF and @pdf-lib/fontkit's CFF subsetter writes a
 * font poppler and Acrobat refuse ("Embedded font file may be invalid"); a TrueType face subsets cleanly, so the
 * PDF carries only the glyphs it uses (a few KB). Both ship as .ttc collections: fontkit picks the face by its
 * PostScript name.
 */
const FONT_FILES = [
  { path: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", face: "WenQuanYiMicroHei" },
  { path: "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", face: "WenQuanYiMicroHei" },
] as const;

let fontCache: { bytes: Uint8Array; face: string } | undefined;
function printFont(): { bytes: Uint8Array; face: string } {
  if (fontCache) return fontCache;
  const found = FONT_FILES.find((f) => existsSync(f.path));
  if (!found) throw new Error(`printing: no CJK font found (install fonts-wqy-microhei); looked in ${FONT_FILES.map((f) => f.path).join(", ")}`);
  fontCache = { bytes: readFileSync(found.path), face: found.face };
  return fontCache;
}

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = 42;
export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.42, 0.42, 0.46);
export const RULE = rgb(0.78, 0.78, 0.8);

/** A new PDF with the CJK font embedded (subset) and fixed dates, so the same sheet prints the same bytes. */
export async function createPrintDocument(title: string, subject: string): Promise<{ doc: PDFDocument; font: PDFFont }> {
  const { bytes, face } = printFont();
  const doc = await PDFDocument.create();
  // The font file is a collection: hand pdf-lib the one face it should subset.
  doc.registerFontkit({ create: (data: Uint8Array) => fontkit.create(data, face) });
  const font = await doc.embedFont(bytes, { subset: true });
  doc.setTitle(title);
  doc.setSubject(subject);
  doc.setProducer("Accounting Factory");
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return { doc, font };
}

/** A Code 128 barcode of `text` as an image in `doc` (white quiet zone included). */
export async function embedCode128(doc: PDFDocument, text: string, { height = 14 }: { height?: number } = {}): Promise<PDFImage> {
  const png = await bwipjs.toBuffer({ bcid: "code128", text, scale: 3, height, includetext: false, paddingwidth: 10, paddingheight: 4, backgroundcolor: "FFFFFF" });
  return doc.embedPng(png);
}

export function interpolate(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? ""));
}

/** Cuts `text` with an ellipsis so it fits `width` points. */
export function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Wraps `text` into lines of at most `width` points (by character, so it works for Chinese as well). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const ch of text) {
    if (font.widthOfTextAtSize(line + ch, size) > width && line) {
      const space = line.lastIndexOf(" ");
      if (space > 0 && ch !== " ") {
        lines.push(line.slice(0, space));
        line = line.slice(space + 1) + ch;
      } else {
        lines.push(line);
        line = ch === " " ? "" : ch;
      }
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines;
}
