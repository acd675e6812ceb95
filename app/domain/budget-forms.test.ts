import { describe, expect, it } from "vitest";
import { ControlsForm, TransferRequestForm, usedPercent } from "./budget-forms";

const cell = (budget: bigint, consumed: bigint, reserved: bigint) => ({ budgetMinor: budget, consumedMinor: consumed, reservedMinor: reserved });

describe("budget display rules", () => {
  it("used percent rounds down and is null for a zero budget", () => {
    expect(usedPercent(cell(3000n, 1000n, 999n))).toBe(66);
    expect(usedPercent(cell(100n, 150n, 0n))).toBe(150);
    expect(usedPercent(cell(0n, 5n, 0n))).toBeNull();
  });
});

describe("budget forms", () => {
  it("controls must keep alert ≤ approval ≤ stop, within 1–1000", () => {
    const base = { intent: "controls", companyId: "c1", budgetPeriod: "MONTH" };
    expect(ControlsForm.safeParse({ ...base, alertPct: "80", approvalPct: "100", stopPct: "110" }).success).toBe(true);
    expect(ControlsForm.safeParse({ ...base, alertPct: "100", approvalPct: "100", stopPct: "100" }).success).toBe(true);
    const bad = ControlsForm.safeParse({ ...base, alertPct: "90", approvalPct: "80", stopPct: "70" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["approvalPct", "bands_order"],
      ["stopPct", "bands_order"],
    ]);
    expect(ControlsForm.safeParse({ ...base, alertPct: "0", approvalPct: "100", stopPct: "110" }).success).toBe(false);
    expect(ControlsForm.safeParse({ ...base, alertPct: "80", approvalPct: "100", stopPct: "1001" }).success).toBe(false);
    expect(ControlsForm.safeParse({ ...base, alertPct: "80", approvalPct: "100", stopPct: "110", budgetPeriod: "WEEK" }).success).toBe(false);
  });

  it("a transfer needs two different cells, an amount and a reason", () => {
    const base = { intent: "transfer-request", fromCellId: "a", toCellId: "b", amount: "100.00", reason: "Q4 push" };
    expect(TransferRequestForm.safeParse(base).success).toBe(true);
    expect(TransferRequestForm.safeParse({ ...base, toCellId: "a" }).error?.issues[0]?.message).toBe("same_cell");
    expect(TransferRequestForm.safeParse({ ...base, amount: "-1" }).error?.issues[0]?.message).toBe("bad_amount");
    expect(TransferRequestForm.safeParse({ ...base, reason: " " }).success).toBe(false);
  });
});

describe("budgetMonths", () => {
  it("adds a department's cells per month and leaves yearly cells out", async () => {
    const { budgetMonths } = await import("./budget-forms");
    const months = budgetMonths(
      [
        { period: "2026-02", budgetMinor: 100n, consumedMinor: 10n, reservedMinor: 5n },
        { period: "2026-02", budgetMinor: 50n, consumedMinor: 1n, reservedMinor: 0n },
        { period: "2026-12", budgetMinor: 7n, consumedMinor: 0n, reservedMinor: 7n },
        { period: "2026", budgetMinor: 999n, consumedMinor: 0n, reservedMinor: 0n },
        { period: "2025-02", budgetMinor: 999n, consumedMinor: 0n, reservedMinor: 0n },
      ],
      "2026",
    );
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ period: "2026-01", budgetMinor: 0n, consumedMinor: 0n, reservedMinor: 0n });
    expect(months[1]).toEqual({ period: "2026-02", budgetMinor: 150n, consumedMinor: 11n, reservedMinor: 5n });
    expect(months[11]).toEqual({ period: "2026-12", budgetMinor: 7n, consumedMinor: 0n, reservedMinor: 7n });
  });
});
