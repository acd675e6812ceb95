import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ClaimLinesTable, MissingRates } from "~/components/claim-lines-table";
import { ClaimPayment } from "~/components/claim-payment";
import { ClaimReturnNotice } from "~/components/claim-return-notice";
import { ClaimVouchersPanel } from "~/components/ledger-claim-vouchers";
import { PaperOriginalsPanel } from "~/components/paper-originals-panel";
import { ReceiptPanel } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { usePollWhile } from "~/components/use-poll-while";
import { isAppError } from "~/domain/app-error";
import { WithdrawClaimSchema } from "~/domain/claim-input";
import { transition } from "~/domain/claim-machine";
import { formatMoney } from "~/domain/money";
import { originalsWhereabouts } from "~/models/archive-boxes.server";
import { getClaimHistory } from "~/models/claim-history.server";
import { latestReturnNotice } from "~/models/claim-return.server";
import { withdrawClaim } from "~/models/claim-commands.server";
import { claimVoucherPanel } from "~/models/ledger-views.server";
import { getClaimDetail } from "~/models/claim.server";
import { claimPaymentView } from "~/models/payment-run-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";
import { formatDateTime, formatTotals, localName } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.claim.number ?? ""} · Accounting Factory` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claim = await getClaimDetail({ claimId: params.claimId ?? "", viewer: user });
  if (!claim) throw new Response("Not found", { status: 404 });
  const [history, returnNotice, payment, ledger, originals] = await Promise.all([
    getClaimHistory(claim.id),
    claim.status === "RETURNED" ? latestReturnNotice(claim.id) : null,
    ["APPROVED", "SCHEDULED", "PAID", "PAYMENT_FAILED"].includes(claim.status) ? claimPaymentView(claim.id) : null,
    claimVoucherPanel(user, { id: claim.id, companyId: claim.company.id }),
    originalsWhereabouts(user, claim.id),
  ]);
  return { claim, history, returnNotice, payment, ledger, originals, timeZone: user.timeZone, isClaimant: claim.claimant.id === user.id };
}

/** The claimant withdraws the claim (the only thing posted here); anyone else's claim is 404, checked by withdrawClaim. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseForm(await request.formData(), WithdrawClaimSchema);
  if (submission.status !== "success") return { error: "invalid" as const };
  try {
    await withdrawClaim({ viewer: user, claimId: params.claimId ?? "", version: submission.value.version });
  } catch (err) {
    if (isAppError(err, "stale", "not_editable")) return { error: err.code };
    throwAsResponse(err);
  }
  return redirect(`/claims/${params.claimId}?withdrawn=1`);
}

const WITHDRAW_ERRORS = { stale: "detail.withdrawStale", not_editable: "detail.withdrawNotAllowed", invalid: "detail.withdrawStale" } as const;

function eventLabel(t: (k: string, o?: Record<string, unknown>) => string, type: string, data: Record<string, unknown>): string {
  const key = `event.${type.replace(".", "_")}`;
  const label = t(key, { ...data, defaultValue: "" });
  return label || t("event.other", { type });
}

export default function ClaimDetailPage() {
  const { claim, history, returnNotice, payment, ledger, originals, timeZone, isClaimant } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("claims");
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = i18n.language;
  const canWithdraw = isClaimant && transition(claim.status, "withdraw").ok;
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
          {claim.status !== "DRAFT" ? (
            // A resource route (the PDF): a plain document link, opened beside the claim.
            <a href={`/claims/${claim.id}/cover-sheet`} className="button" target="_blank" rel="noopener" data-testid="print-cover-sheet">
              {t("detail.printCoverSheet")}
            </a>
          ) : null}
          {claim.canEdit ? (
            <Link to={`/claims/${claim.id}/edit`} className="button button-primary">
              {t("detail.edit")}
            </Link>
          ) : null}
          {canWithdraw ? (
            <Form
              method="post"
              onSubmit={(e) => {
                if (!window.confirm(t("detail.withdrawConfirm"))) e.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="withdraw" />
              <input type="hidden" name="version" value={claim.version} />
              <button type="submit" className="button button-danger" data-testid="withdraw-claim" disabled={navigation.state !== "idle"}>
                {t("detail.withdraw")}
              </button>
            </Form>
          ) : null}
        </div>
      </div>
      {result?.error ? (
        <p className="form-error" role="alert" data-testid="withdraw-error">
          {t(WITHDRAW_ERRORS[result.error])}
        </p>
      ) : null}
      {claim.status === "WITHDRAWN" && isClaimant ? <p className="notice" data-testid="withdrawn-notice">{t("detail.withdrawn")}</p> : null}
      {payment ? <ClaimPayment payment={payment} isClaimant={isClaimant} /> : null}
      <ClaimVouchersPanel vouchers={ledger.vouchers} linkable={ledger.linkable} />
      {originals ? <PaperOriginalsPanel originals={originals} timeZone={timeZone} /> : null}
      {returnNotice ? <ClaimReturnNotice notice={returnNotice} timeZone={timeZone} editHref={claim.canEdit ? `/claims/${claim.id}/edit` : undefined} /> : null}
      <section className="card">
        <h2 className="purpose">{claim.purpose || <span className="muted">{t("list.noPurpose")}</span>}</h2>
        <dl className="facts">
          <div><dt>{t("detail.claimant")}</dt><dd>{claim.claimant.name}</dd></div>
          <div><dt>{t("detail.company")}</dt><dd>{localName(claim.company, locale)}</dd></div>
          <div><dt>{t("detail.department")}</dt><dd>{localName(claim.department, locale)}</dd></div>
          {claim.projectCode ? <div><dt>{t("vat.project", { ns: "budgets" })}</dt><dd className="mono" data-testid="claim-project">{claim.projectCode}</dd></div> : null}
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
