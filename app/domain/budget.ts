/**
 * Budget rules: which cell an expense line counts against, how much of a cell is used, and which
 * control band a claim reaches. Plain integer arithmetic (amounts × 100 against budget × percent): a
 * band edge is exact, never a float's guess.
 */

export type BudgetPeriodMode = "MONTH" | "YEAR";

/** The budget period of an expense spent on `spentOn` (YYYY-MM-DD): '2026-12' per month, '2026' per year. */
export function budgetPeriodOf(spentOn: string, mode: BudgetPeriodMode): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(spentOn)) throw new Error(`not a calendar date: ${spentOn}`);
  return mode === "YEAR" ? spentOn.slice(0, 4) : spentOn.slice(0, 7);
}

/** A company's budget period setting as stored (anything but YEAR counts per month, the default). */
export function periodMode(stored: string): BudgetPeriodMode {
  return stored === "YEAR" ? "YEAR" : "MONTH";
}

export type CellKey = { departmentId: string; period: string; categoryCode: string | null };

/**
 * The cell a line counts against among a company's cells: the one for its category if there is one,
 * else the department's cell for the period without a category; null when neither exists (unbudgeted).
 */
export function chooseCell<C extends CellKey>(cells: readonly C[], line: { departmentId: string; period: string; categoryCode: string }): C | null {
  const same = cells.filter((c) => c.departmentId === line.departmentId && c.period === line.period);
  return same.find((c) => c.categoryCode === line.categoryCode) ?? same.find((c) => c.categoryCode === null) ?? null;
}

export type BudgetBands = { alertPct: number; approvalPct: number; stopPct: number };

export const DEFAULT_BANDS: BudgetBands = { alertPct: 80, approvalPct: 100, stopPct: 110 };

/** Ordered: each band includes the ones before it. */
export const BUDGET_BANDS = ["ok", "alert", "approval", "stop"] as const;
export type BudgetBand = (typeof BUDGET_BANDS)[number];

export type CellTotals = { budgetMinor: bigint; consumedMinor: bigint; reservedMinor: bigint };

/** budget − consumed − reserved (negative when overspent). */
export function remainingMinor(cell: CellTotals): bigint {
  return cell.budgetMinor - cell.consumedMinor - cell.reservedMinor;
}

/** The most a cell may hold before submissions are refused: budget × stop% / 100, rounded down. */
export function stopLimitMinor(budgetMinor: bigint, stopPct: number): bigint {
  const n = budgetMinor * BigInt(stopPct);
  // Rounded toward −∞ (a negative budget after transfers would otherwise round up).
  return n >= 0n ? n / 100n : -((-n + 99n) / 100n);
}

/** used × 100 ≥ budget × pct, exactly; a zero (or negative) budget with anything used is past every band. */
function reaches(usedMinor: bigint, budgetMinor: bigint, pct: number): boolean {
  return usedMinor * 100n >= budgetMinor * BigInt(pct);
}
function exceeds(usedMinor: bigint, budgetMinor: bigint, pct: number): boolean {
  return usedMinor * 100n > budgetMinor * BigInt(pct);
}

/**
 * The band a cell reaches once `requestedMinor` (the claim's lines in it) is counted with what it has
 * consumed and reserved: alert when the used share REACHES the alert band, approval when it EXCEEDS the
 * approval band, stop when it EXCEEDS the stop band. Nothing used at all is "ok".
 */
export function bandFor(cell: CellTotals, requestedMinor: bigint, bands: BudgetBands = DEFAULT_BANDS): BudgetBand {
  const used = cell.consumedMinor + cell.reservedMinor + requestedMinor;
  if (used <= 0n) return "ok";
  if (exceeds(used, cell.budgetMinor, bands.stopPct)) return "stop";
  if (exceeds(used, cell.budgetMinor, bands.approvalPct)) return "approval";
  if (reaches(used, cell.budgetMinor, bands.alertPct)) return "alert";
  return "ok";
}

/** True when `band` is `atLeast` or a stricter one. */
export function bandAtLeast(band: BudgetBand, atLeast: BudgetBand): boolean {
  return BUDGET_BANDS.indexOf(band) >= BUDGET_BANDS.indexOf(atLeast);
}

/** The budget owners who approve as an extra step: each cell's owner (or the department head), not the claimant, once each, in order. */
export function budgetApprovers(ownerIds: readonly (string | null)[], claimantId: string): string[] {
  const out: string[] = [];
  for (const id of ownerIds) if (id !== null && id !== claimantId && !out.includes(id)) out.push(id);
  return out;
}

/** One refused cell, as the claim form shows it (every amount a decimal string of minor units). */
export type BudgetExceededCell = {
  cellId: string;
  period: string;
  departmentId: string;
  categoryCode: string | null;
  currency: string;
  budgetMinor: string;
  consumedMinor: string;
  reservedMinor: string;
  requestedMinor: string;
  limitMinor: string;
};

export function exceededCell(
  cell: CellTotals & { id: string; period: string; departmentId: string; categoryCode: string | null; currency: string },
  requestedMinor: bigint,
  stopPct: number,
): BudgetExceededCell {
  return {
    cellId: cell.id,
    period: cell.period,
    departmentId: cell.departmentId,
    categoryCode: cell.categoryCode,
    currency: cell.currency,
    budgetMinor: cell.budgetMinor.toString(),
    consumedMinor: cell.consumedMinor.toString(),
    reservedMinor: cell.reservedMinor.toString(),
    requestedMinor: requestedMinor.toString(),
    limitMinor: stopLimitMinor(cell.budgetMinor, stopPct).toString(),
  };
}
