import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { PendingRow } from "~/contracts/ledger";
import { LedgerTabs } from "~/components/ledger-nav";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { ledgerCompanies, pendingView } from "~/models/ledger-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Not yet posted · Accounting Factory" }];

/** Approved claims and paid payments of the viewer's companies without a voucher, and why. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  try {
    const [companies, pending] = await Promise.all([ledgerCompanies(user), pendingView(user)]);
    return { companies, ...pending };
  } catch (err) {
    throwAsResponse(err);
  }
}

function Reason({ row }: { row: PendingRow }) {
  const { t } = useTranslation("ledger");
  if (row.status === "ready") return <span className="muted">{t("pending.ready")}</span>;
  return (
    <ul className="plain" style={{ margin: 0, paddingLeft: "1rem" }}>
      {row.missing.map((m, i) => (
        <li key={i}>
          {m.kind === "rate"
            ? t("pending.missingRate", {
                currency: m.currency,
                to: m.to,
                date: m.onDate,
              })
            : m.purpose === "EXPENSE"
            ? m.department
              ? t("pending.missingExpenseDept", {
                  category: m.categoryCode,
                  department: m.department,
                })
              : t("pending.missingExpense", { category: m.categoryCode })
            : m.purpose === "BANK_CLEARING"
            ? t("pending.missingBank", { account: m.payerAccount })
            : t("pending.missingMapping", {
                purpose: t(`accounts.purposes.${m.purpose}`),
              })}
        </li>
      ))}
    </ul>
  );
}

export default function LedgerPending() {
  const { companies, rows, truncated } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("ledger");
  const company = new Map(companies.map((c) => [c.id, c]));
  return (
    <>
      <div className="page-head">
        <h1>{t("pending.title")}</h1>
      </div>
      <LedgerTabs />
      <p className="muted">{t("pending.intro")}</p>
      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : null}
      {companies.length > 0 && rows.length === 0 ? (
        <p className="empty card" data-testid="pending-empty">
          {t("pending.empty")}
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="data responsive" data-testid="pending">
            <thead>
              <tr>
                <th scope="col">{t("pending.source")}</th>
                <th scope="col">{t("pending.company")}</th>
                <th scope="col">{t("pending.date")}</th>
                <th scope="col" className="num">
                  {t("pending.amount")}
                </th>
                <th scope="col">{t("pending.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.source} data-status={r.status}>
                  <td data-label={t("pending.source")}>
                    {r.claimId && r.claimNumber ? (
                      <Link to={`/claims/${r.claimId}`}>{t(r.kind === "CLAIM" ? "pending.claim" : r.kind === "PAYMENT" ? "pending.payment" : "pending.reversalOf", { number: r.claimNumber })}</Link>
                    ) : (
                      t(`kind.${r.kind}`)
                    )}
                  </td>
                  <td data-label={t("pending.company")}>{company.get(r.companyId)?.code ?? ""}</td>
                  <td data-label={t("pending.date")}>{r.date ? formatCalendarDate(r.date, i18n.language) : "—"}</td>
                  <td data-label={t("pending.amount")} className="num">
                    {r.totalMinor !== null && r.currency ? <Money minor={r.totalMinor} currency={r.currency} /> : "—"}
                  </td>
                  <td data-label={t("pending.reason")}>
                    <Reason row={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {truncated ? <p className="muted">{t("pending.truncated", { count: rows.length })}</p> : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
