import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import type { Role } from "~/domain/route-manifest";
import type { Db, Tx } from "~/utils/db.server";

/** Who reads the ledger and exports it; closing, reversing and the chart are ADMIN's alone. */
export const LEDGER_READERS: readonly Role[] = ["ADMIN", "ACCOUNTANT"];

/**
 * The companies whose ledger `viewer` may work on: those they are assigned to (user_company), if they hold
 * one of `roles`. Anyone else is refused (forbidden); a company outside the list is not found.
 */
export async function ledgerCompanyIds(db: Db | Tx, viewer: Actor, roles: readonly Role[] = LEDGER_READERS): Promise<string[]> {
  if (!hasRole(viewer, ...roles)) throw new AppError("forbidden");
  const rows = await db.userCompany.findMany({ where: { userId: viewer.id }, select: { companyId: true } });
  return rows.map((r) => r.companyId);
}

/** Refuses unless `viewer` holds one of `roles` and works for `companyId` (another company: not_found). */
export async function requireLedgerCompany(db: Db | Tx, viewer: Actor, companyId: string, roles: readonly Role[] = LEDGER_READERS): Promise<void> {
  const ids = await ledgerCompanyIds(db, viewer, roles);
  if (!ids.includes(companyId)) throw new AppError("not_found");
}
