import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { CompanyYearFilter } from "~/components/company-year-filter";
import { Pager } from "~/components/pager";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { ARCHIVE_STAFF, archiveCompanies } from "~/models/archive-staff.server";
import { searchArchive } from "~/models/archive-search.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { prisma } from "~/utils/db.server";
import { requireUser } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Archive search · Accounting Factory" }];

const FIELDS = ["claimNumber", "claimant", "companyId", "amountMin", "amountMax", "currency", "spentFrom", "spentTo", "merchant", "box"] as const;

/** Archive staff search their companies' records (keyset pages); everyone else goes to loans and access. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!hasRole(user, ...ARCHIVE_STAFF)) throw redirect("/archive/requests");
  const url = new URL(request.url);
  const input: Record<string, string> = {};
  for (const f of [...FIELDS, "after"] as const) {
    const v = url.searchParams.get(f);
    if (v) input[f] = v;
  }
  try {
    const companies = await archiveCompanies(user);
    const result = await searchArchive(prisma, user, input, { companyIds: companies.map((c) => c.id) });
    const currencies = [...new Set(["CNY", ...companies.map((c) => c.currency), "USD", "HKD", "EUR", "JPY"])];
    return { roles: user.roles, companies, currencies, input, result };
  } catch (err) {
    throwAsResponse(err);
  }
}

export default function ArchiveSearch() {
  const { roles, companies, currencies, input, result } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("archiveAccess");
  const navigation = useNavigation();
  const lang = i18n.language;
  const err = (name: string) =>
    result.errors[name] ? (
      <span className="field-error" data-testid={`error-${name}`}>
        {t(`search.errors.${result.errors[name]}`, { defaultValue: t("search.errors.invalid") })}
      </span>
    ) : null;
  return (
    <>
      <div className="page-head">
        <h1>{t("search.title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("search.intro")}</p>
      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : (
        <>
          <Form method="get" className="card stack" aria-label={t("search.title")} data-testid="archive-search-form">
            <div className="row">
              <label className="field">
                <span>{t("search.claimNumber")}</span>
                <input name="claimNumber" defaultValue={input.claimNumber ?? ""} placeholder={t("search.claimNumberHint")} maxLength={40} autoComplete="off" />
                {err("claimNumber")}
              </label>
              <label className="field">
                <span>{t("search.claimant")}</span>
                <input name="claimant" defaultValue={input.claimant ?? ""} maxLength={100} />
                {err("claimant")}
              </label>
              <CompanyYearFilter companies={companies} company={input.companyId ?? null} companyName="companyId" allCompaniesLabel={t("search.allCompanies")} />
              <label className="field">
                <span>{t("search.merchant")}</span>
                <input name="merchant" defaultValue={input.merchant ?? ""} maxLength={100} />
                {err("merchant")}
              </label>
              <label className="field">
                <span>{t("search.box")}</span>
                <input name="box" defaultValue={input.box ?? ""} maxLength={60} autoComplete="off" />
                {err("box")}
              </label>
            </div>
            <div className="row">
              <label className="field">
                <span>{t("search.amountMin")}</span>
                <input name="amountMin" inputMode="decimal" defaultValue={input.amountMin ?? ""} size={10} />
                {err("amountMin")}
              </label>
              <label className="field">
                <span>{t("search.amountMax")}</span>
                <input name="amountMax" inputMode="decimal" defaultValue={input.amountMax ?? ""} size={10} />
                {err("amountMax")}
              </label>
              <label className="field">
                <span>{t("search.currency")}</span>
                <select name="currency" defaultValue={input.currency ?? ""}>
                  <option value="">{t("search.anyCurrency")}</option>
                  {currencies.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>{t("search.spentFrom")}</span>
                <input type="date" name="spentFrom" defaultValue={input.spentFrom ?? ""} aria-describedby="spent-hint" />
                {err("spentFrom")}
              </label>
              <label className="field">
                <span>{t("search.spentTo")}</span>
                <input type="date" name="spentTo" defaultValue={input.spentTo ?? ""} aria-describedby="spent-hint" />
                {err("spentTo")}
              </label>
              <button type="submit" className="button button-primary" disabled={navigation.state === "loading"}>
                {t("search.apply")}
              </button>
              {result.filtered ? (
                <Link to="/archive" className="button">
                  {t("search.clear")}
                </Link>
              ) : null}
            </div>
            <p className="muted" id="spent-hint" style={{ margin: 0, fontSize: "0.85rem" }}>
              {t("search.spentHint")}
            </p>
          </Form>

          {result.rows.length === 0 ? (
            <p className="empty card" data-testid="search-empty" style={{ marginTop: "1rem" }}>
              {result.filtered ? t("search.empty") : t("search.emptyAll")}
            </p>
          ) : (
            <>
              <p className="muted" style={{ marginTop: "1rem" }}>
                {result.next ? t("search.shownMore", { count: result.rows.length }) : t("search.shown", { count: result.rows.length })}
              </p>
              <div className="table-wrap">
                <table className="data responsive" data-testid="search-results">
                  <thead>
                    <tr>
                      <th scope="col">{t("search.col.claim")}</th>
                      <th scope="col">{t("search.col.claimant")}</th>
                      <th scope="col">{t("search.col.company")}</th>
                      <th scope="col" className="num">
                        {t("search.col.amount")}
                      </th>
                      <th scope="col">{t("search.col.spent")}</th>
                      <th scope="col">{t("search.col.merchants")}</th>
                      <th scope="col">{t("search.col.box")}</th>
                      <th scope="col">{t("search.col.status")}</th>
                      <th scope="col">{t("search.col.filed")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.rows.map((r) => (
                      <tr key={r.id} data-testid="search-result" data-claim={r.claimNumber}>
                        <td data-label={t("search.col.claim")}>
                          <Link to={`/archive/records/${r.id}`}>{r.claimNumber}</Link>
                        </td>
                        <td data-label={t("search.col.claimant")}>{r.claimantName}</td>
                        <td data-label={t("search.col.company")}>{r.companyCode}</td>
                        <td data-label={t("search.col.amount")} className="num nowrap">
                          <Money minor={r.totalMinor} currency={r.currency} />
                        </td>
                        <td data-label={t("search.col.spent")} className="nowrap">
                          {r.spentFrom === r.spentTo
                            ? formatCalendarDate(r.spentFrom, lang)
                            : `${formatCalendarDate(r.spentFrom, lang)} – ${formatCalendarDate(r.spentTo, lang)}`}
                        </td>
                        <td data-label={t("search.col.merchants")}>{r.merchants || "—"}</td>
                        <td data-label={t("search.col.box")} data-testid="result-box">
                          {r.boxLabel ? (
                            <>
                              <span className="nowrap">{r.boxLabel}</span> <span className="muted nowrap">{t("search.position", { position: r.position })}</span>
                            </>
                          ) : (
                            <span className="muted">{t("search.notBoxed")}</span>
                          )}
                        </td>
                        <td data-label={t("search.col.status")}>
                          <span className={`badge ${r.status === "FILED" ? "badge-APPROVED" : "badge-WITHDRAWN"}`}>{t(`status.${r.status}`)}</span>
                          {r.legalHold ? (
                            <>
                              {" "}
                              <span className="badge badge-REJECTED">{t("search.legalHold")}</span>
                            </>
                          ) : null}
                        </td>
                        <td data-label={t("search.col.filed")} className="nowrap">
                          {formatDateTime(r.filedAt, lang)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager label={t("search.pager")} after={input.after ?? null} next={result.next ?? null} testId="search" />
            </>
          )}
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
