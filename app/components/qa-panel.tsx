/**
 * The QA reviewer's panel on the workstation (/work/:taskId for a QA task): the decision under check
 * and who made it, then Pass or an error with type, severity and comment. Keys as on the workstation:
 * A records a pass (A approves a review), X goes to the error type (X rejects a review), N takes the
 * next check. The route owns the key handler; this component exposes the elements it needs.
 */
import { Form, Link } from "@remix-run/react";
import { useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { bpToPercentText, QA_ERROR_TYPES, QA_SEVERITIES, type QaResultField } from "~/domain/qa-sampling";
import { formatDateTime, localName } from "~/utils/format";
import { FieldError } from "./field-error";

type When = Date | string;

export type QaPanelData = {
  canRecord: boolean;
  stratum: string;
  sampleRateBp: number;
  original: {
    outcome: string | null;
    operatorName: string;
    decidedAt: When | null;
    reasons: { code: string; name: string; nameZh: string }[];
    comment: string | null;
  };
  result: {
    outcome: "pass" | "error";
    errorType: string | null;
    severity: string | null;
    comment: string | null;
    reviewerName: string | null;
    checkedAt: When | null;
  } | null;
};

export type QaActionResult = { qaError: string; problems: Partial<Record<QaResultField, string>> };

export function QaPanel({
  qa,
  claimVersion,
  taskStatus,
  busy,
  timeZone,
  actionResult,
  passFormRef,
  errorTypeRef,
}: {
  qa: QaPanelData;
  claimVersion: number;
  taskStatus: string;
  busy: boolean;
  timeZone: string;
  actionResult: QaActionResult | null;
  passFormRef: RefObject<HTMLFormElement>;
  errorTypeRef: RefObject<HTMLSelectElement>;
}) {
  const { t, i18n } = useTranslation("quality");
  const locale = i18n.language;
  const [andNext, setAndNext] = useState(true);
  const problems = actionResult?.problems ?? {};
  const problem = (field: QaResultField) => {
    const code = problems[field];
    return <FieldError errors={code ? [code] : undefined} id={`qa-${field}-error`} name={field} ns="quality" prefix="problem" />;
  };
  const invalid = (field: QaResultField) => (problems[field] ? { "aria-invalid": true as const, "aria-describedby": `qa-${field}-error` } : {});
  const hidden = (outcome: "pass" | "error") => (
    <>
      <input type="hidden" name="intent" value="qa_record" />
      <input type="hidden" name="outcome" value={outcome} />
      <input type="hidden" name="claimVersion" value={claimVersion} />
      {andNext ? <input type="hidden" name="next" value="1" /> : null}
    </>
  );
  const decision = qa.original.outcome ?? "unknown";

  return (
    <section className="card ws-decision qa-panel" aria-labelledby="qa-panel-title" data-testid="qa-panel">
      <h2 id="qa-panel-title">{t("panel.title")}</h2>
      <p className="muted small">{t("panel.drawnAs", { stratum: t(`stratum.${qa.stratum}`), rate: bpToPercentText(qa.sampleRateBp) })}</p>
      {actionResult ? (
        <div className="notice ws-error" role="alert" data-testid="qa-error">
          <strong>{t(`error.${actionResult.qaError}`, { defaultValue: t("error.not_found") })}</strong>
          {actionResult.qaError === "invalid" ? null : (
            <Link to="." reloadDocument className="button button-small">
              {t("error.reload")}
            </Link>
          )}
        </div>
      ) : null}

      <h3 className="qa-subtitle">{t("panel.original")}</h3>
      <dl className="facts qa-original" data-testid="qa-original">
        <div>
          <dt>{t("panel.decision")}</dt>
          <dd>
            <span className={`badge badge-${decision === "approved" ? "APPROVED" : decision === "returned" ? "RETURNED" : decision === "rejected" ? "REJECTED" : "DRAFT"}`}>
              {t(`panel.decisions.${decision}`, { defaultValue: decision })}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t("panel.decidedBy")}</dt>
          <dd data-testid="qa-operator">{qa.original.operatorName}</dd>
        </div>
        <div>
          <dt>{t("panel.decidedAt")}</dt>
          <dd>{qa.original.decidedAt ? formatDateTime(qa.original.decidedAt, locale, timeZone) : "—"}</dd>
        </div>
        {qa.original.reasons.length > 0 ? (
          <div>
            <dt>{t("panel.reasons")}</dt>
            <dd>{qa.original.reasons.map((r) => localName(r, locale)).join(locale.startsWith("zh") ? "、" : ", ")}</dd>
          </div>
        ) : null}
        {qa.original.comment ? (
          <div>
            <dt>{t("panel.comment")}</dt>
            <dd>
              <q>{qa.original.comment}</q>
            </dd>
          </div>
        ) : null}
      </dl>

      {qa.result ? (
        <div className="ws-panel" data-testid="qa-result" data-outcome={qa.result.outcome}>
          <h3 className="qa-subtitle">{t("panel.result")}</h3>
          <p>
            <span className={`badge ${qa.result.outcome === "error" ? "badge-REJECTED" : "badge-APPROVED"}`}>{t(`outcome.${qa.result.outcome}`)}</span>
            {qa.result.outcome === "error" && qa.result.errorType ? (
              <>
                {" "}
                <strong>{t(`errorType.${qa.result.errorType}`)}</strong> · {qa.result.severity ? t(`severity.${qa.result.severity}`) : ""}
              </>
            ) : null}
          </p>
          {qa.result.comment ? <q className="qa-comment">{qa.result.comment}</q> : null}
          <p className="muted small">
            {t("panel.recordedBy", { name: qa.result.reviewerName ?? "—", when: qa.result.checkedAt ? formatDateTime(qa.result.checkedAt, locale, timeZone) : "—" })}
          </p>
        </div>
      ) : qa.canRecord ? (
        <>
          <label className="ws-andnext">
            <input type="checkbox" checked={andNext} onChange={(e) => setAndNext(e.target.checked)} /> {t("panel.andNext")}
          </label>
          <Form method="post" ref={passFormRef} className="ws-panel">
            {hidden("pass")}
            <p className="muted small">{t("panel.passHint")}</p>
            <label className="field">
              <span>{t("panel.passComment")}</span>
              <textarea name="comment" rows={1} maxLength={2000} />
            </label>
            <button type="submit" className="button button-primary" disabled={busy} aria-keyshortcuts="a" data-testid="qa-pass">
              {t("panel.pass")} <kbd aria-hidden>A</kbd>
            </button>
          </Form>
          <Form method="post" className="ws-panel qa-error-form">
            {hidden("error")}
            <fieldset className="ws-reasons">
              <legend>
                {t("panel.error")} <kbd aria-hidden>X</kbd>
              </legend>
              <label className="field">
                <span>{t("panel.errorType")}</span>
                <select name="errorType" ref={errorTypeRef} defaultValue="" data-testid="qa-error-type" {...invalid("errorType")}>
                  <option value="" disabled>
                    {t("panel.choose")}
                  </option>
                  {QA_ERROR_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`errorType.${type}`)}
                    </option>
                  ))}
                </select>
                {problem("errorType")}
              </label>
              <div className="field" role="radiogroup" aria-labelledby="qa-severity-label" {...invalid("severity")}>
                <span id="qa-severity-label">{t("panel.severity")}</span>
                <div className="qa-severities">
                  {QA_SEVERITIES.map((s) => (
                    <label key={s} className={`qa-severity qa-severity-${s}`}>
                      <input type="radio" name="severity" value={s} data-testid={`qa-severity-${s}`} /> {t(`severity.${s}`)}
                    </label>
                  ))}
                </div>
                {problem("severity")}
              </div>
              <label className="field">
                <span>{t("panel.errorComment")}</span>
                <textarea name="comment" rows={3} maxLength={2000} data-testid="qa-error-comment" {...invalid("comment")} />
                {problem("comment")}
              </label>
              <button type="submit" className="button button-danger" disabled={busy} data-testid="qa-record-error">
                {t("panel.submitError")}
              </button>
            </fieldset>
          </Form>
          {busy ? (
            <p className="muted small" role="status">
              {t("panel.working")}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted">{taskStatus === "OPEN" ? t("panel.waiting") : t("panel.notYours")}</p>
      )}
    </section>
  );
}
