/**
 * Issue 11, the claim form's budget note (budgetLineNotes, behind /budgets/preview) and the VAT fields
 * on claim lines: a line's cell is its category's, else the department's all-categories cell; foreign
 * amounts count in the company currency; the band counts every line of the claim in the same cell; only
 * a company and department of the caller's profile are answered. saveClaim stores the invoice kind, tax,
 * transport mode and the claim's project code.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import type { Company, Department, User } from "~/generated/prisma/client";
import { setBudgetCell } from "~/models/budget-admin.server";
import { budgetLineNotes } from "~/models/budget-views.server";
import { saveClaim } from "~/models/claim-commands.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser } from "./helpers";

let company: Company;
let sales: Department;
let other: Department;
let employee: User;
let admin: User;

beforeAll(async () => {
  for (const [code, name, nameZh] of [
    ["MEAL", "Meals", "餐费"],
    ["TAXI", "Taxi", "出租车"],
    ["RAIL", "Train", "火车票"],
  ] as const) {
    await prisma.expenseCategory.upsert({ where: { code }, update: {}, create: { code, name, nameZh } });
  }
  company = await createCompany();
  sales = await createDepartment(company.id, { name: "Sales", nameZh: "销售部" });
  other = await createDepartment(company.id);
  employee = await createUser({ companyId: company.id, departmentId: sales.id });
  admin = await createUser({ companyId: company.id, departmentId: sales.id }, { roles: ["ADMIN"] });
  await prisma.userCompany.create({ data: { userId: admin.id, companyId: company.id } });
  const set = (categoryCode: string | null, amountMinor: bigint) =>
    setBudgetCell(admin, { companyId: company.id, departmentId: sales.id, period: "2026-11", categoryCode, amountMinor, ownerEmail: "" });
  await set(null, 100_000n); // 1,000.00 for all categories
  await set("MEAL", 10_000n); // 100.00 for meals
  await prisma.exchangeRate.create({ data: { base: "USD", quote: "CNY", validOn: new Date("2026-11-01T00:00:00Z"), rate: "7.10000000" } });
});

const line = (categoryCode: string, amountMinor: bigint, currency = "CNY", spentOn = "2026-11-05") => ({ categoryCode, spentOn, amountMinor, currency });

describe("budgetLineNotes", () => {
  it("finds the category's cell, else the all-categories cell; counts the claim's lines per cell for the band", async () => {
    const notes = await budgetLineNotes(employee, {
      companyId: company.id,
      departmentId: sales.id,
      lines: [line("MEAL", 8_500n), line("TAXI", 50_000n), line("RAIL", 1_000n, "USD"), line("TAXI", 0n, "CNY", "2026-10-30"), line("", 1n)],
    });
    expect(notes.map((n) => (n.kind === "cell" ? [n.categoryCode, n.remainingMinor, n.requestedMinor, n.band] : n.kind))).toEqual([
      ["MEAL", 10_000n, 8_500n, "alert"],
      // 500.00 + 10.00 USD at 7.1 = 71.00: 571.00 of 1,000.00 is below the alert band.
      [null, 100_000n, 57_100n, "ok"],
      [null, 100_000n, 57_100n, "ok"],
      // October has no cell; a line without a category has none either.
      "none",
      "none",
    ]);
    const taxi = notes[1]!;
    expect(taxi.kind === "cell" && [taxi.departmentName, taxi.departmentNameZh, taxi.period]).toEqual(["Sales", "销售部", "2026-11"]);
  });

  it("says when a foreign line has no rate, and shows the stop band beyond the hard stop", async () => {
    const notes = await budgetLineNotes(employee, { companyId: company.id, departmentId: sales.id, lines: [line("TAXI", 100n, "JPY"), line("TAXI", 111_000n)] });
    expect(notes[0]).toEqual({ kind: "no_rate", currency: "JPY" });
    expect(notes[1]!.kind === "cell" && notes[1]!.band).toBe("stop");
  });

  it("answers only for a company and department of the caller's profile", async () => {
    const refused = await budgetLineNotes(employee, { companyId: company.id, departmentId: other.id, lines: [line("TAXI", 1n)] }).catch((e: unknown) => e);
    expect(isAppError(refused, "not_found")).toBe(true);
  });
});

describe("the VAT fields and the project code through saveClaim", () => {
  it("stores the invoice kind, the tax, a ticket's mode and the project; a later save without a project leaves it", async () => {
    const claim = await createClaim(employee);
    const input = {
      purpose: "Trip",
      companyId: company.id,
      departmentId: sales.id,
      projectCode: "PRJ-7",
      lines: [
        { spentOn: "2026-11-03", categoryCode: "RAIL", merchant: "12306", amountMinor: 55_300n, currency: "CNY", note: "", receiptIds: [], invoiceKind: "TRANSPORT_TICKET" as const, taxMinor: null, transportMode: "RAIL" as const },
        { spentOn: "2026-11-03", categoryCode: "MEAL", merchant: "Hotel", amountMinor: 10_600n, currency: "CNY", note: "", receiptIds: [], invoiceKind: "SPECIAL_VAT" as const, taxMinor: 600n, transportMode: "AIR" as const },
      ],
    };
    const saved = await saveClaim({ viewer: employee, claimId: claim.id, version: claim.version, input, submit: false });
    const rows = await prisma.claimLine.findMany({ where: { claimId: claim.id }, orderBy: { position: "asc" } });
    expect(rows.map((r) => [r.invoiceKind, r.taxMinor, r.transportMode])).toEqual([
      ["TRANSPORT_TICKET", null, "RAIL"],
      // A mode belongs to a ticket only.
      ["SPECIAL_VAT", 600n, null],
    ]);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).projectCode).toBe("PRJ-7");
    const { projectCode: _p, ...withoutProject } = input;
    await saveClaim({ viewer: employee, claimId: claim.id, version: saved.version, input: { ...withoutProject, lines: [{ ...input.lines[0]!, id: undefined }] }, submit: false });
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).projectCode).toBe("PRJ-7");
  });
});
