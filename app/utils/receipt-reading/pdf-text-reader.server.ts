/**
 * The text layer of a PDF made by software (a 数电票 PDF issued without its XML, a POS or booking
 * system's receipt, an airline's invoice): every page's characters read exactly with poppler's
 * `pdftotext -bbox-layout`, no rendering and no OCR, then the same field rules as OCR's lines
 * (extractFields) with the lines' regions on the viewer's page images. A scan (no text, or a stray few
 * characters) or a text layer without a total is left to the QR code and OCR, which read the page image.
 */
import { extractFields } from "~/domain/receipt-reading/extract-fields";
import { invoiceIdentity } from "~/domain/receipt-reading/invoice-number";
import { parseBboxLayout, textLayerLines, textLayerSize } from "~/domain/receipt-reading/pdf-text-layer";
import { pdfPageDpi } from "~/domain/pdf-page-dpi";
import { env } from "~/utils/env.server";
import { runTool } from "~/utils/pdf-tools.server";
import type { ReceiptReader } from "./receipt-reader";

/** Fewer printed characters than this is a scan's PDF (a scanner may stamp a name or a date as text). */
export const MIN_TEXT_LAYER_CHARS = 20;
// The imaging job's page budget (render-receipt.ts): regions land on the pixels it renders.
const PAGE_PIXEL_BUDGET = () => Math.min(50_000_000, env.MAX_IMAGE_PIXELS);

export const pdfTextReader: ReceiptReader = {
  name: "pdf-text",
  applies: (f) => f.mimeType === "application/pdf",
  async read(f, notes) {
    const run = await runTool("pdftotext", ["-bbox-layout", "-enc", "UTF-8", "-f", "1", "-l", String(env.MAX_PDF_PAGES), f.path, "-"], 60_000);
    if (run.code !== 0) {
      notes.push("pdf-text: the text layer could not be read");
      return null;
    }
    const pages = parseBboxLayout(run.stdout);
    const characters = textLayerSize(pages);
    if (characters < MIN_TEXT_LAYER_CHARS) {
      notes.push(characters === 0 ? "pdf-text: no text layer (a scan)" : `pdf-text: ${characters} characters of text only (a scan)`);
      return null;
    }
    const budget = PAGE_PIXEL_BUDGET();
    const lines = textLayerLines(pages, (p) => pdfPageDpi({ w: p.width, h: p.height }, budget));
    const fields = extractFields(lines);
    if (!fields.total) {
      notes.push("pdf-text: the text layer holds no total; read as an image");
      return null;
    }
    // The characters are the issuer's own: a labelled number (and code) identifies the invoice.
    const labelled = (c: number | undefined) => c !== undefined && c >= 0.8;
    const identity =
      labelled(fields.invoiceNumber?.confidence) && (fields.invoiceNumber?.value.length === 20 || labelled(fields.invoiceCode?.confidence))
        ? invoiceIdentity({ code: fields.invoiceCode?.value, number: fields.invoiceNumber?.value })
        : null;
    return {
      source: "pdf-text",
      fields,
      identity,
      qrRegion: null,
      detail: { pages: pages.length, characters, lines: lines.slice(0, 300).map((l) => ({ text: l.text, region: l.region })) },
    };
  },
};
