import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Vouchers · Not yet posted · Periods · Exports · Chart of accounts: the ledger's screens. */
export function LedgerTabs() {
  const { t } = useTranslation("ledger");
  return (
    <nav className="filters" aria-label={t("nav")}>
      <NavLink to="/ledger" end>
        {t("subnav.vouchers")}
      </NavLink>
      <NavLink to="/ledger/pending">{t("subnav.pending")}</NavLink>
      <NavLink to="/ledger/periods">{t("subnav.periods")}</NavLink>
      <NavLink to="/ledger/exports">{t("subnav.exports")}</NavLink>
      <NavLink to="/ledger/accounts">{t("subnav.accounts")}</NavLink>
    </nav>
  );
}

/** A company's name in the reader's language, with its code. */
export function CompanyName({ company }: { company: { code: string; name: string; nameZh: string } }) {
  const { i18n } = useTranslation();
  return (
    <>
      {i18n.language === "zh-CN" ? company.nameZh : company.name} <span className="muted">{company.code}</span>
    </>
  );
}
