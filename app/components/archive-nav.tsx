import { Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { archiveNavModel } from "./archive-nav-model";

/**
 * The archive's one navigation, on every archive page: Search · Arrival desk · Packets · Boxes ·
 * Electronic records · Retention · Loans and access · Statistics (as the reader's roles allow), and under
 * it the current section's own pages (boxes: list, filing station, locations, numbering; retention:
 * appraisal, holds, register, periods). The current page is aria-current="page", its section "true".
 */
export function ArchiveNav({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation("archiveNav");
  const { pathname } = useLocation();
  const model = archiveNavModel(roles, pathname);
  return (
    <nav className="section-nav" aria-label={t("tabs")} data-testid="archive-nav">
      <ul className="section-nav-main">
        {model.sections.map((s) => (
          <li key={s.key}>
            <Link to={s.to} aria-current={s.current} prefetch="intent">
              {t(s.key)}
            </Link>
          </li>
        ))}
      </ul>
      {model.sub ? (
        <ul className="section-nav-sub" aria-label={t("subLabel", { section: t(model.sub.section) })}>
          {model.sub.items.map((i) => (
            <li key={i.key}>
              <Link to={i.to} aria-current={i.current} prefetch="intent">
                {t(`sub.${i.key}`)}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </nav>
  );
}
