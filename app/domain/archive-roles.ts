import type { Role } from "./roles";

/**
 * Who works the archive and the mail room: archivists, supervisors and admins (each for the companies
 * they are assigned to, user_company — app/models/archive-staff.server.ts). The one list every archive
 * route, model, screen and the route manifest use.
 */
export const ARCHIVE_STAFF = ["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const satisfies readonly [Role, ...Role[]];

/** Who changes the physical archive (boxes, filing, locations): archivists and admins. */
export const ARCHIVE_WORKERS = ["ARCHIVIST", "ADMIN"] as const satisfies readonly [Role, ...Role[]];

/** Whether someone with these roles works the archive (for screens: which tabs to show). */
export function worksArchive(roles: readonly string[]): boolean {
  return roles.some((r) => (ARCHIVE_STAFF as readonly string[]).includes(r));
}
