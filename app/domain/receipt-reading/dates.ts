/**
 * Dates as printed on receipts → YYYY-MM-DD with a confidence. A numeric day/month order that could be
 * read both ways (03/12/2026) is returned with a lower confidence and the reading the hint prefers.
 */
export type ReadDate = { date: string; confidence: number; ambiguous: boolean };

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

export function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/**
 * The first date in a snippet. Formats: 2026年12月3日, 2026-12-03, 2026/12/03, 2026.12.03, 20261203 (as in
 * QR payloads), 03/12/2026 and 12/03/2026 (ambiguous unless one part exceeds 12), Dec 3, 2026, 3 Dec 2026.
 * `order` says which numeric reading to prefer when ambiguous ("DMY" in China's English-language slips
 * and Europe; "MDY" in the US).
 */
export function parsePrintedDate(text: string, order: "DMY" | "MDY" = "DMY"): ReadDate | null {
  let m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/.exec(text);
  if (m) return sure(isoDate(+m[1]!, +m[2]!, +m[3]!), 0.98);
  m = /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/.exec(text);
  if (m) return sure(isoDate(+m[1]!, +m[2]!, +m[3]!), 0.95);
  m = /(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)/.exec(text);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    const y = +m[3]!;
    const dmy = isoDate(y, b, a);
    const mdy = isoDate(y, a, b);
    if (dmy && mdy && dmy !== mdy) return { date: order === "DMY" ? dmy : mdy, confidence: 0.5, ambiguous: true };
    return sure(dmy ?? mdy, 0.9);
  }
  m = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/.exec(text);
  if (m && MONTHS[m[1]!.slice(0, 3).toLowerCase()] !== undefined) {
    return sure(isoDate(+m[3]!, MONTHS[m[1]!.slice(0, 3).toLowerCase()]!, +m[2]!), 0.95);
  }
  m = /\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b/.exec(text);
  if (m && MONTHS[m[2]!.slice(0, 3).toLowerCase()] !== undefined) {
    return sure(isoDate(+m[3]!, MONTHS[m[2]!.slice(0, 3).toLowerCase()]!, +m[1]!), 0.95);
  }
  m = /(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)/.exec(text);
  if (m) return sure(isoDate(+m[1]!, +m[2]!, +m[3]!), 0.7);
  return null;
}

function sure(date: string | null, confidence: number): ReadDate | null {
  return date ? { date, confidence, ambiguous: false } : null;
}
