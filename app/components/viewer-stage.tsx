import { Link } from "@remix-run/react";
import { forwardRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { DeepZoomViewer, type DeepZoomHandle } from "./deep-zoom-viewer";
import { ViewerIcon, type ViewerIconName } from "./viewer-icons";
import type { ReadingMarkMessage } from "./workstation-sync";
import { failureCode, receiptBase, type ViewerReceipt } from "./viewer-receipts";

/**
 * The viewer's stage: the deep-zoom image of the current page, or what stands in for it (no receipts,
 * still imaging, imaging failed, the tiles would not open).
 */
export const ViewerStage = forwardRef<
  DeepZoomHandle,
  {
    claimId: string;
    number: string;
    count: number;
    receipt: ViewerReceipt | undefined;
    receiptIndex: number;
    page: number;
    dziUrl: string | null;
    rotation: number;
    openFailed: boolean;
    onOpenFailed: () => void;
    onReady: () => void;
    /** Issue 14: where the selected line's receipt total was read (this receipt's), from the workstation. */
    mark?: ReadingMarkMessage | null;
  }
>(function ViewerStage({ claimId, number, count, receipt, receiptIndex, page, dziUrl, rotation, openFailed, onOpenFailed, onReady, mark }, ref) {
  const { t } = useTranslation("viewer");
  return (
    <main className="viewer-stage">
      {count === 0 ? (
        <StatusPanel icon="document" title={t("empty.title")} testId="viewer-empty">
          <p>{t("empty.body")}</p>
          <Link to={`/claims/${encodeURIComponent(claimId)}`} className="vt-button vt-button-wide">
            {t("backToClaim", { number })}
          </Link>
        </StatusPanel>
      ) : (
        <>
          <DeepZoomViewer
            ref={ref}
            dziUrl={dziUrl}
            rotation={rotation}
            label={receipt ? t("imageLabel", { index: receiptIndex + 1, page, name: receipt.fileName }) : ""}
            loadingLabel={t("loading")}
            onOpenFailed={onOpenFailed}
            onReady={onReady}
            highlight={mark?.region && mark.region.page === page ? mark.region : null}
            highlightLabel={t("mark.amount")}
          />
          {mark && mark.region === null ? (
            <p className="viewer-mark-note" role="status" data-testid="viewer-mark-note">
              {t(mark.source === "xml" || mark.source === "pdf-xml" || mark.source === "ofd-xml" ? "mark.fromData" : "mark.noPlace")}
            </p>
          ) : null}
          {receipt?.status === "PROCESSING" ? (
            <StatusPanel icon="clock" title={t("processing.title")} testId="viewer-processing" busy>
              <p>{t("processing.body")}</p>
            </StatusPanel>
          ) : null}
          {receipt?.status === "FAILED" ? (
            <StatusPanel icon="alert" title={t("failed.title")} testId="viewer-failed" tone="error">
              <p className="viewer-panel-reason" data-failure-code={failureCode(receipt.failureCode)}>
                {t(`failure.${failureCode(receipt.failureCode)}`)}
              </p>
              <p>{t("failed.body")}</p>
              <DownloadLink receipt={receipt} label={t("actions.download")} />
            </StatusPanel>
          ) : null}
          {receipt && openFailed ? (
            <StatusPanel icon="alert" title={t("openFailed.title")} testId="viewer-open-failed" tone="error">
              <p>{t("openFailed.body")}</p>
              <DownloadLink receipt={receipt} label={t("actions.download")} />
            </StatusPanel>
          ) : null}
        </>
      )}
    </main>
  );
});

function StatusPanel({
  icon,
  title,
  testId,
  tone = "info",
  busy = false,
  children,
}: {
  icon: ViewerIconName;
  title: string;
  testId: string;
  tone?: "info" | "error";
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="viewer-panel-wrap">
      <section className={`viewer-panel viewer-panel-${tone}`} role={tone === "error" ? "alert" : "status"} data-testid={testId} aria-busy={busy}>
        <span className={busy ? "viewer-panel-icon viewer-spin" : "viewer-panel-icon"}>
          <ViewerIcon name={icon} size={28} />
        </span>
        <h1>{title}</h1>
        {children}
      </section>
    </div>
  );
}

function DownloadLink({ receipt, label }: { receipt: ViewerReceipt; label: string }) {
  return (
    <a className="vt-button vt-button-wide" href={`${receiptBase(receipt.id)}/original`} download={receipt.fileName}>
      <ViewerIcon name="download" />
      <span>{label}</span>
      <span className="vt-file-inline">{receipt.fileName}</span>
    </a>
  );
}
