import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { CompanyYearFilter, yearsBack } from "~/components/company-year-filter";
import { Pager } from "~/components/pager";
import { Money } from "~/components/money";
import { PeriodText, RefusalMessage } from "~/components/retention-nav";
import { RouteError } from "~/components/route-error";
import { RETENTION_DOCUMENT_TYPES } from "~/domain/retention";
import { listAppraisal, listDestructionRequests, proposeDestruction } from "~/models/destruction.server";
import { RETENTION_STAFF, retentionCompanies } from "~/models/retention.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { refusalOf } from "~/utils/retention-refusal.server";

export const meta: MetaFunction = () => [{ title: "Retention and destruction · Accounting Factory" }];

const intOr = (v: string | null, min: number, max: number): number | undefined => {
  if (!v || !/^[0-9]{1,4}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
};

/** The appraisal list and the destruction requests of the viewer's companies (archive staff). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  const url = new URL(request.url);
  try {
    const companies = await retentionCompanies(user);
    const companyId = companies.find((c) => c.id === url.searchParams.get("company"))?.id ?? "";
    const docTypeParam = url.searchParams.get("type") ?? "";
    const docType = (RETENTION_DOCUMENT_TYPES as readonly string[]).includes(docTypeParam) ? docTypeParam : "";
    const closedYear = intOr(url.searchParams.get("year"), 1900, 2200);
    const claimNumber = (url.searchParams.get("q") ?? "").trim().slice(0, 40);
    const page = intOr(url.searchParams.get("page"), 1, 100_000) ?? 1;
    const [list, requests] = await Promise.all([
      listAppraisal(user, { companyId: companyId || undefined, docType: docType || undefined, closedYear, claimNumber, page }),
      listDestructionRequests(user),
    ]);
    return {
      roles: user.roles,
      companies,
      filter: { companyId, docType, closedYear: closedYear ?? null, claimNumber },
      filtered: !!(companyId || docType || closedYear || claimNumber),
      // Records reach appraisal decades after they close: the year choices go back 40 years.
      years: yearsBack(new Date().getUTCFullYear(), 40),
      list: { ...list, items: list.items.map((i) => ({ ...i, totalMinor: i.totalMinor.toString(), totalBytes: i.totalBytes.toString() })) },
      requests,
    };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** Proposes the destruction of the selected records (archive staff; proposeDestruction checks company, due, hold, open requests). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  const form = await request.formData();
  const recordIds = form.getAll("recordId").map(String).filter(Boolean);
  try {
    const ids = await proposeDestruction({ viewer: user, recordIds, reason: String(form.get("reason") ?? "") });
    return redirect(ids.length === 1 ? `/archive/retention/requests/${ids[0]}?proposed=1` : "/archive/retention?proposed=1");
  } catch (err) {
    return refusalOf(err);
  }
}

export default function RetentionAppraisal() {
  const { roles, companies, filter, filtered, years, list, requests } = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retention");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const selectable = list.items.filter((i) => !i.openRequestId).map((i) => i.id);
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allOn = selectable.length > 0 && selectable.every((id) => selected.has(id));
  const company = (id: string) => companies.find((c) => c.id === id);
  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("appraisal.intro")}</p>
      {params.get("proposed") ? (
        <p className="notice" role="status">
          {t("appraisal.proposed")}
        </p>
      ) : null}
      <RefusalMessage refusal={refusal} />
      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : (
        <>
          <Form method="get" className="row card" style={{ alignItems: "flex-end", flexWrap: "wrap" }}>
            <CompanyYearFilter companies={companies} company={filter.companyId || null} years={years} year={filter.closedYear} yearLabel={t("appraisal.closedYear")} />
            <label className="field">
              <span>{t("appraisal.docType")}</span>
              <select name="type" defaultValue={filter.docType}>
                <option value="">{t("appraisal.allTypes")}</option>
                {RETENTION_DOCUMENT_TYPES.map((d) => (
                  <option key={d} value={d}>
                    {t(`docType.${d}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("appraisal.claimNumber")}</span>
              <input type="search" name="q" defaultValue={filter.claimNumber} maxLength={40} />
            </label>
            <button type="submit" className="button button-primary">
              {t("appraisal.apply")}
            </button>
            {filtered ? (
              <Link to="/archive/retention" className="button">
                {t("appraisal.clear")}
              </Link>
            ) : null}
          </Form>

          {list.items.length === 0 ? (
            <p className="empty card" data-testid="appraisal-empty">
              {filtered ? t("appraisal.emptyFiltered") : t("appraisal.empty")}
            </p>
          ) : (
            <Form method="post" data-testid="appraisal-form">
              <div className="table-wrap">
                <table className="data responsive" data-testid="appraisal">
                  <thead>
                    <tr>
                      <th scope="col">
                        <input
                          type="checkbox"
                          aria-label={t("appraisal.selectAll")}
                          checked={allOn}
                          disabled={selectable.length === 0}
                          onChange={(e) => setSelected(e.target.checked ? new Set(selectable) : new Set())}
                        />
                      </th>
                      <th scope="col">{t("appraisal.claim")}</th>
                      <th scope="col">{t("appraisal.docType")}</th>
                      <th scope="col">{t("appraisal.claimant")}</th>
                      <th scope="col">{t("appraisal.closedOn")}</th>
                      <th scope="col">{t("appraisal.retention")}</th>
                      <th scope="col">{t("appraisal.keptUntil")}</th>
                      <th scope="col" className="num">
                        {t("appraisal.total")}
                      </th>
                      <th scope="col" className="num">
                        {t("appraisal.files")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.items.map((i) => (
                      <tr key={i.id} data-testid={`due-${i.claimNumber}`}>
                        <td data-label={t("appraisal.select")}>
                          {i.openRequestId ? (
                            <Link to={`/archive/retention/requests/${i.openRequestId}`} className="badge badge-SUBMITTED">
                              {t("appraisal.inRequest")}
                            </Link>
                          ) : (
                            <input
                              type="checkbox"
                              name="recordId"
                              value={i.id}
                              checked={selected.has(i.id)}
                              onChange={(e) => toggle(i.id, e.target.checked)}
                              aria-label={`${t("appraisal.select")} ${i.claimNumber}`}
                            />
                          )}
                        </td>
                        <td data-label={t("appraisal.claim")} className="nowrap">
                          {i.claimNumber}
                          {companies.length > 1 ? <span className="muted"> · {company(i.companyId)?.code ?? i.companyCode}</span> : null}
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
                        <td data-label={t("appraisal.total")} className="num nowrap">
                          <Money minor={i.totalMinor} currency={i.currency} />
                        </td>
                        <td data-label={t("appraisal.files")} className="num">
                          {i.fileCount}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager label={t("appraisal.pager")} page={list.page} pageSize={list.pageSize} total={list.total} count={list.items.length} drop={["proposed"]} testId="appraisal-pager" />
              <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="propose-title">
                <h2 id="propose-title">{t("appraisal.proposeTitle")}</h2>
                <p className="muted" data-testid="selected-count">
                  {t("appraisal.selected", { count: selected.size })}
                </p>
                <label className="field">
                  <span>{t("appraisal.reason")}</span>
                  <textarea name="reason" required maxLength={1000} rows={3} placeholder={t("appraisal.reasonPlaceholder")} />
                </label>
                <button type="submit" className="button button-primary" disabled={selected.size === 0 || navigation.state === "submitting"} style={{ marginTop: "0.5rem" }}>
                  {t("appraisal.propose")}
                </button>
              </section>
            </Form>
          )}

          <section style={{ marginTop: "1.5rem" }} aria-labelledby="requests-title">
            <h2 id="requests-title">{t("requests.title")}</h2>
            {requests.length === 0 ? (
              <p className="empty card">{t("requests.empty")}</p>
            ) : (
              <div className="table-wrap">
                <table className="data responsive" data-testid="requests">
                  <thead>
                    <tr>
                      <th scope="col">{t("requests.requestedAt")}</th>
                      <th scope="col">{t("requests.status")}</th>
                      <th scope="col">{t("requests.reason")}</th>
                      <th scope="col">{t("requests.requestedBy")}</th>
                      <th scope="col" className="num">
                        {t("requests.items")}
                      </th>
                      <th scope="col" className="num">
                        {t("requests.approvals")}
                      </th>
                      <th scope="col">
                        <span className="visually-hidden">{t("requests.open")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {requests.map((q) => (
                      <tr key={q.id} data-testid={`request-${q.id}`}>
                        <td data-label={t("requests.requestedAt")} className="nowrap">
                          {formatDateTime(q.requestedAt, i18n.language)}
                          {companies.length > 1 ? <span className="muted"> · {q.companyCode}</span> : null}
                        </td>
                        <td data-label={t("requests.status")}>
                          <span className={`badge badge-${q.status === "EXECUTED" ? "PAID" : q.status === "APPROVED" ? "APPROVED" : q.status === "PROPOSED" ? "SUBMITTED" : "DRAFT"}`}>{t(`status.${q.status}`)}</span>
                        </td>
                        <td data-label={t("requests.reason")}>{q.reason}</td>
                        <td data-label={t("requests.requestedBy")}>{q.requestedBy}</td>
                        <td data-label={t("requests.items")} className="num">
                          {q.itemCount}
                        </td>
                        <td data-label={t("requests.approvals")} className="num">
                          {q.approvalCount}/2
                        </td>
                        <td>
                          <Link to={`/archive/retention/requests/${q.id}`}>{t("requests.open")}</Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
