import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { CLAIM_STATUSES, type ClaimStatus } from "~/domain/claim-machine";
import { listMyClaims, PAGE_SIZE } from "~/models/claim-list.server";
import { requireUser } from "~/utils/auth.server";
import { readerFor } from "~/utils/read-your-writes.server";
import { formatDate, formatTotals } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "My claims · Accounting Factory" }];

function parseStatus(value: string | null): ClaimStatus | undefined {
  return CLAIM_STATUSES.find((s) => s === value);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const status = parseStatus(url.searchParams.get("status"));
  const page = Math.max(1, Math.min(10_000, Number(url.searchParams.get("page")) || 1));
  const result = await listMyClaims({ viewerId: user.id, status, page }, readerFor(request)); // the replica unless this browser just wrote (docs/decisions/026)
  return { ...result, status: status ?? null, page, pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)), timeZone: user.timeZone };
}

export default function MyClaims() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("claims");
  const [params] = useSearchParams();
  const locale = i18n.language;
  const allCount = Object.values(data.counts).reduce((a, b) => a + (b ?? 0), 0);
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next}`;
  };
  return (
    <>
      <div className="page-head">
        <h1>{t("list.title")}</h1>
        <Link to="/claims/new" className="button button-primary">
          + {t("common:nav.newClaim")}
        </Link>
      </div>
      <nav className="filters" aria-label={t("list.status")}>
        <Link to="/claims" aria-current={data.status === null ? "page" : undefined}>
          {t("list.all")} ({allCount})
        </Link>
        {CLAIM_STATUSES.filter((s) => data.counts[s]).map((s) => (
          <Link key={s} to={`/claims?status=${s}`} aria-current={data.status === s ? "page" : undefined}>
            {t(`status.${s}`)} ({data.counts[s]})
          </Link>
        ))}
      </nav>
      <div className="table-wrap">
        {data.items.length === 0 ? (
          <p className="empty">{allCount === 0 ? t("list.emptyAll") : t("list.empty")}</p>
        ) : (
          <table className="data responsive">
            <thead>
              <tr>
                <th>{t("list.number")}</th>
                <th>{t("list.purpose")}</th>
                <th>{t("list.status")}</th>
                <th className="num">{t("list.total")}</th>
                <th>{t("list.submitted")}</th>
                <th>{t("list.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => (
                <tr key={c.id}>
                  <td data-label={t("list.number")}>
                    <Link to={`/claims/${c.id}`} className="mono">{c.number}</Link>
                  </td>
                  <td data-label={t("list.purpose")}>{c.purpose || <span className="muted">{t("list.noPurpose")}</span>}</td>
                  <td data-label={t("list.status")}><StatusBadge status={c.status} /></td>
                  <td data-label={t("list.total")} className="num">{formatTotals(c.totals, locale)}</td>
                  <td data-label={t("list.submitted")}>{c.submittedAt ? formatDate(c.submittedAt, locale, data.timeZone) : "—"}</td>
                  <td data-label={t("list.updated")}>{formatDate(c.updatedAt, locale, data.timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {data.pages > 1 ? (
        <nav className="pager">
          {data.page > 1 ? <Link to={pageLink(data.page - 1)}>{t("list.previous")}</Link> : <span />}
          <span className="muted">{t("list.page", { page: data.page, pages: data.pages })}</span>
          {data.page < data.pages ? <Link to={pageLink(data.page + 1)}>{t("list.next")}</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}

export const ErrorBoundary = RouteError;
