import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import type { User } from "~/generated/prisma/client";
import { AppError } from "~/domain/app-error";
import { closeMonth, recomputeClosedMonth } from "~/models/pay-month-close.server";
import { deleteRate, saveRate } from "~/models/pay-rates.server";
import { computeMonthStatements, operatorStatement } from "~/models/pay-statements.server";
import { monthScorecards } from "~/models/scorecard.server";
import { loader as exportLoader } from "~/routes/pay.export";
import { loader as payLoader } from "~/routes/pay._index";
import { action as ratesAction } from "~/routes/pay.rates";
import { prisma } from "~/utils/db.server";
import { createClaim, createClaimant, createUser, sessionCookie } from "./helpers";
import { truncateAppTables } from "./integration-setup";

async function get(fn: (args: LoaderFunctionArgs) => Promise<unknown>, url: string, user: User): Promise<unknown> {
  const request = new Request(`http://localhost${url}`, { headers: { Cookie: await sessionCookie(user.id), Accept: "text/html" } });
  try {
    return await fn({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function post(fn: (args: ActionFunctionArgs) => Promise<unknown>, url: string, user: User, fields: Record<string, string>): Promise<unknown> {
  const request = new Request(`http://localhost${url}`, { method: "POST", headers: { Cookie: await sessionCookie(user.id) }, body: new URLSearchParams(fields) });
  try {
    return await fn({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function payError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

const at = (iso: string) => new Date(iso);

describe("piece-rate pay from task and qa_check rows", () => {
  let a: User; // accountant 王小明
  let b: User; // accountant 李娜
  let qa: User;
  let supervisor: User;
  let groupId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Closing a month and the statements cover every operator and rate in the database: start from an
    // empty one, whatever the integration files before this one left behind.
    await truncateAppTables(process.env.DATABASE_URL!);
    const { company, department, user: claimant } = await createClaimant();
    const org = { companyId: company.id, departmentId: department.id };
    a = await createUser(org, { name: "王小明", roles: ["EMPLOYEE", "ACCOUNTANT"] });
    b = await createUser(org, { name: "李娜", roles: ["EMPLOYEE", "ACCOUNTANT"] });
    qa = await createUser(org, { name: "梁雪梅", roles: ["EMPLOYEE", "QA"] });
    supervisor = await createUser(org, { name: "周海燕", roles: ["EMPLOYEE", "SUPERVISOR"] });
    groupId = randomUUID();
    await prisma.processingGroup.create({ data: { id: groupId, code: `G${groupId.slice(0, 6)}`, name: "Travel", nameZh: "差旅组" } });

    for (const input of [
      { taskType: "REVIEW", band: "S", points: "1", validFrom: "2026-01-01" },
      { taskType: "REVIEW", band: "M", points: "1.50", validFrom: "2026-01-01" },
      { taskType: "QA", band: "S", points: "0.8", validFrom: "2026-01-01" },
    ]) await saveRate({ actorId: supervisor.id, kind: "piece", input });
    await saveRate({ actorId: supervisor.id, kind: "deduction", input: { severity: "minor", points: "0.5", validFrom: "2026-01-01" } });
    await saveRate({ actorId: supervisor.id, kind: "pointValue", input: { amount: "2.50", currency: "cny", validFrom: "2026-01-01" } });

    const c1 = await createClaim(claimant);
    const c2 = await createClaim(claimant);
    const c3 = await createClaim(claimant);
    const task = async (key: string, data: Record<string, unknown>) => {
      ids[key] = randomUUID();
      await prisma.task.create({ data: { id: ids[key]!, claimVersion: 1, groupId, ...data } as never });
    };
    // March 2026, Shanghai time. A: an approved S review within SLA (30 min), a returned M review at
    // 23:59 on 31 March that missed its SLA (59 min); an S review at 00:30 on 1 April (April's work).
    await task("a1", { claimId: c1.id, type: "REVIEW", status: "DONE", assigneeId: a.id, complexity: "S", startedAt: at("2026-03-10T01:30:00Z"), finishedAt: at("2026-03-10T02:00:00Z"), slaDueAt: at("2026-03-10T08:00:00Z"), outcome: "approved" });
    await task("a2", { claimId: c2.id, type: "REVIEW", status: "DONE", assigneeId: a.id, complexity: "M", startedAt: at("2026-03-31T15:00:00Z"), finishedAt: at("2026-03-31T15:59:00Z"), slaDueAt: at("2026-03-31T10:00:00Z"), outcome: "returned" });
    await task("a3", { claimId: c3.id, type: "REVIEW", status: "DONE", assigneeId: a.id, complexity: "S", startedAt: at("2026-03-31T16:10:00Z"), finishedAt: at("2026-03-31T16:30:00Z"), outcome: "approved" });
    // Not paid: in progress, and a manager approval.
    await task("a4", { claimId: c3.id, type: "REVIEW", status: "IN_PROGRESS", assigneeId: a.id, complexity: "L", startedAt: at("2026-03-12T01:00:00Z") });
    await task("m1", { claimId: c1.id, type: "MANAGER_APPROVAL", status: "DONE", assigneeId: a.id, groupId: null, finishedAt: at("2026-03-09T01:00:00Z"), outcome: "approved" });
    // The claimant resubmitted c2 unchanged; B approved it on its next review in April: A's return was overturned.
    await task("b2", { claimId: c2.id, type: "REVIEW", status: "DONE", assigneeId: b.id, complexity: "M", createdAt: at("2026-04-02T01:00:00Z"), startedAt: at("2026-04-02T02:00:00Z"), finishedAt: at("2026-04-02T02:10:00Z"), outcome: "approved" });
    // B's and Q's QA work on A's reviews: one error (minor) recorded 20 March, one pass.
    await task("q1", { claimId: c1.id, type: "QA", status: "DONE", assigneeId: b.id, groupId: null, complexity: "S", startedAt: at("2026-03-20T02:50:00Z"), finishedAt: at("2026-03-20T03:00:00Z"), outcome: "error" });
    await task("q2", { claimId: c2.id, type: "QA", status: "DONE", assigneeId: qa.id, groupId: null, complexity: "S", startedAt: at("2026-03-21T02:00:00Z"), finishedAt: at("2026-03-21T02:04:00Z"), outcome: "pass" });
    await prisma.qaCheck.create({ data: { id: randomUUID(), qaTaskId: ids.q1!, reviewTaskId: ids.a1!, claimId: c1.id, operatorId: a.id, stratum: "base", sampleRateBp: 500, reviewerId: b.id, outcome: "error", errorType: "wrong_amount", severity: "minor", checkedAt: at("2026-03-20T03:00:00Z") } });
    await prisma.qaCheck.create({ data: { id: randomUUID(), qaTaskId: ids.q2!, reviewTaskId: ids.a2!, claimId: c2.id, operatorId: a.id, stratum: "base", sampleRateBp: 500, reviewerId: qa.id, outcome: "pass", checkedAt: at("2026-03-21T02:04:00Z") } });
  });

  it("computes each operator's statement from the task and qa_check rows, by Shanghai dates", async () => {
    const all = await computeMonthStatements({ month: "2026-03" });
    const byId = new Map(all.map((s) => [s.operator.id, s.statement]));
    expect(byId.has(supervisor.id)).toBe(false); // not an operator, did no paid work
    const sa = byId.get(a.id)!;
    expect(sa.lines).toEqual([
      { taskType: "REVIEW", band: "S", pieces: 1, pointsHundredths: 100 },
      { taskType: "REVIEW", band: "M", pieces: 1, pointsHundredths: 150 },
    ]);
    expect(sa.deductions).toEqual([{ severity: "minor", errors: 1, pointsHundredths: 50 }]);
    expect(sa.netPointsHundredths).toBe(200);
    expect(sa.amount).toEqual({ minor: 500n, currency: "CNY" });
    expect(byId.get(b.id)!.amount.minor).toBe(200n); // one QA S check: 0.80 × 2.50
    expect(byId.get(qa.id)!.pieces).toBe(1);
    // April holds A's 00:30 review and B's approval of the resubmitted claim.
    const april = await operatorStatement({ month: "2026-04", operatorId: a.id });
    expect(april.entry.statement.pieces).toBe(1);
    const single = await operatorStatement({ month: "2026-03", operatorId: a.id });
    expect(single.entry.statement).toEqual(sa);
  });

  it("scores quantity, quality, efficiency and service per operator and per group", async () => {
    const { operators, groups } = await monthScorecards({ month: "2026-03" });
    const sa = operators.find((o) => o.id === a.id)!;
    expect(sa).toMatchObject({ pieces: 2, checked: 2, errors: 1, slaTotal: 2, slaMet: 1, returns: 1, overturned: 1 });
    // a1 met its SLA due time, a2 missed it.
    expect(sa.medianReviewSeconds).toBe((30 * 60 + 59 * 60) / 2);
    const sb = operators.find((o) => o.id === b.id)!;
    expect(sb).toMatchObject({ pieces: 1, medianQaSeconds: 600, medianReviewSeconds: null, checked: 0 });
    const g = groups.find((x) => x.id === groupId)!;
    expect(g).toMatchObject({ pieces: 2, checked: 2, errors: 1, returns: 1, overturned: 1 });
    expect(groups.find((x) => x.id === "")).toMatchObject({ pieces: 2, nameZh: "未分组" });
  });

  it("refuses to close a running month or one whose work has no rate, and leaves nothing behind", async () => {
    expect((await payError(closeMonth({ month: "2026-03", actorId: supervisor.id, now: at("2026-03-31T15:00:00Z") }))).code).toBe("month_not_over");
    const { user: claimant } = await createClaimant();
    const old = await createClaim(claimant);
    await prisma.task.create({ data: { id: randomUUID(), claimId: old.id, claimVersion: 1, type: "REVIEW", status: "DONE", assigneeId: a.id, complexity: "S", finishedAt: at("2025-12-15T03:00:00Z"), outcome: "approved" } });
    expect((await payError(closeMonth({ month: "2025-12", actorId: supervisor.id }))).code).toBe("missing_rates");
    expect(await prisma.payPeriod.count({ where: { month: "2025-12" } })).toBe(0);
  });

  it("closes a month in one transaction with its audit event; recomputing gives the same amounts after new rates", async () => {
    const closed = await closeMonth({ month: "2026-03", actorId: supervisor.id });
    // A 5.00 + B 2.00 + Q 2.00 (one QA S check each for B and Q).
    expect(closed).toEqual({ operators: 3, total: 900n, currency: "CNY" });
    const stored = await prisma.payStatement.findUnique({ where: { month_operatorId: { month: "2026-03", operatorId: a.id } } });
    expect(stored).toMatchObject({ pieces: 2, netPointsHundredths: 200n, amountMinor: 500n, currency: "CNY" });
    const audit = await prisma.auditEvent.findFirst({ where: { type: "pay.month_closed", actorId: supervisor.id }, orderBy: { id: "desc" } });
    expect(audit?.data).toMatchObject({ month: "2026-03" });
    expect((await payError(closeMonth({ month: "2026-03", actorId: supervisor.id }))).code).toBe("already_closed");

    expect(await recomputeClosedMonth({ month: "2026-03" })).toEqual({ matches: true, differences: [] });
    // Rates cannot start inside or before the closed month, nor can its rates be deleted…
    const inside = await payError(saveRate({ actorId: supervisor.id, kind: "piece", input: { taskType: "REVIEW", band: "S", points: "9", validFrom: "2026-03-15" } }));
    expect(inside.fieldErrors).toEqual({ validFrom: "closed_period" });
    const oldRate = await prisma.pieceRate.findFirstOrThrow({ where: { taskType: "REVIEW", band: "S" } });
    expect((await payError(deleteRate({ actorId: supervisor.id, kind: "piece", id: oldRate.id }))).code).toBe("closed_period");
    // …but new rates from April on are fine, and March recomputes to the same amounts.
    await saveRate({ actorId: supervisor.id, kind: "piece", input: { taskType: "REVIEW", band: "S", points: "9.99", validFrom: "2026-04-01" } });
    await saveRate({ actorId: supervisor.id, kind: "pointValue", input: { amount: "10", currency: "CNY", validFrom: "2026-04-01" } });
    expect(await recomputeClosedMonth({ month: "2026-03" })).toEqual({ matches: true, differences: [] });
    expect((await operatorStatement({ month: "2026-04", operatorId: a.id })).entry.statement.amount.minor).toBe(9990n);

    // A task row changed behind the month's back shows up as a difference (the stored amount stays). A's S
    // review credited to B (a task's complexity is fixed at creation, decision 038; its assignee is not):
    // A 1.50 − 0.50 = 1.00 point, B 0.80 + 1.00 = 1.80.
    await prisma.task.update({ where: { id: ids.a1! }, data: { assigneeId: b.id } });
    const check = await recomputeClosedMonth({ month: "2026-03" });
    expect(check.matches).toBe(false);
    expect(check.differences).toContainEqual(expect.objectContaining({ operatorId: a.id, field: "amountMinor", stored: "500", recomputed: "250" }));
    expect(check.differences).toContainEqual(expect.objectContaining({ operatorId: b.id, field: "amountMinor", stored: "200", recomputed: "450" }));
    expect((await operatorStatement({ month: "2026-03", operatorId: a.id })).entry.statement.amount.minor).toBe(500n);
    await prisma.task.update({ where: { id: ids.a1! }, data: { assigneeId: a.id } });
    expect((await recomputeClosedMonth({ month: "2026-03" })).matches).toBe(true);
  });

  it("prices each side of a rate change inside a month at its own rate (Shanghai midnight is the cut)", async () => {
    await saveRate({ actorId: supervisor.id, kind: "piece", input: { taskType: "REVIEW", band: "S", points: "2", validFrom: "2026-05-15" } });
    const { user: claimant } = await createClaimant();
    const claim = await createClaim(claimant);
    for (const finishedAt of ["2026-05-14T15:59:00Z", "2026-05-14T16:00:00Z", "2026-05-20T03:00:00Z"]) {
      await prisma.task.create({ data: { id: randomUUID(), claimId: claim.id, claimVersion: 1, type: "REVIEW", status: "DONE", assigneeId: b.id, complexity: "S", finishedAt: at(finishedAt), outcome: "approved" } });
    }
    const { entry } = await operatorStatement({ month: "2026-05", operatorId: b.id });
    // 14 May 23:59 at 9.99 (from 1 April); 15 May 00:00 and 20 May at 2.00; one point = 10.00 CNY.
    expect(entry.statement.lines).toEqual([{ taskType: "REVIEW", band: "S", pieces: 3, pointsHundredths: 999 + 200 + 200 }]);
    expect(entry.statement.amount).toEqual({ minor: 13990n, currency: "CNY" });
    const all = await computeMonthStatements({ month: "2026-05" });
    expect(all.find((s) => s.operator.id === b.id)!.statement).toEqual(entry.statement);
  });

  it("validates rates field by field and audits each change", async () => {
    const bad = await payError(saveRate({ actorId: supervisor.id, kind: "piece", input: { taskType: "MANAGER_APPROVAL", band: "XXL", points: "1.234", validFrom: "2026-02-30" } }));
    expect(bad.fieldErrors).toEqual({ taskType: "invalid_choice", band: "invalid_choice", points: "invalid_points", validFrom: "invalid_date" });
    const money = await payError(saveRate({ actorId: supervisor.id, kind: "pointValue", input: { amount: "1.234", currency: "CNY", validFrom: "2026-06-01" } }));
    expect(money.fieldErrors).toEqual({ amount: "too_many_decimals" });
    const currency = await payError(saveRate({ actorId: supervisor.id, kind: "pointValue", input: { amount: "1", currency: "XYZ1", validFrom: "2026-06-01" } }));
    expect(currency.fieldErrors).toEqual({ currency: "invalid_currency" });
    const hkd = await payError(saveRate({ actorId: supervisor.id, kind: "pointValue", input: { amount: "3", currency: "HKD", validFrom: "2026-06-01" } }));
    expect(hkd.fieldErrors).toEqual({ currency: "currency_mismatch" });
    const dup = await payError(saveRate({ actorId: supervisor.id, kind: "deduction", input: { severity: "minor", points: "1", validFrom: "2026-01-01" } }));
    expect(dup.fieldErrors.validFrom).toMatch(/closed_period|duplicate/);
    const { id } = await saveRate({ actorId: supervisor.id, kind: "deduction", input: { severity: "critical", points: "10", validFrom: "2026-06-01" } });
    expect((await payError(saveRate({ actorId: supervisor.id, kind: "deduction", input: { severity: "critical", points: "12", validFrom: "2026-06-01" } }))).fieldErrors).toEqual({ validFrom: "duplicate" });
    await saveRate({ actorId: supervisor.id, kind: "deduction", id, input: { severity: "critical", points: "12", validFrom: "2026-06-01" } });
    expect((await prisma.qualityDeduction.findUniqueOrThrow({ where: { id } })).pointsHundredths).toBe(1200);
    await deleteRate({ actorId: supervisor.id, kind: "deduction", id });
    const events = await prisma.auditEvent.findMany({ where: { type: { startsWith: "pay.rate_" }, data: { path: ["id"], equals: id } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["pay.rate_created", "pay.rate_updated", "pay.rate_deleted"]);
  });

  it("exports the month as a UTF-8 CSV with a BOM, a header and one row per operator", async () => {
    const res = (await get(exportLoader, "/pay/export?month=2026-03", supervisor)) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toContain("payroll-2026-03.csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split("\r\n");
    expect(lines[0]).toBe("month,status,operator_email,operator_name,pieces,gross_points,deduction_points,net_points,amount,currency");
    expect(lines).toContain(`2026-03,closed,${a.email},王小明,2,2.50,0.50,2.00,5.00,CNY`);
    expect(lines).toContain(`2026-03,closed,${b.email},李娜,1,0.80,0.00,0.80,2.00,CNY`);
    const operatorRows = await prisma.payStatement.count({ where: { month: "2026-03" } });
    expect(lines.length).toBe(1 + operatorRows);
    // An accountant cannot download payroll.
    expect(((await get(exportLoader, "/pay/export?month=2026-03", a)) as Response).status).toBe(403);
    expect(((await get(exportLoader, "/pay/export?month=2026-3", supervisor)) as Response).status).toBe(400);
  });

  it("shows an accountant only their own statement; supervisors see everyone", async () => {
    const own = (await get(payLoader, "/pay?month=2026-03", a)) as { detail: { operator: { id: string }; amountMinor: string }; rows: unknown[] };
    expect(own.detail.operator.id).toBe(a.id);
    expect(own.detail.amountMinor).toBe("500");
    expect(own.rows).toEqual([]);
    expect(((await get(payLoader, `/pay?month=2026-03&operator=${b.id}`, a)) as Response).status).toBe(403);
    const { user: employee } = await createClaimant();
    expect(((await get(payLoader, "/pay?month=2026-03", employee)) as Response).status).toBe(403);
    const all = (await get(payLoader, `/pay?month=2026-03&operator=${b.id}`, supervisor)) as { rows: { operator: { id: string } }[]; detail: { operator: { id: string } }; check: { matches: boolean } };
    expect(all.rows.map((r) => r.operator.id)).toEqual(expect.arrayContaining([a.id, b.id, qa.id]));
    expect(all.detail.operator.id).toBe(b.id);
    expect(all.check.matches).toBe(true);
    expect(((await get(payLoader, `/pay?month=2026-03&operator=${randomUUID()}`, supervisor)) as Response).status).toBe(404);
    // Rates: supervisors read, only admins write.
    const fields = { intent: "save", kind: "piece", taskType: "QA", band: "M", points: "0.9", validFrom: "2026-07-01" };
    expect(((await post(ratesAction, "/pay/rates", supervisor, fields)) as Response).status).toBe(403);
    const org = { companyId: supervisor.companyId, departmentId: supervisor.departmentId };
    const admin = await createUser(org, { roles: ["EMPLOYEE", "ADMIN"] });
    const saved = (await post(ratesAction, "/pay/rates", admin, fields)) as Response;
    expect(saved.status).toBe(302);
    expect(await prisma.pieceRate.count({ where: { taskType: "QA", band: "M", validFrom: new Date("2026-07-01") } })).toBe(1);
    expect(await post(ratesAction, "/pay/rates", admin, { ...fields, points: "x" })).toMatchObject({ status: "error", error: { points: ["invalid_points"] } });
  });
});
