import { useTranslation } from "react-i18next";

/**
 * Issue 14: the submission refused because an invoice on it is already claimed elsewhere. Per receipt, the
 * other claim's number when the claimant may see that claim, else only that it is claimed on another one.
 */
export function DuplicateInvoiceRefusal({
  rows,
  receipts,
}: {
  rows: readonly { receiptId: string; otherClaimNumber: string | null }[];
  receipts: readonly { id: string; fileName: string }[];
}) {
  const { t } = useTranslation("reading");
  const names = new Map(receipts.map((r) => [r.id, r.fileName]));
  return (
    <div className="form-error" role="alert" data-testid="duplicate-invoice">
      <p>{t("duplicate.title")}</p>
      <ul>
        {rows.map((r) => (
          <li key={r.receiptId} data-receipt-id={r.receiptId}>
            {r.otherClaimNumber
              ? t("duplicate.onClaim", { file: names.get(r.receiptId) ?? "?", number: r.otherClaimNumber })
              : t("duplicate.elsewhere", { file: names.get(r.receiptId) ?? "?" })}
          </li>
        ))}
      </ul>
      <p>{t("duplicate.hint")}</p>
    </div>
  );
}
