/**
 * What the receipt viewer shows of a claim, and the small rules about it: where a receipt's files are,
 * how many pages it shows, which failure it names, and the rotations remembered for the session.
 */
import type { Money } from "~/domain/money";

export type ViewerReceipt = {
  id: string;
  fileName: string;
  status: "PROCESSING" | "READY" | "FAILED";
  failureCode: string | null;
  pages: { width: number; height: number }[];
  lineIds: string[];
};

export type ViewerLine = {
  id: string;
  position: number;
  merchant: string;
  amount: Money;
  spentOn: string;
  categoryName: string;
  categoryNameZh: string;
};

export const FAILURE_CODES = ["corrupt_image", "encrypted_pdf", "unsupported_type", "too_many_pixels", "too_many_pages", "unknown"] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** The failure a receipt names in the viewer; anything unknown (or missing) is "unknown". */
export function failureCode(code: string | null): FailureCode {
  return (FAILURE_CODES as readonly (string | null)[]).includes(code) ? (code as FailureCode) : "unknown";
}

export function receiptBase(receiptId: string): string {
  return `/files/receipts/${encodeURIComponent(receiptId)}`;
}

/** Pages a receipt shows; anything not READY has no pages yet. */
export function pagesOf(receipt: Pick<ViewerReceipt, "status" | "pages">): number {
  return receipt.status === "READY" ? receipt.pages.length : 0;
}

/** The rotations stored for a claim (sessionStorage), keeping only quarter turns; anything unreadable is none. */
export function parseRotations(raw: string | null): Record<string, number> {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] % 90 === 0),
    );
  } catch {
    return {};
  }
}

export function rotationStyle(degrees: number): { transform: string } | undefined {
  return degrees === 0 ? undefined : { transform: `rotate(${degrees}deg)` };
}

/** The lines a receipt belongs to, in claim order (ids of lines not on the claim are left out). */
export function linesOfReceipt<L extends { id: string; position: number }>(lineIds: readonly string[], linesById: ReadonlyMap<string, L>): L[] {
  return lineIds
    .map((id) => linesById.get(id))
    .filter((l): l is L => l !== undefined)
    .sort((a, b) => a.position - b.position);
}
