import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";
import type { Role } from "~/domain/route-manifest";
import { prisma, type Db, type Tx } from "~/utils/db.server";

/**
 * Who works the archive and the mail room, and for which companies: the one place every archive model
 * (packets and the desk, boxes, records, retention, loans, search, the paper check) asks it.
 * Archivists, supervisors and admins, each for the companies they are assigned to (user_company).
 */
export { ARCHIVE_STAFF, ARCHIVE_WORKERS } from "~/domain/archive-roles";

export function isArchiveStaff(viewer: Actor, roles: readonly Role[] = ARCHIVE_STAFF): boolean {
  return hasRole(viewer, ...roles);
}

/** The companies `viewer` works the archive for; [] for anyone without one of `roles` (for lists that mix a person's own things in). */
export async function staffCompanyIds(db: Db | Tx, viewer: Actor, roles: readonly Role[] = ARCHIVE_STAFF): Promise<string[]> {
  if (!isArchiveStaff(viewer, roles)) return [];
  const rows = await db.userCompany.findMany({ where: { userId: viewer.id }, select: { companyId: true } });
  return rows.map((r) => r.companyId);
}

/** The companies `viewer` works the archive for; anyone without one of `roles` is refused (forbidden). */
export async function archiveCompanyIds(db: Db | Tx, viewer: Actor, roles: readonly Role[] = ARCHIVE_STAFF): Promise<string[]> {
  if (!isArchiveStaff(viewer, roles)) throw new AppError("forbidden");
  return staffCompanyIds(db, viewer, roles);
}

/** Refuses (not_found) a company outside the viewer's archive companies. */
export async function requireArchiveCompany(db: Db | Tx, viewer: Actor, companyId: string, roles: readonly Role[] = ARCHIVE_STAFF): Promise<void> {
  if (!(await archiveCompanyIds(db, viewer, roles)).includes(companyId)) throw new AppError("not_found");
}

export type ArchiveCompany = { id: string; code: string; name: string; nameZh: string; currency: string };

/** The viewer's archive companies for a form's select, by code. */
export async function archiveCompanies(viewer: Actor, db: Db | Tx = prisma, roles: readonly Role[] = ARCHIVE_STAFF): Promise<ArchiveCompany[]> {
  const ids = await archiveCompanyIds(db, viewer, roles);
  return db.company.findMany({ where: { id: { in: ids } }, select: { id: true, code: true, name: true, nameZh: true, currency: true }, orderBy: { code: "asc" } });
}
