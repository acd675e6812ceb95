import { describe, expect, it } from "vitest";
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
} from "./budget";

describe("budgetPeriodOf", () => {
  it("is the month of the expense for monthly budgets", () => {
    expect(budgetPeriodOf("2026-12-04", "MONTH")).toBe("2026-12");
    expect(budgetPeriodOf("2026-01-01", "MONTH")).toBe("2026-01");
  });
  it("keeps month ends in their own month, leap day included", () => {
    expect(budgetPeriodOf("2026-11-30", "MONTH")).toBe("2026-11");
    expect(budgetPeriodOf("2026-12-31", "MONTH")).toBe("2026-12");
    expect(budgetPeriodOf("2028-02-29", "MONTH")).toBe("2028-02");
    expect(budgetPeriodOf("2028-03-01", "MONTH")).toBe("2028-03");
  });
  it("is the year for yearly budgets", () => {
    expect(budgetPeriodOf("2026-12-31", "YEAR")).toBe("2026");
    expect(budgetPeriodOf("2027-01-01", "YEAR")).toBe("2027");
    expect(budgetPeriodOf("2028-02-29", "YEAR")).toBe("2028");
  });
  it("refuses something that is not a calendar date", () => {
    expect(() => budgetPeriodOf("2026-12", "MONTH")).toThrow();
  });
  it("reads the company setting, monthly unless YEAR", () => {
    expect(periodMode("YEAR")).toBe("YEAR");
    expect(periodMode("MONTH")).toBe("MONTH");
    expect(periodMode("")).toBe("MONTH");
  });
});

describe("chooseCell", () => {
  const cells = [
    { id: "dept-dec", departmentId: "d1", period: "2026-12", categoryCode: null },
    { id: "taxi-dec", departmentId: "d1", period: "2026-12", categoryCode: "TAXI" },
    { id: "other-dept", departmentId: "d2", period: "2026-12", categoryCode: "MEAL" },
    { id: "dept-nov", departmentId: "d1", period: "2026-11", categoryCode: "MEAL" },
  ];
  it("takes the category's cell when there is one", () => {
    expect(chooseCell(cells, { departmentId: "d1", period: "2026-12", categoryCode: "TAXI" })?.id).toBe("taxi-dec");
  });
  it("falls back to the department's cell without a category", () => {
    expect(chooseCell(cells, { departmentId: "d1", period: "2026-12", categoryCode: "MEAL" })?.id).toBe("dept-dec");
  });
  it("never takes another department's or period's cell: unbudgeted is null", () => {
    expect(chooseCell(cells, { departmentId: "d2", period: "2026-12", categoryCode: "TAXI" })).toBeNull();
    expect(chooseCell(cells, { departmentId: "d1", period: "2026-11", categoryCode: "TAXI" })).toBeNull();
    expect(chooseCell([], { departmentId: "d1", period: "2026-12", categoryCode: "TAXI" })).toBeNull();
  });
});

describe("bandFor at the exact edges (budget 10,000.00)", () => {
  const budget = 1_000_000n;
  const at = (usedMinor: bigint) => bandFor({ budgetMinor: budget, consumedMinor: 0n, reservedMinor: 0n }, usedMinor);
  it("79.99 % is ok, 80 % reaches the alert band", () => {
    expect(at(799_900n)).toBe("ok");
    expect(at(799_999n)).toBe("ok");
    expect(at(800_000n)).toBe("alert");
  });
  it("100 % is still an alert; 100.01 % exceeds the approval band", () => {
    expect(at(1_000_000n)).toBe("alert");
    expect(at(1_000_001n)).toBe("approval");
    expect(at(1_000_100n)).toBe("approval");
  });
  it("110 % needs approval; 110.01 % exceeds the hard stop", () => {
    expect(at(1_100_000n)).toBe("approval");
    expect(at(1_100_001n)).toBe("stop");
    expect(at(1_100_100n)).toBe("stop");
  });
  it("counts consumed, reserved and the claim's own lines together", () => {
    expect(bandFor({ budgetMinor: budget, consumedMinor: 500_000n, reservedMinor: 299_999n }, 0n)).toBe("ok");
    expect(bandFor({ budgetMinor: budget, consumedMinor: 500_000n, reservedMinor: 299_999n }, 1n)).toBe("alert");
    expect(bandFor({ budgetMinor: budget, consumedMinor: 600_000n, reservedMinor: 400_000n }, 100_001n)).toBe("stop");
  });
  it("follows the company's own bands", () => {
    const bands = { alertPct: 50, approvalPct: 90, stopPct: 100 };
    expect(bandFor({ budgetMinor: 100n, consumedMinor: 0n, reservedMinor: 0n }, 49n, bands)).toBe("ok");
    expect(bandFor({ budgetMinor: 100n, consumedMinor: 0n, reservedMinor: 0n }, 50n, bands)).toBe("alert");
    expect(bandFor({ budgetMinor: 100n, consumedMinor: 0n, reservedMinor: 0n }, 91n, bands)).toBe("approval");
    expect(bandFor({ budgetMinor: 100n, consumedMinor: 0n, reservedMinor: 0n }, 100n, bands)).toBe("approval");
    expect(bandFor({ budgetMinor: 100n, consumedMinor: 0n, reservedMinor: 0n }, 101n, bands)).toBe("stop");
  });
  it("a zero budget with any positive amount is past every band; nothing used is ok", () => {
    expect(bandFor({ budgetMinor: 0n, consumedMinor: 0n, reservedMinor: 0n }, 1n)).toBe("stop");
    expect(bandFor({ budgetMinor: 0n, consumedMinor: 0n, reservedMinor: 0n }, 0n)).toBe("ok");
  });
  it("orders the bands", () => {
    expect(bandAtLeast("stop", "approval")).toBe(true);
    expect(bandAtLeast("approval", "alert")).toBe(true);
    expect(bandAtLeast("alert", "approval")).toBe(false);
    expect(bandAtLeast("ok", "alert")).toBe(false);
  });
});

describe("remaining and the stop limit", () => {
  it("remaining = budget − consumed − reserved, negative when overspent", () => {
    expect(remainingMinor({ budgetMinor: 1_000n, consumedMinor: 300n, reservedMinor: 200n })).toBe(500n);
    expect(remainingMinor({ budgetMinor: 1_000n, consumedMinor: 900n, reservedMinor: 200n })).toBe(-100n);
    expect(remainingMinor({ budgetMinor: 0n, consumedMinor: 0n, reservedMinor: 0n })).toBe(0n);
  });
  it("the limit is budget × stop% / 100 rounded down", () => {
    expect(stopLimitMinor(1_000_000n, 110)).toBe(1_100_000n);
    expect(stopLimitMinor(999n, 110)).toBe(1_098n); // 1098.9
    expect(stopLimitMinor(0n, 110)).toBe(0n);
    expect(stopLimitMinor(-999n, 110)).toBe(-1_099n);
  });
  it("describes a refused cell with decimal strings", () => {
    const cell = { id: "c1", period: "2026-12", departmentId: "d1", categoryCode: null, currency: "CNY", budgetMinor: 1_000n, consumedMinor: 600n, reservedMinor: 400n };
    expect(exceededCell(cell, 150n, 110)).toEqual({
      cellId: "c1",
      period: "2026-12",
      departmentId: "d1",
      categoryCode: null,
      currency: "CNY",
      budgetMinor: "1000",
      consumedMinor: "600",
      reservedMinor: "400",
      requestedMinor: "150",
      limitMinor: "1100",
    });
  });
});

describe("budgetApprovers", () => {
  it("keeps each owner once, in order, without the claimant or a missing owner", () => {
    expect(budgetApprovers(["o1", "emp", null, "o2", "o1"], "emp")).toEqual(["o1", "o2"]);
    expect(budgetApprovers([], "emp")).toEqual([]);
  });
});
