import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";

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
      years: Array.from({ length: 12 }, (_, i) => thisYear - i),
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
  const pages = Math.max(1, Math.ceil(register.total / register.pageSize));
  const pageLink = (page: number) => {
    const p = new URLSearchParams(q);
    if (page > 1) p.set("page", String(page));
    return `/archive/retention/register?${p.toString()}`;
  };
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
            {companies.length > 1 ? (
              <label className="field">
                <span>{t("register.company")}</span>
                <select name="company" defaultValue={filter.companyId}>
                  <option value="">{t("register.allCompanies")}</option>
                  {companies.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.code} · {i18n.language === "zh-CN" ? c.nameZh : c.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <label className="field">
              <span>{t("register.year")}</span>
              <select name="year" defaultValue={filter.year ?? ""}>
                <option value="">{t("register.allYears")}</option>
                {years.map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </label>
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
                          <code title={r.manifestSha256} style={{ fontSize: "0.8rem" }}>
                            {r.manifestSha256.slice(0, 16)}…
                          </code>
                          <details>
                            <summary>{t("register.files", { count: r.files.length })}</summary>
                            <ul style={{ margin: 0, paddingLeft: "1rem", fontSize: "0.8rem" }}>
                              {r.files.map((f) => (
                                <li key={f.path}>
                                  {f.path} · {f.sizeBytes} B · <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
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
              {pages > 1 ? (
                <nav className="row" style={{ justifyContent: "flex-end", marginTop: "0.75rem" }}>
                  {register.page > 1 ? (
                    <Link className="button" to={pageLink(register.page - 1)} rel="prev">
                      {t("appraisal.previous")}
                    </Link>
                  ) : null}
                  {register.page < pages ? (
                    <Link className="button" to={pageLink(register.page + 1)} rel="next">
                      {t("appraisal.next")}
                    </Link>
                  ) : null}
                </nav>
              ) : null}
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
