import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ReceiptPanel, ReceiptThumb } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { usePollWhile } from "~/components/use-poll-while";
import { formatMoney } from "~/domain/money";
import { getClaimHistory } from "~/models/claim-history.server";
import { getClaimDetail } from "~/models/claim.server";
import { requireUser } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime, formatTotals, localName } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.claim.number ?? ""} · Accounting Factory` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claim = await getClaimDetail({ claimId: params.claimId ?? "", viewer: user });
  if (!claim) throw new Response("Not found", { status: 404 });
  const history = await getClaimHistory(claim.id);
  return { claim, history, timeZone: user.timeZone };
}

function eventLabel(t: (k: string, o?: Record<string, unknown>) => string, type: string, data: Record<string, unknown>): string {
  const key = `event.${type.replace(".", "_")}`;
  const label = t(key, { ...data, defaultValue: "" });
  return label || t("event.other", { type });
}

export default function ClaimDetailPage() {
  const { claim, history, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("claims");
  const locale = i18n.language;
  usePollWhile(claim.receipts.some((r) => r.status === "PROCESSING"));
  const lineLabels = new Map(claim.lines.map((l, i) => [l.id, `${i + 1}`]));
  const receiptIndex = new Map(claim.receipts.map((r, i) => [r.id, i]));
  return (
    <>
      <div className="page-head">
        <h1>
          <span className="mono">{claim.number}</span> <StatusBadge status={claim.status} />
        </h1>
        <div className="row">
          {claim.receipts.length > 0 ? (
            <Link to={`/claims/${claim.id}/viewer`} className="button" data-testid="open-viewer">
              {t("detail.openViewer")}
            </Link>
          ) : null}
          {claim.canEdit ? (
            <Link to={`/claims/${claim.id}/edit`} className="button button-primary">
              {t("detail.edit")}
            </Link>
          ) : null}
        </div>
      </div>
      <section className="card">
        <h2 className="purpose">{claim.purpose || <span className="muted">{t("list.noPurpose")}</span>}</h2>
        <dl className="facts">
          <div><dt>{t("detail.claimant")}</dt><dd>{claim.claimant.name}</dd></div>
          <div><dt>{t("detail.company")}</dt><dd>{localName(claim.company, locale)}</dd></div>
          <div><dt>{t("detail.department")}</dt><dd>{localName(claim.department, locale)}</dd></div>
          <div><dt>{t("detail.submitted")}</dt><dd>{claim.submittedAt ? formatDateTime(claim.submittedAt, locale, timeZone) : "—"}</dd></div>
          <div>
            <dt>{t("detail.totals")}</dt>
            <dd className="totals" data-testid="claim-totals">{formatTotals(claim.totals, locale)}</dd>
          </div>
          <div>
            <dt>{t("detail.inCompanyCurrency", { currency: claim.company.currency })}</dt>
            <dd className="totals" data-testid="company-total">{formatMoney(claim.companyTotal, locale)}</dd>
          </div>
        </dl>
        {claim.missingRates.map((m) => (
          <p key={`${m.currency}${m.onDate}`} className="notice small">
            {t("detail.missingRate", { currency: m.currency, date: formatCalendarDate(m.onDate, locale) })}
          </p>
        ))}
      </section>

      <section className="card">
        <h2>{t("edit.lines")}</h2>
        {claim.lines.length === 0 ? (
          <p className="muted">{t("detail.noLines")}</p>
        ) : (
          <div className="table-wrap flat">
            <table className="data responsive">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t("field.spentOn")}</th>
                  <th>{t("field.category")}</th>
                  <th>{t("field.merchant")}</th>
                  <th className="num">{t("field.amount")}</th>
                  <th>{t("field.receipts")}</th>
                </tr>
              </thead>
              <tbody>
                {claim.lines.map((l, i) => (
                  <tr key={l.id} data-testid="line-row">
                    <td data-label="#">{i + 1}</td>
                    <td data-label={t("field.spentOn")}>{formatCalendarDate(l.spentOn, locale)}</td>
                    <td data-label={t("field.category")}>{locale.startsWith("zh") ? l.categoryNameZh : l.categoryName}</td>
                    <td data-label={t("field.merchant")}>
                      {l.merchant}
                      {l.note ? <div className="muted small">{l.note}</div> : null}
                    </td>
                    <td data-label={t("field.amount")} className="num">{formatMoney(l.amount, locale)}</td>
                    <td data-label={t("field.receipts")}>
                      <span className="line-thumbs">
                        {l.receiptIds.map((rid) => {
                          const r = claim.receipts[receiptIndex.get(rid) ?? -1];
                          return r ? <ReceiptThumb key={rid} claimId={claim.id} receipt={r} /> : null;
                        })}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ReceiptPanel claimId={claim.id} receipts={claim.receipts} lineLabels={lineLabels} editable={false} maxUploadMb={25} />

      <section className="card">
        <h2>{t("detail.timeline")}</h2>
        <ol className="timeline" data-testid="timeline">
          {history.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at, locale, timeZone)}</time>
              <span className="timeline-what">
                {eventLabel(t, e.type, e.data)}
                {e.fromStatus && e.toStatus ? (
                  <span className="muted small">
                    {" "}
                    {t(`status.${e.fromStatus}`)} → {t(`status.${e.toStatus}`)}
                  </span>
                ) : null}
              </span>
              <span className="muted small">{t("event.by", { name: e.actorName ?? t("event.system") })}</span>
              {typeof e.data.comment === "string" ? <q className="timeline-comment">{e.data.comment}</q> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export const ErrorBoundary = RouteError;
