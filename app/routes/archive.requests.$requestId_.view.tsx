import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { Digest } from "~/components/digest";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { isAppError } from "~/domain/app-error";
import { openGrantedRecord } from "~/models/archive-requests.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Archived claim · Accounting Factory" }];

/**
 * The requester's read-only view of an archived record under an approved VIEW, on the days of its period
 * only; each opening is logged (archive_view). Outside the period: 403 with the reason, in words.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = params.requestId ?? "";
  try {
    const view = await openGrantedRecord(prisma, user, id);
    return { roles: user.roles, id, view, refused: null };
  } catch (err) {
    if (isAppError(err, "access_refused")) {
      const refused = { reason: err.reason ?? "not_approved", fromOn: String(err.details.fromOn ?? ""), toOn: String(err.details.toOn ?? "") };
      return data({ roles: user.roles, id, view: null, refused }, { status: 403 });
    }
    throwAsResponse(err);
  }
}

function ClaimData({ value }: { value: unknown }) {
  return (
    <pre className="card" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", maxHeight: "28rem", overflow: "auto", fontSize: "0.8rem" }} data-testid="claim-json">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export default function ArchivedRecordView() {
  const { roles, id, view, refused } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("archiveAccess");
  const lang = i18n.language;
  if (refused || !view) {
    return (
      <>
        <ArchiveNav roles={roles} />
        <div className="card stack" role="alert" data-testid="access-refused" data-reason={refused?.reason}>
          <h1>{t("view.refusedTitle")}</h1>
          <p>{t(`view.${refused?.reason ?? "not_approved"}`, { from: refused?.fromOn ? formatCalendarDate(refused.fromOn, lang) : "", to: refused?.toOn ? formatCalendarDate(refused.toOn, lang) : "" })}</p>
          <p>
            <Link to={`/archive/requests/${id}`} className="button">
              {t("view.back")}
            </Link>
          </p>
        </div>
      </>
    );
  }
  const r = view.record;
  const fact = (label: string, value: React.ReactNode, testId?: string) => (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
  return (
    <>
      <div className="page-head">
        <h1>{t("view.title", { number: r.claimNumber })}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="notice" role="status" data-testid="read-only">
        {t("view.readOnly", { to: formatCalendarDate(view.toOn, lang) })}
      </p>
      <p>
        <Link to={`/archive/requests/${id}`}>← {t("view.back")}</Link>
      </p>
      <div className="stack">
        <section className="card" aria-labelledby="record-facts">
          <h2 id="record-facts">{t("view.facts")}</h2>
          <dl className="facts">
            {fact(t("view.claimant"), r.claimantName)}
            {fact(t("view.company"), r.companyCode)}
            {fact(t("view.outcome"), t(`view.outcomeValue.${r.outcome}`, { defaultValue: r.outcome }))}
            {fact(t("view.total"), <Money minor={r.totalMinor} currency={r.currency} />, "record-total")}
            {fact(t("view.spent"), `${formatCalendarDate(r.spentFrom, lang)} – ${formatCalendarDate(r.spentTo, lang)}`)}
            {fact(t("view.closedOn"), formatCalendarDate(r.closedOn, lang))}
            {fact(t("view.filedAt"), formatDateTime(r.filedAt, lang))}
            {fact(t("view.merchants"), r.merchants || "—")}
            {fact(t("view.digest"), <Digest value={r.manifestSha256} chars={16} label={t("view.digest")} />)}
          </dl>
        </section>
        <section aria-labelledby="claim-data">
          <h2 id="claim-data">{t("view.claimData")}</h2>
          {view.claimDataProblem ? (
            <p className="empty card" data-testid="claim-json-missing">
              {view.claimDataProblem === "missing" ? t("view.claimDataMissing") : t("view.claimDataUnreadable")}
            </p>
          ) : (
            <ClaimData value={view.claimData} />
          )}
        </section>
        <section aria-labelledby="receipts">
          <h2 id="receipts">{t("view.receipts")}</h2>
          {view.images.length === 0 ? (
            <p className="empty card">{t("view.noImages")}</p>
          ) : (
            <div className="row" style={{ alignItems: "flex-start" }}>
              {view.images.map((img) => (
                <figure key={img.path} className="card" style={{ margin: 0, maxWidth: "100%" }}>
                  <img src={`/archive/requests/${id}/image?path=${encodeURIComponent(img.path)}`} alt={img.path} loading="lazy" style={{ maxWidth: "min(100%, 28rem)", height: "auto", display: "block" }} data-testid="receipt-image" />
                  <figcaption className="muted" style={{ fontSize: "0.8rem" }}>
                    {img.path}
                  </figcaption>
                </figure>
              ))}
            </div>
          )}
        </section>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
