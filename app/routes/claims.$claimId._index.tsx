import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ClaimLinesTable, MissingRates } from "~/components/claim-lines-table";
import { ClaimPayment } from "~/components/claim-payment";
import { ClaimReturnNotice } from "~/components/claim-return-notice";
import { ClaimVouchersPanel } from "~/components/ledger-claim-vouchers";
import { ReceiptPanel } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { usePollWhile } from "~/components/use-poll-while";
import { formatMoney } from "~/domain/money";
import { getClaimHistory } from "~/models/claim-history.server";
import { latestReturnNotice } from "~/models/claim-return.server";
import { claimVoucherPanel } from "~/models/ledger-views.server";
import { getClaimDetail } from "~/models/claim.server";
import { claimPaymentView } from "~/models/payment-run-views.server";
import { requireUser } from "~/utils/auth.server";
import { formatDateTime, formatTotals, localName } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.claim.number ?? ""} · Accounting Factory` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claim = await getClaimDetail({ claimId: params.claimId ?? "", viewer: user });
  if (!claim) throw new Response("Not found", { status: 404 });
  const [history, returnNotice, payment, ledger] = await Promise.all([
    getClaimHistory(claim.id),
    claim.status === "RETURNED" ? latestReturnNotice(claim.id) : null,
    ["APPROVED", "SCHEDULED", "PAID", "PAYMENT_FAILED"].includes(claim.status) ? claimPaymentView(claim.id) : null,
    claimVoucherPanel(user, { id: claim.id, companyId: claim.company.id }),
  ]);
  return { claim, history, returnNotice, payment, ledger, timeZone: user.timeZone, isClaimant: claim.claimant.id === user.id };
}

function eventLabel(t: (k: string, o?: Record<string, unknown>) => string, type: string, data: Record<string, unknown>): string {
  const key = `event.${type.replace(".", "_")}`;
  const label = t(key, { ...data, defaultValue: "" });
  return label || t("event.other", { type });
}

export default function ClaimDetailPage() {
  const { claim, history, returnNotice, payment, ledger, timeZone, isClaimant } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("claims");
  const locale = i18n.language;
  usePollWhile(claim.receipts.some((r) => r.status === "PROCESSING"));
  const lineLabels = new Map(claim.lines.map((l, i) => [l.id, `${i + 1}`]));
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
      {payment ? <ClaimPayment payment={payment} isClaimant={isClaimant} /> : null}
      <ClaimVouchersPanel vouchers={ledger.vouchers} linkable={ledger.linkable} />
      {returnNotice ? <ClaimReturnNotice notice={returnNotice} timeZone={timeZone} editHref={claim.canEdit ? `/claims/${claim.id}/edit` : undefined} /> : null}
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
        <MissingRates claim={claim} />
      </section>

      <section className="card">
        <h2>{t("edit.lines")}</h2>
        {claim.lines.length === 0 ? (
          <p className="muted">{t("detail.noLines")}</p>
        ) : (
          <ClaimLinesTable claim={claim} />
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
