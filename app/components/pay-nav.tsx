import { Form, Link, NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Statements · Rates · Scorecards, for the people who see all three. */
export function PayTabs({ showRates, showScorecards, month }: { showRates: boolean; showScorecards: boolean; month?: string }) {
  const { t } = useTranslation("pay");
  if (!showRates && !showScorecards) return null;
  const q = month ? `?month=${month}` : "";
  return (
    <nav className="filters" aria-label={t("tabs.label")}>
      <NavLink to={`/pay${q}`} end>{t("tabs.statements")}</NavLink>
      {showRates ? <NavLink to="/pay/rates">{t("tabs.rates")}</NavLink> : null}
      {showScorecards ? <NavLink to={`/scorecards${q}`}>{t("tabs.scorecards")}</NavLink> : null}
    </nav>
  );
}

function shift(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** ‹ previous · a month input · next ›, as links and a GET form so every month has a URL. */
export function MonthPicker({ month, extra = {} }: { month: string; extra?: Record<string, string> }) {
  const { t } = useTranslation("pay");
  const href = (m: string) => `?${new URLSearchParams({ ...extra, month: m })}`;
  return (
    <div className="row" style={{ alignItems: "center" }}>
      <Link to={href(shift(month, -1))} className="button button-small" aria-label={t("month.previous")}>‹</Link>
      <Form method="get" className="row" style={{ alignItems: "center" }}>
        {Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
        <label className="field">
          <span className="visually-hidden">{t("month.label")}</span>
          <input type="month" name="month" defaultValue={month} key={month} required data-testid="month-input" />
        </label>
        <button type="submit" className="button button-small">{t("month.show")}</button>
      </Form>
      <Link to={href(shift(month, 1))} className="button button-small" aria-label={t("month.next")}>›</Link>
    </div>
  );
}
