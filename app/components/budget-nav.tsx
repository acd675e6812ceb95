import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { BudgetBand } from "~/domain/budget-forms";

/** Budgets · Set budgets (admins) · Transfers (admins and supervisors). */
export function BudgetTabs({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation("budgets");
  return (
    <nav className="filters" aria-label={t("nav")}>
      <NavLink to="/budgets" end>{t("subnav.overview")}</NavLink>
      {roles.includes("ADMIN") ? <NavLink to="/budgets/manage">{t("subnav.manage")}</NavLink> : null}
      {roles.includes("ADMIN") || roles.includes("SUPERVISOR") ? <NavLink to="/budgets/transfers">{t("subnav.transfers")}</NavLink> : null}
    </nav>
  );
}

/** A cell's use in its band's colour: "87 %" (or the band's name when there is no percentage). */
export function BandBadge({ band, usedPct }: { band: BudgetBand; usedPct: number | null }) {
  const { t } = useTranslation("budgets");
  return (
    <span className={`badge band-${band}`} title={t(`band.${band}`)}>
      {usedPct === null ? t(`band.${band}`) : `${usedPct} %`}
    </span>
  );
}
