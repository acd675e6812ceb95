import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ClaimPaymentView } from "~/contracts/payment";
import { formatMoney } from "~/domain/money";
import { formatCalendarDate, formatDate } from "~/utils/format";

/** A bank's reason ("AC04", "AC04 closed account"): its code in words, then the code, so both sides can talk about it. */
export function useBankReason(): (reason: string | null) => string {
  const { t } = useTranslation("treasury");
  return (reason) => {
    if (!reason) return "";
    const code = /^([A-Z]{2}\d{2}|NARR)\b/.exec(reason)?.[1];
    const words = code ? t(`bankReasons.${code}`, { defaultValue: "" }) : "";
    return words ? `${words} (${code})` : reason;
  };
}

/** The claim's payment: when to expect it, when it is scheduled, that it was paid, or why it came back. */
export function ClaimPayment({ payment, isClaimant }: { payment: NonNullable<ClaimPaymentView>; isClaimant: boolean }) {
  const { t, i18n } = useTranslation("treasury");
  const bankReason = useBankReason();
  const lang = i18n.language;
  if (payment.state === "expected") {
    return (
      <section className="card payment-state" data-testid="claim-payment">
        <h2>{t("claim.title")}</h2>
        <p>{t("claim.expected", { date: formatCalendarDate(payment.expectedDate, lang) })}</p>
      </section>
    );
  }
  const date = payment.state === "paid" && payment.at ? formatDate(payment.at, lang) : formatCalendarDate(payment.valueDate, lang);
  const amount = formatMoney({ minor: BigInt(payment.minor), currency: payment.currency }, lang);
  return (
    <section className={`card payment-state${payment.state === "failed" ? " callout-danger" : ""}`} data-testid="claim-payment">
      <h2>{t("claim.title")} · {amount}</h2>
      <p>{t(`claim.${payment.state}`, { date, run: payment.runNumber, account: payment.account, reason: bankReason(payment.reason) })}</p>
      <p className="muted small">{t("claim.reference", { e2e: payment.endToEndId })}</p>
      {payment.state === "failed" && isClaimant ? <Link to="/account/bank" className="button button-primary">{t("claim.fixAccount")}</Link> : null}
    </section>
  );
}
