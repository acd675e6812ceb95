import { useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { resolvePosition, type NavReceipt, type ViewerPosition } from "./viewer-navigation";

const URL_SYNC_MS = 250;

type At = { receiptId: string | null; page: string | null };

/**
 * Where the viewer is (receipt and page), read from `?receipt=&page=` once and then kept in state:
 * steps update it synchronously (a held "j" must not lose presses to a render that has not happened
 * yet) and the URL follows, debounced. Another claim on the same route starts over from the URL.
 */
export function useViewerUrlState(claimId: string, nav: readonly NavReceipt[]) {
  const [searchParams, setSearchParams] = useSearchParams();
  const [at, setAt] = useState<At>(() => ({ receiptId: searchParams.get("receipt"), page: searchParams.get("page") }));
  // Same route, another claim ("claim" from the workstation, or the back/forward buttons): start over
  // from the URL (adjusting state during render, so no frame shows the old claim's position).
  const [atClaimId, setAtClaimId] = useState(claimId);
  if (atClaimId !== claimId) {
    setAtClaimId(claimId);
    setAt({ receiptId: searchParams.get("receipt"), page: searchParams.get("page") });
  }
  const position = resolvePosition(nav, at.receiptId, at.page);
  const receiptId = position ? (nav[position.receiptIndex]?.id ?? null) : null;
  const page = position?.page ?? 1;

  // The URL follows (replace, no scroll), so a reload comes back here. Debounced: flipping through
  // ten pages writes it once, instead of starting (and aborting) ten router navigations.
  useEffect(() => {
    if (receiptId === null) return;
    if (searchParams.get("receipt") === receiptId && searchParams.get("page") === String(page)) return;
    const timer = window.setTimeout(() => {
      setSearchParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.set("receipt", receiptId);
          next.set("page", String(page));
          return next;
        },
        { replace: true, preventScrollReset: true },
      );
    }, URL_SYNC_MS);
    return () => window.clearTimeout(timer);
  }, [receiptId, page, searchParams, setSearchParams]);

  /** Shows a receipt's page (as the workstation asks); a receipt not on this claim is ignored by resolvePosition. */
  const show = (id: string, toPage: number) => setAt({ receiptId: id, page: String(toPage) });
  const moveTo = (target: ViewerPosition) => {
    const id = nav[target.receiptIndex]?.id;
    if (id) setAt({ receiptId: id, page: String(target.page) });
  };
  /** One step from where the viewer is now (the latest state, not this render's). */
  const step = (to: (list: readonly NavReceipt[], from: ViewerPosition) => ViewerPosition | null) => {
    setAt((prev) => {
      const from = resolvePosition(nav, prev.receiptId, prev.page);
      const target = from && to(nav, from);
      const id = target && nav[target.receiptIndex]?.id;
      return target && id ? { receiptId: id, page: String(target.page) } : prev;
    });
  };
  return { position, receiptId, page, searchParams, show, moveTo, step };
}
