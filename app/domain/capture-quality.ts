/**
 * Issue 14: the capture gate. A photo too blurred, too dark or too small to read is flagged with
 * "retake" advice before the claim goes to the SSC. It does not refuse the upload or the submission (the
 * paper original follows, and a legible part may still do); it warns on the receipt and on the submit
 * step, and the accountant sees the same verdict. Thresholds were calibrated on rendered receipts
 * (bench/capture-quality.ts).
 */
export type CaptureMeasures = {
  /** Pixels of the upright image. */
  width: number;
  height: number;
  /** Variance of the Laplacian at a long side of at most 1600 px. */
  sharpness: number;
  /** Mean grey level 0–255. */
  meanLuma: number;
  /** The 95th percentile grey level: how bright the paper (the brightest part) is. */
  brightLuma: number;
};

export type CaptureProblem = "blurred" | "dark" | "small";

export type CaptureThresholds = { minSharpness: number; minBrightLuma: number; minMeanLuma: number; minShortSide: number; minLongSide: number };

export const CAPTURE_THRESHOLDS: CaptureThresholds = {
  minSharpness: 60,
  minBrightLuma: 110,
  minMeanLuma: 45,
  minShortSide: 400,
  minLongSide: 600,
};

/** The problems of a capture, worst first; [] = fine. Null measures (PDF, not measured) have none. */
export function captureProblems(m: CaptureMeasures | null, t: CaptureThresholds = CAPTURE_THRESHOLDS): CaptureProblem[] {
  if (!m) return [];
  const problems: CaptureProblem[] = [];
  if (Math.min(m.width, m.height) < t.minShortSide || Math.max(m.width, m.height) < t.minLongSide) problems.push("small");
  if (m.brightLuma < t.minBrightLuma || m.meanLuma < t.minMeanLuma) problems.push("dark");
  // A dark photo has weak edges too: blur is judged only on a lit one, so the advice names the cause.
  else if (m.sharpness < t.minSharpness) problems.push("blurred");
  return problems;
}

export function parseCaptureMeasures(json: unknown): CaptureMeasures | null {
  if (!json || typeof json !== "object") return null;
  const o = json as Record<string, unknown>;
  const keys = ["width", "height", "sharpness", "meanLuma", "brightLuma"] as const;
  if (!keys.every((k) => typeof o[k] === "number" && Number.isFinite(o[k]))) return null;
  return { width: o.width as number, height: o.height as number, sharpness: o.sharpness as number, meanLuma: o.meanLuma as number, brightLuma: o.brightLuma as number };
}
