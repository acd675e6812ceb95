import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { MonthPicker, PayTabs } from "~/components/pay-nav";
import { RouteError } from "~/components/route-error";
import { numberFormat } from "~/domain/intl-format";
import { isMonth } from "~/domain/piece-rate";
import { defaultMonth } from "~/models/pay-statements.server";
import { monthScorecards, type Score } from "~/models/scorecard.server";
import { requireRole } from "~/utils/auth.server";
import { readReplica } from "~/utils/db.server";
import { localName } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Scorecards · Accounting Factory" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "SUPERVISOR", "ADMIN");
  const month = new URL(request.url).searchParams.get("month") || defaultMonth();
  if (!isMonth(month)) throw new Response("Not a month", { status: 400 });
  const { operators, groups } = await monthScorecards({ month }, readReplica); // may lag a moment (docs/decisions/026)
  return { month, operators, groups };
}

function percent(part: number, whole: number, locale: string): string {
  if (whole === 0) return "—";
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(part / whole);
}

function duration(seconds: number | null, locale: string): string {
  if (seconds === null) return "—";
  const unit = (v: number, u: "hour" | "minute" | "second") => numberFormat(locale, { style: "unit", unit: u, unitDisplay: "short" }).format(v);
  if (seconds < 60) return unit(seconds, "second");
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return h > 0 ? `${unit(h, "hour")} ${unit(m, "minute")}` : unit(m, "minute");
}

function ScoreTable({ rows, t, locale, kind }: { rows: Score[]; t: TFunction; locale: string; kind: "operator" | "group" }) {
  const label = kind === "operator" ? t("cols.operator") : t("scorecards.group");
  return (
    <div className="table-wrap">
      <table className="data responsive" data-testid={`scorecards-${kind}s`}>
        <thead>
          <tr>
            <th>{label}</th>
            <th className="num">{t("scorecards.quantity")}</th>
            <th className="num" title={t("scorecards.qualityHint")}>{t("scorecards.quality")}</th>
            <th className="num">{t("scorecards.medianReview")}</th>
            <th className="num">{t("scorecards.medianQa")}</th>
            <th className="num" title={t("scorecards.slaHint")}>{t("scorecards.sla")}</th>
            <th className="num" title={t("scorecards.overturnedHint")}>{t("scorecards.overturned")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? <tr><td colSpan={7} className="empty">{t("scorecards.empty")}</td></tr> : null}
          {rows.map((r) => (
            <tr key={r.id || "none"} data-testid={`scorecard-${kind}`}>
              <td data-label={label}>{kind === "group" ? localName(r, locale) : r.name}</td>
              <td className="num" data-label={t("scorecards.quantity")}>{r.pieces}</td>
              <td className="num" data-label={t("scorecards.quality")}>
                {percent(r.errors, r.checked, locale)}
                {r.checked > 0 ? <div className="muted small">{t("scorecards.errorsOfChecked", { errors: r.errors, checked: r.checked })}</div> : null}
              </td>
              <td className="num" data-label={t("scorecards.medianReview")}>{duration(r.medianReviewSeconds, locale)}</td>
              <td className="num" data-label={t("scorecards.medianQa")}>{duration(r.medianQaSeconds, locale)}</td>
              <td className="num" data-label={t("scorecards.sla")}>
                {percent(r.slaMet, r.slaTotal, locale)}
                {r.slaTotal > 0 ? <div className="muted small">{t("scorecards.metOf", { met: r.slaMet, total: r.slaTotal })}</div> : null}
              </td>
              <td className="num" data-label={t("scorecards.overturned")}>
                {r.returns === 0 ? "—" : t("scorecards.overturnedOf", { overturned: r.overturned, returns: r.returns })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Scorecards() {
  const { month, operators, groups } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("pay");
  const locale = i18n.language;
  const anything = operators.some((o) => o.pieces > 0 || o.checked > 0);
  return (
    <>
      <div className="page-head"><h1>{t("scorecards.title")}</h1></div>
      <PayTabs showRates showScorecards month={month} />
      <div style={{ marginBottom: "1rem" }}><MonthPicker month={month} /></div>
      {!anything ? <p className="notice" role="status">{t("scorecards.nothing")}</p> : null}
      <section>
        <h2>{t("scorecards.operators")}</h2>
        <ScoreTable rows={operators} t={t} locale={locale} kind="operator" />
      </section>
      <section style={{ marginTop: "1.5rem" }}>
        <h2>{t("scorecards.groups")}</h2>
        <ScoreTable rows={groups} t={t} locale={locale} kind="group" />
      </section>
      <p className="muted small" style={{ marginTop: "1rem" }}>{t("scorecards.definitions")}</p>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
