/**
 * An administrator's changes to a user's rights: roles, active, the companies they work for. Each change is
 * one transaction with its audit event; the database trigger on app_user / user_company ends the user's
 * sessions in that same transaction (migration 20261203090000), so new rights apply at the next request.
 */
import { AppError } from "~/domain/app-error";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { recordAudit } from "./audit.server";

export const ALL_ROLES = ["EMPLOYEE", "MANAGER", "ACCOUNTANT", "QA", "ARCHIVIST", "SUPERVISOR", "ADMIN", "TREASURY"] as const satisfies readonly Role[];

/** The AppError codes `updateUserRights` throws. */
export type UserAdminErrorCode = "not_found" | "self_lockout" | "no_roles" | "unknown_company";

export type UserRow = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  active: boolean;
  companyIds: string[];
  companyCode: string;
};

export async function listUsers({ search, limit = 100 }: { search?: string; limit?: number }): Promise<UserRow[]> {
  const q = search?.trim();
  const users = await prisma.user.findMany({
    where: q ? { OR: [{ email: { contains: q, mode: "insensitive" } }, { name: { contains: q, mode: "insensitive" } }] } : { NOT: { roles: { equals: ["EMPLOYEE"] } } },
    orderBy: { email: "asc" },
    take: limit,
    select: { id: true, email: true, name: true, roles: true, active: true, company: { select: { code: true } } },
  });
  const scopes = await prisma.userCompany.findMany({ where: { userId: { in: users.map((u) => u.id) } } });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    roles: u.roles,
    active: u.active,
    companyCode: u.company.code,
    companyIds: scopes.filter((s) => s.userId === u.id).map((s) => s.companyId),
  }));
}

/**
 * Sets roles, active and companies in one go; records what changed. An admin cannot take ADMIN away from
 * themselves or deactivate themselves (someone must be left who can undo it).
 */
export async function updateUserRights({
  actorId,
  userId,
  roles,
  active,
  companyIds,
}: {
  actorId: string;
  userId: string;
  roles: Role[];
  active: boolean;
  companyIds: string[];
}): Promise<{ changed: string[] }> {
  const wantRoles = ALL_ROLES.filter((r) => roles.includes(r));
  if (wantRoles.length === 0) throw new AppError<UserAdminErrorCode>("no_roles");
  if (userId === actorId && (!active || !wantRoles.includes("ADMIN"))) throw new AppError<UserAdminErrorCode>("self_lockout");
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { roles: true, active: true } });
    if (!user) throw new AppError<UserAdminErrorCode>("not_found");
    const known = await tx.company.findMany({ where: { id: { in: companyIds } }, select: { id: true } });
    if (known.length !== new Set(companyIds).size) throw new AppError<UserAdminErrorCode>("unknown_company");
    const before = (await tx.userCompany.findMany({ where: { userId }, select: { companyId: true } })).map((c) => c.companyId).sort();
    const after = [...new Set(companyIds)].sort();
    const changed: string[] = [];
    const rolesBefore = ALL_ROLES.filter((r) => user.roles.includes(r));
    if (rolesBefore.join() !== wantRoles.join()) {
      await tx.user.update({ where: { id: userId }, data: { roles: wantRoles } });
      await recordAudit(tx, { actorId, type: "user.roles_changed", data: { userId, from: rolesBefore, to: wantRoles } });
      changed.push("roles");
    }
    if (before.join() !== after.join()) {
      await tx.userCompany.deleteMany({ where: { userId, companyId: { notIn: after } } });
      await tx.userCompany.createMany({ data: after.filter((c) => !before.includes(c)).map((companyId) => ({ userId, companyId })), skipDuplicates: true });
      await recordAudit(tx, { actorId, type: "user.companies_changed", data: { userId, from: before, to: after } });
      changed.push("companies");
    }
    if (user.active !== active) {
      await tx.user.update({ where: { id: userId }, data: { active } });
      await recordAudit(tx, { actorId, type: active ? "user.reactivated" : "user.deactivated", data: { userId } });
      changed.push("active");
    }
    return { changed };
  });
}
