import type { HTMLAttributes, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatMoney } from "~/domain/money";
import type { ClaimDetail, ClaimLineView } from "~/contracts/claim";
import { formatCalendarDate } from "~/utils/format";
import { ReceiptThumb } from "./receipt-panel";

/** Notices for foreign-currency lines left out of the company-currency total (no rate on that date). */
export function MissingRates({ claim }: { claim: Pick<ClaimDetail, "missingRates"> }) {
  const { t, i18n } = useTranslation("claims");
  return (
    <>
      {claim.missingRates.map((m) => (
        <p key={`${m.currency}${m.onDate}`} className="notice small">
          {t("detail.missingRate", { currency: m.currency, date: formatCalendarDate(m.onDate, i18n.language) })}
        </p>
      ))}
    </>
  );
}

/**
 * A claim's lines with their receipt thumbnails: the claim page shows it as is, the workstation adds
 * a column of checks and makes rows selectable.
 */
export function ClaimLinesTable({
  claim,
  extraColumn,
  extraColumns = [],
  rowProps,
  className = "",
}: {
  claim: Pick<ClaimDetail, "id" | "lines" | "receipts">;
  extraColumn?: { header: string; render: (line: ClaimLineView, index: number) => ReactNode };
  /** Further columns after `extraColumn` (the workstation's approved amounts). */
  extraColumns?: { header: string; render: (line: ClaimLineView, index: number) => ReactNode }[];
  rowProps?: (line: ClaimLineView, index: number) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number>;
  className?: string;
}) {
  const { t, i18n } = useTranslation("claims");
  const locale = i18n.language;
  const receiptsById = new Map(claim.receipts.map((r) => [r.id, r]));
  return (
    <div className="table-wrap flat">
      <table className={`data responsive ${className}`.trim()}>
        <thead>
          <tr>
            <th>#</th>
            <th>{t("field.spentOn")}</th>
            <th>{t("field.category")}</th>
            <th>{t("field.merchant")}</th>
            <th className="num">{t("field.amount")}</th>
            <th>{t("field.receipts")}</th>
            {extraColumn ? <th>{extraColumn.header}</th> : null}
            {extraColumns.map((c) => (
              <th key={c.header}>{c.header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {claim.lines.map((l, i) => (
            <tr key={l.id} data-testid="line-row" {...rowProps?.(l, i)}>
              <td data-label="#">{i + 1}</td>
              <td data-label={t("field.spentOn")}>{formatCalendarDate(l.spentOn, locale)}</td>
              <td data-label={t("field.category")}>{locale.startsWith("zh") ? l.categoryNameZh : l.categoryName}</td>
              <td data-label={t("field.merchant")}>
                <div>
                  {l.merchant}
                  {l.note ? <div className="muted small">{l.note}</div> : null}
                  <LineInvoice line={l} />
                </div>
              </td>
              <td data-label={t("field.amount")} className="num">
                <span className="amount-stack">
                  {formatMoney(l.amount, locale)}
                  {l.approvedMinor !== null && l.approvedMinor < l.amount.minor ? (
                    <span className="small approved-less" data-testid="line-approved">
                      {t("detail.approved", { amount: formatMoney({ minor: l.approvedMinor, currency: l.amount.currency }, locale) })}
                    </span>
                  ) : null}
                </span>
              </td>
              <td data-label={t("field.receipts")}>
                <span className="line-thumbs">
                  {l.receiptIds.map((rid) => {
                    const r = receiptsById.get(rid);
                    return r ? <ReceiptThumb key={rid} claimId={claim.id} receipt={r} /> : null;
                  })}
                </span>
              </td>
              {extraColumn ? <td data-label={extraColumn.header}>{extraColumn.render(l, i)}</td> : null}
              {extraColumns.map((c) => (
                <td key={c.header} data-label={c.header}>
                  {c.render(l, i)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A line's invoice, as the claim page and the workstation show it: kind, tax printed, a ticket's mode. */
function LineInvoice({ line }: { line: ClaimLineView }) {
  const { t, i18n } = useTranslation("budgets");
  if (line.invoiceKind === "NONE" && line.taxMinor === null) return null;
  const parts = [t(`vat.${line.invoiceKind}`)];
  if (line.transportMode) parts.push(t(`vat.${line.transportMode}`));
  if (line.taxMinor !== null) parts.push(`${t("vat.taxAmount")} ${formatMoney({ minor: line.taxMinor, currency: line.amount.currency }, i18n.language)}`);
  return (
    <div className="muted small" data-testid="line-invoice">
      {parts.join(" · ")}
    </div>
  );
}
