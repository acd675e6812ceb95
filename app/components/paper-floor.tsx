import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { PaperFloor } from "~/contracts/paper-floor";
import { formatCalendarDate, formatDateTime, localName } from "~/utils/format";

/** The floor's paper panel: open scan-to-paper exceptions to resolve, and claims whose originals are overdue. */
export function PaperFloorPanel({ paper, timeZone }: { paper: PaperFloor; timeZone: string }) {
  const { t, i18n } = useTranslation("floor");
  const locale = i18n.language;
  return (
    <>
      <h2 id="paper-exceptions">{t("paper.exceptionsTitle")}</h2>
      {paper.exceptions.length === 0 ? (
        <p className="empty card" data-testid="paper-exceptions-empty">{t("paper.exceptionsEmpty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive" data-testid="paper-exceptions">
            <thead>
              <tr>
                <th scope="col">{t("paper.claim")}</th>
                <th scope="col">{t("paper.claimant")}</th>
                <th scope="col">{t("paper.company")}</th>
                <th scope="col">{t("paper.reason")}</th>
                <th scope="col">{t("paper.raised")}</th>
              </tr>
            </thead>
            <tbody>
              {paper.exceptions.map((e) => (
                <tr key={e.id} data-claim={e.number}>
                  <td data-label={t("paper.claim")}>
                    <Link to={`/archive/originals/${e.claimId}`} className="mono">{e.number}</Link>
                  </td>
                  <td data-label={t("paper.claimant")}>{e.claimantName}</td>
                  <td data-label={t("paper.company")}><span className="mono">{e.companyCode}</span></td>
                  <td data-label={t("paper.reason")}>{t(`paper.reasons.${e.reason}`)}</td>
                  <td data-label={t("paper.raised")}>{e.raisedByName} · {formatDateTime(e.raisedAt, locale, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="paper-overdue">{t("paper.overdueTitle", { count: paper.overdueTotal })}</h2>
      {paper.overdue.length === 0 ? (
        <p className="empty card" data-testid="paper-overdue-empty">{t("paper.overdueEmpty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive" data-testid="paper-overdue">
            <thead>
              <tr>
                <th scope="col">{t("paper.claim")}</th>
                <th scope="col">{t("paper.claimant")}</th>
                <th scope="col">{t("paper.company")}</th>
                <th scope="col">{t("paper.dueOn")}</th>
                <th scope="col" className="num">{t("paper.daysOverdue")}</th>
                <th scope="col">{t("paper.discrepancy")}</th>
              </tr>
            </thead>
            <tbody>
              {paper.overdue.map((o) => (
                <tr key={o.claimId} data-claim={o.number}>
                  <td data-label={t("paper.claim")}>
                    <Link to={`/archive/originals/${o.claimId}`} className="mono">{o.number}</Link>
                  </td>
                  <td data-label={t("paper.claimant")}>{o.claimantName}</td>
                  <td data-label={t("paper.company")}>{localName({ name: o.companyName, nameZh: o.companyNameZh }, locale)}</td>
                  <td data-label={t("paper.dueOn")}>{formatCalendarDate(o.dueOn, locale)}</td>
                  <td data-label={t("paper.daysOverdue")} className="num">
                    <span className={o.daysOverdue > 5 ? "badge badge-BREACHED" : "badge badge-AT_RISK"}>{t("paper.days", { count: o.daysOverdue })}</span>
                  </td>
                  <td data-label={t("paper.discrepancy")}>{o.openDiscrepancy ? t(`paper.kinds.${o.openDiscrepancy}`, { defaultValue: o.openDiscrepancy }) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {paper.overdueTotal > paper.overdue.length ? <p className="muted small">{t("paper.more", { shown: paper.overdue.length, total: paper.overdueTotal })}</p> : null}
    </>
  );
}
