import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveRequestBadge } from "~/components/archive-request-badge";
import { ArchiveNav } from "~/components/archive-nav";
import { RouteError } from "~/components/route-error";
import { isAppError } from "~/domain/app-error";
import { addDays, sscToday } from "~/domain/archive-access";
import { decideArchiveRequest, getArchiveRequest, lendArchiveBox, returnArchiveBox, revokeArchiveAccess, type ArchiveRequestDetail } from "~/models/archive-requests.server";
import { ARCHIVE_STAFF } from "~/models/archive-staff.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole, requireUser } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatCalendarDate, formatDate, formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Archive request · Accounting Factory" }];

/** The request for its requester or archive staff of its company; anyone else 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    const detail = await getArchiveRequest(prisma, user, params.requestId ?? "");
    return { roles: user.roles, detail, today: sscToday(new Date()) };
  } catch (err) {
    throwAsResponse(err);
  }
}

type Reply = { error: string; fields: Record<string, string> };

/** Archive staff of the request's company decide, lend, take back, revoke (never on their own request). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const id = params.requestId ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const text = (name: string) => String(form.get(name) ?? "");
  try {
    if (intent === "approve" || intent === "refuse") await decideArchiveRequest(prisma, user, id, { decision: intent, note: text("note") });
    else if (intent === "lend") await lendArchiveBox(prisma, user, id, { borrowerName: text("borrowerName"), dueOn: text("dueOn") });
    else if (intent === "return") await returnArchiveBox(prisma, user, id);
    else if (intent === "revoke") await revokeArchiveAccess(prisma, user, id, { note: text("note") });
    else return { error: "invalid", fields: {} } satisfies Reply;
    return redirect(`/archive/requests/${id}?done=${intent}`);
  } catch (err) {
    if (isAppError(err, "not_found")) throwAsResponse(err);
    if (isAppError(err)) return { error: err.reason ?? err.code, fields: err.fieldErrors } satisfies Reply;
    throw err;
  }
}

/**
 * A box out on loan, said plainly at the top of the request: overdue since when, how many days, the last
 * reminder, and what to do (the borrower: bring it back; the archive: chase it, record the return), or
 * the day it is due back.
 */
function LoanCallout({ d }: { d: ArchiveRequestDetail }) {
  const { t, i18n } = useTranslation("archiveAccess");
  const lang = i18n.language;
  const loan = d.loan;
  if (!loan) return null;
  const words = { box: d.target, company: d.companyCode, borrower: d.borrowerName ?? d.requesterName, due: formatCalendarDate(loan.dueOn, lang) };
  if (loan.state === "overdue")
    return (
      <section className="loan-callout loan-callout-overdue" role="alert" aria-labelledby="loan-callout-title" data-testid="loan-callout" data-state="overdue">
        <h2 id="loan-callout-title">{t("loan.overdueTitle", { since: formatCalendarDate(loan.overdueSince, lang), count: loan.daysLate })}</h2>
        <p>
          {t("loan.wasDue", words)}{" "}
          <span data-testid="loan-reminded">
            {d.lastReminderAt ? t("loan.reminders", { on: formatDate(d.lastReminderAt, lang), count: d.remindersSent }) : t("loan.noReminder")}
          </span>
        </p>
        <p>
          <strong>{d.isRequester ? t("loan.borrowerOverdue", words) : t("loan.staffOverdue", words)}</strong>
        </p>
      </section>
    );
  return (
    <section className="loan-callout loan-callout-due" aria-labelledby="loan-callout-title" data-testid="loan-callout" data-state="due">
      <h2 id="loan-callout-title">{loan.daysLeft === 0 ? t("loan.dueTitleToday", words) : t("loan.dueTitle", { ...words, count: loan.daysLeft })}</h2>
      <p>{d.isRequester ? t("loan.borrowerDue", words) : t("loan.staffDue", words)}</p>
    </section>
  );
}

export default function ArchiveRequestPage() {
  const { roles, detail: d, today } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const { t, i18n } = useTranslation("archiveAccess");
  const lang = i18n.language;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const done = params.get("done");
  const busy = navigation.state === "submitting";
  const fieldErr = (name: string) =>
    reply?.fields[name] ? (
      <span className="field-error" data-testid={`error-${name}`}>
        {t(`detail.errors.${reply.fields[name]}`, { defaultValue: t("detail.errors.invalid") })}
      </span>
    ) : null;
  const accessLine = () => {
    if (!d.access) return null;
    if (d.access.ok) return t("detail.accessOk", { to: formatCalendarDate(d.toOn, lang) });
    if (d.status === "REFUSED") return t("detail.accessRefused");
    if (d.status === "REQUESTED") return t("detail.accessWaiting");
    const key = { not_yet: "detail.accessNotYet", expired: "detail.accessExpired", revoked: "detail.accessRevoked", not_approved: "detail.accessWaiting" }[d.access.reason];
    return t(key, { from: formatCalendarDate(d.fromOn, lang), to: formatCalendarDate(d.toOn, lang) });
  };
  return (
    <>
      <div className="page-head">
        <h1>{t("detail.title", { target: d.target })}</h1>
        <ArchiveRequestBadge status={d.shownStatus} />
      </div>
      <ArchiveNav roles={roles} />
      <p>
        <Link to="/archive/requests">← {t("detail.back")}</Link>
      </p>
      {params.get("created") ? (
        <p className="notice" role="status">
          {t("requests.created")}
        </p>
      ) : null}
      {done && ["approve", "refuse", "lend", "return", "revoke"].includes(done) ? (
        <p className="notice" role="status" data-testid="done">
          {t(`detail.done.${done}`)}
        </p>
      ) : null}
      <LoanCallout d={d} />
      {reply?.error && reply.error !== "invalid" ? (
        <p className="form-error card" role="alert" data-testid="refusal">
          {t(`detail.errors.${reply.error}`, { defaultValue: t("detail.errors.not_allowed") })}
        </p>
      ) : null}
      <div className="stack">
        <section className="card" aria-labelledby="facts">
          <h2 id="facts">{t("detail.facts")}</h2>
          <dl className="facts">
            <div>
              <dt>{t("detail.kind")}</dt>
              <dd>{t(`kind.${d.kind}`)}</dd>
            </div>
            <div>
              <dt>{t("detail.target")}</dt>
              <dd data-testid="target">{d.target}</dd>
            </div>
            <div>
              <dt>{t("detail.company")}</dt>
              <dd>{d.companyCode}</dd>
            </div>
            <div>
              <dt>{t("detail.requester")}</dt>
              <dd>{d.requesterName}</dd>
            </div>
            <div>
              <dt>{t("detail.requestedAt")}</dt>
              <dd>{formatDateTime(d.requestedAt, lang)}</dd>
            </div>
            <div>
              <dt>{t("detail.purpose")}</dt>
              <dd>
              <strong>{t(`purpose.${d.purposeKind}`)}</strong> — {d.purpose}
            </dd>
            </div>
            <div>
              <dt>{t("detail.period")}</dt>
              <dd>{t("requests.period", { from: formatCalendarDate(d.fromOn, lang), to: formatCalendarDate(d.toOn, lang) })}</dd>
            </div>
            {d.decidedAt ? (
              <>
                <div>
                  <dt>{t("detail.decision")}</dt>
                  <dd>{t("detail.decidedBy", { who: d.decidedBy ?? "", at: formatDateTime(d.decidedAt, lang) })}</dd>
                </div>
              </>
            ) : null}
            {d.decisionNote ? (
              <>
                <div>
                  <dt>{t("detail.note")}</dt>
                  <dd>{d.decisionNote}</dd>
                </div>
              </>
            ) : null}
          </dl>
          {d.kind === "VIEW" && d.isRequester ? (
            <p className={d.access?.ok ? "notice" : "muted"} data-testid="access-line">
              {accessLine()}{" "}
              {d.access?.ok ? (
                <Link to={`/archive/requests/${d.id}/view`} className="button button-primary" data-testid="open-record">
                  {t("detail.openRecord")}
                </Link>
              ) : null}
            </p>
          ) : null}
        </section>

        {d.kind === "BORROW" && d.lentAt ? (
          <section className="card" aria-labelledby="loan">
            <h2 id="loan">{t("detail.loan")}</h2>
            <dl className="facts">
              <div>
                <dt>{t("detail.borrower")}</dt>
                <dd data-testid="borrower">{d.borrowerName}</dd>
              </div>
              <div>
                <dt>{t("detail.dueOn")}</dt>
                <dd>{d.dueOn ? formatCalendarDate(d.dueOn, lang) : "—"}</dd>
              </div>
              <div>
                <dt>{t("detail.loan")}</dt>
                <dd>{t("detail.lentBy", { who: d.lentBy ?? "", at: formatDateTime(d.lentAt, lang) })}</dd>
              </div>
              {d.returnedAt ? (
                <>
                  <div>
                    <dt>{t("status.RETURNED")}</dt>
                    <dd data-testid="returned">{t("detail.returned", { who: d.returnedTo ?? "", at: formatDateTime(d.returnedAt, lang) })}</dd>
                  </div>
                </>
              ) : null}
              {d.remindersSent > 0 ? (
                <>
                  <div>
                    <dt>{t("detail.reminders")}</dt>
                    <dd>{t("detail.remindersValue", { count: d.remindersSent, at: d.lastReminderAt ? formatDateTime(d.lastReminderAt, lang) : "" })}</dd>
                  </div>
                </>
              ) : null}
            </dl>
          </section>
        ) : null}

        {d.actions.includes("approve") ? (
          <Form method="post" className="card stack" aria-label={t("detail.decision")} data-testid="decide-form">
            <h2>{t("detail.decision")}</h2>
            <label className="field">
              <span>{t("detail.decisionNote")}</span>
              <textarea name="note" rows={2} maxLength={500} placeholder={t("detail.decisionNoteHint")} />
              {fieldErr("note")}
            </label>
            <div className="row">
              <button type="submit" name="intent" value="approve" className="button button-primary" disabled={busy} data-testid="approve">
                {t("detail.approve")}
              </button>
              <button type="submit" name="intent" value="refuse" className="button button-danger" disabled={busy} data-testid="refuse">
                {t("detail.refuse")}
              </button>
            </div>
          </Form>
        ) : null}

        {d.actions.includes("lend") ? (
          <Form method="post" className="card stack" aria-label={t("detail.lend")} data-testid="lend-form">
            <h2>{t("detail.lend")}</h2>
            <div className="row">
              <label className="field">
                <span>{t("detail.borrowerName")}</span>
                <input name="borrowerName" defaultValue={d.requesterName} maxLength={120} />
                {fieldErr("borrowerName")}
              </label>
              <label className="field">
                <span>{t("detail.dueOnField")}</span>
                <input type="date" name="dueOn" min={today} max={d.toOn} defaultValue={d.toOn < today ? today : d.toOn > addDays(today, 30) ? addDays(today, 30) : d.toOn} />
                {fieldErr("dueOn")}
              </label>
              <button type="submit" name="intent" value="lend" className="button button-primary" disabled={busy} data-testid="lend">
                {t("detail.lend")}
              </button>
            </div>
          </Form>
        ) : null}

        {d.actions.includes("return") ? (
          <Form method="post" className="card row" aria-label={t("detail.returnBox")}>
            <button type="submit" name="intent" value="return" className="button button-primary" disabled={busy} data-testid="return">
              {t("detail.returnBox")}
            </button>
          </Form>
        ) : null}

        {d.actions.includes("revoke") ? (
          <Form method="post" className="card row" aria-label={t("detail.revoke")}>
            <label className="field">
              <span>{t("detail.note")}</span>
              <input name="note" maxLength={500} />
            </label>
            <button type="submit" name="intent" value="revoke" className="button button-danger" disabled={busy} data-testid="revoke">
              {t("detail.revoke")}
            </button>
          </Form>
        ) : null}

        {d.kind === "VIEW" ? (
          <section className="card" aria-labelledby="views">
            <h2 id="views">{t("detail.views")}</h2>
            {d.views.length === 0 ? (
              <p className="muted" data-testid="no-views">
                {t("detail.noViews")}
              </p>
            ) : (
              <div className="table-wrap flat">
                <table className="data responsive" data-testid="views">
                  <thead>
                    <tr>
                      <th scope="col">{t("detail.viewWhen")}</th>
                      <th scope="col">{t("detail.viewWho")}</th>
                      <th scope="col">{t("detail.viewWhat")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.views.map((v, i) => (
                      <tr key={i} data-testid="view-row">
                        <td data-label={t("detail.viewWhen")}>{formatDateTime(v.viewedAt, lang)}</td>
                        <td data-label={t("detail.viewWho")}>{v.viewerName}</td>
                        <td data-label={t("detail.viewWhat")}>{v.what}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        ) : null}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
