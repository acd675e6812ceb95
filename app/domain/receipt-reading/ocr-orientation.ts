/**
 * Turned photos: OCR is run on the image turned by 0/90/180/270° and the boxes it finds are mapped back
 * to the upright image (what the viewer shows). Plus the test of whether a pass read anything worth
 * keeping, which decides whether other turns are tried. Pure geometry and counting.
 */
import type { ImageRegion } from "./fields";

export type QuarterTurn = 0 | 90 | 180 | 270;
export type Box = { x: number; y: number; width: number; height: number };

/**
 * A box found on the image turned clockwise by `turn` → the same box on the unturned image of size
 * width × height (sharp's rotate(90) turns clockwise: (x, y) → (H − y, x)).
 */
export function boxOnUnturned(box: Box, turn: QuarterTurn, width: number, height: number): Box {
  switch (turn) {
    case 0:
      return box;
    case 90:
      return { x: box.y, y: height - (box.x + box.width), width: box.height, height: box.width };
    case 180:
      return { x: width - (box.x + box.width), y: height - (box.y + box.height), width: box.width, height: box.height };
    case 270:
      return { x: width - (box.y + box.height), y: box.x, width: box.height, height: box.width };
  }
}

/** A box on a working copy scaled by `scale` → a region in the original's pixels, clipped to it. */
export function regionOf(box: Box, scale: number, page: number, width: number, height: number): ImageRegion {
  const x = Math.max(0, Math.round(box.x / scale));
  const y = Math.max(0, Math.round(box.y / scale));
  return { page, x, y, width: Math.min(width - x, Math.round(box.width / scale)), height: Math.min(height - y, Math.round(box.height / scale)) };
}

export type PassSummary = { lines: { text: string; score: number }[]; foundTotal: boolean; foundDate: boolean };

/**
 * How well a pass read: each confidently read character counts, a total and a date count for much more
 * (a sideways photo still yields confident one-character "lines", never a labelled total).
 */
export function passQuality(p: PassSummary & { turn?: number }): number {
  const text = p.lines.filter((l) => l.score >= 0.8).reduce((n, l) => n + l.text.replace(/\s/g, "").length * l.score, 0);
  // Upright wins a tie: a wrong turn's lines, joined across columns, can hold a label, an amount and a date.
  return text + (p.foundTotal ? 1000 : 0) + (p.foundDate ? 1000 : 0) + (p.turn === 0 ? 500 : 0);
}

/**
 * A pass is good enough to stop turning when it found a labelled total or plenty of confident text with a
 * total. A date alone is not enough: the detector reads a sideways slip's short lines one by one and may
 * find its date, but the rows come apart and the total with them.
 */
export function passIsConvincing(p: PassSummary): boolean {
  return p.foundTotal;
}
