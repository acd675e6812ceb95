import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { ArchiveStatsChart } from "~/components/archive-stats-chart";
import { RouteError } from "~/components/route-error";
import { PURPOSE_KINDS } from "~/domain/archive-access";
import { ARCHIVE_STAFF } from "~/models/archive-staff.server";
import { archiveReadingRoomStats } from "~/models/archive-stats.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { readReplica } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Reading room statistics · Accounting Factory" }];

/** Archive staff: the reading room's register per month for their companies (user_company). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  try {
    return { roles: user.roles, months: await archiveReadingRoomStats(readReplica, user) /* may lag (docs/decisions/026) */ };
  } catch (err) {
    throwAsResponse(err);
  }
}

export default function ArchiveStats() {
  const { roles, months } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("archiveAccess");
  const hours = (h: number | null) => (h === null ? "—" : t("stats.hours", { hours: h.toLocaleString(i18n.language) }));
  return (
    <>
      <div className="page-head">
        <h1>{t("stats.title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("stats.intro")}</p>
      {months.length === 0 ? (
        <p className="empty card" data-testid="stats-empty">
          {t("stats.empty")}
        </p>
      ) : (
        <div className="stack">
          <section className="card" aria-label={t("stats.chartLabel")}>
            <ArchiveStatsChart
              months={[...months].reverse().map((m) => ({ month: m.month, view: m.requests.VIEW, borrow: m.requests.BORROW, loansOut: m.loansOut, views: m.views }))}
              labels={{ view: t("kind.VIEW"), borrow: t("kind.BORROW"), loansOut: t("stats.loansOut"), views: t("stats.views") }}
              ariaLabel={t("stats.chartLabel")}
              locale={i18n.language}
            />
          </section>
          <div className="table-wrap">
            <table className="data responsive" data-testid="stats-table">
              <thead>
                <tr>
                  <th scope="col">{t("stats.month")}</th>
                  <th scope="col" className="num">{t("stats.viewRequests")}</th>
                  <th scope="col" className="num">{t("stats.borrowRequests")}</th>
                  <th scope="col">{t("stats.purposes")}</th>
                  <th scope="col" className="num">{t("stats.approved")}</th>
                  <th scope="col" className="num">{t("stats.refused")}</th>
                  <th scope="col" className="num">{t("stats.median")}</th>
                  <th scope="col" className="num">{t("stats.p90")}</th>
                  <th scope="col" className="num">{t("stats.views")}</th>
                  <th scope="col" className="num">{t("stats.loansOut")}</th>
                  <th scope="col" className="num">{t("stats.loansReturned")}</th>
                  <th scope="col" className="num" title={t("stats.overdueHint")}>{t("stats.overdue")}</th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={m.month} data-testid="stats-month" data-month={m.month}>
                    <th scope="row" data-label={t("stats.month")} className="nowrap">{m.month}</th>
                    <td data-label={t("stats.viewRequests")} className="num">{m.requests.VIEW}</td>
                    <td data-label={t("stats.borrowRequests")} className="num">{m.requests.BORROW}</td>
                    <td data-label={t("stats.purposes")}>
                      {PURPOSE_KINDS.filter((p) => m.purposes[p] > 0)
                        .map((p) => `${t(`purpose.${p}`)} ${m.purposes[p]}`)
                        .join(" · ") || "—"}
                    </td>
                    <td data-label={t("stats.approved")} className="num">{m.approved}</td>
                    <td data-label={t("stats.refused")} className="num">{m.refused}</td>
                    <td data-label={t("stats.median")} className="num nowrap">{hours(m.medianHours)}</td>
                    <td data-label={t("stats.p90")} className="num nowrap">{hours(m.p90Hours)}</td>
                    <td data-label={t("stats.views")} className="num">{m.views}</td>
                    <td data-label={t("stats.loansOut")} className="num">{m.loansOut}</td>
                    <td data-label={t("stats.loansReturned")} className="num">{m.loansReturned}</td>
                    <td data-label={t("stats.overdue")} className="num" data-testid="stats-overdue">{m.overdue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted" style={{ fontSize: "0.85rem" }}>{t("stats.overdueHint")}</p>
        </div>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
