import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { PeriodText, RefusalMessage } from "~/components/retention-nav";
import { RouteError } from "~/components/route-error";
import { approveDestruction, cancelDestruction, destructionRequestDetail, executeDestruction } from "~/models/destruction.server";
import { RETENTION_STAFF } from "~/models/retention.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { refusalOf } from "~/utils/retention-refusal.server";

export const meta: MetaFunction = () => [{ title: "Destruction request · Accounting Factory" }];

/** One destruction request of the viewer's companies (another company's: 404). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  try {
    const detail = await destructionRequestDetail(user, params.requestId ?? "");
    if (!detail) throw new Response("Not found", { status: 404 });
    return {
      roles: user.roles,
      detail: { ...detail, items: detail.items.map((i) => ({ ...i, totalBytes: i.totalBytes.toString() })) },
    };
  } catch (err) {
    if (err instanceof Response) throw err;
    throwAsResponse(err);
  }
}

/**
 * Approve (in one capacity), execute or cancel. The request must be one of the viewer's companies (404
 * before the form is read); the model applies the rules under the request's lock.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  const id = params.requestId ?? "";
  if (!(await destructionRequestDetail(user, id))) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "approve") {
      await approveDestruction({ viewer: user, requestId: id, as: String(form.get("as") ?? ""), note: String(form.get("note") ?? "") });
      return redirect(`/archive/retention/requests/${id}?done=approved`);
    }
    if (intent === "execute") {
      await executeDestruction({ viewer: user, requestId: id });
      return redirect(`/archive/retention/requests/${id}?done=executed`);
    }
    if (intent === "cancel") {
      await cancelDestruction({ viewer: user, requestId: id, note: String(form.get("note") ?? "") });
      return redirect(`/archive/retention/requests/${id}?done=cancelled`);
    }
    return { ok: false as const, code: "invalid", details: {}, fieldErrors: {} };
  } catch (err) {
    return refusalOf(err);
  }
}

export default function DestructionRequestPage() {
  const { roles, detail: d } = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retention");
  const { t: tc } = useTranslation();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const done = params.get("done");
  const busy = navigation.state === "submitting";
  return (
    <>
      <div className="page-head">
        <h1>
          {t("request.title")} <span className={`badge badge-${d.status === "EXECUTED" ? "PAID" : d.status === "APPROVED" ? "APPROVED" : d.status === "PROPOSED" ? "SUBMITTED" : "DRAFT"}`} data-testid="request-status">{t(`status.${d.status}`)}</span>
        </h1>
      </div>
      <ArchiveNav roles={roles} />
      <p>
        <Link to="/archive/retention">← {t("request.back")}</Link>
      </p>
      {done === "approved" || done === "executed" || done === "cancelled" ? (
        <p className="notice" role="status" data-testid="done">
          {t(`request.${done}Notice`)}
          {done === "executed" ? (
            <>
              {" "}
              <Link to={`/archive/retention/register?company=${d.companyId}`}>{t("request.registerLink")}</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {params.get("proposed") ? (
        <p className="notice" role="status">
          {t("appraisal.proposed")}
        </p>
      ) : null}
      <RefusalMessage refusal={refusal} />
      <section className="card">
        <p style={{ margin: 0 }}>
          <strong>{t("request.reason")}:</strong> <span data-testid="request-reason">{d.reason}</span>
        </p>
        <p className="muted" style={{ margin: "0.25rem 0 0" }}>
          {d.companyCode} · {t("request.requestedBy", { who: d.requestedBy, at: formatDateTime(d.requestedAt, i18n.language) })}
          {d.executedAt ? ` · ${t("request.executedAt", { at: formatDateTime(d.executedAt, i18n.language) })}` : ""}
          {d.cancelledAt ? ` · ${t("request.cancelledAt", { at: formatDateTime(d.cancelledAt, i18n.language) })}` : ""}
        </p>
      </section>

      {d.blocked.length > 0 ? (
        <div className="form-error" role="alert" style={{ marginTop: "1rem" }} data-testid="blocked">
          {t("request.blocked")}
          <ul style={{ margin: "0.25rem 0 0" }}>
            {d.blocked.map((b) => (
              <li key={b.claimNumber}>{t(`request.problem.${b.problem}`, { claim: b.claimNumber })}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <section style={{ marginTop: "1rem" }} aria-labelledby="records-title">
        <h2 id="records-title">{t("request.records")}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="request-items">
            <thead>
              <tr>
                <th scope="col">{t("appraisal.claim")}</th>
                <th scope="col">{t("appraisal.docType")}</th>
                <th scope="col">{t("appraisal.claimant")}</th>
                <th scope="col">{t("appraisal.closedOn")}</th>
                <th scope="col">{t("appraisal.retention")}</th>
                <th scope="col">{t("appraisal.keptUntil")}</th>
                <th scope="col" className="num">
                  {t("appraisal.files")}
                </th>
                <th scope="col">{t("requests.status")}</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((i) => (
                <tr key={i.id}>
                  <td data-label={t("appraisal.claim")} className="nowrap">
                    {i.claimNumber}
                  </td>
                  <td data-label={t("appraisal.docType")}>{t(`docType.${i.docType}`, { defaultValue: i.docType })}</td>
                  <td data-label={t("appraisal.claimant")}>{i.claimantName}</td>
                  <td data-label={t("appraisal.closedOn")} className="nowrap">
                    {formatCalendarDate(i.closedOn, i18n.language)}
                  </td>
                  <td data-label={t("appraisal.retention")}>
                    <PeriodText period={i.retentionYears === null ? null : { kind: "years", years: i.retentionYears }} />
                  </td>
                  <td data-label={t("appraisal.keptUntil")} className="nowrap">
                    {i.retentionEndsOn ? formatCalendarDate(i.retentionEndsOn, i18n.language) : "—"}
                  </td>
                  <td data-label={t("appraisal.files")} className="num">
                    {i.fileCount}
                  </td>
                  <td data-label={t("requests.status")}>
                    {t(`status.${i.status}`)}
                    {i.legalHold ? ` · ${t("sub.retention.holds", { ns: "archiveNav" })}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="approvals-title">
        <h2 id="approvals-title">{t("request.approvalsTitle", { count: d.approvals.length })}</h2>
        <p className="muted">{t("request.approvalsRule")}</p>
        {d.approvals.length === 0 ? (
          <p className="empty">{t("request.noApprovals")}</p>
        ) : (
          <ul data-testid="approvals">
            {d.approvals.map((a) => (
              <li key={a.approverId}>
                {t("request.approvedBy", { who: a.approver, role: tc(`roles.${a.asRole}`), at: formatDateTime(a.approvedAt, i18n.language) })}
                {a.note ? <span className="muted"> — {a.note}</span> : null}
              </li>
            ))}
          </ul>
        )}
        {d.status === "PROPOSED" ? (
          d.can.approveAs.length > 0 ? (
            <Form method="post" className="row" style={{ alignItems: "flex-end", flexWrap: "wrap" }}>
              <input type="hidden" name="intent" value="approve" />
              <label className="field">
                <span>{t("request.note")}</span>
                <input type="text" name="note" maxLength={500} />
              </label>
              {d.can.approveAs.map((role) => (
                <button key={role} type="submit" name="as" value={role} className="button button-primary" disabled={busy}>
                  {t("request.approveAs", { role: tc(`roles.${role}`) })}
                </button>
              ))}
            </Form>
          ) : (
            <p className="muted" data-testid="cannot-approve">
              {t("request.cannotApprove")}
            </p>
          )
        ) : null}
      </section>

      {d.status === "APPROVED" && d.can.execute ? (
        <section className="card" style={{ marginTop: "1rem" }}>
          <p className="muted">{t("request.executeHelp")}</p>
          <Form
            method="post"
            onSubmit={(e) => {
              if (!window.confirm(t("request.confirmExecute", { count: d.items.length }))) e.preventDefault();
            }}
          >
            <input type="hidden" name="intent" value="execute" />
            <button type="submit" className="button button-danger" disabled={busy}>
              {t("request.execute")}
            </button>
          </Form>
        </section>
      ) : null}

      {d.can.cancel ? (
        <Form
          method="post"
          style={{ marginTop: "1rem" }}
          onSubmit={(e) => {
            if (!window.confirm(t("request.confirmCancel"))) e.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value="cancel" />
          <button type="submit" className="button" disabled={busy}>
            {t("request.cancel")}
          </button>
        </Form>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
