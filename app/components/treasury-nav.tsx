import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Runs · Reconciliation · Bank-account changes · Payer accounts: the treasury's screens. */
export function TreasuryTabs() {
  const { t } = useTranslation("treasury");
  return (
    <nav className="filters" aria-label={t("nav")}>
      <NavLink to="/treasury" end>{t("subnav.runs")}</NavLink>
      <NavLink to="/treasury/reconciliation">{t("subnav.reconciliation")}</NavLink>
      <NavLink to="/treasury/bank-changes">{t("subnav.bankChanges")}</NavLink>
      <NavLink to="/treasury/payer-accounts">{t("subnav.payerAccounts")}</NavLink>
    </nav>
  );
}
