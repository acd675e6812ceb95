import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BandBadge, BudgetTabs } from "~/components/budget-nav";
import { BudgetChart } from "~/components/budget-chart";
import { CompanyYearFilter } from "~/components/company-year-filter";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { budgetMonths } from "~/domain/budget-forms";
import { listBudgetCells } from "~/models/budget-views.server";
import { requireRole } from "~/utils/auth.server";
import { localName } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Budgets · Accounting Factory" }];

/** Managers: the departments they head or whose people report to them; supervisors and admins: their companies. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "MANAGER", "SUPERVISOR", "ADMIN");
  const url = new URL(request.url);
  const thisYear = new Date().toISOString().slice(0, 4);
  const year = /^\d{4}$/.test(url.searchParams.get("year") ?? "") ? url.searchParams.get("year")! : thisYear;
  const companyId = url.searchParams.get("company") || undefined;
  const departmentId = url.searchParams.get("department") || undefined;
  const { cells, companies, departments } = await listBudgetCells(user, { year, companyId, departmentId });
  // The chart: the chosen department, else the first one with cells.
  const chartDepartmentId = departmentId ?? cells[0]?.departmentId ?? null;
  const chartCells = cells.filter((c) => c.departmentId === chartDepartmentId);
  const chartCompany = companies.find((c) => c.id === chartCells[0]?.companyId);
  const money = (m: bigint) => m.toString();
  return {
    roles: user.roles,
    year,
    years: [Number(thisYear) - 1, Number(thisYear), Number(thisYear) + 1].map(String),
    filter: { companyId: companyId ?? "", departmentId: departmentId ?? "" },
    companies: companies.map((c) => ({ id: c.id, code: c.code, name: c.name, nameZh: c.nameZh, controls: c.controls, budgetPeriod: c.budgetPeriod })),
    departments,
    cells: cells.map((c) => ({
      ...c,
      budgetMinor: money(c.budgetMinor),
      consumedMinor: money(c.consumedMinor),
      reservedMinor: money(c.reservedMinor),
      remainingMinor: money(c.remainingMinor),
    })),
    chart:
      chartCompany && chartCells.length > 0
        ? {
            department: chartCells[0]!.department,
            currency: chartCompany.currency,
            yearly: chartCompany.budgetPeriod === "YEAR",
            months: budgetMonths(chartCells, year).map((m) => ({ period: m.period, budgetMinor: money(m.budgetMinor), consumedMinor: money(m.consumedMinor), reservedMinor: money(m.reservedMinor) })),
          }
        : null,
  };
}

export default function Budgets() {
  const { roles, year, years, filter, companies, departments, cells, chart } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("budgets");
  const lang = i18n.language;
  const shownCompanies = filter.companyId ? companies.filter((c) => c.id === filter.companyId) : companies;
  return (
    <>
      <div className="page-head">
        <h1>{t("overview.title")}</h1>
      </div>
      <BudgetTabs roles={roles} />
      <p className="muted">{t("overview.intro")}</p>
      {departments.length === 0 ? (
        <p className="empty card" data-testid="budgets-empty">{t("overview.emptyScope")}</p>
      ) : (
        <>
          <Form method="get" className="card row" aria-label={t("overview.show")}>
            <CompanyYearFilter
              companies={companies}
              company={filter.companyId || null}
              years={years.map(Number)}
              year={Number(year)}
              anyYear={false}
              allCompaniesLabel={t("overview.allCompanies")}
            />
            <label className="field">
              <span>{t("overview.department")}</span>
              <select name="department" defaultValue={filter.departmentId}>
                <option value="">{t("overview.allDepartments")}</option>
                {departments.filter((d) => !filter.companyId || d.companyId === filter.companyId).map((d) => (
                  <option key={d.id} value={d.id}>{d.code} · {localName(d, lang)}</option>
                ))}
              </select>
            </label>
            <button type="submit" className="button">{t("overview.show")}</button>
          </Form>

          {shownCompanies.map((c) => (
            <p key={c.id} className="muted small">
              {c.code}: {t("overview.bands", { alert: c.controls.alertPct, approval: c.controls.approvalPct, stop: c.controls.stopPct })}
            </p>
          ))}

          {chart ? (
            <section className="card" aria-labelledby="budget-chart-title">
              <h2 id="budget-chart-title">{t("overview.chartTitle", { department: localName(chart.department, lang), year })}</h2>
              {chart.yearly ? (
                <p className="muted">{t("overview.chartYearly")}</p>
              ) : (
                <BudgetChart
                  months={chart.months}
                  currency={chart.currency}
                  labels={{ consumed: t("overview.consumed"), reserved: t("overview.reserved"), budget: t("overview.budget") }}
                  ariaLabel={t("overview.chartAria", { department: localName(chart.department, lang), year })}
                  locale={lang}
                />
              )}
            </section>
          ) : null}

          {cells.length === 0 ? (
            <p className="empty card" data-testid="budgets-empty">{t("overview.empty")}</p>
          ) : (
            <div className="table-wrap" style={{ marginTop: "1rem" }}>
              <table className="data responsive" data-testid="budget-cells">
                <thead>
                  <tr>
                    <th>{t("overview.department")}</th>
                    <th>{t("overview.period")}</th>
                    <th>{t("overview.category")}</th>
                    <th className="num">{t("overview.budget")}</th>
                    <th className="num">{t("overview.consumed")}</th>
                    <th className="num">{t("overview.reserved")}</th>
                    <th className="num">{t("overview.remaining")}</th>
                    <th className="num">{t("overview.used")}</th>
                    <th>{t("overview.owner")}</th>
                  </tr>
                </thead>
                <tbody>
                  {cells.map((c) => (
                    <tr key={c.id} data-testid="budget-cell">
                      <td data-label={t("overview.department")}>
                        {c.companyCode} · {localName(c.department, lang)}
                      </td>
                      <td data-label={t("overview.period")} className="mono">{c.period}</td>
                      <td data-label={t("overview.category")}>{c.category ? localName(c.category, lang) : <span className="muted">{t("overview.allCategories")}</span>}</td>
                      <td data-label={t("overview.budget")} className="num"><Money minor={c.budgetMinor} currency={c.currency} /></td>
                      <td data-label={t("overview.consumed")} className="num"><Money minor={c.consumedMinor} currency={c.currency} /></td>
                      <td data-label={t("overview.reserved")} className="num"><Money minor={c.reservedMinor} currency={c.currency} /></td>
                      <td data-label={t("overview.remaining")} className="num"><Money minor={c.remainingMinor} currency={c.currency} /></td>
                      <td data-label={t("overview.used")} className="num"><BandBadge band={c.band} usedPct={c.usedPct} /></td>
                      <td data-label={t("overview.owner")}>{c.ownerName ?? <span className="muted">{t("overview.ownerHead")}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}

export const ErrorBoundary = RouteError;
