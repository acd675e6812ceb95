/**
 * The simulator against the integration database: a small organisation of its own, a few simulated
 * hours at high speed, routing run in-process exactly as the routing worker runs it. Everything the
 * bots did must have gone through the app's paths: claims filed with stored receipts, approved by the
 * claimant's manager, routed, taken with Next and decided — each step with its audit event. With QA
 * sampling at 100% and every bot decision wrong, the QA bot records those errors through QA Next and
 * the QA check, with their audit events.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS, taskEventKey } from "~/domain/jobs";
import { QA_ERROR_TYPES, QA_SEVERITIES } from "~/domain/qa-sampling";
import type { Company, User } from "~/generated/prisma/client";
import { runRouteClaim } from "~/jobs/route-claim";
import { saveQaSettings } from "~/models/qa-settings.server";
import { prisma } from "~/utils/db.server";
import { originalPath } from "~/utils/storage.server";
import { DEFAULT_OPTIONS, DEFAULT_RATES } from "../scripts/simulate/model";
import { runSimulation } from "../scripts/simulate/run";
import { createCompany, createDepartment, createUser, keepQaSettings } from "./helpers";

const CATEGORIES = ["AIR", "RAIL", "TAXI", "HOTEL", "MEAL", "ENTERTAIN", "OFFICE", "COMM", "TRAINING", "OTHER"];
const REASONS = ["MISSING_RECEIPT", "ILLEGIBLE", "OVER_LIMIT", "AMOUNT_MISMATCH", "DUPLICATE", "MISSING_INFO"];

type Org = { company: Company; manager: User; employees: User[]; accountants: User[]; groupId: string };

async function createOrg(): Promise<Org> {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: department.id };
  const manager = await createUser(org, { roles: ["EMPLOYEE", "MANAGER"] });
  const employees = await Promise.all([0, 1, 2].map(() => createUser(org, { managerId: manager.id })));
  const code = `SIM${randomUUID().slice(0, 6).toUpperCase()}`;
  const groupId = randomUUID();
  await prisma.processingGroup.create({ data: { id: groupId, code, name: `Sim ${code}`, nameZh: `模拟 ${code}`, slaMinutes: 480 } });
  const accountants = await Promise.all([0, 1].map(() => createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"], managerId: manager.id })));
  await prisma.groupMember.createMany({ data: accountants.map((a) => ({ groupId, userId: a.id })) });
  // This company's claims go to this group whatever other tests left in the rules table.
  await prisma.routingRule.create({ data: { id: randomUUID(), position: -1_000_000 + Math.floor(Math.random() * 1000), name: `Sim ${code}`, groupId, conditions: { companyIds: [company.id] } } });
  await prisma.expenseCategory.createMany({ data: CATEGORIES.map((c, i) => ({ code: c, name: c, nameZh: c, sortOrder: i })), skipDuplicates: true });
  await prisma.returnReason.createMany({ data: REASONS.map((c, i) => ({ code: c, name: c, nameZh: c, sortOrder: i })), skipDuplicates: true });
  await prisma.returnReason.updateMany({ where: { code: { in: REASONS } }, data: { active: true } });
  return { company, manager, employees, accountants, groupId };
}

/** The routing worker's job, in-process: every pending routing outbox row is routed as the worker would. */
function routeInProcess(): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const pending = await prisma.outboxEvent.findMany({ where: { queue: "routing", status: "PENDING" }, select: { payload: true }, take: 50 });
      for (const row of pending) await runRouteClaim(JOBS.routeClaim.payload.parse(row.payload));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe("npm run simulate", () => {
  let org: Org;
  let router: { stop: () => Promise<void> };
  beforeAll(async () => {
    org = await createOrg();
    router = routeInProcess();
  });
  afterAll(async () => {
    await router.stop();
  });

  it("files, approves, routes, takes and decides claims through the app's own paths", async () => {
    const lines: string[] = [];
    const stats = await runSimulation({
      ...DEFAULT_OPTIONS,
      speed: 600, // ten simulated minutes a second: 18 s in all
      hours: 3,
      arrivalsPerHour: 5,
      seed: 42,
      accountants: null,
      startHour: 9,
      companyId: org.company.id,
      receiptWidthPx: 420,
      rates: { ...DEFAULT_RATES, managerReturnRate: 0.15, returnRate: 0.25, fixRate: 1 },
      log: (line) => lines.push(line),
    });
    // Whatever was still in the queue when the simulation ended is routed before we look.
    await new Promise((r) => setTimeout(r, 500));

    expect(stats.errors, lines.join("\n")).toBe(0);
    expect(stats.submitted).toBeGreaterThan(5);
    expect(lines.filter((l) => /^\[simulate 1[0-2]:00\] submitted \d+/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^\[simulate\] done: \d+ claims submitted/);

    const claimRows = await prisma.claim.findMany({
      where: { companyId: org.company.id },
      include: { receipts: { include: { file: true, lines: true } }, tasks: true },
    });
    // The audit log has no relation to the claim (it outlives a discarded draft): read it by claim id.
    const events = await prisma.auditEvent.findMany({ where: { claimId: { in: claimRows.map((c) => c.id) } }, orderBy: { id: "asc" } });
    const claims = claimRows.map((c) => ({ ...c, auditEvents: events.filter((e) => e.claimId === c.id) }));
    expect(claims.length).toBe(stats.submitted);
    const employeeIds = new Set(org.employees.map((e) => e.id));
    const accountantIds = new Set(org.accountants.map((a) => a.id));
    for (const claim of claims) {
      const types = claim.auditEvents.map((e) => e.type);
      expect(employeeIds.has(claim.claimantId)).toBe(true);
      // Filed as the claim page files: draft, receipts uploaded and stored by content hash, submitted.
      expect(types.slice(0, 2)).toEqual(["claim.created", "receipt.added"]);
      expect(types).toContain("claim.submitted");
      expect(claim.receipts.length).toBeGreaterThan(0);
      for (const r of claim.receipts) {
        expect(r.lines.length).toBe(1);
        expect(r.file.mimeType).toBe("image/jpeg");
        await expect(fs.stat(originalPath(r.file.sha256))).resolves.toBeTruthy();
      }
      expect(await prisma.outboxEvent.count({ where: { queue: "imaging", jobKey: { in: claim.receipts.map((r) => `imaging-${r.file.sha256}`) } } })).toBe(new Set(claim.receipts.map((r) => r.file.sha256)).size);
      // Every manager decision is the claimant's manager's; every review is one of the group's accountants'.
      for (const t of claim.tasks.filter((t) => t.type === "MANAGER_APPROVAL" && t.status === "DONE")) expect(t.assigneeId).toBe(org.manager.id);
      for (const t of claim.tasks.filter((t) => t.type === "REVIEW")) {
        expect(t.groupId).toBe(org.groupId);
        if (t.status !== "OPEN") expect(accountantIds.has(t.assigneeId!)).toBe(true);
      }
    }

    const all = claims.flatMap((c) => c.auditEvents.map((e) => e.type));
    const count = (type: string) => all.filter((t) => t === type).length;
    expect(count("claim.submitted")).toBe(stats.submitted);
    expect(count("claim.manager_approved")).toBe(stats.managerApproved);
    expect(count("claim.manager_approved")).toBeGreaterThan(0);
    expect(count("claim.routed")).toBeGreaterThan(0);
    expect(count("claim.review_started")).toBe(stats.taken);
    expect(count("claim.review_started"), lines.join("\n")).toBeGreaterThan(0);
    expect(count("claim.approved") + count("claim.returned") - stats.managerReturned + count("claim.rejected")).toBe(stats.decided);
    expect(stats.decided).toBeGreaterThan(0);
    expect(count("claim.resubmitted")).toBe(stats.resubmitted);
    // Every review task's transitions were announced to the metrics queue in their transactions.
    const reviewTasks = claims.flatMap((c) => c.tasks.filter((t) => t.type === "REVIEW"));
    const expectedKeys = reviewTasks.flatMap((t) => [
      taskEventKey(t.id, "created"),
      ...(t.startedAt ? [taskEventKey(t.id, "started")] : []),
      ...(t.status === "DONE" ? [taskEventKey(t.id, "finished")] : []),
    ]);
    expect(await prisma.outboxEvent.count({ where: { queue: "metrics", jobKey: { in: expectedKeys } } })).toBe(expectedKeys.length);
  });

  it("stops cleanly when aborted, leaving nothing half done", async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const started = Date.now();
    setTimeout(() => controller.abort(), 1500);
    const stats = await runSimulation({
      ...DEFAULT_OPTIONS,
      speed: 600,
      hours: 9,
      arrivalsPerHour: 8,
      seed: 7,
      accountants: 1,
      startHour: 9,
      companyId: org.company.id,
      receiptWidthPx: 420,
      log: (line) => lines.push(line),
      signal: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(lines.at(-1)).toMatch(/^\[simulate\] stopped: /);
    expect(stats.errors, lines.join("\n")).toBe(0);
    // No draft was left behind without its receipts: a claim is either submitted or not created at all.
    expect(await prisma.claim.count({ where: { companyId: org.company.id, status: "DRAFT" } })).toBe(0);
  });
});

describe("npm run simulate with QA bots", () => {
  let org: Org;
  let qaBot: User;
  let router: { stop: () => Promise<void> };
  let saved: Awaited<ReturnType<typeof keepQaSettings>>;
  beforeAll(async () => {
    saved = await keepQaSettings();
    org = await createOrg();
    const where = { companyId: org.company.id, departmentId: org.manager.departmentId };
    qaBot = await createUser(where, { roles: ["EMPLOYEE", "QA"], managerId: org.manager.id });
    // Every finished review goes to QA: set as an admin sets it on /qa/settings.
    const admin = await createUser(where, { roles: ["EMPLOYEE", "ADMIN"] });
    const result = await saveQaSettings({
      admin,
      values: { baseRate: "100", newOperatorRate: "100", highAmountRate: "100", flaggedRate: "100", newOperatorDays: "30", newOperatorReviews: "200" },
    });
    expect(result).toEqual({ ok: true });
    // QA is one pool and Next takes the oldest check first: checks other files (and the runs above)
    // left open would keep the bot busy, so they are withdrawn before this run.
    await prisma.task.updateMany({ where: { type: "QA", status: { in: ["OPEN", "IN_PROGRESS"] } }, data: { status: "CANCELLED" } });
    router = routeInProcess();
  });
  afterAll(async () => {
    await router.stop();
    await saved.restore();
  });

  it("records every wrong bot decision it checks as an error, through QA Next and the QA check", async () => {
    const lines: string[] = [];
    const stats = await runSimulation({
      ...DEFAULT_OPTIONS,
      speed: 600,
      hours: 3,
      arrivalsPerHour: 6,
      seed: 5,
      accountants: null,
      startHour: 9,
      errorRate: 1,
      qaMissRate: 0,
      companyId: org.company.id,
      receiptWidthPx: 420,
      rates: { ...DEFAULT_RATES, managerReturnRate: 0, fixRate: 1 },
      log: (line) => lines.push(line),
    });
    const log = lines.join("\n");
    expect(stats.errors, log).toBe(0);
    expect(stats.decided, log).toBeGreaterThan(0);
    expect(stats.reviewErrors).toBe(stats.decided);
    expect(stats.qaChecked, log).toBeGreaterThan(0);
    expect(stats.qaMissed).toBe(0);
    expect(lines.filter((l) => /^\[simulate 1[0-2]:00\] .* review errors made \d+ · QA checked \d+ \(errors found \d+, missed 0\)/.test(l))).toHaveLength(3);

    const reviews = await prisma.task.findMany({ where: { type: "REVIEW", status: "DONE", claim: { companyId: org.company.id } }, select: { id: true, assigneeId: true } });
    expect(reviews.length).toBe(stats.decided);
    const claimIds = (await prisma.claim.findMany({ where: { companyId: org.company.id }, select: { id: true } })).map((c) => c.id);
    const checks = await prisma.qaCheck.findMany({ where: { claimId: { in: claimIds } } });
    // Sampled at 100%: every finished review has its check.
    expect(new Set(checks.map((c) => c.reviewTaskId))).toEqual(new Set(reviews.map((r) => r.id)));
    const checked = checks.filter((c) => c.outcome !== null);
    expect(checked.length).toBe(stats.qaChecked);
    expect(checked.length).toBe(stats.qaErrorsFound);
    const qaTasks = await prisma.task.findMany({ where: { id: { in: checked.map((c) => c.qaTaskId) } } });
    const events = await prisma.auditEvent.findMany({ where: { type: { in: ["qa.started", "qa.checked"] }, actorId: qaBot.id } });
    const eventFor = (type: string, qaTaskId: string) => events.filter((e) => e.type === type && (e.data as { qaTaskId?: string }).qaTaskId === qaTaskId);
    for (const c of checked) {
      // Every bot decision was wrong, so every check found an error with a type, severity and comment.
      expect(c.outcome).toBe("error");
      expect(c.reviewerId).toBe(qaBot.id);
      expect(QA_ERROR_TYPES).toContain(c.errorType);
      expect(QA_SEVERITIES).toContain(c.severity);
      expect(c.comment).toMatch(/\(simulated\)\.$/);
      expect(c.operatorId).not.toBe(qaBot.id);
      const task = qaTasks.find((t) => t.id === c.qaTaskId)!;
      expect(task).toMatchObject({ type: "QA", status: "DONE", outcome: "error", assigneeId: qaBot.id });
      expect(eventFor("qa.started", c.qaTaskId)).toHaveLength(1);
      const [recorded] = eventFor("qa.checked", c.qaTaskId);
      expect(recorded?.data).toMatchObject({ outcome: "error", errorType: c.errorType, severity: c.severity, reviewTaskId: c.reviewTaskId, operatorId: c.operatorId });
    }
    // The QA tasks' transitions went to the metrics queue in their transactions.
    const keys = qaTasks.flatMap((t) => [taskEventKey(t.id, "created"), taskEventKey(t.id, "started"), taskEventKey(t.id, "finished")]);
    expect(await prisma.outboxEvent.count({ where: { queue: "metrics", jobKey: { in: keys } } })).toBe(keys.length);
  });
});
