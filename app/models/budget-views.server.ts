/**
 * Budget reads for the screens: the cells a viewer may see (managers their departments; supervisors and
 * admins their companies), the pending transfers, and the claim form's per-line budget note.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { bandFor, type BudgetBand } from "~/domain/budget";
import { usedPercent, type BudgetControls } from "~/domain/budget-forms";
import { checkClaimOrg } from "~/domain/claim-input";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { budgetPreview } from "./budget-ledger.server";
import { getClaimOrgChoices } from "./org.server";

type Named = { id: string; code: string; name: string; nameZh: string };

export type BudgetCellView = {
  id: string;
  companyId: string;
  companyCode: string;
  departmentId: string;
  department: Named;
  period: string;
  categoryCode: string | null;
  category: { name: string; nameZh: string } | null;
  currency: string;
  ownerName: string | null;
  budgetMinor: bigint;
  consumedMinor: bigint;
  reservedMinor: bigint;
  remainingMinor: bigint;
  usedPct: number | null;
  band: BudgetBand;
};

export type BudgetCompanyView = Named & { currency: string; budgetPeriod: "MONTH" | "YEAR"; controls: BudgetControls };

/** The departments and companies whose budgets the viewer may see. */
export async function budgetScope(viewer: Actor, db: Db | Tx = prisma): Promise<{ companyIds: string[]; departmentIds: string[] }> {
  const companyIds = hasRole(viewer, "ADMIN", "SUPERVISOR")
    ? (await db.userCompany.findMany({ where: { userId: viewer.id }, select: { companyId: true } })).map((r) => r.companyId)
    : [];
  let departmentIds: string[] = [];
  if (hasRole(viewer, "MANAGER")) {
    const [headed, reports] = await Promise.all([
      db.department.findMany({ where: { headId: viewer.id }, select: { id: true } }),
      db.user.findMany({ where: { managerId: viewer.id }, distinct: ["departmentId"], select: { departmentId: true } }),
    ]);
    departmentIds = [...new Set([...headed.map((d) => d.id), ...reports.map((r) => r.departmentId)])];
  }
  return { companyIds, departmentIds };
}

function controlsOf(c: { budgetAlertPct: number; budgetApprovalPct: number; budgetStopPct: number }): BudgetControls {
  return { alertPct: c.budgetAlertPct, approvalPct: c.budgetApprovalPct, stopPct: c.budgetStopPct };
}

/** The viewer's cells of a year (monthly periods of that year and the yearly one), with the filters' choices. */
export async function listBudgetCells(
  viewer: Actor,
  filter: { year: string; companyId?: string; departmentId?: string },
): Promise<{ cells: BudgetCellView[]; companies: BudgetCompanyView[]; departments: (Named & { companyId: string })[] }> {
  const scope = await budgetScope(viewer);
  const visible = { OR: [{ companyId: { in: scope.companyIds } }, { id: { in: scope.departmentIds } }] };
  const departments = await prisma.department.findMany({
    where: visible,
    orderBy: [{ companyId: "asc" }, { code: "asc" }],
    select: { id: true, code: true, name: true, nameZh: true, companyId: true },
  });
  const companyRows = await prisma.company.findMany({
    where: { id: { in: [...new Set(departments.map((d) => d.companyId))] } },
    orderBy: { code: "asc" },
    select: { id: true, code: true, name: true, nameZh: true, currency: true, budgetPeriod: true, budgetAlertPct: true, budgetApprovalPct: true, budgetStopPct: true },
  });
  const companies = companyRows.map((c) => ({
    id: c.id,
    code: c.code,
    name: c.name,
    nameZh: c.nameZh,
    currency: c.currency,
    budgetPeriod: c.budgetPeriod === "YEAR" ? ("YEAR" as const) : ("MONTH" as const),
    controls: controlsOf(c),
  }));
  const shown = departments.filter((d) => (!filter.companyId || d.companyId === filter.companyId) && (!filter.departmentId || d.id === filter.departmentId));
  if (shown.length === 0 || !/^\d{4}$/.test(filter.year)) return { cells: [], companies, departments };
  const rows = await prisma.budgetCell.findMany({
    where: { departmentId: { in: shown.map((d) => d.id) }, OR: [{ period: filter.year }, { period: { startsWith: `${filter.year}-` } }] },
    orderBy: [{ departmentId: "asc" }, { period: "asc" }, { categoryCode: "asc" }],
  });
  const [categories, owners] = await Promise.all([
    prisma.expenseCategory.findMany({ select: { code: true, name: true, nameZh: true } }),
    prisma.user.findMany({ where: { id: { in: rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])) } }, select: { id: true, name: true } }),
  ]);
  const departmentById = new Map(departments.map((d) => [d.id, d]));
  const companyById = new Map(companies.map((c) => [c.id, c]));
  const categoryByCode = new Map(categories.map((c) => [c.code, c]));
  const ownerById = new Map(owners.map((o) => [o.id, o.name]));
  const cells = rows.map((r): BudgetCellView => {
    const department = departmentById.get(r.departmentId)!;
    const company = companyById.get(r.companyId)!;
    const category = r.categoryCode ? categoryByCode.get(r.categoryCode) : undefined;
    return {
      id: r.id,
      companyId: r.companyId,
      companyCode: company.code,
      departmentId: r.departmentId,
      department: { id: department.id, code: department.code, name: department.name, nameZh: department.nameZh },
      period: r.period,
      categoryCode: r.categoryCode,
      category: category ? { name: category.name, nameZh: category.nameZh } : null,
      currency: r.currency,
      ownerName: r.ownerId ? (ownerById.get(r.ownerId) ?? null) : null,
      budgetMinor: r.budgetMinor,
      consumedMinor: r.consumedMinor,
      reservedMinor: r.reservedMinor,
      remainingMinor: r.budgetMinor - r.consumedMinor - r.reservedMinor,
      usedPct: usedPercent(r),
      band: bandFor(r, 0n, company.controls),
    };
  });
  return { cells, companies, departments };
}

export type BudgetTransferView = {
  id: string;
  companyId: string;
  fromCellId: string;
  toCellId: string;
  amountMinor: bigint;
  currency: string;
  reason: string;
  status: string;
  requestedBy: string;
  requestedByName: string;
  requestedAt: Date;
  mine: boolean;
};

/** Pending transfers of the admin's or supervisor's companies, and the last decided ones. */
export async function listBudgetTransfers(viewer: Actor): Promise<BudgetTransferView[]> {
  if (!hasRole(viewer, "ADMIN", "SUPERVISOR")) return [];
  const { companyIds } = await budgetScope(viewer);
  const rows = await prisma.budgetTransfer.findMany({
    where: { companyId: { in: companyIds } },
    orderBy: [{ requestedAt: "desc" }],
    take: 50,
  });
  const names = await prisma.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.requestedBy))] } }, select: { id: true, name: true } });
  const nameById = new Map(names.map((n) => [n.id, n.name]));
  return rows.map((r) => ({
    id: r.id,
    companyId: r.companyId,
    fromCellId: r.fromCellId,
    toCellId: r.toCellId,
    amountMinor: r.amountMinor,
    currency: r.currency,
    reason: r.reason,
    status: r.status,
    requestedBy: r.requestedBy,
    requestedByName: nameById.get(r.requestedBy) ?? "",
    requestedAt: r.requestedAt,
    mine: r.requestedBy === viewer.id,
  }));
}

/** One claim line's budget, as the claim form shows it. */
export type BudgetLineNote =
  | { kind: "none" }
  | { kind: "no_rate"; currency: string }
  | {
      kind: "cell";
      cellId: string;
      period: string;
      departmentName: string;
      departmentNameZh: string;
      categoryCode: string | null;
      categoryName: string | null;
      categoryNameZh: string | null;
      currency: string;
      budgetMinor: bigint;
      remainingMinor: bigint;
      /** What this claim's lines in the same cell add, company currency. */
      requestedMinor: bigint;
      /** The band the cell would be in with this claim counted. */
      band: BudgetBand;
    };

export type BudgetPreviewLine = { categoryCode: string; spentOn: string; amountMinor: bigint; currency: string };

/**
 * The claim form's budget note per line: the numbers are the budget ledger's own preview (budgetPreview:
 * the cell the line counts against, what remains, and the band with every line of this claim in that cell
 * counted, exactly as a submission would reach it), named for the screen. The caller must be allowed to
 * file claims for the company and department (refused "not_found"). Lines without a date or category get "none".
 */
export async function budgetLineNotes(viewer: Actor, input: { companyId: string; departmentId: string; lines: readonly BudgetPreviewLine[] }): Promise<BudgetLineNote[]> {
  const allowed = checkClaimOrg(await getClaimOrgChoices(viewer.id), input);
  if (Object.keys(allowed).length > 0) throw new AppError("not_found");
  // A line whose category is not chosen yet counts against nothing (it would fall to the all-categories cell).
  const chosen = input.lines.flatMap((l, i) => (l.categoryCode ? [{ l, i }] : []));
  const [counted, department, categories] = await Promise.all([
    budgetPreview(prisma, { companyId: input.companyId, departmentId: input.departmentId, lines: chosen.map((c) => c.l) }),
    prisma.department.findUniqueOrThrow({ where: { id: input.departmentId }, select: { name: true, nameZh: true } }),
    prisma.expenseCategory.findMany({ select: { code: true, name: true, nameZh: true } }),
  ]);
  const categoryByCode = new Map(categories.map((c) => [c.code, c]));
  const preview = new Map(chosen.map((c, k) => [c.i, counted[k]!]));
  return input.lines.map((l, i): BudgetLineNote => {
    const cell = preview.get(i)?.cell;
    if (!cell) return { kind: "none" };
    if (preview.get(i)!.amountCompanyMinor === null) return { kind: "no_rate", currency: l.currency };
    const category = cell.categoryCode ? categoryByCode.get(cell.categoryCode) : undefined;
    return {
      kind: "cell",
      cellId: cell.cellId,
      period: cell.period,
      departmentName: department.name,
      departmentNameZh: department.nameZh,
      categoryCode: cell.categoryCode,
      categoryName: category?.name ?? null,
      categoryNameZh: category?.nameZh ?? null,
      currency: cell.currency,
      budgetMinor: cell.budgetMinor,
      remainingMinor: cell.remainingMinor,
      requestedMinor: cell.requestedMinor,
      band: cell.band,
    };
  });
}
