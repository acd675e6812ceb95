import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { worksArchive } from "~/domain/archive-roles";

/** Search · Arrival desk · Packets · Boxes · Electronic records · Retention · Loans and access · Statistics. */
export function ArchiveTabs({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation("archiveNav");
  const staff = worksArchive(roles);
  return (
    <nav className="filters" aria-label={t("tabs")}>
      {staff ? (
        <>
          <NavLink to="/archive" end>
            {t("search")}
          </NavLink>
          <NavLink to="/archive/arrivals">{t("arrivals")}</NavLink>
        </>
      ) : null}
      <NavLink to="/archive/packets">{t("packets")}</NavLink>
      {staff ? (
        <>
          <NavLink to="/archive/boxes">{t("boxes")}</NavLink>
          <NavLink to="/archive/records">{t("records")}</NavLink>
          <NavLink to="/archive/retention">{t("retention")}</NavLink>
        </>
      ) : null}
      <NavLink to="/archive/requests">{t("requests")}</NavLink>
      {staff ? <NavLink to="/archive/stats">{t("stats")}</NavLink> : null}
    </nav>
  );
}
