import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveTabs } from "./archive-nav";

/** The archive's tabs, then the boxes' own: boxes · filing station · locations · numbering scheme (admins). */
export function BoxesTabs({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation("archiveBoxes");
  const files = roles.includes("ARCHIVIST") || roles.includes("ADMIN");
  return (
    <>
      <ArchiveTabs roles={roles} />
      <nav className="filters" aria-label={t("title")}>
        <NavLink to="/archive/boxes" end>
          {t("subnav.boxes")}
        </NavLink>
        {files ? <NavLink to="/archive/boxes/file">{t("subnav.file")}</NavLink> : null}
        <NavLink to="/archive/boxes/locations">{t("subnav.locations")}</NavLink>
        {roles.includes("ADMIN") ? <NavLink to="/archive/boxes/settings">{t("subnav.settings")}</NavLink> : null}
      </nav>
    </>
  );
}

/** A company by the reader's language. */
export function localCompany(c: { code: string; name: string; nameZh: string }, language: string): string {
  return `${c.code} · ${language === "zh-CN" ? c.nameZh : c.name}`;
}

/** An action's refusal, translated: the code (or the finer reason) under errors.*, else generic. */
export function errorText(t: (k: string, o?: Record<string, unknown>) => string, code: string): string {
  return t(`errors.${code}`, { defaultValue: t("errors.generic", { message: code }) });
}
