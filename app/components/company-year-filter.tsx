import { useTranslation } from "react-i18next";

type Company = { id: string; code: string; name: string; nameZh: string };

/**
 * The company and year selects of the archive and ledger lists' filter forms (inside a GET `<Form>`;
 * the route parses `company` and `year` and checks the company against the viewer's own). The company
 * select shows only when the viewer has more than one; pass no `years` for a company select alone.
 */
export function CompanyYearFilter({
  companies,
  company,
  years,
  year,
  yearLabel,
  allCompaniesLabel,
  anyYear = true,
  companyName = "company",
  yearName = "year",
}: {
  companies: readonly Company[];
  company: string | null;
  years?: readonly number[];
  year?: number | null;
  /** What the year is of ("Closed in", "Destroyed in"); "Year" by default. */
  yearLabel?: string;
  allCompaniesLabel?: string;
  /** Offer "All years" (lists); false where a year must be chosen (a budget year). */
  anyYear?: boolean;
  companyName?: string;
  yearName?: string;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  // A year in the URL that the list of choices lacks still shows as chosen.
  const yearChoices = years ? [...new Set([...(year ? [year] : []), ...years])].sort((a, b) => b - a) : null;
  return (
    <>
      {companies.length > 1 ? (
        <label className="field">
          <span>{t("companyYear.company")}</span>
          <select name={companyName} defaultValue={company ?? ""} data-testid="filter-company">
            <option value="">{allCompaniesLabel ?? t("companyYear.allCompanies")}</option>
            {companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code} · {zh ? c.nameZh : c.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {yearChoices ? (
        <label className="field">
          <span>{yearLabel ?? t("companyYear.year")}</span>
          <select name={yearName} defaultValue={year ? String(year) : ""} data-testid="filter-year">
            {anyYear ? <option value="">{t("companyYear.allYears")}</option> : null}
            {yearChoices.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </>
  );
}

/** The years a list offers: this year back to `back` years ago (and `ahead` years on, for boxes opened early). */
export function yearsBack(thisYear: number, back: number, ahead = 0): number[] {
  return Array.from({ length: back + ahead + 1 }, (_, i) => thisYear + ahead - i);
}
