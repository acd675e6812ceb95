import { Link, useFetcher } from "@remix-run/react";
import { useRef, useState, type DragEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { acceptAttribute } from "~/domain/upload-validation";
import type { ClaimReceipt } from "~/contracts/claim";
import { formatDateTime } from "~/utils/format";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";

type UploadQuota = { limit: "files_per_hour" | "bytes_per_day"; max: number; used: number; requested: number; freesAt: string | null };

type UploadResult = {
  added?: { id: string; fileName: string }[];
  rejected?: { fileName: string; code: string; params: Record<string, string | number> }[];
  quota?: UploadQuota;
  formError?: "not_editable" | "storage_unavailable";
};

const ACCEPT = acceptAttribute();

/** Limits as people read them: megabytes and megapixels. */
function rejectionParams(params: Record<string, string | number>): Record<string, string | number> {
  const n = (k: string) => Number(params[k] ?? 0);
  return { ...params, maxMb: Math.floor(n("maxBytes") / (1024 * 1024)), maxMegapixels: Math.floor(n("maxPixels") / 1_000_000) };
}

const mb = (bytes: number) => (Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toFixed(1);

/** Which limit refused the upload, what is used, and from when it fits, in the viewer's zone. */
function QuotaMessage({ quota, timeZone }: { quota: UploadQuota; timeZone: string }) {
  const { t, i18n } = useTranslation("claims");
  const key = quota.freesAt ? quota.limit : `${quota.limit}_never`;
  const params = {
    max: quota.max,
    used: quota.used,
    requested: quota.requested,
    maxMb: Math.floor(quota.max / (1024 * 1024)),
    usedMb: mb(quota.used),
    requestedMb: mb(quota.requested),
    time: quota.freesAt ? formatDateTime(quota.freesAt, i18n.language, timeZone) : "",
  };
  return (
    <p className="form-error upload-notice" role="alert" data-testid="upload-quota">
      {t(`uploadQuota.${key}`, params)}
    </p>
  );
}

export function receiptThumbUrl(receiptId: string, page = 1): string {
  return `/files/receipts/${receiptId}/p${page}-thumb.jpg`;
}

/** Thumbnail (or state placeholder) of one receipt, linking to the deep-zoom viewer. */
export function ReceiptThumb({ claimId, receipt }: { claimId: string; receipt: ClaimReceipt }) {
  const { t } = useTranslation("claims");
  const href = `/claims/${claimId}/viewer?receipt=${receipt.id}`;
  return (
    <Link to={href} className={`receipt-thumb receipt-${receipt.status}`} aria-label={t("receipts.open", { name: receipt.fileName })} data-testid="receipt-thumb">
      {receipt.status === "READY" ? (
        <img src={receiptThumbUrl(receipt.id)} alt="" loading="lazy" />
      ) : (
        <span className="receipt-placeholder">{receipt.status === "PROCESSING" ? "…" : "!"}</span>
      )}
    </Link>
  );
}

export function ReceiptStatus({ receipt }: { receipt: ClaimReceipt }) {
  const { t } = useTranslation("claims");
  if (receipt.status === "READY") {
    return <span className="muted">{t("receipts.pages", { count: Math.max(1, receipt.pages.length) })}</span>;
  }
  if (receipt.status === "PROCESSING") {
    return <span className="badge badge-PROCESSING" data-testid="receipt-processing">{t("receipts.processing")}</span>;
  }
  return <span className="badge badge-FAILED">{t("receipts.failed")}</span>;
}

/** Why a receipt could not be shown and what to do: under the whole item, since some reasons are a few sentences. */
export function ReceiptFailure({ receipt }: { receipt: ClaimReceipt }) {
  const { t } = useTranslation("claims");
  if (receipt.status !== "FAILED") return null;
  return (
    <p className="receipt-failure" data-testid="receipt-failed">
      {t(`failure.${receipt.failureCode ?? "unknown"}`, { defaultValue: t("failure.unknown") })}
    </p>
  );
}

/** Issue 14: the capture gate's "retake" advice on a photo too blurred, dark or small to read. */
export function CaptureAdvice({ receipt }: { receipt: ClaimReceipt }) {
  const { t } = useTranslation("claims");
  if (receipt.captureProblems.length === 0) return null;
  return (
    <p className="capture-advice callout-warn small" role="note" data-testid="capture-advice" data-problems={receipt.captureProblems.join(" ")}>
      <strong>{t("capture.retake")}</strong> {receipt.captureProblems.map((p) => t(`capture.${p}`)).join(" ")}
    </p>
  );
}

/** Upload by picker, drag and drop or phone camera, and the list of the claim's receipts. */
export function ReceiptPanel({
  claimId,
  receipts,
  lineLabels,
  editable,
  maxUploadMb,
  maxPdfPages = 50,
  timeZone = SSC_TIME_ZONE,
  aside,
}: {
  claimId: string;
  receipts: ClaimReceipt[];
  lineLabels: Map<string, string>;
  editable: boolean;
  maxUploadMb: number;
  maxPdfPages?: number;
  /** The viewer's, for "you can upload again at …". */
  timeZone?: string;
  /** Shown under a receipt (the draft page puts the line its reading proposes there). */
  aside?: (receipt: ClaimReceipt) => ReactNode;
}) {
  const { t } = useTranslation("claims");
  const upload = useFetcher<UploadResult>();
  const remove = useFetcher();
  const [dragging, setDragging] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const action = `/claims/${claimId}/receipts`;
  const uploading = upload.state !== "idle";

  function send(files: FileList | File[]) {
    const list = [...files];
    if (list.length === 0) return;
    const data = new FormData();
    for (const f of list) data.append("receipts", f, f.name);
    upload.submit(data, { method: "post", action, encType: "multipart/form-data" });
    formRef.current?.reset();
  }
  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    send(e.dataTransfer.files);
  }
  const result = upload.state === "idle" ? upload.data : undefined;
  const rejected = result?.rejected ?? [];
  return (
    <section className="card" aria-labelledby="receipts-title">
      <h2 id="receipts-title">{t("receipts.title")}</h2>
      {editable ? (
        <upload.Form ref={formRef} method="post" action={action} encType="multipart/form-data">
          <div
            className={`dropzone${dragging ? " dragging" : ""}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            data-testid="dropzone"
          >
            <p>
              <strong>{t("receipts.drop")}</strong> {t("receipts.or")}
            </p>
            <div className="row center">
              <label className="button">
                {t("receipts.choose")}
                <input
                  type="file"
                  name="receipts"
                  accept={ACCEPT}
                  multiple
                  className="visually-hidden"
                  data-testid="receipt-input"
                  onChange={(e) => e.currentTarget.files && send(e.currentTarget.files)}
                />
              </label>
              <label className="button">
                {t("receipts.camera")}
                <input
                  type="file"
                  name="receipts"
                  accept="image/*"
                  capture="environment"
                  className="visually-hidden"
                  onChange={(e) => e.currentTarget.files && send(e.currentTarget.files)}
                />
              </label>
            </div>
            <p className="muted small">{uploading ? t("receipts.uploading") : t("receipts.hint", { mb: maxUploadMb, maxPages: maxPdfPages })}</p>
          </div>
        </upload.Form>
      ) : null}
      {result?.quota ? <QuotaMessage quota={result.quota} timeZone={timeZone} /> : null}
      {result?.formError === "not_editable" ? (
        <p className="form-error upload-notice" role="alert">
          {t("receipts.notEditable")}
        </p>
      ) : null}
      {result?.formError === "storage_unavailable" ? (
        <p className="form-error upload-notice" role="alert">
          {t("receipts.storageUnavailable")}
        </p>
      ) : null}
      {rejected.length > 0 ? (
        <ul className="form-error upload-errors" role="alert">
          {rejected.map((r, i) => (
            <li key={i}>
              {t("receipts.rejected", { name: r.fileName, reason: t(`uploadError.${r.code}`, rejectionParams(r.params)) })}
            </li>
          ))}
        </ul>
      ) : null}
      {receipts.length === 0 ? (
        <p className="muted">{t("receipts.none")}</p>
      ) : (
        <ul className="receipt-list">
          {receipts.map((r) => (
            <li key={r.id} className="receipt-item" data-testid="receipt-item" data-status={r.status}>
              <ReceiptThumb claimId={claimId} receipt={r} />
              <div className="receipt-meta">
                <span className="receipt-name" title={r.fileName}>{r.fileName}</span>
                <ReceiptStatus receipt={r} />
                <span className="muted small">
                  {r.lineIds.length > 0
                    ? t("receipts.usedBy", { lines: r.lineIds.map((id) => lineLabels.get(id) ?? "?").join(", ") })
                    : t("receipts.unlinked")}
                </span>
              </div>
              {editable ? (
                <remove.Form
                  method="post"
                  action={action}
                  onSubmit={(e) => {
                    if (!window.confirm(t("receipts.removeConfirm"))) e.preventDefault();
                  }}
                >
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="receiptId" value={r.id} />
                  <button type="submit" className="button button-small button-danger">{t("receipts.remove")}</button>
                </remove.Form>
              ) : null}
              <ReceiptFailure receipt={r} />
              <CaptureAdvice receipt={r} />
              {aside?.(r)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
