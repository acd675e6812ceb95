import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ClaimVoucherItem } from "~/contracts/ledger";
import { formatCalendarDate } from "~/utils/format";
import { Money } from "./money";

/** The claim page's vouchers panel: nothing when the claim has none; links only for those who read the ledger. */
export function ClaimVouchersPanel({ vouchers, linkable }: { vouchers: readonly ClaimVoucherItem[]; linkable: boolean }) {
  const { t, i18n } = useTranslation("ledger");
  if (vouchers.length === 0) return null;
  return (
    <section className="card" aria-labelledby="claim-vouchers" data-testid="claim-vouchers" style={{ marginTop: "1rem" }}>
      <h2 id="claim-vouchers">{t("claimPanel.title")}</h2>
      <div className="table-wrap">
        <table className="data responsive">
          <thead>
            <tr>
              <th scope="col">{t("claimPanel.number")}</th>
              <th scope="col">{t("claimPanel.date")}</th>
              <th scope="col">{t("claimPanel.kind")}</th>
              <th scope="col" className="num">
                {t("claimPanel.total")}
              </th>
            </tr>
          </thead>
          <tbody>
            {vouchers.map((v) => (
              <tr key={v.id}>
                <td data-label={t("claimPanel.number")}>
                  {linkable ? <Link to={`/ledger/vouchers/${v.id}`}>{v.label}</Link> : v.label} <span className="muted">{v.period}</span>
                </td>
                <td data-label={t("claimPanel.date")}>{formatCalendarDate(v.voucherDate, i18n.language)}</td>
                <td data-label={t("claimPanel.kind")}>{t(`kind.${v.kind}`)}</td>
                <td data-label={t("claimPanel.total")} className="num">
                  <Money minor={v.totalMinor} currency={v.currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
