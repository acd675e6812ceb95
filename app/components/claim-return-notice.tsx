import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ReturnNotice } from "~/contracts/claim";
import { formatDateTime, localName } from "~/utils/format";

type Props = {
  /** As serialised by a loader (dates arrive as strings). */
  notice: Omit<ReturnNotice, "at"> & { at: string | Date };
  timeZone: string;
  /** On the claim page the notice also points to the edit form. */
  editHref?: string;
};

/** What the claimant has to fix: who returned the claim and when, the coded reasons, and the comment. */
export function ClaimReturnNotice({ notice, timeZone, editHref }: Props) {
  const { t, i18n } = useTranslation("claims");
  const locale = i18n.language;
  return (
    <section className="notice return-notice" data-testid="returned-notice" aria-labelledby="return-notice-title">
      <h2 id="return-notice-title" className="return-notice-title">{t("returned.title")}</h2>
      <p className="small">
        {t(notice.by === "manager" ? "returned.byManager" : notice.by === "archive" ? "returned.byArchive" : "returned.byAccountant", {
          name: notice.actorName ?? t("event.system"),
          when: formatDateTime(notice.at, locale, timeZone),
        })}
      </p>
      {notice.paperReason ? (
        <p className="small" data-testid="return-paper-reason">
          <strong>{t("returned.paperReason")}</strong> {t(`differs.reasons.${notice.paperReason}`, { ns: "paperCheck", defaultValue: notice.paperReason })}
        </p>
      ) : null}
      {notice.reasons.length > 0 ? (
        <>
          <p className="small"><strong>{t("returned.reasons")}</strong></p>
          <ul data-testid="return-reasons">
            {notice.reasons.map((r) => (
              <li key={r.code} data-code={r.code}>{localName(r, locale)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {notice.comment ? (
        <p>
          <strong>{t("returned.comment")}</strong> <q data-testid="return-comment">{notice.comment}</q>
        </p>
      ) : null}
      <p className="small">{t("edit.returnedNotice")}</p>
      {editHref ? (
        <p>
          <Link to={editHref} className="button button-primary" data-testid="fix-claim">{t("returned.fix")}</Link>
        </p>
      ) : null}
    </section>
  );
}
