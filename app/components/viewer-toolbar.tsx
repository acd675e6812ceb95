import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatMoney } from "~/domain/money";
import { formatCalendarDate } from "~/utils/format";
import { ViewerIcon, type ViewerIconName } from "./viewer-icons";
import { receiptBase, type ViewerLine, type ViewerReceipt } from "./viewer-receipts";
import { shortcutHint, type ViewerAction } from "./viewer-shortcuts";

/** What the toolbar's buttons may do now (a step that leads nowhere is disabled). */
export type ToolbarState = {
  receiptIndex: number;
  count: number;
  page: number;
  pageCount: number;
  ready: boolean;
  canPrevReceipt: boolean;
  canNextReceipt: boolean;
  canPrevPage: boolean;
  canNextPage: boolean;
};

/** The viewer's top bar: back to the claim, the receipt and page steppers, zoom, download, help, and the receipt's lines. */
export function ViewerToolbar({
  claimId,
  number,
  purpose,
  receipt,
  state,
  lines,
  highlightLineIds,
  run,
}: {
  claimId: string;
  number: string;
  purpose: string;
  receipt: ViewerReceipt | undefined;
  state: ToolbarState;
  lines: ViewerLine[];
  highlightLineIds: readonly string[];
  run: (action: ViewerAction) => void;
}) {
  const { t, i18n } = useTranslation("viewer");
  const button = (action: ViewerAction, icon: ViewerIconName, disabled = false) => (
    <ToolButton action={action} icon={icon} label={t(`actions.${action}`)} disabled={disabled} onClick={() => run(action)} />
  );
  const { page, pageCount, ready } = state;
  return (
    <header className="viewer-toolbar">
      <div className="vt-row">
        <Link to={`/claims/${encodeURIComponent(claimId)}`} className="vt-back" title={t("backToClaim", { number })}>
          <ViewerIcon name="back" size={18} />
          <span className="vt-claim-number">{number}</span>
        </Link>
        <span className="vt-purpose" title={purpose}>
          {purpose}
        </span>
        <div className="vt-controls" role="toolbar" aria-label={t("toolbarLabel")}>
          {receipt ? (
            <>
              <div className="vt-group vt-receipt-nav">
                {button("previousReceipt", "previous", !state.canPrevReceipt)}
                <p className="vt-receipt" aria-live="polite" data-testid="receipt-index">
                  <span className="vt-receipt-index">{t("receiptIndex", { index: state.receiptIndex + 1, count: state.count })}</span>
                  <span className="vt-sep" aria-hidden="true">
                    ·
                  </span>
                  <span className="vt-file" title={receipt.fileName}>
                    {receipt.fileName}
                  </span>
                </p>
                {button("nextReceipt", "next", !state.canNextReceipt)}
              </div>
              <div className="vt-group vt-page-nav">
                {button("previousPage", "up", !state.canPrevPage)}
                <span
                  className="vt-page"
                  data-testid="page-indicator"
                  aria-label={pageCount > 0 ? t("pageLabel", { page, count: pageCount }) : undefined}
                >
                  {pageCount > 0 ? t("pageIndicator", { page, count: pageCount }) : "– / –"}
                </span>
                {button("nextPage", "down", !state.canNextPage)}
              </div>
              <div className="vt-group vt-zoom">
                {button("zoomOut", "zoomOut", !ready)}
                {button("zoomIn", "zoomIn", !ready)}
                {button("fit", "fit", !ready)}
                {button("rotate", "rotate", !ready)}
              </div>
              <div className="vt-group vt-download-group">
                <a
                  className="vt-button vt-download"
                  href={`${receiptBase(receipt.id)}/original`}
                  download={receipt.fileName}
                  aria-label={t("actions.download")}
                  title={t("actions.download")}
                >
                  <ViewerIcon name="download" />
                  <span className="vt-button-text">{t("actions.downloadShort")}</span>
                </a>
              </div>
            </>
          ) : null}
          <div className="vt-group vt-help-group">{button("toggleHelp", "help", false)}</div>
        </div>
      </div>
      {receipt ? (
        <ul className="vt-lines" aria-label={t("lines.label")} data-testid="receipt-lines">
          {lines.length === 0 ? <li className="vt-chip vt-chip-none">{t("lines.none")}</li> : null}
          {lines.map((line) => (
            <LineChip
              key={line.id}
              line={line}
              locale={i18n.language}
              /* Stored positions count from 0 (the form's order); people count lines from 1. */
              chipLabel={t("lines.chip", { position: line.position + 1 })}
              highlighted={highlightLineIds.includes(line.id)}
            />
          ))}
        </ul>
      ) : null}
    </header>
  );
}

function ToolButton({
  action,
  icon,
  label,
  disabled,
  onClick,
  children,
}: {
  action: ViewerAction;
  icon: ViewerIconName;
  label: string;
  disabled: boolean;
  onClick: () => void;
  children?: ReactNode;
}) {
  return (
    <button
      type="button"
      className="vt-button"
      aria-label={label}
      title={`${label} (${shortcutHint(action)})`}
      data-action={action}
      disabled={disabled}
      onClick={onClick}
    >
      <ViewerIcon name={icon} />
      {children}
    </button>
  );
}

function LineChip({ line, locale, chipLabel, highlighted }: { line: ViewerLine; locale: string; chipLabel: string; highlighted: boolean }) {
  const category = locale.startsWith("zh") ? line.categoryNameZh : line.categoryName;
  const date = formatCalendarDate(line.spentOn, locale);
  return (
    <li
      className={highlighted ? "vt-chip vt-chip-highlight" : "vt-chip"}
      title={`${category} · ${date}`}
      data-line-id={line.id}
      data-highlighted={highlighted ? "true" : undefined}
    >
      <span className="vt-chip-position">{chipLabel}</span>
      <span className="vt-sep" aria-hidden="true">
        ·
      </span>
      <span className="vt-chip-merchant">{line.merchant}</span>
      <span className="vt-sep" aria-hidden="true">
        ·
      </span>
      <span className="vt-chip-amount">{formatMoney(line.amount, locale)}</span>
    </li>
  );
}
