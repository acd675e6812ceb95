import { ARCHIVE_WORKERS, worksArchive } from "~/domain/archive-roles";

/**
 * The archive's one navigation (app/components/archive-nav.tsx) as data: the sections a reader may open,
 * the current section's own pages, and which link is current. A link to the page shown is
 * aria-current="page"; the section (and the sub-page) a deeper page belongs to is aria-current="true".
 */
export type NavLinkItem = { key: string; to: string; current: "page" | "true" | undefined };
export type ArchiveNavModel = { sections: NavLinkItem[]; sub: { section: string; items: NavLinkItem[] } | null };

type Section = { key: string; to: string; show: (roles: readonly string[]) => boolean; also?: readonly string[]; sub?: readonly { key: string; to: string; show?: (roles: readonly string[]) => boolean }[] };

const has = (roles: readonly string[], ...wanted: string[]) => roles.some((r) => wanted.includes(r));
const staff = (roles: readonly string[]) => worksArchive(roles);
const anyone = () => true;

const SECTIONS: readonly Section[] = [
  { key: "search", to: "/archive", show: staff },
  // A claim's paper check (originals vs image) is the arrival desk's work.
  { key: "arrivals", to: "/archive/arrivals", show: staff, also: ["/archive/originals"] },
  { key: "packets", to: "/archive/packets", show: anyone },
  {
    key: "boxes",
    to: "/archive/boxes",
    show: staff,
    sub: [
      { key: "boxes.list", to: "/archive/boxes" },
      { key: "boxes.file", to: "/archive/boxes/file", show: (r) => has(r, ...ARCHIVE_WORKERS) },
      { key: "boxes.locations", to: "/archive/boxes/locations" },
      { key: "boxes.settings", to: "/archive/boxes/settings", show: (r) => has(r, "ADMIN") },
    ],
  },
  { key: "records", to: "/archive/records", show: staff },
  {
    key: "retention",
    to: "/archive/retention",
    show: staff,
    sub: [
      { key: "retention.appraisal", to: "/archive/retention" },
      { key: "retention.holds", to: "/archive/retention/holds" },
      { key: "retention.register", to: "/archive/retention/register" },
      { key: "retention.settings", to: "/archive/retention/settings" },
    ],
  },
  { key: "requests", to: "/archive/requests", show: anyone },
  { key: "stats", to: "/archive/stats", show: staff },
];

const clean = (path: string) => (path.length > 1 ? path.replace(/\/+$/, "") : path);
const within = (path: string, base: string) => path === base || path.startsWith(`${base}/`);

export function archiveNavModel(roles: readonly string[], pathname: string): ArchiveNavModel {
  const path = clean(pathname);
  const visible = SECTIONS.filter((s) => s.show(roles));
  // The search is the archive's front page: only /archive itself is in it.
  const inSection = (s: Section) => (s.to === "/archive" ? path === "/archive" : within(path, s.to) || (s.also ?? []).some((a) => within(path, a)));
  const active = visible.find(inSection);
  const subItems = active?.sub?.filter((i) => !i.show || i.show(roles)) ?? null;
  let sub: ArchiveNavModel["sub"] = null;
  if (active && subItems && subItems.length > 0) {
    const exact = subItems.find((i) => i.to === path);
    // A deeper page (a box, a destruction request) belongs to the sub-page with the longest matching path.
    const parent = exact ? null : [...subItems].filter((i) => within(path, i.to)).sort((a, b) => b.to.length - a.to.length)[0];
    sub = {
      section: active.key,
      items: subItems.map((i) => ({ key: i.key, to: i.to, current: i === exact ? "page" : i === parent ? "true" : undefined })),
    };
  }
  return {
    sections: visible.map((s) => ({
      key: s.key,
      to: s.to,
      current: s !== active ? undefined : s.to === path && !sub ? "page" : "true",
    })),
    sub,
  };
}
