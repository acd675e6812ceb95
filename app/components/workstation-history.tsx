import { useTranslation } from "react-i18next";
import type { ClaimStatus } from "~/domain/claim-machine";
import { formatDateTime, localName } from "~/utils/format";

type TFn = (key: string, options?: Record<string, unknown>) => string;

export type HistoryItem = {
  id: string;
  type: string;
  at: Date | string;
  actorName: string | null;
  fromStatus: ClaimStatus | null;
  toStatus: ClaimStatus | null;
  data: Record<string, unknown>;
};

/** The coded reasons of a return in the history (audit data `reasonCodes`). */
function reasonCodesOf(data: Record<string, unknown>): string[] {
  return Array.isArray(data.reasonCodes) ? data.reasonCodes.filter((c): c is string => typeof c === "string") : [];
}

function eventLabel(t: TFn, type: string, data: Record<string, unknown>): string {
  const label = t(`event.${type.replace(".", "_")}`, { ...data, defaultValue: "" });
  return label || t("event.other", { type });
}

/** The claim's history on the workstation: each event, its return reasons by name, the status move, who, and the comment. */
export function WorkstationHistory({
  history,
  returnReasons,
  timeZone,
}: {
  history: readonly HistoryItem[];
  returnReasons: readonly { code: string; name: string; nameZh: string }[];
  timeZone: string;
}) {
  const { t, i18n } = useTranslation("work");
  const { t: tc } = useTranslation("claims");
  const locale = i18n.language;
  return (
    <section className="card">
      <h2>{t("history.title")}</h2>
      <ol className="timeline" data-testid="timeline">
        {history.map((e) => (
          <li key={e.id}>
            <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at, locale, timeZone)}</time>
            <span className="timeline-what">
              {eventLabel(tc, e.type, e.data)}
              {reasonCodesOf(e.data).length > 0 ? (
                <span data-testid="history-reasons">
                  {": "}
                  {reasonCodesOf(e.data)
                    .map((code) => {
                      const reason = returnReasons.find((r) => r.code === code);
                      return reason ? localName(reason, locale) : code;
                    })
                    .join(locale.startsWith("zh") ? "、" : ", ")}
                </span>
              ) : null}
              {e.fromStatus && e.toStatus ? (
                <span className="muted small">
                  {" "}
                  {tc(`status.${e.fromStatus}`)} → {tc(`status.${e.toStatus}`)}
                </span>
              ) : null}
            </span>
            <span className="muted small">{tc("event.by", { name: e.actorName ?? tc("event.system") })}</span>
            {typeof e.data.comment === "string" && e.data.comment ? <q className="timeline-comment">{e.data.comment}</q> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
