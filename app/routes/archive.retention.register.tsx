import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { CompanyYearFilter, yearsBack } from "~/components/company-year-filter";
import { Digest } from "~/components/digest";
import { Pager } from "~/components/pager";

import { RouteError } from "~/components/route-error";
import { listRegister } from "~/models/destruction.server";
import { RETENTION_STAFF, retentionCompanies } from "~/models/retention.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Destruction register · Accounting Factory" }];

const intOr = (v: string | null, min: number, max: number): number | undefined => {
  if (!v || !/^[0-9]{1,6}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
};

/** The permanent destruction register of the viewer's companies (the CSV of the same filter: register_.csv). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  const url = new URL(request.url);
  try {
    const companies = await retentionCompanies(user);
    const companyId = companies.find((c) => c.id === url.searchParams.get("company"))?.id ?? "";
    const year = intOr(url.searchParams.get("year"), 1990, 2200);
    const filters = { companyId: companyId || undefined, year, page: intOr(url.searchParams.get("page"), 1, 100_000) ?? 1 };
    const register = await listRegister(user, filters);
    const thisYear = new Date().getUTCFullYear();
    return {
      roles: user.roles,
      companies,
      filter: { companyId, year: year ?? null },
      years: yearsBack(thisYear, 11),
      register: { ...register, rows: register.rows.map((r) => ({ ...r, destroyedAt: r.destroyedAt.toISOString() })) },
    };
  } catch (err) {
    throwAsResponse(err);
  }
}

export default function DestructionRegister() {
  const { roles, companies, filter, years, register } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("retention");
  const { t: tc } = useTranslation();
  const q = new URLSearchParams();
  if (filter.companyId) q.set("company", filter.companyId);
  if (filter.year) q.set("year", String(filter.year));
  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("register.intro")}</p>
      {companies.length === 0 ? (
        <p className="empty card">{t("noCompanies")}</p>
      ) : (
        <>
          <Form method="get" className="row card" style={{ alignItems: "flex-end", flexWrap: "wrap" }}>
            <CompanyYearFilter companies={companies} company={filter.companyId || null} years={years} year={filter.year} yearLabel={t("register.year")} />
            <button type="submit" className="button button-primary">
              {t("register.apply")}
            </button>
            <a className="button" href={`/archive/retention/register/csv?${q.toString()}`} download data-testid="register-csv">
              {t("register.csv")}
            </a>
          </Form>
          {register.rows.length === 0 ? (
            <p className="empty card" data-testid="register-empty">
              {t("register.empty")}
            </p>
          ) : (
            <>
              <div className="table-wrap">
                <table className="data responsive" data-testid="register">
                  <thead>
                    <tr>
                      <th scope="col">{t("register.claim")}</th>
                      <th scope="col">{t("register.closedOn")}</th>
                      <th scope="col">{t("register.reason")}</th>
                      <th scope="col">{t("register.approvals")}</th>
                      <th scope="col">{t("register.destroyed")}</th>
                      <th scope="col">{t("register.digests")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {register.rows.map((r) => (
                      <tr key={r.id} data-testid={`register-${r.claimNumber}`}>
                        <td data-label={t("register.claim")}>
                          <strong className="nowrap">{r.claimNumber}</strong>
                          <div className="muted">
                            {r.companyCode} · {t(`docType.${r.docType}`, { defaultValue: r.docType })}
                          </div>
                          {r.paperBoxLabel ? (
                            <div className="muted">
                              {t("register.box")}: {r.paperBoxLabel}
                            </div>
                          ) : null}
                        </td>
                        <td data-label={t("register.closedOn")} className="nowrap">
                          {formatCalendarDate(r.closedOn, i18n.language)}
                          <div className="muted">{t("period.years", { count: r.retentionYears })}</div>
                        </td>
                        <td data-label={t("register.reason")}>
                          {r.reason}
                          <div className="muted">
                            {t("register.requestedBy")}: {r.requestedBy}
                          </div>
                        </td>
                        <td data-label={t("register.approvals")}>
                          {r.approvals.map((a) => (
                            <div key={a.approverId}>
                              {a.approver} <span className="muted">({tc(`roles.${a.asRole}`)}, {formatDateTime(a.approvedAt, i18n.language)})</span>
                            </div>
                          ))}
                        </td>
                        <td data-label={t("register.destroyed")}>
                          {formatDateTime(r.destroyedAt, i18n.language)}
                          <div className="muted">{r.destroyedBy}</div>
                        </td>
                        <td data-label={t("register.digests")}>
                          <Digest value={r.manifestSha256} label={t("register.manifest")} />
                          <details>
                            <summary>{t("register.files", { count: r.files.length })}</summary>
                            <ul style={{ margin: 0, paddingLeft: "1rem", fontSize: "0.8rem" }}>
                              {r.files.map((f) => (
                                <li key={f.path}>
                                  {f.path} · {f.sizeBytes} B · <Digest value={f.sha256} />
                                </li>
                              ))}
                            </ul>
                          </details>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager label={t("appraisal.pager")} page={register.page} pageSize={register.pageSize} total={register.total} count={register.rows.length} testId="register-pager" />
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
