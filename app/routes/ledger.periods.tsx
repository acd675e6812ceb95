import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CompanyName, LedgerTabs } from "~/components/ledger-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { ledgerCompanies, listPeriodsWithCounts } from "~/models/ledger-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Accounting periods · Accounting Factory" }];

/** The periods of the viewer's companies with their voucher counts. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  try {
    const [companies, periods] = await Promise.all([ledgerCompanies(user), listPeriodsWithCounts(user)]);
    return { companies, periods, canClose: hasRole(user, "ADMIN") };
  } catch (err) {
    throwAsResponse(err);
  }
}

export default function LedgerPeriods() {
  const { companies, periods } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("ledger");
  return (
    <>
      <div className="page-head">
        <h1>{t("periods.title")}</h1>
      </div>
      <LedgerTabs />
      <p className="muted">{t("periods.intro")}</p>
      {companies.length === 0 ? <p className="empty card" data-testid="no-companies">{t("noCompanies")}</p> : null}
      {companies.map((c) => {
        const rows = periods.filter((p) => p.companyId === c.id);
        return (
          <section key={c.id} className="card" aria-labelledby={`periods-${c.id}`} style={{ marginTop: "1rem" }} data-testid={`periods-${c.code}`}>
            <h2 id={`periods-${c.id}`}><CompanyName company={c} /></h2>
            {rows.length === 0 ? (
              <p className="empty">{t("periods.empty")}</p>
            ) : (
              <div className="table-wrap">
                <table className="data responsive">
                  <thead>
                    <tr>
                      <th scope="col">{t("periods.period")}</th>
                      <th scope="col">{t("periods.status")}</th>
                      <th scope="col" className="num">{t("periods.vouchers")}</th>
                      <th scope="col" className="num">{t("periods.nextNumber")}</th>
                      <th scope="col">{t("periods.closed")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((p) => (
                      <tr key={p.period} data-testid={`period-${p.period}`}>
                        <td data-label={t("periods.period")}>{p.period}</td>
                        <td data-label={t("periods.status")}>
                          <span className={`badge period-${p.status}`}>{p.status === "CLOSED" ? `🔒 ${t("periods.locked")}` : t("status.OPEN")}</span>
                        </td>
                        <td data-label={t("periods.vouchers")} className="num">{p.voucherCount}</td>
                        <td data-label={t("periods.nextNumber")} className="num">{p.status === "CLOSED" ? "—" : p.nextNumber}</td>
                        <td data-label={t("periods.closed")}>{p.closedAt ? t("periods.closedBy", { at: formatDateTime(p.closedAt, i18n.language), who: p.closedBy ?? "" }) : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
