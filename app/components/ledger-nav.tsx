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

/** The company a ledger form works on: a select of the reader's companies, code and name in their language. */
export function LedgerCompanyField({ companies }: { companies: readonly { id: string; code: string; name: string; nameZh: string }[] }) {
  const { t, i18n } = useTranslation("ledger");
  return (
    <label className="field">
      <span>{t("exports.company")}</span>
      <select name="companyId" defaultValue={companies[0]?.id} required>
        {companies.map((c) => (
          <option key={c.id} value={c.id}>
            {c.code} · {i18n.language === "zh-CN" ? c.nameZh : c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
