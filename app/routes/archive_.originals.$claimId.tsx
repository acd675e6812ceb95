import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { FieldError } from "~/components/field-error";
import { Money } from "~/components/money";
import { receiptThumbUrl } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { isAppError } from "~/domain/app-error";
import { DIFFERS_REASONS, DiffersForm, ResolveExceptionForm } from "~/domain/paper-check";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";
import { assertPaperCheckAccess, paperCheckView, recordDiffers, resolveException } from "~/models/paper-check.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime, localName } from "~/utils/format";
import { parseForm, replyReason } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Originals · Accounting Factory" }];

/** Archive staff of the claim's company (paperCheckView answers 404 for anyone else and any other claim). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  try {
    return { view: await paperCheckView(user, params.claimId ?? ""), roles: user.roles, timeZone: user.timeZone };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** "differs": archive staff record a finding (return or exception); "resolve": a supervisor or admin closes an exception. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const claimId = params.claimId ?? "";
  // Another company's claim (or none) is not found, before the form is read.
  await assertPaperCheckAccess(user, claimId).catch(throwAsResponse);
  const form = await request.formData();
  if (form.get("intent") === "resolve") {
    const submission = parseForm(form, ResolveExceptionForm);
    if (submission.status !== "success") return submission.reply();
    try {
      await resolveException(user, submission.value.discrepancyId, submission.value.resolution);
      return redirect(`/archive/originals/${encodeURIComponent(claimId)}?done=resolved`);
    } catch (err) {
      if (isAppError(err, "not_found", "forbidden")) throwAsResponse(err);
      return replyWithError(submission, err, { status: 200 });
    }
  }
  const submission = parseForm(form, DiffersForm);
  if (submission.status !== "success") return submission.reply();
  try {
    const { intent: _intent, ...input } = submission.value;
    const { returned } = await recordDiffers(user, claimId, input);
    return redirect(`/archive/originals/${encodeURIComponent(claimId)}?done=${returned ? "returned" : "exception"}`);
  } catch (err) {
    // Another company's claim (or none) is not found, as in the loader.
    if (isAppError(err, "not_found")) throwAsResponse(err);
    return replyWithError(submission, err, { status: 200 });
  }
}

type Reply = { status?: string; error?: Record<string, string[] | null> | null; initialValue?: Record<string, unknown> | null } | undefined;

function errorsOf(reply: Reply, field: string): string[] | undefined {
  return reply?.error?.[field] ?? undefined;
}

export default function OriginalsCheck() {
  const { view, roles, timeZone } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply;
  const { t, i18n } = useTranslation("paperCheck");
  const locale = i18n.language;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const [params] = useSearchParams();
  const done = params.get("done");
  const { claim, original } = view;
  const formIntent = reply?.initialValue?.intent;
  const formError = reply?.status === "error" ? (replyReason(reply as never) ?? reply.error?.[""]?.[0]) : undefined;
  const [reason, setReason] = useState<string>("");
  // A recorded finding starts a fresh form.
  const findings = view.discrepancies.length;
  useEffect(() => setReason(""), [findings]);

  return (
    <>
      <div className="page-head">
        <h1>{t("pageTitle", { number: claim.number })}</h1>
        <Link to={`/claims/${claim.id}`} className="mono">{claim.number}</Link>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("intro")}</p>
      {done ? (
        <p className="notice" role="status" data-testid="paper-check-done">
          {t(done === "returned" ? "differs.doneReturned" : done === "exception" ? "differs.doneException" : "differs.resolvedDone")}
        </p>
      ) : null}

      <section className="card" aria-label={claim.number}>
        <dl className="facts">
          <div>
            <dt>{t("claim.claimant")}</dt>
            <dd>{claim.claimantName}</dd>
          </div>
          <div>
            <dt>{t("claim.company")}</dt>
            <dd>{localName(claim.company, locale)} <span className="mono muted small">{claim.company.code}</span></dd>
          </div>
          <div>
            <dt>{t("claim.status")}</dt>
            <dd data-testid="claim-status"><StatusBadge status={claim.status} /></dd>
          </div>
          <div>
            <dt>{t("original.title")}</dt>
            <dd data-testid="paper-status">
              {original ? (
                <>
                  <span className={`badge paper-${original.status}`}>{t(`original.status.${original.status}`)}</span>{" "}
                  <span className="muted small">
                    {original.receivedAt ? t("original.received", { when: formatDateTime(original.receivedAt, locale, timeZone) }) : t("original.due", { date: formatCalendarDate(original.dueOn, locale) })}
                    {" · "}
                    {t("original.count", { count: original.receiptCount })}
                  </span>
                </>
              ) : (
                <span className="muted small">{t("original.none")}</span>
              )}
            </dd>
          </div>
        </dl>
        <p className="muted small">{claim.company.payOnPaper ? t("claim.payOnPaper") : t("claim.payOnImage")}</p>
      </section>

      <div className="paper-check-grid">
        <section className="card" aria-labelledby="receipts-title">
          <h2 id="receipts-title">{t("receipts.title")}</h2>
          {view.receipts.length === 0 ? (
            <p className="empty">{t("receipts.empty")}</p>
          ) : (
            <ul className="paper-receipts">
              {view.receipts.map((r) => (
                <li key={r.id} data-testid="paper-receipt">
                  <Link to={`/claims/${claim.id}/viewer?receipt=${r.id}`} aria-label={t("receipts.open", { label: r.label })} className="paper-receipt-thumb">
                    {r.ready ? <img src={receiptThumbUrl(r.id)} alt="" loading="lazy" /> : <span className="badge badge-PROCESSING">{t("receipts.processing")}</span>}
                  </Link>
                  <div>
                    <strong className="paper-receipt-label">{r.label}</strong>
                    <div className="muted small paper-receipt-name">{r.fileName}</div>
                    {r.lineNumbers.length ? <div className="small">{t("receipts.lines", { lines: r.lineNumbers.join(", ") })}</div> : null}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="lines-title">
          <h2 id="lines-title">{t("lines.title")}</h2>
          {view.lines.length === 0 ? (
            <p className="empty">{t("lines.empty")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data responsive">
                <thead>
                  <tr>
                    <th scope="col">{t("lines.number")}</th>
                    <th scope="col">{t("lines.date")}</th>
                    <th scope="col">{t("lines.merchant")}</th>
                    <th scope="col" className="num">{t("lines.amount")}</th>
                    <th scope="col">{t("lines.receipts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.lines.map((l) => (
                    <tr key={l.id} data-testid="paper-line">
                      <td data-label={t("lines.number")}>{l.number}</td>
                      <td data-label={t("lines.date")}>{formatCalendarDate(l.spentOn, locale)}</td>
                      <td data-label={t("lines.merchant")}>{l.merchant}</td>
                      <td data-label={t("lines.amount")} className="num"><Money minor={l.amountMinor} currency={l.currency} /></td>
                      <td data-label={t("lines.receipts")}>{l.receiptLabels.join(", ") || "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>

      <section className="card paper-section" aria-labelledby="findings-title">
        <h2 id="findings-title">{t("findings.title")}</h2>
        {formIntent === "resolve" && formError ? <p className="form-error" role="alert" data-testid="resolve-error">{t(`errors.${formError}`, { defaultValue: formError })}</p> : null}
        {view.discrepancies.length === 0 ? (
          <p className="empty">{t("findings.empty")}</p>
        ) : (
          <ul className="paper-findings">
            {view.discrepancies.map((d) => (
              <li key={d.id} data-testid="paper-finding" data-kind={d.kind} data-open={d.resolvedAt ? "false" : "true"}>
                <p>
                  <strong>{t(`findings.kind.${d.kind}`, { defaultValue: d.kind })}</strong>
                  {d.reason ? <> · {t(`differs.reasons.${d.reason}`)}</> : null}
                  {d.missingReceipts.length ? <> · {d.missingReceipts.join(", ")}</> : null}
                  {d.outcome ? <> · <span className={`badge paper-outcome-${d.outcome}`}>{t(`findings.outcome.${d.outcome}`, { defaultValue: d.outcome })}</span></> : null}
                </p>
                {d.reasonText && d.kind === "DIFFERS" ? <p className="muted small">{d.reasonText.split(" ").slice(1).join(" ")}</p> : null}
                <p className="muted small">{t("findings.raised", { who: d.raisedByName, when: formatDateTime(d.raisedAt, locale, timeZone) })}</p>
                {d.resolvedAt ? (
                  <p className="small">{t("findings.resolved", { who: d.resolvedByName ?? "", when: formatDateTime(d.resolvedAt, locale, timeZone), resolution: d.resolution ?? "" })}</p>
                ) : d.kind === "DIFFERS" && d.outcome === "EXCEPTION" && view.canResolve ? (
                  <Form method="post" className="paper-resolve">
                    <input type="hidden" name="intent" value="resolve" />
                    <input type="hidden" name="discrepancyId" value={d.id} />
                    <label>
                      {t("findings.resolution")}
                      <textarea name="resolution" rows={2} maxLength={1000} required placeholder={t("findings.resolutionPlaceholder")} />
                    </label>
                    {formIntent === "resolve" ? <FieldError errors={errorsOf(reply, "resolution")} name="resolution" ns="paperCheck" prefix="errors" /> : null}
                    <button type="submit" className="button" disabled={busy}>{t("findings.resolve")}</button>
                  </Form>
                ) : !d.resolvedAt ? (
                  <p className="small"><span className="badge badge-AT_RISK">{t("findings.open")}</span></p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card paper-section" aria-labelledby="differs-title">
        <h2 id="differs-title">{t("differs.title")}</h2>
        {!view.canCheck ? (
          <p className="empty">{t("differs.notCheckable")}</p>
        ) : (
          <Form method="post" className="stack paper-differs" data-testid="differs-form" key={`differs-${findings}`}>
            <input type="hidden" name="intent" value="differs" />
            <input type="hidden" name="claimVersion" value={claim.version} />
            {formIntent === "differs" && formError && formError !== "invalid" ? <p className="form-error" role="alert" data-testid="differs-error">{t(`errors.${formError}`, { defaultValue: formError })}</p> : null}
            <fieldset>
              <legend>{t("differs.reason")}</legend>
              <div className="paper-choices">
                {DIFFERS_REASONS.map((r) => (
                  <label key={r} className="choice">
                    <input type="radio" name="reason" value={r} required checked={reason === r} onChange={() => setReason(r)} /> {t(`differs.reasons.${r}`)}
                  </label>
                ))}
              </div>
              {formIntent === "differs" ? <FieldError errors={errorsOf(reply, "reason")} name="reason" ns="paperCheck" prefix="errors" /> : null}
            </fieldset>
            <label>
              {t("differs.receipts")}
              <input name="receipts" maxLength={200} autoComplete="off" />
            </label>
            <label>
              {t("differs.note")}
              <textarea name="note" rows={3} maxLength={1000} placeholder={t("differs.notePlaceholder")} required={reason === "other"} />
            </label>
            {formIntent === "differs" ? <FieldError errors={errorsOf(reply, "note")} name="note" ns="paperCheck" prefix="errors" /> : null}
            <fieldset>
              <legend>{t("differs.outcome")}</legend>
              {view.outcomes.length === 1 ? <p className="muted small" data-testid="only-exception">{t("differs.onlyException")}</p> : null}
              <div className="paper-choices">
                {view.outcomes.map((o) => (
                  <label key={o} className="choice">
                    <input type="radio" name="outcome" value={o} required defaultChecked={view.outcomes.length === 1} /> {t(`differs.outcomes.${o}`)}
                  </label>
                ))}
              </div>
              {formIntent === "differs" ? <FieldError errors={errorsOf(reply, "outcome")} name="outcome" ns="paperCheck" prefix="errors" /> : null}
            </fieldset>
            <div>
              <button type="submit" className="button button-primary" disabled={busy}>{t("differs.submit")}</button>
            </div>
          </Form>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
