/**
 * A claim's money in the budget: reserved when it is submitted, released when it is returned, rejected
 * or withdrawn, adjusted and consumed when the accountant approves it. Every movement goes through
 * budget-entries' one insert with a key per line, kind and claim version (a retried command counts once), and
 * every touched cell is locked first in id order (two claims touching the same cells in opposite orders
 * wait for each other instead of deadlocking). A cell's lock is held to the commit: what follows it in a
 * transaction should be few statements (audit events take no lock since decision 037, so they may come
 * before or after).
 */
import { AppError } from "~/domain/app-error";
import {
  bandAtLeast,
  bandFor,
  budgetApprovers,
  budgetPeriodOf,
  chooseCell,
  exceededCell,
  periodMode,
  remainingMinor,
  stopLimitMinor,
  type BudgetBand,
  type BudgetBands,
  type BudgetExceededCell,
} from "~/domain/budget";
import { isoDate } from "~/domain/calendar-date";
import { convert, type RateLookup } from "~/domain/money";
import { Prisma } from "~/generated/prisma/client";
import { readTogether, type Db, type Tx } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { appendBudgetEntries, budgetEntriesInsertSql, type BudgetEntryInput } from "./budget-entries.server";
import { rateLookupFor } from "./exchange-rate.server";
import { notify } from "./notifications.server";

type CellRow = {
  id: string;
  companyId: string;
  departmentId: string;
  period: string;
  categoryCode: string | null;
  currency: string;
  ownerId: string | null;
  budgetMinor: bigint;
  reservedMinor: bigint;
  consumedMinor: bigint;
};

/** Cell ids in the order every writer locks them (no deadlock between claims touching the same cells). */
const lockOrder = (cellIds: readonly string[]): string[] => [...new Set(cellIds)].sort();

/** Locks the cells (in `lockOrder`) before entries are appended to them (a release, a consumption). */
async function lockCells(tx: Tx, cellIds: readonly string[]): Promise<void> {
  const ids = lockOrder(cellIds);
  if (ids.length === 0) return;
  await tx.$queryRaw`SELECT id FROM budget_cell WHERE id IN (${Prisma.join(ids)}) ORDER BY id FOR UPDATE`;
}

/**
 * Locks the cells a submission reserves against (in `lockOrder`) and returns them as they now are, each with
 * what the entries keyed `keys` already reserved in it (a retried submission's own reservations; such entries
 * are only written under the claim's row lock, which the caller holds).
 */
async function lockCellsForReservation(tx: Tx, cellIds: readonly string[], keys: readonly string[]): Promise<Map<string, CellRow & { alreadyReservedMinor: bigint }>> {
  const ids = lockOrder(cellIds);
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<(CellRow & { alreadyReservedMinor: bigint })[]>`
    SELECT id, company_id AS "companyId", department_id AS "departmentId", period, category_code AS "categoryCode",
           currency::text AS currency, owner_id AS "ownerId", budget_minor AS "budgetMinor",
           reserved_minor AS "reservedMinor", consumed_minor AS "consumedMinor",
           (SELECT coalesce(sum(e.reserved_delta), 0) FROM budget_entry e
             WHERE e.idempotency_key = ANY(${keys}::text[]) AND e.cell_id = budget_cell.id)::bigint AS "alreadyReservedMinor"
      FROM budget_cell WHERE id IN (${Prisma.join(ids)}) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((r) => [r.id, r]));
}

/** A line's amount in the company's currency at its spent-on date's rate; null without a rate. */
function companyAmount(minor: bigint, currency: string, spentOn: string, companyCurrency: string, rateFor: RateLookup): bigint | null {
  if (currency === companyCurrency) return minor;
  const rate = rateFor(currency, companyCurrency, spentOn);
  return rate === undefined ? null : convert({ minor, currency }, companyCurrency, rate).minor;
}

type CompanyBudgetSettings = { currency: string; budgetPeriod: string; budgetAlertPct: number; budgetApprovalPct: number; budgetStopPct: number };

const bandsOf = (c: CompanyBudgetSettings): BudgetBands => ({ alertPct: c.budgetAlertPct, approvalPct: c.budgetApprovalPct, stopPct: c.budgetStopPct });

type PlannedLine = { lineId: string; categoryCode: string; spentOn: string; cellId: string | null; amountMinor: bigint | null };

/**
 * Each line of the claim with the cell it counts against (not locked) and its company-currency amount
 * (`approved_minor ?? amount_minor`); cell null = unbudgeted, amount null = no rate for its date.
 */
async function planLines(tx: Tx | Db, claimId: string) {
  const claim = await tx.claim.findUniqueOrThrow({
    where: { id: claimId },
    select: {
      id: true,
      claimantId: true,
      companyId: true,
      departmentId: true,
      department: { select: { headId: true } },
      claimant: { select: { managerId: true } },
      company: { select: { currency: true, budgetPeriod: true, budgetAlertPct: true, budgetApprovalPct: true, budgetStopPct: true } },
      lines: { orderBy: { position: "asc" }, select: { id: true, categoryCode: true, spentOn: true, amountMinor: true, approvedMinor: true, currency: true } },
    },
  });
  const lines = await planAmounts(tx, claim.companyId, claim.departmentId, claim.company, claim.lines.map((l) => ({
    lineId: l.id,
    categoryCode: l.categoryCode,
    spentOn: isoDate(l.spentOn),
    minor: l.approvedMinor ?? l.amountMinor,
    currency: l.currency,
  })));
  return { claim, lines };
}

async function planAmounts(
  db: Tx | Db,
  companyId: string,
  departmentId: string,
  company: CompanyBudgetSettings,
  lines: readonly { lineId: string; categoryCode: string; spentOn: string; minor: bigint; currency: string }[],
): Promise<PlannedLine[]> {
  if (lines.length === 0) return [];
  const mode = periodMode(company.budgetPeriod);
  const periods = [...new Set(lines.map((l) => budgetPeriodOf(l.spentOn, mode)))];
  const [cells, rateFor] = await readTogether(
    db,
    () => db.budgetCell.findMany({ where: { companyId, departmentId, period: { in: periods } }, select: { id: true, departmentId: true, period: true, categoryCode: true } }),
    () => rateLookupFor(lines.map((l) => ({ currency: l.currency, onDate: l.spentOn })), company.currency, db as Tx),
  );
  return lines.map((l) => {
    const cell = chooseCell(cells, { departmentId, period: budgetPeriodOf(l.spentOn, mode), categoryCode: l.categoryCode });
    return { lineId: l.lineId, categoryCode: l.categoryCode, spentOn: l.spentOn, cellId: cell?.id ?? null, amountMinor: companyAmount(l.minor, l.currency, l.spentOn, company.currency, rateFor) };
  });
}

/** What each cell will hold of this claim: the sums of its lines' amounts, by cell. */
function requestedByCell(lines: readonly PlannedLine[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const l of lines) if (l.cellId !== null && l.amountMinor !== null) out.set(l.cellId, (out.get(l.cellId) ?? 0n) + l.amountMinor);
  return out;
}

export type BudgetCellCheck = {
  cellId: string;
  period: string;
  categoryCode: string | null;
  currency: string;
  budgetMinor: bigint;
  consumedMinor: bigint;
  /** Reserved by other claims (this claim's lines not counted). */
  reservedMinor: bigint;
  /** This claim's lines in the cell. */
  requestedMinor: bigint;
  /** budget − consumed − reserved − requested: what is left once this claim is counted. */
  remainingAfterMinor: bigint;
  limitMinor: bigint;
  band: BudgetBand;
  ownerId: string | null;
};

export type BudgetCheck = {
  cells: BudgetCellCheck[];
  /** Owners of the cells past the approval band (not the claimant): extra approval steps. */
  approverIds: string[];
  /** Some cell reached the alert band: the claimant and their manager were told. */
  alerted: boolean;
  /** Lines counted against no cell. */
  unbudgetedLineIds: string[];
  /** Lines with no exchange rate for their date: treated as unbudgeted. */
  missingRateLineIds: string[];
};

/**
 * In the submitting transaction, after the claim's version moved to `version`: locks the cells its
 * lines count against, refuses (AppError "budget_exceeded", 422, with every cell past the hard stop) or
 * reserves each line, sets claim.budget_approver_ids, and warns at the alert band. A retry at the same
 * version reserves nothing twice and tells nobody twice.
 */
export async function reserveForSubmission(tx: Tx, { claimId, version, actorId }: { claimId: string; version: number; actorId: string }): Promise<BudgetCheck> {
  const { claim, lines } = await planLines(tx, claimId);
  const requested = requestedByCell(lines);
  // Reservations of this very submission already written (a retry) come with the cells: not counted twice against the bands.
  const cells = await lockCellsForReservation(tx, [...requested.keys()], lines.map((l) => `RESERVE:${l.lineId}:v${version}`));
  const bands = bandsOf(claim.company);

  const checks: BudgetCellCheck[] = [];
  const refused: BudgetExceededCell[] = [];
  for (const [cellId, requestedMinor] of requested) {
    const cell = cells.get(cellId);
    if (!cell) continue; // deleted meanwhile (cells are never deleted by the app): nothing to hold
    const totals = { budgetMinor: cell.budgetMinor, consumedMinor: cell.consumedMinor, reservedMinor: cell.reservedMinor - cell.alreadyReservedMinor };
    const band = bandFor(totals, requestedMinor, bands);
    if (band === "stop") refused.push(exceededCell({ ...cell, ...totals }, requestedMinor, bands.stopPct));
    checks.push({
      cellId,
      period: cell.period,
      categoryCode: cell.categoryCode,
      currency: cell.currency,
      ...totals,
      requestedMinor,
      remainingAfterMinor: remainingMinor(totals) - requestedMinor,
      limitMinor: stopLimitMinor(cell.budgetMinor, bands.stopPct),
      band,
      ownerId: cell.ownerId ?? claim.department.headId,
    });
  }
  if (refused.length > 0) throw new AppError("budget_exceeded", { status: 422, details: { cells: refused } });

  const entries: BudgetEntryInput[] = lines.flatMap((l) =>
    l.cellId !== null && l.amountMinor !== null && l.amountMinor !== 0n && cells.has(l.cellId)
      ? [{ cellId: l.cellId, kind: "RESERVE" as const, reservedDelta: l.amountMinor, claimId, claimLineId: l.lineId, claimVersion: version, idempotencyKey: `RESERVE:${l.lineId}:v${version}`, actorId }]
      : [],
  );
  const approverIds = budgetApprovers(checks.filter((c) => bandAtLeast(c.band, "approval")).map((c) => c.ownerId), claim.claimantId);
  // One statement while the cells are locked: the claim's budget approvers and the reservations.
  const named = Prisma.sql`UPDATE claim SET budget_approver_ids = ${approverIds}::text[], updated_at = now() WHERE id = ${claimId}`;
  const [first, ...rest] = entries;
  let written = 0;
  if (first === undefined) await tx.$executeRaw`${named}`;
  else written = await tx.$executeRaw`WITH named AS (${named}) ${budgetEntriesInsertSql([first, ...rest])}`;
  const retry = entries.length > 0 && written === 0;

  const alertCells = checks.filter((c) => bandAtLeast(c.band, "alert"));
  const alerted = alertCells.length > 0;
  if (alerted && !retry) {
    const data = {
      claimId,
      cells: alertCells.map((c) => ({
        cellId: c.cellId,
        period: c.period,
        categoryCode: c.categoryCode,
        currency: c.currency,
        band: c.band,
        budgetMinor: c.budgetMinor.toString(),
        usedMinor: (c.consumedMinor + c.reservedMinor + c.requestedMinor).toString(),
      })),
    };
    const number = await tx.claim.findUniqueOrThrow({ where: { id: claimId }, select: { number: true } });
    for (const userId of new Set([claim.claimantId, ...(claim.claimant.managerId ? [claim.claimant.managerId] : [])])) {
      await notify(tx, userId, "budget.alert", { ...data, claimNumber: number.number });
    }
    await recordAudit(tx, { claimId, actorId, type: "budget.alert", data });
  }
  return {
    cells: checks,
    approverIds,
    alerted,
    unbudgetedLineIds: lines.filter((l) => l.cellId === null).map((l) => l.lineId),
    missingRateLineIds: lines.filter((l) => l.cellId !== null && l.amountMinor === null).map((l) => l.lineId),
  };
}

/** A check's facts for the submission's audit event (strings: JSON has no bigint). */
export function budgetCheckAuditData(check: BudgetCheck): Prisma.InputJsonObject {
  return {
    cells: check.cells.map((c) => ({ cellId: c.cellId, band: c.band, requestedMinor: c.requestedMinor.toString(), currency: c.currency })),
    approverIds: check.approverIds,
    unbudgetedLineIds: check.unbudgetedLineIds,
    missingRateLineIds: check.missingRateLineIds,
  };
}

type Held = { cellId: string; lineId: string; heldMinor: bigint };

/** What each line of the claim still holds, per cell (the sums of its entries' reserved_delta). */
async function heldByLine(tx: Tx, claimId: string): Promise<Held[]> {
  return tx.$queryRaw<Held[]>`
    SELECT cell_id AS "cellId", claim_line_id AS "lineId", SUM(reserved_delta)::bigint AS "heldMinor"
      FROM budget_entry WHERE claim_id = ${claimId}
     GROUP BY cell_id, claim_line_id HAVING SUM(reserved_delta) <> 0
     ORDER BY cell_id, claim_line_id`;
}

/**
 * Gives back everything the claim still holds (returned by a manager or an accountant, rejected,
 * withdrawn), at `version` = the claim's version after that move. Nothing held: nothing written.
 */
export async function releaseClaim(
  tx: Tx,
  { claimId, version, actorId, reason }: { claimId: string; version: number; actorId: string; reason: "returned" | "rejected" | "withdrawn" },
): Promise<{ releasedMinor: bigint }> {
  const first = await heldByLine(tx, claimId);
  if (first.length === 0) return { releasedMinor: 0n };
  await lockCells(tx, first.map((h) => h.cellId));
  // Read again under the locks (the claim row is locked by the caller, so this is the same unless a retry raced).
  const held = await heldByLine(tx, claimId);
  await appendBudgetEntries(
    tx,
    held.map((h) => ({ cellId: h.cellId, kind: "RELEASE" as const, reservedDelta: -h.heldMinor, claimId, claimLineId: h.lineId, claimVersion: version, idempotencyKey: `RELEASE:${h.lineId}:v${version}`, actorId, note: reason })),
  );
  return { releasedMinor: held.reduce((s, h) => s + h.heldMinor, 0n) };
}

/**
 * The accountant approved the claim (at `version`, its version after the approval): each line's
 * reservation becomes its approved company amount (ADJUST by the difference, when there is one) and
 * is consumed. Lines that never held anything (unbudgeted) are left alone; anything held by a line no
 * longer on the claim is released. Calling it again at the same version writes nothing.
 */
export async function consumeClaim(tx: Tx, { claimId, version, actorId }: { claimId: string; version: number; actorId: string }): Promise<{ consumedMinor: bigint }> {
  // A claim that holds nothing (unbudgeted lines only) consumes nothing: one round trip, no plan.
  const firstHeld = await heldByLine(tx, claimId);
  if (firstHeld.length === 0) return { consumedMinor: 0n };
  const { lines } = await planLines(tx, claimId);
  const consumeKeys = lines.map((l) => `CONSUME:${l.lineId}:v${version}`);
  const done = new Set(
    consumeKeys.length === 0 ? [] : (await tx.budgetEntry.findMany({ where: { idempotencyKey: { in: consumeKeys } }, select: { claimLineId: true } })).map((e) => e.claimLineId),
  );
  await lockCells(tx, firstHeld.map((h) => h.cellId));
  const held = await heldByLine(tx, claimId);
  const byLine = new Map(lines.map((l) => [l.lineId, l]));
  const entries: BudgetEntryInput[] = [];
  let consumedMinor = 0n;
  for (const h of held) {
    if (done.has(h.lineId)) continue;
    const line = byLine.get(h.lineId);
    if (!line) {
      entries.push({ cellId: h.cellId, kind: "RELEASE", reservedDelta: -h.heldMinor, claimId, claimLineId: h.lineId, claimVersion: version, idempotencyKey: `RELEASE:${h.lineId}:v${version}`, actorId, note: "line gone" });
      continue;
    }
    // Without a rate now (it had one at submission) the reservation is consumed as it stands.
    const approved = line.amountMinor ?? h.heldMinor;
    const base = { cellId: h.cellId, claimId, claimLineId: h.lineId, claimVersion: version, actorId };
    if (approved !== h.heldMinor) entries.push({ ...base, kind: "ADJUST", reservedDelta: approved - h.heldMinor, idempotencyKey: `ADJUST:${h.lineId}:v${version}` });
    entries.push({ ...base, kind: "CONSUME", reservedDelta: -approved, consumedDelta: approved, idempotencyKey: `CONSUME:${h.lineId}:v${version}` });
    consumedMinor += approved;
  }
  await appendBudgetEntries(tx, entries);
  return { consumedMinor };
}

export type BudgetPreviewLine = {
  /** The line's amount in the company currency; null without a rate for its date. */
  amountCompanyMinor: bigint | null;
  cell: {
    cellId: string;
    period: string;
    categoryCode: string | null;
    currency: string;
    budgetMinor: bigint;
    consumedMinor: bigint;
    /** Reserved by other claims (the claim's own current reservation left out). */
    reservedMinor: bigint;
    /** budget − consumed − reserved, before these lines. */
    remainingMinor: bigint;
    /** All the given lines that count against this cell. */
    requestedMinor: bigint;
    limitMinor: bigint;
    /** The band the cell would reach with these lines. */
    band: BudgetBand;
  } | null;
};

/**
 * What the claim form shows while the claimant types: per line, its cell (or null: unbudgeted) with
 * budget, consumed, reserved, remaining and the band the claim would reach. A read, no locks: the
 * submission checks again under the lock. `claimId` leaves that claim's current reservation out.
 */
export async function budgetPreview(
  db: Db | Tx,
  {
    companyId,
    departmentId,
    lines,
    claimId,
  }: { companyId: string; departmentId: string; lines: readonly { categoryCode: string; spentOn: string; amountMinor: bigint; currency: string }[]; claimId?: string },
): Promise<BudgetPreviewLine[]> {
  const company = await db.company.findUniqueOrThrow({
    where: { id: companyId },
    select: { currency: true, budgetPeriod: true, budgetAlertPct: true, budgetApprovalPct: true, budgetStopPct: true },
  });
  const valid = lines.map((l) => /^\d{4}-\d{2}-\d{2}$/.test(l.spentOn));
  const planned = await planAmounts(
    db,
    companyId,
    departmentId,
    company,
    lines.flatMap((l, i) => (valid[i] ? [{ lineId: String(i), categoryCode: l.categoryCode, spentOn: l.spentOn, minor: l.amountMinor, currency: l.currency }] : [])),
  );
  const byIndex = new Map(planned.map((p) => [Number(p.lineId), p]));
  const cellIds = [...new Set(planned.flatMap((p) => (p.cellId ? [p.cellId] : [])))];
  const [cells, own] = await readTogether(
    db,
    () => (cellIds.length === 0 ? Promise.resolve([]) : db.budgetCell.findMany({ where: { id: { in: cellIds } } })),
    () =>
      claimId && cellIds.length > 0
        ? db.budgetEntry.groupBy({ by: ["cellId"], where: { claimId, cellId: { in: cellIds } }, _sum: { reservedDelta: true } })
        : Promise.resolve([]),
  );
  const ownByCell = new Map(own.map((o) => [o.cellId, o._sum?.reservedDelta ?? 0n]));
  const cellById = new Map(cells.map((c) => [c.id, c]));
  const requested = requestedByCell(planned);
  const bands = bandsOf(company);
  return lines.map((_, i) => {
    const p = byIndex.get(i);
    const cell = p?.cellId ? cellById.get(p.cellId) : undefined;
    if (!p || !cell) return { amountCompanyMinor: p?.amountMinor ?? null, cell: null };
    const totals = { budgetMinor: cell.budgetMinor, consumedMinor: cell.consumedMinor, reservedMinor: cell.reservedMinor - (ownByCell.get(cell.id) ?? 0n) };
    const requestedMinor = requested.get(cell.id) ?? 0n;
    return {
      amountCompanyMinor: p.amountMinor,
      cell: {
        cellId: cell.id,
        period: cell.period,
        categoryCode: cell.categoryCode,
        currency: cell.currency,
        ...totals,
        remainingMinor: remainingMinor(totals),
        requestedMinor,
        limitMinor: stopLimitMinor(cell.budgetMinor, bands.stopPct),
        band: bandFor(totals, requestedMinor, bands),
      },
    };
  });
}
