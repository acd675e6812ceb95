import { useTranslation } from "react-i18next";
import type { VoucherLineView } from "~/contracts/ledger";
import { lineTotals } from "~/domain/ledger-display";
import { Money } from "./money";

/** A voucher's lines as a 记账凭证 prints them, with the totals row (debits = credits). */
export function VoucherLinesTable({ lines, currency }: { lines: readonly VoucherLineView[]; currency: string }) {
  const { t, i18n } = useTranslation("ledger");
  const zh = i18n.language === "zh-CN";
  const totals = lineTotals(lines);
  const zero = (minor: string) => minor === "0";
  // Columns nobody uses on this voucher are left out, so the lines fit a screen: foreign amounts and rates,
  // departments, employees, projects.
  const foreign = lines.some((l) => l.currency !== currency);
  const hasDepartment = lines.some((l) => l.department);
  const hasEmployee = lines.some((l) => l.employee);
  const hasProject = lines.some((l) => l.projectCode);
  const trailing = 1 + (foreign ? 2 : 0) + (hasDepartment ? 1 : 0) + (hasEmployee ? 1 : 0) + (hasProject ? 1 : 0);
  return (
    <>
      <div className="table-wrap">
        <table className="data responsive voucher-lines" data-testid="voucher-lines">
          <thead>
            <tr>
              <th scope="col">{t("voucher.description")}</th>
              <th scope="col">{t("voucher.account")}</th>
              <th scope="col" className="num">
                {t("voucher.debit")}
              </th>
              <th scope="col" className="num">
                {t("voucher.credit")}
              </th>
              <th scope="col">{t("voucher.currency")}</th>
              {foreign ? (
                <th scope="col" className="num">
                  {t("voucher.original")}
                </th>
              ) : null}
              {foreign ? (
                <th scope="col" className="num">
                  {t("voucher.rate")}
                </th>
              ) : null}
              {hasDepartment ? <th scope="col">{t("voucher.department")}</th> : null}
              {hasEmployee ? <th scope="col">{t("voucher.employee")}</th> : null}
              {hasProject ? <th scope="col">{t("voucher.project")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.position} data-testid="voucher-line">
                <td data-label={t("voucher.description")}>{l.description}</td>
                <td data-label={t("voucher.account")}>
                  <code>{l.accountCode}</code> {zh ? l.accountNameZh : l.accountName}
                </td>
                <td data-label={t("voucher.debit")} className={`num nowrap${l.debitMinor.startsWith("-") ? " red-amount" : ""}`} data-testid="debit">
                  {zero(l.debitMinor) ? "" : <Money minor={l.debitMinor} currency={currency} />}
                </td>
                <td data-label={t("voucher.credit")} className={`num nowrap${l.creditMinor.startsWith("-") ? " red-amount" : ""}`} data-testid="credit">
                  {zero(l.creditMinor) ? "" : <Money minor={l.creditMinor} currency={currency} />}
                </td>
                <td data-label={t("voucher.currency")}>{l.currency}</td>
                {foreign ? (
                  <td data-label={t("voucher.original")} className="num">
                    {l.currency === currency ? "" : <Money minor={l.originalMinor} currency={l.currency} />}
                  </td>
                ) : null}
                {foreign ? (
                  <td data-label={t("voucher.rate")} className="num">
                    {l.currency === currency ? "" : l.rate}
                  </td>
                ) : null}
                {hasDepartment ? (
                  <td data-label={t("voucher.department")} className="nowrap">
                    {l.department ? (zh ? l.department.nameZh : l.department.name) : ""}
                  </td>
                ) : null}
                {hasEmployee ? (
                  <td data-label={t("voucher.employee")} className="nowrap">
                    {l.employee ?? ""}
                  </td>
                ) : null}
                {hasProject ? <td data-label={t("voucher.project")}>{l.projectCode ?? ""}</td> : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="voucher-totals">
              <th scope="row" colSpan={2}>
                {t("voucher.totals")}
              </th>
              <td data-label={t("voucher.debit")} className="num" data-testid="total-debit">
                <strong>
                  <Money minor={totals.debitMinor} currency={currency} />
                </strong>
              </td>
              <td data-label={t("voucher.credit")} className="num" data-testid="total-credit">
                <strong>
                  <Money minor={totals.creditMinor} currency={currency} />
                </strong>
              </td>
              <td colSpan={trailing} />
            </tr>
          </tfoot>
        </table>
      </div>
      <p className={totals.balanced ? "muted" : "form-error"} role={totals.balanced ? undefined : "alert"}>
        {totals.balanced ? t("voucher.balanced") : t("voucher.unbalanced")}
      </p>
    </>
  );
}
