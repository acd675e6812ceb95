/**
 * Issue 11, budget administration: a CSV import is previewed row by row and written all or nothing; a
 * cell is set with a BUDGET entry of the difference; a transfer needs a second admin or supervisor, is
 * refused beyond the from-cell's remaining (at request and again at approval, under the locks), and the
 * stored totals always equal the ledger (budget_drift() empty).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import type { Company, Department, User } from "~/generated/prisma/client";
import { budgetDrift } from "~/models/budget-entries.server";
import {
  cancelBudgetTransfer,
  commitBudgetImport,
  decideBudgetTransfer,
  previewBudgetImport,
  requestBudgetTransfer,
  saveBudgetControls,
  setBudgetCell,
} from "~/models/budget-admin.server";
import { listBudgetCells } from "~/models/budget-views.server";
import { prisma } from "~/utils/db.server";
import { createCompany, createDepartment, createUser } from "./helpers";

let company: Company;
let sales: Department;
let rnd: Department;
let admin: User;
let admin2: User;
let supervisor: User;
let outsider: User;
let employee: User;

async function rejection(p: Promise<unknown>): Promise<{ code: string; fieldErrors: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, fieldErrors: err.fieldErrors };
    throw err;
  }
  throw new Error("expected a refusal");
}

async function cell(departmentId: string, period: string, categoryCode: string | null = null) {
  return prisma.budgetCell.findFirstOrThrow({ where: { companyId: company.id, departmentId, period, categoryCode } });
}

beforeAll(async () => {
  await prisma.expenseCategory.upsert({ where: { code: "MEALS" }, update: {}, create: { code: "MEALS", name: "Meals", nameZh: "餐费" } });
  company = await createCompany();
  sales = await createDepartment(company.id, { code: "SALES" });
  rnd = await createDepartment(company.id, { code: "RND" });
  const org = { companyId: company.id, departmentId: sales.id };
  admin = await createUser(org, { roles: ["ADMIN"] });
  admin2 = await createUser(org, { roles: ["ADMIN"] });
  supervisor = await createUser(org, { roles: ["SUPERVISOR"] });
  outsider = await createUser(org, { roles: ["ADMIN"] }); // an admin without this company in user_company
  employee = await createUser(org, { email: `owner-${company.code.toLowerCase()}@test.example`, roles: ["EMPLOYEE", "MANAGER"] });
  await prisma.userCompany.createMany({ data: [admin, admin2, supervisor].map((u) => ({ userId: u.id, companyId: company.id })) });
});

describe("budget CSV import", () => {
  it("previews every row with its error and refuses to write while any row is bad; the fixed file is written in one go", async () => {
    const bad = [
      "company,department,period,category,amount,owner email",
      `${company.code},SALES,2026-12,MEALS,"5,000.00",${employee.email}`,
      `${company.code},RND,2026-12,,80000,`,
      `${company.code},RND,2026-13,,1,`,
    ].join("\n");
    const preview = await previewBudgetImport(admin, bad);
    expect(preview.ok && preview.rows.map((r) => r.errors)).toEqual([[], [], ["bad_period"]]);
    expect((await rejection(commitBudgetImport(admin, bad))).code).toBe("import_has_errors");
    expect(await prisma.budgetCell.count({ where: { companyId: company.id } })).toBe(0);

    // Another admin's companies are not this admin's: the rows name an unknown company for them.
    const foreign = await previewBudgetImport(outsider, bad);
    expect(foreign.ok && foreign.rows[0]!.errors).toEqual(["unknown_company", "unknown_owner"]);

    const good = bad.split("\n").slice(0, 3).join("\n");
    expect(await commitBudgetImport(admin, good)).toEqual({ rows: 2, changed: 2 });
    const meals = await cell(sales.id, "2026-12", "MEALS");
    expect([meals.budgetMinor, meals.ownerId, meals.currency]).toEqual([500_000n, employee.id, "CNY"]);
    expect((await cell(rnd.id, "2026-12")).budgetMinor).toBe(8_000_000n);

    // Importing the same amounts again changes nothing; a new amount is one BUDGET entry of the difference.
    expect(await commitBudgetImport(admin, good)).toEqual({ rows: 2, changed: 0 });
    await commitBudgetImport(admin, good.replace('"5,000.00"', "4500"));
    const entries = await prisma.budgetEntry.findMany({ where: { cellId: meals.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.kind, e.budgetDelta, e.idempotencyKey.startsWith("BUDGET:")])).toEqual([
      ["BUDGET", 500_000n, true],
      ["BUDGET", -50_000n, true],
    ]);
    const audit = await prisma.auditEvent.findMany({ where: { actorId: admin.id, type: "budget.imported" } });
    expect(audit).toHaveLength(3);
    expect(await budgetDrift(prisma)).toEqual([]);
  });

  it("only admins import", async () => {
    expect((await rejection(previewBudgetImport(supervisor, "x"))).code).toBe("forbidden");
    expect((await rejection(commitBudgetImport(supervisor, "x"))).code).toBe("forbidden");
  });
});

describe("setting a cell and the controls", () => {
  it("creates a cell with its budget and owner, changes it with a BUDGET entry, and refuses bad input per field", async () => {
    const { cellId } = await setBudgetCell(admin, { companyId: company.id, departmentId: sales.id, period: "2026-11", categoryCode: null, amountMinor: 1_000_000n, ownerEmail: "" });
    await setBudgetCell(admin, { companyId: company.id, departmentId: sales.id, period: "2026-11", categoryCode: null, amountMinor: 1_200_000n, ownerEmail: employee.email.toUpperCase() });
    const c = await prisma.budgetCell.findUniqueOrThrow({ where: { id: cellId } });
    expect([c.budgetMinor, c.ownerId]).toEqual([1_200_000n, employee.id]);
    expect(await prisma.auditEvent.count({ where: { type: "budget.cell_set", actorId: admin.id } })).toBe(2);

    const bad = await rejection(setBudgetCell(admin, { companyId: company.id, departmentId: sales.id, period: "2026", categoryCode: "NOPE", amountMinor: 1n, ownerEmail: "nobody@x.example" }));
    expect(bad).toEqual({ code: "invalid", fieldErrors: { period: "wrong_period_kind", categoryCode: "unknown_category", ownerEmail: "unknown_owner" } });
    expect((await rejection(setBudgetCell(outsider, { companyId: company.id, departmentId: sales.id, period: "2026-11", categoryCode: null, amountMinor: 1n, ownerEmail: "" }))).code).toBe("not_found");
    expect((await rejection(setBudgetCell(supervisor, { companyId: company.id, departmentId: sales.id, period: "2026-11", categoryCode: null, amountMinor: 1n, ownerEmail: "" }))).code).toBe("forbidden");
  });

  it("saves the bands in order and refuses them out of order", async () => {
    await saveBudgetControls(admin, { companyId: company.id, alertPct: 70, approvalPct: 90, stopPct: 120, budgetPeriod: "MONTH" });
    const saved = await prisma.company.findUniqueOrThrow({ where: { id: company.id } });
    expect([saved.budgetAlertPct, saved.budgetApprovalPct, saved.budgetStopPct]).toEqual([70, 90, 120]);
    expect((await rejection(saveBudgetControls(admin, { companyId: company.id, alertPct: 95, approvalPct: 90, stopPct: 120, budgetPeriod: "MONTH" }))).code).toBe("invalid");
    expect(await prisma.auditEvent.count({ where: { type: "budget.controls_changed", actorId: admin.id } })).toBe(1);
  });
});

describe("budget transfers", () => {
  it("four eyes: the requester cannot approve; another admin or supervisor approves and the entries move the budget", async () => {
    const from = await cell(rnd.id, "2026-12");
    const to = await cell(sales.id, "2026-12", "MEALS");
    const { transferId } = await requestBudgetTransfer(supervisor, { fromCellId: from.id, toCellId: to.id, amountMinor: 100_000n, reason: "Year-end dinners" });
    expect((await rejection(decideBudgetTransfer(supervisor, { transferId, approve: true, note: "" }))).code).toBe("four_eyes");
    expect((await rejection(decideBudgetTransfer(outsider, { transferId, approve: true, note: "" }))).code).toBe("not_found");
    await decideBudgetTransfer(admin, { transferId, approve: true, note: "ok" });
    expect((await cell(rnd.id, "2026-12")).budgetMinor).toBe(8_000_000n - 100_000n);
    expect((await cell(sales.id, "2026-12", "MEALS")).budgetMinor).toBe(450_000n + 100_000n);
    const entries = await prisma.budgetEntry.findMany({ where: { transferId }, orderBy: { idempotencyKey: "asc" } });
    expect(entries.map((e) => [e.idempotencyKey, e.kind, e.budgetDelta])).toEqual([
      [`TRANSFER:${transferId}:in`, "TRANSFER_IN", 100_000n],
      [`TRANSFER:${transferId}:out`, "TRANSFER_OUT", -100_000n],
    ]);
    expect((await rejection(decideBudgetTransfer(admin2, { transferId, approve: true, note: "" }))).code).toBe("not_pending");
    expect(await prisma.auditEvent.count({ where: { type: { in: ["budget.transfer_requested", "budget.transfer_approved"] }, data: { path: ["transferId"], equals: transferId } } })).toBe(2);
  });

  it("refuses a transfer beyond the from-cell's remaining (reservations and pending transfers count), at request and at approval", async () => {
    const from = await cell(sales.id, "2026-12", "MEALS"); // budget 5,500.00
    const to = await cell(rnd.id, "2026-12");
    // Something is reserved in the from-cell: a claim holds 1,000.00 (written as the budget core would).
    const { createClaim } = await import("./helpers");
    const claim = await createClaim(employee);
    await prisma.$executeRaw`INSERT INTO budget_entry (cell_id, kind, reserved_delta, claim_id, claim_line_id, claim_version, idempotency_key) VALUES (${from.id}, 'RESERVE', 100000, ${claim.id}, 'line-1', 1, ${`RESERVE:line-1:${claim.id}`})`;
    const over = await rejection(requestBudgetTransfer(admin, { fromCellId: from.id, toCellId: to.id, amountMinor: 450_001n, reason: "too much" }));
    expect(over).toEqual({ code: "over_remaining", fieldErrors: { amount: "over_remaining" } });

    const { transferId: first } = await requestBudgetTransfer(admin, { fromCellId: from.id, toCellId: to.id, amountMinor: 300_000n, reason: "half" });
    // The pending 3,000.00 counts against the next request.
    expect((await rejection(requestBudgetTransfer(admin2, { fromCellId: from.id, toCellId: to.id, amountMinor: 150_001n, reason: "rest" }))).code).toBe("over_remaining");
    // Spent in the meantime (more reserved): approval re-checks under the lock and refuses.
    await prisma.$executeRaw`INSERT INTO budget_entry (cell_id, kind, reserved_delta, claim_id, claim_line_id, claim_version, idempotency_key) VALUES (${from.id}, 'RESERVE', 200000, ${claim.id}, 'line-2', 1, ${`RESERVE:line-2:${claim.id}`})`;
    expect((await rejection(decideBudgetTransfer(admin2, { transferId: first, approve: true, note: "" }))).code).toBe("over_remaining");
    expect((await prisma.budgetTransfer.findUniqueOrThrow({ where: { id: first } })).status).toBe("PENDING");
    // The requester may cancel it; nobody else may.
    expect((await rejection(cancelBudgetTransfer(admin2, { transferId: first }))).code).toBe("not_found");
    await cancelBudgetTransfer(admin, { transferId: first });
    expect((await prisma.budgetTransfer.findUniqueOrThrow({ where: { id: first } })).status).toBe("CANCELLED");
    // A rejection writes no entry.
    const { transferId: second } = await requestBudgetTransfer(admin, { fromCellId: from.id, toCellId: to.id, amountMinor: 1_000n, reason: "small" });
    await decideBudgetTransfer(supervisor, { transferId: second, approve: false, note: "not now" });
    expect(await prisma.budgetEntry.count({ where: { transferId: second } })).toBe(0);
    expect(await budgetDrift(prisma)).toEqual([]);
  });
});

describe("who sees which cells", () => {
  it("admins and supervisors see their companies; a manager the departments they head or whose people report to them", async () => {
    const manager = await createUser({ companyId: company.id, departmentId: rnd.id }, { roles: ["MANAGER"] });
    await createUser({ companyId: company.id, departmentId: sales.id }, { managerId: manager.id });
    const head = await createUser({ companyId: company.id, departmentId: rnd.id }, { roles: ["MANAGER"] });
    await prisma.department.update({ where: { id: rnd.id }, data: { headId: head.id } });

    const bySupervisor = await listBudgetCells(supervisor, { year: "2026" });
    expect(new Set(bySupervisor.cells.map((c) => c.departmentId))).toEqual(new Set([sales.id, rnd.id]));
    const byManager = await listBudgetCells(manager, { year: "2026" });
    expect(new Set(byManager.cells.map((c) => c.departmentId))).toEqual(new Set([sales.id]));
    const byHead = await listBudgetCells(head, { year: "2026" });
    expect(new Set(byHead.cells.map((c) => c.departmentId))).toEqual(new Set([rnd.id]));
    expect((await listBudgetCells(outsider, { year: "2026" })).cells).toEqual([]);
    expect((await listBudgetCells(employee, { year: "2026" })).cells).toEqual([]);
    // A filter outside the viewer's scope shows nothing rather than someone else's cells.
    expect((await listBudgetCells(manager, { year: "2026", departmentId: rnd.id })).cells).toEqual([]);
  });
});
