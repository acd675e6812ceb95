/**
 * Text segments as an OCR detector finds them (a box per run of text: a label on the left of a slip, its
 * amount on the right) → the printed lines they belong to. A photo is rarely straight: at 3° a label and
 * its amount 500 px apart differ by 26 px in height, more than half a line, so segments are grouped on
 * their midlines measured across the page's own slant (the median slant of the long segments).
 */
export type Point = readonly [number, number] | readonly number[];
export type Segment = { text: string; score: number; quad: readonly Point[] };
export type AssembledLine = { text: string; score: number; box: { x: number; y: number; width: number; height: number } };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function geometry(q: readonly Point[]) {
  const [p0 = [0, 0], p1 = [0, 0], p2 = [0, 0], p3 = [0, 0]] = q;
  const cx = ((p0[0] ?? 0) + (p1[0] ?? 0) + (p2[0] ?? 0) + (p3[0] ?? 0)) / 4;
  const cy = ((p0[1] ?? 0) + (p1[1] ?? 0) + (p2[1] ?? 0) + (p3[1] ?? 0)) / 4;
  const width = Math.hypot((p1[0] ?? 0) - (p0[0] ?? 0), (p1[1] ?? 0) - (p0[1] ?? 0));
  const height = Math.hypot((p3[0] ?? 0) - (p0[0] ?? 0), (p3[1] ?? 0) - (p0[1] ?? 0));
  const slope = width > 0 ? ((p1[1] ?? 0) - (p0[1] ?? 0)) / ((p1[0] ?? 0) - (p0[0] ?? 0) || 1e-9) : 0;
  return { cx, cy, width, height, slope };
}

/** The page's slant (dy/dx) from the segments long enough to show it. */
export function pageSlant(segments: readonly Segment[]): number {
  const long = segments.map((s) => geometry(s.quad)).filter((g) => g.width > 3 * g.height && Math.abs(g.slope) < 0.5);
  return median(long.map((g) => g.slope));
}

export function assembleLines(segments: readonly Segment[]): AssembledLine[] {
  if (segments.length === 0) return [];
  const slant = pageSlant(segments);
  const items = segments
    .filter((s) => s.text.trim() !== "")
    .map((s) => {
      const g = geometry(s.quad);
      // The midline's height where it would cross x = 0 if the page were straight.
      return { s, g, level: g.cy - slant * g.cx };
    })
    .sort((a, b) => a.level - b.level);
  const lineHeight = median(items.map((i) => i.g.height)) || 1;
  const groups: (typeof items)[] = [];
  for (const it of items) {
    const group = groups.at(-1);
    const level = group ? group.reduce((a, x) => a + x.level, 0) / group.length : 0;
    if (group && Math.abs(it.level - level) < lineHeight * 0.5) group.push(it);
    else groups.push([it]);
  }
  return groups.map((group) => {
    group.sort((a, b) => a.g.cx - b.g.cx);
    const xs = group.flatMap((i) => i.s.quad.map((p) => p[0] ?? 0));
    const ys = group.flatMap((i) => i.s.quad.map((p) => p[1] ?? 0));
    const chars = group.reduce((a, i) => a + i.s.text.length, 0) || 1;
    const x = Math.max(0, Math.floor(Math.min(...xs)));
    const y = Math.max(0, Math.floor(Math.min(...ys)));
    return {
      text: group.map((i) => i.s.text).join(" "),
      // Weighted by length: a long confident line is not dragged down by a one-character blot.
      score: group.reduce((a, i) => a + i.s.score * i.s.text.length, 0) / chars,
      box: { x, y, width: Math.ceil(Math.max(...xs)) - x, height: Math.ceil(Math.max(...ys)) - y },
    };
  });
}
