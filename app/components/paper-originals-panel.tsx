import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { OriginalsWhereabouts } from "~/contracts/archive-boxes";
import { formatCalendarDate, formatDate, localName } from "~/utils/format";

type Props = { originals: Omit<OriginalsWhereabouts, "receivedAt" | "archived"> & { receivedAt: Date | string | null; archived: (Omit<NonNullable<OriginalsWhereabouts["archived"]>, "filedAt"> & { filedAt: Date | string | null }) | null }; timeZone: string };

/** Where the claim's paper originals are: awaiting, received, in discrepancy, or archived (box, position, location). */
export function PaperOriginalsPanel({ originals, timeZone }: Props) {
  const { t, i18n } = useTranslation("archiveBoxes");
  const lang = i18n.language;
  const o = originals;
  const status =
    o.status === "AWAITING"
      ? t("panel.awaiting", { due: formatCalendarDate(o.dueOn, lang) })
      : o.status === "RECEIVED"
        ? t("panel.received", { date: o.receivedAt ? formatDate(o.receivedAt, lang, timeZone) : "—" })
        : o.status === "DISCREPANCY"
          ? `${t("panel.discrepancy")}${o.resendDueOn ? ` · ${t("panel.resendDue", { date: formatCalendarDate(o.resendDueOn, lang) })}` : ""}`
          : t("panel.archived");
  return (
    <section className="card" aria-labelledby="paper-originals" data-testid="paper-originals">
      <h2 id="paper-originals">{t("panel.title")}</h2>
      <dl className="facts">
        <div>
          <dt>{t("panel.status")}</dt>
          <dd data-testid="paper-status" data-status={o.status}>
            {status}
          </dd>
        </div>
        {o.packetCode ? (
          <div>
            <dt>{t("panel.packet")}</dt>
            <dd className="mono">{o.packetCode}</dd>
          </div>
        ) : null}
        {o.archived ? (
          <>
            <div>
              <dt>{t("panel.box")}</dt>
              <dd className="mono" data-testid="paper-box">
                {o.archived.linkable ? <Link to={`/archive/boxes/${o.archived.boxId}`}>{o.archived.boxLabel}</Link> : o.archived.boxLabel}
              </dd>
            </div>
            <div>
              <dt>{t("panel.position")}</dt>
              <dd className="mono" data-testid="paper-position">
                {o.archived.positionLabel}
              </dd>
            </div>
            <div>
              <dt>{t("panel.location")}</dt>
              <dd data-testid="paper-location">
                {o.archived.location.code} {localName(o.archived.location, lang)} <span className="muted">({t(`kind.${o.archived.location.kind}`)})</span>
                {o.archived.filedAt ? <span className="muted"> · {t("panel.filedOn", { date: formatDate(o.archived.filedAt, lang, timeZone) })}</span> : null}
              </dd>
            </div>
          </>
        ) : null}
      </dl>
    </section>
  );
}
