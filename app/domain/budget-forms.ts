/**
 * The budget screens' forms and display rules: one Zod schema per form (browser hints and server truth),
 * error messages are codes the "budgets" namespace translates (`errors.<code>`), and how a cell's use
 * is shown (used %). The bands and periods are the budget ledger's own rules (budget.ts), shown as they are.
 */
import { z } from "zod";

export type { BudgetBand } from "./budget";
export type BudgetControls = { alertPct: number; approvalPct: number; stopPct: number };

/** Percent of the budget used (consumed + reserved), rounded down; null when the budget is zero. */
export function usedPercent(c: { budgetMinor: bigint; consumedMinor: bigint; reservedMinor: bigint }): number | null {
  if (c.budgetMinor <= 0n) return null;
  return Number(((c.consumedMinor + c.reservedMinor) * 100n) / c.budgetMinor);
}

const PERIOD_RE = /^\d{4}(-(0[1-9]|1[0-2]))?$/;

const amountText = z.string().trim().min(1, "required").regex(/^\d{1,13}(\.\d{1,4})?$/, "bad_amount");
const idField = z.string().trim().min(1, "required").max(64, "invalid");
const pct = z.coerce.number({ error: "bad_percent" }).int("bad_percent").min(1, "bad_percent").max(1000, "bad_percent");

/** Set one cell's budget (creating the cell if it does not exist) and its owner. */
export const SetCellForm = z.object({
  intent: z.literal("set-cell"),
  companyId: idField,
  departmentId: idField,
  period: z.string().trim().regex(PERIOD_RE, "bad_period"),
  categoryCode: z.string().trim().max(40, "invalid").default(""),
  amount: amountText,
  ownerEmail: z.string().trim().max(200, "invalid").default(""),
});

/** A company's budget controls: bands in % of budget, alert ≤ approval ≤ stop, and the period kind. */
export const ControlsForm = z
  .object({
    intent: z.literal("controls"),
    companyId: idField,
    alertPct: pct,
    approvalPct: pct,
    stopPct: pct,
    budgetPeriod: z.enum(["MONTH", "YEAR"], { message: "invalid" }),
  })
  .superRefine((v, ctx) => {
    if (v.alertPct > v.approvalPct) ctx.addIssue({ code: "custom", path: ["approvalPct"], message: "bands_order" });
    if (v.approvalPct > v.stopPct) ctx.addIssue({ code: "custom", path: ["stopPct"], message: "bands_order" });
  });

export const TransferRequestForm = z
  .object({
    intent: z.literal("transfer-request"),
    fromCellId: idField,
    toCellId: idField,
    amount: amountText,
    reason: z.string().trim().min(1, "required").max(500, "too_long"),
  })
  .refine((v) => v.fromCellId !== v.toCellId, { path: ["toCellId"], message: "same_cell" });

export const TransferDecisionForm = z.object({
  intent: z.enum(["transfer-approve", "transfer-reject", "transfer-cancel"]),
  transferId: idField,
  note: z.string().trim().max(500, "too_long").default(""),
});

export const ImportForm = z.object({
  intent: z.enum(["import-preview", "import-commit"]),
  csv: z.string().min(1, "required").max(2_000_000, "too_long"),
});

export type BudgetMonth = { period: string; budgetMinor: bigint; consumedMinor: bigint; reservedMinor: bigint };

/**
 * A department's year month by month (all its cells of each month added up, category cells and the
 * all-categories cell alike), for the chart. Yearly cells have no month and are left out.
 */
export function budgetMonths(cells: readonly { period: string; budgetMinor: bigint; consumedMinor: bigint; reservedMinor: bigint }[], year: string): BudgetMonth[] {
  return Array.from({ length: 12 }, (_, i) => {
    const period = `${year}-${String(i + 1).padStart(2, "0")}`;
    const month = cells.filter((c) => c.period === period);
    const sum = (f: (c: (typeof month)[number]) => bigint) => month.reduce((s, c) => s + f(c), 0n);
    return { period, budgetMinor: sum((c) => c.budgetMinor), consumedMinor: sum((c) => c.consumedMinor), reservedMinor: sum((c) => c.reservedMinor) };
  });
}
