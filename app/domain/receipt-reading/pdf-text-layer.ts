/**
 * A PDF's text layer (the characters a PDF made by software carries, as poppler's `pdftotext
 * -bbox-layout` lists them: pages in points, lines of words with their boxes) → the text lines
 * extractFields reads, each with its region in the pixels of the page as the viewer shows it. The text is
 * exact (no recognition), so every line's score is 1. poppler cuts a printed row into separate lines
 * where columns stand apart (a label on the left, its amount on the right); they are put back together
 * into rows as OCR's lines are (assembleLines), so the same label rules apply to both.
 */
import type { ImageRegion } from "./fields";
import type { TextLine } from "./extract-fields";
import { assembleLines } from "./ocr-lines";

export type PdfTextBox = { x: number; y: number; width: number; height: number };
export type PdfTextPage = { page: number; width: number; height: number; lines: { text: string; box: PdfTextBox }[] };

const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(ENTITY, (_, dec: string | undefined, hex: string | undefined, name: string | undefined) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (NAMED[name!.toLowerCase()] ?? ""),
  );
}

const num = (attrs: string, name: string): number => Number(new RegExp(`\\b${name}="([-0-9.eE+]+)"`).exec(attrs)?.[1] ?? NaN);

/** `pdftotext -bbox-layout` output (XHTML) → pages with their lines (words joined by a space), in points. */
export function parseBboxLayout(xhtml: string): PdfTextPage[] {
  const pages: PdfTextPage[] = [];
  for (const pm of xhtml.matchAll(/<page\b([^>]*)>([\s\S]*?)<\/page>/g)) {
    const lines: PdfTextPage["lines"] = [];
    for (const lm of pm[2]!.matchAll(/<line\b([^>]*)>([\s\S]*?)<\/line>/g)) {
      const words = [...lm[2]!.matchAll(/<word\b[^>]*>([\s\S]*?)<\/word>/g)].map((w) => decodeEntities(w[1]!).trim()).filter((w) => w !== "");
      if (words.length === 0) continue;
      const [x0, y0, x1, y1] = ["xMin", "yMin", "xMax", "yMax"].map((k) => num(lm[1]!, k)) as [number, number, number, number];
      if (![x0, y0, x1, y1].every(Number.isFinite)) continue;
      lines.push({ text: words.join(" "), box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
    }
    pages.push({ page: pages.length + 1, width: num(pm[1]!, "width"), height: num(pm[1]!, "height"), lines });
  }
  return pages;
}

/** Printed characters on the pages (spaces aside): a scan's PDF has none, or a stray few (a scanner's stamp). */
export function textLayerSize(pages: readonly PdfTextPage[]): number {
  return pages.reduce((n, p) => n + p.lines.reduce((m, l) => m + l.text.replace(/\s/g, "").length, 0), 0);
}

/**
 * The pages' lines as rows, page by page, each with its region in pixels of the page rendered at
 * `dpiOf(page)` (the viewer's page images: 150 dpi, less for an oversized page), clipped to the page.
 */
export function textLayerLines(pages: readonly PdfTextPage[], dpiOf: (page: PdfTextPage) => number): TextLine[] {
  const out: TextLine[] = [];
  for (const page of pages) {
    const k = dpiOf(page) / 72;
    const rows = assembleLines(
      page.lines.map((l) => ({
        text: l.text,
        score: 1,
        quad: [
          [l.box.x, l.box.y],
          [l.box.x + l.box.width, l.box.y],
          [l.box.x + l.box.width, l.box.y + l.box.height],
          [l.box.x, l.box.y + l.box.height],
        ],
      })),
    );
    const maxW = Math.ceil(page.width * k);
    const maxH = Math.ceil(page.height * k);
    for (const row of rows) {
      const x = Math.max(0, Math.floor(row.box.x * k));
      const y = Math.max(0, Math.floor(row.box.y * k));
      const region: ImageRegion = {
        page: page.page,
        x,
        y,
        width: Math.max(1, Math.min(maxW - x, Math.ceil((row.box.x + row.box.width) * k) - x)),
        height: Math.max(1, Math.min(maxH - y, Math.ceil((row.box.y + row.box.height) * k) - y)),
      };
      out.push({ text: row.text, score: 1, region });
    }
  }
  return out;
}
