import { useTranslation } from "react-i18next";
import type { Money } from "~/domain/money";
import { formatMoney } from "~/domain/money";
import { formatDateTime, formatTotals, localName } from "~/utils/format";
import { MissingRates } from "./claim-lines-table";

type Named = { name: string; nameZh: string };

/** The facts card: purpose, who and where, totals, the SLA and the complexity band. */
export function WorkstationClaimFacts({
  claim,
  task,
  timeZone,
}: {
  claim: Parameters<typeof MissingRates>[0]["claim"] & {
    purpose: string;
    claimant: { name: string };
    company: Named & { currency: string };
    department: Named;
    totals: Money[];
    companyTotal: Money;
  };
  task: { groupName: string | null; groupNameZh: string | null; slaDueAt: Date | string | null; slaState: string; complexity: string };
  timeZone: string;
}) {
  const { t, i18n } = useTranslation("work");
  const { t: tc } = useTranslation("claims");
  const locale = i18n.language;
  return (
    <section className="card">
      <h2 className="purpose">{claim.purpose || <span className="muted">{tc("list.noPurpose")}</span>}</h2>
      <dl className="facts ws-facts">
        <div><dt>{t("header.claimant")}</dt><dd>{claim.claimant.name}</dd></div>
        <div><dt>{t("header.company")}</dt><dd>{localName(claim.company, locale)}</dd></div>
        <div><dt>{t("header.department")}</dt><dd>{localName(claim.department, locale)}</dd></div>
        <div>
          <dt>{t("header.group")}</dt>
          <dd>{task.groupName ? localName({ name: task.groupName, nameZh: task.groupNameZh ?? task.groupName }, locale) : "—"}</dd>
        </div>
        <div><dt>{t("header.totals")}</dt><dd className="totals" data-testid="claim-totals">{formatTotals(claim.totals, locale)}</dd></div>
        <div>
          <dt>{t("header.inCompanyCurrency", { currency: claim.company.currency })}</dt>
          <dd className="totals" data-testid="company-total">{formatMoney(claim.companyTotal, locale)}</dd>
        </div>
        <div>
          <dt>{t("header.slaDue")}</dt>
          <dd data-testid="sla">
            {task.slaDueAt ? formatDateTime(task.slaDueAt, locale, timeZone) : t("header.noSla")}{" "}
            <span className={`badge badge-${task.slaState}`}>{t(`sla.${task.slaState}`)}</span>
          </dd>
        </div>
        <div><dt>{t("header.complexity")}</dt><dd><span className="ws-band">{task.complexity}</span></dd></div>
      </dl>
      <MissingRates claim={claim} />
    </section>
  );
}
