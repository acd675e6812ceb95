/**
 * The resolution a PDF page is shown at: the viewer's 150 dpi, lowered for an oversized page so its
 * raster stays under a pixel budget. One rule for the imaging job (which renders the page images) and
 * the readers (whose regions must land on those images' pixels).
 */
export const PDF_VIEWER_DPI = 150;

/** `size` in points (1/72 in); budget in pixels. */
export function pdfPageDpi(size: { w: number; h: number } | undefined, pixelBudget: number): number {
  if (!size || size.w <= 0 || size.h <= 0) return PDF_VIEWER_DPI;
  const maxDpi = 72 * Math.sqrt(pixelBudget / (size.w * size.h));
  return Math.max(1, Math.min(PDF_VIEWER_DPI, Math.floor(maxDpi * 100) / 100));
}
