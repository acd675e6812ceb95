import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveRequestBadge } from "~/components/archive-request-badge";
import { ArchiveNav } from "~/components/archive-nav";
import { RouteError } from "~/components/route-error";
import { listArchiveRequests, type ArchiveRequestRow } from "~/models/archive-requests.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatCalendarDate, formatDate, formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Loans and access · Accounting Factory" }];

/** The caller's own requests; archive staff also the requests of their companies (user_company). `?loans=overdue`: boxes on loan past due only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const overdueOnly = new URL(request.url).searchParams.get("loans") === "overdue";
  try {
    const { mine, toHandle, overdue } = await listArchiveRequests(prisma, user, new Date(), { overdueOnly });
    return { roles: user.roles, mine, toHandle, overdue, overdueOnly };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** Under a loan's status: overdue since when (how many days) and the last reminder, or when it is due back. */
function LoanLine({ row }: { row: ArchiveRequestRow }) {
  const { t, i18n } = useTranslation("archiveAccess");
  const lang = i18n.language;
  const loan = row.loan;
  if (!loan) return null;
  if (loan.state === "overdue")
    return (
      <span className="loan-line loan-line-overdue" data-testid="loan-line" data-state="overdue">
        {t("loan.overdueLine", { since: formatCalendarDate(loan.overdueSince, lang), count: loan.daysLate })}
        {" · "}
        {row.lastReminderAt ? t("loan.reminded", { on: formatDate(row.lastReminderAt, lang) }) : t("loan.notReminded")}
      </span>
    );
  return (
    <span className="loan-line muted" data-testid="loan-line" data-state="due">
      {loan.daysLeft === 0 ? t("loan.dueToday") : t("loan.dueIn", { due: formatCalendarDate(loan.dueOn, lang), count: loan.daysLeft })}
    </span>
  );
}

function RequestTable({ rows, showRequester, testId }: { rows: ArchiveRequestRow[]; showRequester: boolean; testId: string }) {
  const { t, i18n } = useTranslation("archiveAccess");
  const lang = i18n.language;
  return (
    <div className="table-wrap">
      <table className="data responsive" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t("requests.col.target")}</th>
            <th scope="col">{t("requests.col.what")}</th>
            <th scope="col">{t("requests.col.company")}</th>
            {showRequester ? <th scope="col">{t("requests.col.requester")}</th> : null}
            <th scope="col">{t("requests.col.purpose")}</th>
            <th scope="col">{t("requests.col.period")}</th>
            <th scope="col">{t("requests.col.requested")}</th>
            <th scope="col">{t("requests.col.status")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="request-row" data-target={r.target}>
              <td data-label={t("requests.col.target")} className="nowrap">
                <Link to={`/archive/requests/${r.id}`}>{r.target}</Link>
              </td>
              <td data-label={t("requests.col.what")}>{t(`kind.${r.kind}`)}</td>
              <td data-label={t("requests.col.company")}>{r.companyCode}</td>
              {showRequester ? <td data-label={t("requests.col.requester")}>{r.requesterName}</td> : null}
              <td data-label={t("requests.col.purpose")}>{t(`purpose.${r.purposeKind}`)}</td>
              <td data-label={t("requests.col.period")} className="nowrap">
                {t("requests.period", { from: formatCalendarDate(r.fromOn, lang), to: formatCalendarDate(r.toOn, lang) })}
              </td>
              <td data-label={t("requests.col.requested")} className="nowrap">
                {formatDateTime(r.requestedAt, lang)}
              </td>
              <td data-label={t("requests.col.status")}>
                <span>
                  <ArchiveRequestBadge status={r.shownStatus} />
                  <LoanLine row={r} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function ArchiveRequests() {
  const { roles, mine, toHandle, overdue, overdueOnly } = useLoaderData<typeof loader>();
  const { t } = useTranslation("archiveAccess");
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-head">
        <h1>{t("requests.title")}</h1>
        <Link to="/archive/requests/new" className="button button-primary" data-testid="new-request">
          {t("requests.new")}
        </Link>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("requests.intro")}</p>
      {overdue.mine > 0 && !overdueOnly ? (
        <p className="loan-callout loan-callout-overdue" role="alert" data-testid="my-overdue">
          <strong>{t("loan.youOverdue", { count: overdue.mine })}</strong> <Link to="/archive/requests?loans=overdue">{t("loan.seeOverdue")}</Link>
        </p>
      ) : null}
      <nav className="filters" aria-label={t("loan.show")} data-testid="loan-filter">
        <Link to="/archive/requests" aria-current={overdueOnly ? undefined : "page"}>
          {t("loan.all")}
        </Link>
        <Link to="/archive/requests?loans=overdue" aria-current={overdueOnly ? "page" : undefined} data-testid="filter-overdue">
          {t("loan.overdue", { count: (overdue.toHandle ?? 0) + overdue.mine })}
        </Link>
      </nav>
      {params.get("created") ? (
        <p className="notice" role="status">
          {t("requests.created")}
        </p>
      ) : null}
      {toHandle ? (
        <section aria-labelledby="to-handle" style={{ marginBottom: "1.5rem" }}>
          <h2 id="to-handle">{t("requests.toHandle")}</h2>
          {toHandle.length === 0 ? (
            <p className="empty card" data-testid="to-handle-empty">
              {overdueOnly ? t("loan.overdueEmpty") : t("requests.emptyHandle")}
            </p>
          ) : (
            <RequestTable rows={toHandle} showRequester testId="to-handle" />
          )}
        </section>
      ) : null}
      <section aria-labelledby="my-requests">
        <h2 id="my-requests">{t("requests.mine")}</h2>
        {mine.length === 0 ? (
          <p className="empty card" data-testid="mine-empty">
            {overdueOnly ? t("loan.overdueEmpty") : t("requests.emptyMine")}
          </p>
        ) : (
          <RequestTable rows={mine} showRequester={false} testId="my-requests" />
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
