import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CompanyYearFilter } from "~/components/company-year-filter";
import { LedgerTabs } from "~/components/ledger-nav";
import { Pager } from "~/components/pager";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { parseLedgerSearch, parsePage, parsePeriod, parseVoucherKind, VOUCHER_KINDS } from "~/domain/ledger-display";
import { ledgerCompanies, listVouchers } from "~/models/ledger-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Vouchers · Accounting Factory" }];

/** The vouchers of the viewer's companies (user_company): filters, search and paging in the URL. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  const url = new URL(request.url);
  try {
    const companies = await ledgerCompanies(user);
    const companyId = companies.find((c) => c.id === url.searchParams.get("company"))?.id ?? null;
    const period = parsePeriod(url.searchParams.get("period"));
    const kind = parseVoucherKind(url.searchParams.get("kind"));
    const q = (url.searchParams.get("q") ?? "").trim().slice(0, 60);
    const page = parsePage(url.searchParams.get("page"));
    const vouchers = await listVouchers(user, {
      companyId,
      period,
      kind,
      q,
      page,
    });
    const filtered = !!(companyId || period || kind || parseLedgerSearch(q));
    return {
      companies,
      vouchers,
      filter: { companyId, period, kind, q },
      filtered,
    };
  } catch (err) {
    throwAsResponse(err);
  }
}

export default function LedgerVouchers() {
  const { companies, vouchers, filter, filtered } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("ledger");
  const navigation = useNavigation();
  const company = new Map(companies.map((c) => [c.id, c]));
  return (
    <>
      <div className="page-head">
        <h1>{t("list.title")}</h1>
      </div>
      <LedgerTabs />
      <p className="muted">{t("list.intro")}</p>
      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : null}
      {companies.length === 0 ? null : (
        <>
          <Form method="get" className="row card" style={{ alignItems: "flex-end", flexWrap: "wrap" }} aria-label={t("list.apply")}>
            <CompanyYearFilter companies={companies} company={filter.companyId} />
            <label className="field">
              <span>{t("list.period")}</span>
              <input type="month" name="period" defaultValue={filter.period ?? ""} />
            </label>
            <label className="field">
              <span>{t("list.kind")}</span>
              <select name="kind" defaultValue={filter.kind ?? ""}>
                <option value="">{t("list.allKinds")}</option>
                {VOUCHER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`kind.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("list.search")}</span>
              <input type="search" name="q" defaultValue={filter.q} placeholder={t("list.searchPlaceholder")} maxLength={60} />
            </label>
            <button type="submit" className="button button-primary" disabled={navigation.state === "loading"}>
              {t("list.apply")}
            </button>
            {filtered ? (
              <Link to="/ledger" className="button">
                {t("list.clear")}
              </Link>
            ) : null}
          </Form>

          {vouchers.items.length === 0 ? (
            <p className="empty card" data-testid="vouchers-empty">
              {filtered ? t("list.empty") : t("list.emptyAll")}
            </p>
          ) : (
            <>
              <div className="table-wrap">
                <table className="data responsive" data-testid="vouchers">
                  <thead>
                    <tr>
                      <th scope="col">{t("list.date")}</th>
                      <th scope="col">{t("list.number")}</th>
                      <th scope="col">{t("list.kind")}</th>
                      <th scope="col">{t("list.description")}</th>
                      <th scope="col" className="num">
                        {t("list.total")}
                      </th>
                      <th scope="col" className="num">
                        {t("list.attachments")}
                      </th>
                      <th scope="col">{t("list.exported")}</th>
                      <th scope="col">{t("list.erpNumber")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {vouchers.items.map((v) => (
                      <tr key={v.id}>
                        <td data-label={t("list.date")} className="nowrap">
                          {formatCalendarDate(v.voucherDate, i18n.language)}
                        </td>
                        <td data-label={t("list.number")} className="voucher-number">
                          <Link to={`/ledger/vouchers/${v.id}`}>{v.label}</Link>{" "}
                          <span className="muted">
                            {companies.length > 1 ? `${company.get(v.companyId)?.code ?? v.companyCode} · ` : ""}
                            {v.period}
                          </span>
                        </td>
                        <td data-label={t("list.kind")}>
                          <span className={`badge voucher-${v.kind}`}>{t(`kind.${v.kind}`)}</span>
                        </td>
                        <td data-label={t("list.description")}>
                          {v.description}
                          {v.claimId && v.claimNumber ? (
                            <>
                              {" "}
                              · <Link to={`/claims/${v.claimId}`}>{v.claimNumber}</Link>
                            </>
                          ) : null}
                        </td>
                        <td data-label={t("list.total")} className={`num nowrap${v.totalMinor.startsWith("-") ? " red-amount" : ""}`}>
                          <Money minor={v.totalMinor} currency={v.currency} />
                        </td>
                        <td data-label={t("list.attachments")} className="num">
                          {v.attachmentCount}
                        </td>
                        <td data-label={t("list.exported")}>{v.exported ? t("list.yes") : t("list.no")}</td>
                        <td data-label={t("list.erpNumber")}>{v.erpNumber ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager label={t("list.pager")} page={vouchers.page} pageSize={vouchers.pageSize} total={vouchers.total} count={vouchers.items.length} testId="vouchers-pager" />
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
