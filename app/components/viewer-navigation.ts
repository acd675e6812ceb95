/**
 * Where the receipt viewer is, and where each control takes it. Pure functions over the claim's
 * receipts, so the route stays thin and the stepping rules are unit-tested.
 *
 * A position is a receipt and a 1-based page. A receipt that is still processing or failed has no
 * page list yet; it still counts as one "page" so stepping lands on it and shows its status panel.
 */

export type NavReceipt = { id: string; pageCount: number };
export type ViewerPosition = { receiptIndex: number; page: number };

/** Pages the viewer steps through for a receipt (at least one, see above). */
export function stepCount(receipt: NavReceipt): number {
  return Math.max(1, Math.floor(receipt.pageCount));
}

function parsePage(raw: string | null): number {
  if (raw === null || !/^\d{1,4}$/.test(raw.trim())) return 1;
  return Math.max(1, Number(raw));
}

/**
 * The position the URL asks for, made valid: an unknown receipt falls back to the first one and the
 * page is clamped to the receipt's pages. Null when the claim has no receipts.
 */
export function resolvePosition(
  receipts: readonly NavReceipt[],
  receiptId: string | null,
  page: string | null,
): ViewerPosition | null {
  if (receipts.length === 0) return null;
  const found = receiptId === null ? -1 : receipts.findIndex((r) => r.id === receiptId);
  const receiptIndex = found >= 0 ? found : 0;
  const count = stepCount(receipts[receiptIndex]!);
  return { receiptIndex, page: Math.min(parsePage(found >= 0 ? page : null), count) };
}

/** The next page: within the receipt, then page 1 of the next receipt; null at the very end. */
export function nextPage(receipts: readonly NavReceipt[], pos: ViewerPosition): ViewerPosition | null {
  const current = receipts[pos.receiptIndex];
  if (!current) return null;
  if (pos.page < stepCount(current)) return { receiptIndex: pos.receiptIndex, page: pos.page + 1 };
  return pos.receiptIndex + 1 < receipts.length ? { receiptIndex: pos.receiptIndex + 1, page: 1 } : null;
}

/** The previous page: within the receipt, then the last page of the previous receipt; null at the start. */
export function previousPage(receipts: readonly NavReceipt[], pos: ViewerPosition): ViewerPosition | null {
  if (!receipts[pos.receiptIndex]) return null;
  if (pos.page > 1) return { receiptIndex: pos.receiptIndex, page: pos.page - 1 };
  const previous = receipts[pos.receiptIndex - 1];
  return previous ? { receiptIndex: pos.receiptIndex - 1, page: stepCount(previous) } : null;
}

/** Page 1 of the next receipt; null on the last receipt (no wrap-around: the end should feel like one). */
export function nextReceipt(receipts: readonly NavReceipt[], pos: ViewerPosition): ViewerPosition | null {
  return pos.receiptIndex + 1 < receipts.length ? { receiptIndex: pos.receiptIndex + 1, page: 1 } : null;
}

/** Page 1 of the previous receipt; null on the first receipt. */
export function previousReceipt(receipts: readonly NavReceipt[], pos: ViewerPosition): ViewerPosition | null {
  return pos.receiptIndex > 0 && pos.receiptIndex - 1 < receipts.length
    ? { receiptIndex: pos.receiptIndex - 1, page: 1 }
    : null;
}

/** The search string for a position, keeping any other parameters the URL carries. */
export function positionSearch(
  receipts: readonly NavReceipt[],
  pos: ViewerPosition,
  current: URLSearchParams = new URLSearchParams(),
): URLSearchParams {
  const next = new URLSearchParams(current);
  const receipt = receipts[pos.receiptIndex];
  if (receipt) next.set("receipt", receipt.id);
  next.set("page", String(pos.page));
  return next;
}

/** Rotations are remembered per receipt page for the session. */
export function rotationKey(receiptId: string, page: number): string {
  return `${receiptId}:${page}`;
}

/** A quarter turn clockwise, kept in [0, 360) so the viewport always animates the short way round. */
export function rotateClockwise(degrees: number): number {
  return (((Math.round(degrees / 90) + 1) % 4) + 4) % 4 * 90;
}

/**
 * Where a horizontal strip must scroll so an item shows with `margin` around it, or null when it
 * already does: the least movement, to the item's start when it is off to the left, else its end.
 */
export function scrollLeftToShow(
  item: { offsetLeft: number; offsetWidth: number },
  strip: { scrollLeft: number; clientWidth: number },
  margin = 16,
): number | null {
  const start = item.offsetLeft - margin;
  const end = item.offsetLeft + item.offsetWidth + margin;
  if (start < strip.scrollLeft) return start;
  if (end > strip.scrollLeft + strip.clientWidth) return end - strip.clientWidth;
  return null;
}
