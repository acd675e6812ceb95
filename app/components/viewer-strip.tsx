import { Link } from "@remix-run/react";
import { forwardRef } from "react";
import { useTranslation } from "react-i18next";
import { ViewerIcon } from "./viewer-icons";
import { positionSearch, rotationKey, type NavReceipt, type ViewerPosition } from "./viewer-navigation";
import { pagesOf, receiptBase, rotationStyle, type ViewerReceipt } from "./viewer-receipts";

/** The thumbnail strip: one thumbnail per page of every receipt (one per receipt still imaging or failed). */
export const ViewerStrip = forwardRef<
  HTMLElement,
  {
    receipts: readonly ViewerReceipt[];
    nav: readonly NavReceipt[];
    currentReceiptId: string | null;
    page: number;
    rotations: Record<string, number>;
    searchParams: URLSearchParams;
    moveTo: (target: ViewerPosition) => void;
  }
>(function ViewerStrip({ receipts, nav, currentReceiptId, page, rotations, searchParams, moveTo }, ref) {
  const { t } = useTranslation("viewer");
  return (
    <nav className="viewer-strip" aria-label={t("strip.label")} ref={ref} data-testid="thumbnail-strip">
      <ol className="strip-list">
        {receipts.map((r, index) => (
          <li key={r.id} className="strip-receipt">
            {Array.from({ length: Math.max(1, pagesOf(r)) }, (_, i) => i + 1).map((p) => {
              const current = r.id === currentReceiptId && p === page;
              const pages = Math.max(1, pagesOf(r));
              const size = r.pages[p - 1];
              return (
                <Link
                  key={p}
                  to={`?${positionSearch(nav, { receiptIndex: index, page: p }, searchParams).toString()}`}
                  replace
                  preventScrollReset
                  onClick={(event) => {
                    // A plain click moves in place (the URL follows); modified clicks open a tab as links do.
                    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                    event.preventDefault();
                    moveTo({ receiptIndex: index, page: p });
                  }}
                  className={`strip-thumb strip-thumb-${r.status.toLowerCase()}`}
                  aria-current={current ? "true" : undefined}
                  aria-label={
                    r.status === "READY"
                      ? t("strip.item", { index: index + 1, page: p, count: pages, name: r.fileName })
                      : t("strip.itemWithState", {
                          index: index + 1,
                          name: r.fileName,
                          state: t(r.status === "FAILED" ? "strip.failed" : "strip.processing"),
                        })
                  }
                  title={r.fileName}
                >
                  {r.status === "READY" ? (
                    <img
                      src={`${receiptBase(r.id)}/p${p}-thumb.jpg`}
                      alt=""
                      loading="lazy"
                      decoding="async"
                      width={size?.width}
                      height={size?.height}
                      style={rotationStyle(rotations[rotationKey(r.id, p)] ?? 0)}
                    />
                  ) : (
                    <span className="strip-status">
                      <ViewerIcon name={r.status === "FAILED" ? "alert" : "clock"} size={18} />
                      <span>{t(r.status === "FAILED" ? "strip.failed" : "strip.processing")}</span>
                    </span>
                  )}
                  <span className="strip-caption">
                    {index + 1}
                    {pages > 1 ? `·${p}` : ""}
                  </span>
                </Link>
              );
            })}
          </li>
        ))}
      </ol>
    </nav>
  );
});
