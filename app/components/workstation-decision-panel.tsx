import { Form, Link } from "@remix-run/react";
import type { RefObject } from "react";
import { useTranslation } from "react-i18next";
import { localName } from "~/utils/format";

export type DecisionIntent = "approve" | "return" | "reject";

/**
 * The accountant's decision: approve, return with coded reasons and a comment, or reject with a
 * comment; each its own form at the claim version the accountant saw, "and next" carried along.
 * Someone who may not decide sees who holds the task instead.
 */
export function WorkstationDecisionPanel({
  canDecide,
  claimVersion,
  returnReasons,
  assigneeName,
  busy,
  andNext,
  setAndNext,
  approveFormRef,
  approveFormId,
  returnFieldsRef,
  rejectCommentRef,
}: {
  canDecide: boolean;
  claimVersion: number;
  returnReasons: readonly { code: string; name: string; nameZh: string }[];
  assigneeName: string | null;
  busy: boolean;
  andNext: boolean;
  setAndNext: (value: boolean) => void;
  approveFormRef: RefObject<HTMLFormElement>;
  /** The approve form's id: inputs elsewhere on the page (approved amounts per line) join it with `form=`. */
  approveFormId?: string;
  returnFieldsRef: RefObject<HTMLFieldSetElement>;
  rejectCommentRef: RefObject<HTMLTextAreaElement>;
}) {
  const { t, i18n } = useTranslation("work");
  const locale = i18n.language;
  const hidden = (intent: DecisionIntent) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="claimVersion" value={claimVersion} />
      {andNext ? <input type="hidden" name="next" value="1" /> : null}
    </>
  );
  return (
    <section className="card ws-decision" aria-labelledby="ws-decision-title">
      <h2 id="ws-decision-title">{t("decision.title")}</h2>
      {canDecide ? (
        <>
          <label className="ws-andnext">
            <input type="checkbox" checked={andNext} onChange={(e) => setAndNext(e.target.checked)} /> {t("decision.andNext")}
          </label>
          <Form method="post" ref={approveFormRef} id={approveFormId} className="ws-panel ws-approve">
            {hidden("approve")}
            <p className="muted small">{t("decision.approveHint")}</p>
            <button type="submit" className="button button-primary" disabled={busy} aria-keyshortcuts="a" data-testid="approve">
              {t("decision.approve")} <kbd aria-hidden>A</kbd>
            </button>
          </Form>
          <Form method="post" className="ws-panel ws-return">
            {hidden("return")}
            <fieldset ref={returnFieldsRef} className="ws-reasons">
              <legend>
                {t("decision.return")} <kbd aria-hidden>R</kbd>
              </legend>
              <p className="muted small">{t("decision.returnReasons")}</p>
              {returnReasons.map((r) => (
                <label key={r.code} className="ws-reason">
                  <input type="checkbox" name="reasonCodes" value={r.code} /> {localName(r, locale)}
                </label>
              ))}
              <label className="field">
                <span>{t("decision.comment")}</span>
                <textarea name="comment" rows={2} />
              </label>
              <button type="submit" className="button" disabled={busy} data-testid="return">
                {t("decision.submitReturn")}
              </button>
            </fieldset>
          </Form>
          <Form method="post" className="ws-panel ws-reject">
            {hidden("reject")}
            <label className="field">
              <span>
                {t("decision.reject")} <kbd aria-hidden>X</kbd>
              </span>
              <textarea ref={rejectCommentRef} name="comment" rows={2} required placeholder={t("decision.rejectComment")} />
            </label>
            <button type="submit" className="button button-danger" disabled={busy} data-testid="reject">
              {t("decision.submitReject")}
            </button>
          </Form>
          {busy ? (
            <p className="muted small" role="status">
              {t("decision.working")}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted">{assigneeName ? `${t("header.assignee")}: ${assigneeName}` : "—"}</p>
      )}
    </section>
  );
}

/** A refused decision, above everything: the model's code (and segregation reason), with a reload when the claim moved on. */
export function DecisionError({ code, reason }: { code: string; reason: string | null }) {
  const { t } = useTranslation("work");
  return (
    <div className={`notice ws-error${code === "stale" ? " ws-conflict" : ""}`} role="alert" data-testid="decision-error">
      <strong>{t(`error.${code}`, { reason: reason ? t(`segregation.${reason}`, { defaultValue: reason }) : "" })}</strong>{" "}
      {code === "stale" || code === "invalid_reason" ? (
        <Link to="." reloadDocument className="button button-small">
          {t("error.reload")}
        </Link>
      ) : null}
    </div>
  );
}
