/**
 * Budget administration: setting cells (one at a time or by CSV import), the companies' budget controls,
 * and budget transfers between cells with a second person's approval. Every change is one transaction
 * with its audit event; the ledger is written only through appendBudgetEntries, after the touched cells
 * are locked in id order.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { budgetCellKey, importIsClean, parseBudgetImport, type BudgetImportCell, type BudgetImportReference, type BudgetImportResult } from "~/domain/budget-import";
import type { BudgetControls } from "~/domain/budget-forms";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { appendBudgetEntries } from "./budget-entries.server";

export type BudgetAdminErrorCode = "forbidden" | "not_found" | "invalid" | "import_has_errors" | "over_remaining" | "not_pending" | "four_eyes";

/** The companies an admin or supervisor works on (user_company). */
export async function budgetCompanyIds(actor: Actor, db: Db | Tx = prisma): Promise<string[]> {
  if (!hasRole(actor, "ADMIN", "SUPERVISOR")) return [];
  const rows = await db.userCompany.findMany({ where: { userId: actor.id }, select: { companyId: true } });
  return rows.map((r) => r.companyId);
}

function requireAdmin(actor: Actor): void {
  if (!hasRole(actor, "ADMIN")) throw new AppError("forbidden");
}

async function requireCompany(actor: Actor, companyId: string, db: Db | Tx): Promise<void> {
  if (!(await budgetCompanyIds(actor, db)).includes(companyId)) throw new AppError("not_found");
}

/** What an import's rows are checked against: the admin's companies only. */
export async function budgetImportReference(actor: Actor, db: Db | Tx = prisma): Promise<BudgetImportReference> {
  const companyIds = await budgetCompanyIds(actor, db);
  const [companies, departments, categories, users, memberships] = await Promise.all([
    db.company.findMany({ where: { id: { in: companyIds } }, select: { id: true, code: true, currency: true, budgetPeriod: true } }),
    db.department.findMany({ where: { companyId: { in: companyIds } }, select: { id: true, companyId: true, code: true } }),
    db.expenseCategory.findMany({ select: { code: true } }),
    db.user.findMany({ where: { active: true, companyId: { in: companyIds } }, select: { id: true, email: true, companyId: true, roles: true } }),
    db.userCompany.findMany({ where: { companyId: { in: companyIds } }, select: { userId: true, companyId: true } }),
  ]);
  const extra = new Map<string, string[]>();
  for (const m of memberships) extra.set(m.userId, [...(extra.get(m.userId) ?? []), m.companyId]);
  const further = await db.user.findMany({
    where: { active: true, id: { in: [...extra.keys()].filter((id) => !users.some((u) => u.id === id)) } },
    select: { id: true, email: true, companyId: true, roles: true },
  });
  return {
    companies: companies.map((c) => ({ ...c, budgetPeriod: c.budgetPeriod === "YEAR" ? ("YEAR" as const) : ("MONTH" as const) })),
    departments,
    categories,
    owners: [...users, ...further].map((u) => ({ id: u.id, email: u.email, isManager: u.roles.includes("MANAGER"), companyIds: [...new Set([u.companyId, ...(extra.get(u.id) ?? [])])] })),
  };
}

/** The preview: every row with its problems; nothing is written. */
export async function previewBudgetImport(actor: Actor, csv: string): Promise<BudgetImportResult> {
  requireAdmin(actor);
  return parseBudgetImport(csv, await budgetImportReference(actor));
}

type CellChange = BudgetImportCell & { setOwner: boolean };

/**
 * Sets the cells' budgets to the given amounts (a BUDGET entry with the difference; a cell that does
 * not exist is made first) and, where asked, their owners. Locks every touched cell in id order.
 */
async function writeCellBudgets(tx: Tx, actor: Actor, changes: readonly CellChange[], note: string): Promise<{ cellIds: string[]; changed: number }> {
  if (changes.length === 0) return { cellIds: [], changed: 0 };
  const rows = changes.map(
    (c) => Prisma.sql`(${newId()}, ${c.companyId}, ${c.departmentId}, ${c.period}, ${c.categoryCode}, ${c.currency})`,
  );
  await tx.$executeRaw`
    INSERT INTO budget_cell (id, company_id, department_id, period, category_code, currency)
    VALUES ${Prisma.join(rows)}
    ON CONFLICT (company_id, department_id, period, COALESCE(category_code, '')) DO NOTHING`;
  const keys = changes.map((c) => Prisma.sql`(${c.companyId}, ${c.departmentId}, ${c.period}, ${c.categoryCode ?? ""})`);
  const cells = await tx.$queryRaw<{ id: string; company_id: string; department_id: string; period: string; category_code: string | null; currency: string; budget_minor: bigint }[]>`
    SELECT id, company_id, department_id, period, category_code, currency, budget_minor FROM budget_cell
     WHERE (company_id, department_id, period, COALESCE(category_code, '')) IN (${Prisma.join(keys)})
     ORDER BY id FOR UPDATE`;
  const byKey = new Map(cells.map((c) => [budgetCellKey({ companyId: c.company_id, departmentId: c.department_id, period: c.period, categoryCode: c.category_code }), c]));
  const entries = [];
  for (const change of changes) {
    const cell = byKey.get(budgetCellKey(change))!;
    if (cell.currency !== change.currency) throw new AppError("invalid", { reason: "currency" });
    const delta = change.amountMinor - cell.budget_minor;
    if (delta !== 0n) entries.push({ cellId: cell.id, kind: "BUDGET" as const, budgetDelta: delta, idempotencyKey: `BUDGET:${newId()}`, actorId: actor.id, note });
    if (change.setOwner) await tx.budgetCell.update({ where: { id: cell.id }, data: { ownerId: change.ownerId } });
  }
  await appendBudgetEntries(tx, entries);
  return { cellIds: cells.map((c) => c.id), changed: entries.length };
}

/**
 * Imports a budget CSV: all rows or none. Refused ("import_has_errors", with the preview in details)
 * while any row has a problem. A row without an owner email leaves the cell's owner as it is.
 */
export async function commitBudgetImport(actor: Actor, csv: string): Promise<{ rows: number; changed: number }> {
  requireAdmin(actor);
  return prisma.$transaction(async (tx) => {
    const result = parseBudgetImport(csv, await budgetImportReference(actor, tx));
    if (!importIsClean(result)) throw new AppError("import_has_errors", { status: 422 });
    const changes = result.rows.map((r) => ({ ...r.cell!, setOwner: r.cell!.ownerId !== null }));
    const { changed } = await writeCellBudgets(tx, actor, changes, "import");
    await recordAudit(tx, { actorId: actor.id, type: "budget.imported", data: { rows: result.rows.length, changed } });
    return { rows: result.rows.length, changed };
  });
}

/** Sets one cell's budget and owner (blank owner = the department head), creating the cell if new. */
export async function setBudgetCell(
  actor: Actor,
  input: { companyId: string; departmentId: string; period: string; categoryCode: string | null; amountMinor: bigint; ownerEmail: string },
): Promise<{ cellId: string }> {
  requireAdmin(actor);
  return prisma.$transaction(async (tx) => {
    await requireCompany(actor, input.companyId, tx);
    const [company, department, category, owner] = await Promise.all([
      tx.company.findUniqueOrThrow({ where: { id: input.companyId }, select: { currency: true, budgetPeriod: true } }),
      tx.department.findFirst({ where: { id: input.departmentId, companyId: input.companyId }, select: { id: true } }),
      input.categoryCode ? tx.expenseCategory.findUnique({ where: { code: input.categoryCode }, select: { code: true } }) : null,
      input.ownerEmail ? tx.user.findFirst({ where: { email: { equals: input.ownerEmail, mode: "insensitive" }, active: true }, select: { id: true, companyId: true, roles: true } }) : null,
    ]);
    const fieldErrors: Record<string, string> = {};
    if (!department) fieldErrors.departmentId = "unknown_department";
    if (input.categoryCode && !category) fieldErrors.categoryCode = "unknown_category";
    if ((company.budgetPeriod === "MONTH") !== /^\d{4}-\d{2}$/.test(input.period)) fieldErrors.period = "wrong_period_kind";
    if (input.amountMinor < 0n) fieldErrors.amount = "negative_amount";
    if (input.ownerEmail && !owner) fieldErrors.ownerEmail = "unknown_owner";
    if (owner && owner.companyId !== input.companyId && !(await tx.userCompany.count({ where: { userId: owner.id, companyId: input.companyId } }))) {
      fieldErrors.ownerEmail = "owner_not_in_company";
    } else if (owner && !owner.roles.includes("MANAGER")) fieldErrors.ownerEmail = "owner_not_manager";
    if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors });
    const change = { ...input, currency: company.currency, ownerId: owner?.id ?? null, setOwner: true };
    const { cellIds, changed } = await writeCellBudgets(tx, actor, [change], "set");
    await recordAudit(tx, {
      actorId: actor.id,
      type: "budget.cell_set",
      data: { cellId: cellIds[0]!, period: input.period, departmentId: input.departmentId, categoryCode: input.categoryCode, budgetMinor: input.amountMinor.toString(), ownerId: owner?.id ?? null, changed },
    });
    return { cellId: cellIds[0]! };
  });
}

/** A company's budget controls (alert ≤ approval ≤ stop, enforced by the form and the table's check). */
export async function saveBudgetControls(actor: Actor, input: { companyId: string; budgetPeriod: "MONTH" | "YEAR" } & BudgetControls): Promise<void> {
  requireAdmin(actor);
  if (!(input.alertPct <= input.approvalPct && input.approvalPct <= input.stopPct)) throw new AppError("invalid", { fieldErrors: { stopPct: "bands_order" } });
  await prisma.$transaction(async (tx) => {
    await requireCompany(actor, input.companyId, tx);
    const before = await tx.company.findUniqueOrThrow({
      where: { id: input.companyId },
      select: { budgetAlertPct: true, budgetApprovalPct: true, budgetStopPct: true, budgetPeriod: true },
    });
    await tx.company.update({
      where: { id: input.companyId },
      data: { budgetAlertPct: input.alertPct, budgetApprovalPct: input.approvalPct, budgetStopPct: input.stopPct, budgetPeriod: input.budgetPeriod },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      type: "budget.controls_changed",
      data: { companyId: input.companyId, before, after: { budgetAlertPct: input.alertPct, budgetApprovalPct: input.approvalPct, budgetStopPct: input.stopPct, budgetPeriod: input.budgetPeriod } },
    });
  });
}

type LockedCell = { id: string; company_id: string; currency: string; budget_minor: bigint; reserved_minor: bigint; consumed_minor: bigint };

async function lockCells(tx: Tx, ids: readonly string[]): Promise<Map<string, LockedCell>> {
  const rows = await tx.$queryRaw<LockedCell[]>`
    SELECT id, company_id, currency, budget_minor, reserved_minor, consumed_minor FROM budget_cell
     WHERE id IN (${Prisma.join([...ids])}) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((r) => [r.id, r]));
}

const remainingOf = (c: LockedCell) => c.budget_minor - c.consumed_minor - c.reserved_minor;

/**
 * Asks to move budget from one cell to another of the same company. Refused when the from-cell's
 * remaining, less what other pending transfers would take out of it, would go below zero.
 */
export async function requestBudgetTransfer(
  actor: Actor,
  input: { fromCellId: string; toCellId: string; amountMinor: bigint; reason: string },
): Promise<{ transferId: string }> {
  if (!hasRole(actor, "ADMIN", "SUPERVISOR")) throw new AppError("forbidden");
  if (input.amountMinor <= 0n) throw new AppError("invalid", { fieldErrors: { amount: "bad_amount" } });
  if (input.fromCellId === input.toCellId) throw new AppError("invalid", { fieldErrors: { toCellId: "same_cell" } });
  return prisma.$transaction(async (tx) => {
    const cells = await lockCells(tx, [input.fromCellId, input.toCellId]);
    const from = cells.get(input.fromCellId);
    const to = cells.get(input.toCellId);
    const companies = await budgetCompanyIds(actor, tx);
    if (!from || !companies.includes(from.company_id)) throw new AppError("invalid", { fieldErrors: { fromCellId: "unknown_cell" } });
    if (!to || !companies.includes(to.company_id)) throw new AppError("invalid", { fieldErrors: { toCellId: "unknown_cell" } });
    if (from.company_id !== to.company_id || from.currency !== to.currency) throw new AppError("invalid", { fieldErrors: { toCellId: "other_company" } });
    const pending = await tx.budgetTransfer.aggregate({ where: { fromCellId: from.id, status: "PENDING" }, _sum: { amountMinor: true } });
    const available = remainingOf(from) - (pending._sum.amountMinor ?? 0n);
    if (input.amountMinor > available) {
      throw new AppError("over_remaining", { status: 422, fieldErrors: { amount: "over_remaining" }, details: { availableMinor: available.toString(), currency: from.currency } });
    }
    const id = newId();
    await tx.budgetTransfer.create({
      data: { id, companyId: from.company_id, fromCellId: from.id, toCellId: to.id, amountMinor: input.amountMinor, currency: from.currency, reason: input.reason, requestedBy: actor.id },
    });
    await recordAudit(tx, { actorId: actor.id, type: "budget.transfer_requested", data: { transferId: id, fromCellId: from.id, toCellId: to.id, amountMinor: input.amountMinor.toString(), currency: from.currency } });
    return { transferId: id };
  });
}

/**
 * Approves or rejects a pending transfer: another admin or supervisor of the company than the one who
 * asked. Approval re-checks the from-cell's remaining under the locks and writes TRANSFER_OUT / TRANSFER_IN.
 */
export async function decideBudgetTransfer(actor: Actor, input: { transferId: string; approve: boolean; note: string }): Promise<void> {
  if (!hasRole(actor, "ADMIN", "SUPERVISOR")) throw new AppError("forbidden");
  await prisma.$transaction(async (tx) => {
    const transfer = await lockTransfer(tx, actor, input.transferId);
    if (transfer.requestedBy === actor.id) throw new AppError("four_eyes", { status: 403 });
    if (input.approve) {
      const cells = await lockCells(tx, [transfer.fromCellId, transfer.toCellId]);
      const from = cells.get(transfer.fromCellId)!;
      if (transfer.amountMinor > remainingOf(from)) {
        throw new AppError("over_remaining", { status: 422, details: { availableMinor: remainingOf(from).toString(), currency: from.currency } });
      }
      await appendBudgetEntries(tx, [
        { cellId: transfer.fromCellId, kind: "TRANSFER_OUT", budgetDelta: -transfer.amountMinor, transferId: transfer.id, idempotencyKey: `TRANSFER:${transfer.id}:out`, actorId: actor.id, note: transfer.reason },
        { cellId: transfer.toCellId, kind: "TRANSFER_IN", budgetDelta: transfer.amountMinor, transferId: transfer.id, idempotencyKey: `TRANSFER:${transfer.id}:in`, actorId: actor.id, note: transfer.reason },
      ]);
    }
    const status = input.approve ? "APPROVED" : "REJECTED";
    await tx.budgetTransfer.update({ where: { id: transfer.id }, data: { status, decidedBy: actor.id, decidedAt: new Date(), decisionNote: input.note } });
    await recordAudit(tx, { actorId: actor.id, type: input.approve ? "budget.transfer_approved" : "budget.transfer_rejected", data: { transferId: transfer.id, note: input.note } });
  });
}

/** The requester takes back a transfer nobody has decided yet. */
export async function cancelBudgetTransfer(actor: Actor, input: { transferId: string }): Promise<void> {
  if (!hasRole(actor, "ADMIN", "SUPERVISOR")) throw new AppError("forbidden");
  await prisma.$transaction(async (tx) => {
    const transfer = await lockTransfer(tx, actor, input.transferId);
    if (transfer.requestedBy !== actor.id) throw new AppError("not_found");
    await tx.budgetTransfer.update({ where: { id: transfer.id }, data: { status: "CANCELLED", decidedBy: actor.id, decidedAt: new Date() } });
    await recordAudit(tx, { actorId: actor.id, type: "budget.transfer_cancelled", data: { transferId: transfer.id } });
  });
}

async function lockTransfer(tx: Tx, actor: Actor, transferId: string) {
  await tx.$executeRaw`SELECT 1 FROM budget_transfer WHERE id = ${transferId} FOR UPDATE`;
  const transfer = await tx.budgetTransfer.findUnique({ where: { id: transferId } });
  if (!transfer || !(await budgetCompanyIds(actor, tx)).includes(transfer.companyId)) throw new AppError("not_found");
  if (transfer.status !== "PENDING") throw new AppError("not_pending", { status: 409 });
  return transfer;
}
