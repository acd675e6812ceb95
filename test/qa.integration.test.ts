/**
 * Quality sampling against the real Postgres: the accountant's decision draws the review for QA in
 * its own transaction (QA task + qa_check + outbox row + audit, or nothing), each stratum applies,
 * QA "Next" never hands one task to two reviewers and respects segregation of duties, and recording a
 * check is one transaction that refuses stale and double submissions.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { User } from "~/generated/prisma/client";
import { AppError } from "~/domain/app-error";
import { getQaOverview, recordQaCheck, takeNextQaTask } from "~/models/qa-checks.server";
import { getQaSettings, saveQaSettings } from "~/models/qa-settings.server";
import { decideReview, getWorkstation } from "~/models/review.server";
import { prisma } from "~/utils/db.server";
import { asOwner, createClaim, createCompany, createDepartment, createUser, keepQaSettings, refusal } from "./helpers";

type Org = { companyId: string; departmentId: string };

const FULL = { baseRateBp: 10_000, newOperatorRateBp: 10_000, highAmountRateBp: 10_000, flaggedRateBp: 10_000 };
const NONE = { baseRateBp: 0, newOperatorRateBp: 0, highAmountRateBp: 0, flaggedRateBp: 0 };

let saved: Awaited<ReturnType<typeof keepQaSettings>>;

beforeAll(async () => {
  saved = await keepQaSettings();
});

afterAll(() => saved.restore());

async function setRates(rates: typeof FULL, extra: { newOperatorDays?: number; newOperatorReviews?: number } = {}) {
  const data = { ...rates, newOperatorDays: 30, newOperatorReviews: 200, ...extra };
  await prisma.qaSetting.upsert({ where: { id: "qa" }, create: { id: "qa", ...data }, update: data });
}

async function setup() {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const org: Org = { companyId: company.id, departmentId: department.id };
  const code = `G${randomUUID().slice(0, 8).toUpperCase()}`;
  const group = await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: `Group ${code}`, nameZh: `组 ${code}` } });
  const claimant = await createUser(org, { roles: ["EMPLOYEE"] });
  const accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
  const qa = await createUser(org, { roles: ["EMPLOYEE", "QA"] });
  const qa2 = await createUser(org, { roles: ["EMPLOYEE", "QA"] });
  await prisma.groupMember.create({ data: { groupId: group.id, userId: accountant.id } });
  const category = `C${randomUUID().slice(0, 8).toUpperCase()}`;
  await prisma.expenseCategory.create({ data: { code: category, name: `Cat ${category}`, nameZh: `类 ${category}` } });
  return { org, groupId: group.id, claimant, accountant, qa, qa2, category };
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** An IN_REVIEW claim (version 4) with one CNY line on a Tuesday, with a receipt unless `withReceipt` is false. */
async function reviewClaim(s: Setup, assignee: User, { amountMinor = 12_345n, withReceipt = true, claimant = s.claimant } = {}) {
  const claim = await createClaim(claimant, { status: "IN_REVIEW", version: 4, groupId: s.groupId });
  const lineId = randomUUID();
  await prisma.claimLine.create({
    data: { id: lineId, claimId: claim.id, position: 1, spentOn: new Date("2026-11-24T00:00:00Z"), categoryCode: s.category, merchant: "Hotel", amountMinor, currency: "CNY" },
  });
  if (withReceipt) {
    const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
    await prisma.storedFile.create({ data: { sha256, sizeBytes: 10, mimeType: "image/jpeg", status: "READY" } });
    const receiptId = randomUUID();
    await prisma.receipt.create({ data: { id: receiptId, claimId: claim.id, fileSha256: sha256, fileName: "r.jpg", uploadedById: claimant.id } });
    await prisma.lineReceipt.create({ data: { lineId, receiptId } });
  }
  const taskId = randomUUID();
  await prisma.task.create({
    data: { id: taskId, claimId: claim.id, type: "REVIEW", status: "IN_PROGRESS", groupId: s.groupId, assigneeId: assignee.id, claimVersion: 3, complexity: "M", startedAt: new Date() },
  });
  return { claimId: claim.id, taskId };
}

/** A decided review drawn for QA (rates at 100 %). */
async function sampledReview(s: Setup, opts: Parameters<typeof reviewClaim>[2] = {}) {
  const c = await reviewClaim(s, s.accountant, opts);
  await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "approve" });
  const check = await prisma.qaCheck.findUniqueOrThrow({ where: { reviewTaskId: c.taskId } });
  return { ...c, qaTaskId: check.qaTaskId };
}

const refused = (p: Promise<unknown>) => refusal(p, AppError);

/** Withdraws open QA tasks left by other tests, so "Next" here sees only this test's tasks. */
async function clearOpenQa() {
  await prisma.task.updateMany({ where: { type: "QA", status: "OPEN" }, data: { status: "CANCELLED" } });
}

describe("sampling in the decision transaction", () => {
  beforeEach(async () => {
    await prisma.qaAmountThreshold.deleteMany();
    await prisma.qaAmountThreshold.createMany({ data: saved.thresholds });
  });

  it("at 100 %: the decision opens a QA task, its qa_check row, the metrics outbox row and the audit event", async () => {
    await setRates(FULL);
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "return", reasonCodes: [], comment: "" }).catch(() => null);
    // (a return without reasons is refused and draws nothing)
    expect(await prisma.qaCheck.count({ where: { reviewTaskId: c.taskId } })).toBe(0);

    await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "reject", comment: "Private" });
    const check = await prisma.qaCheck.findUniqueOrThrow({ where: { reviewTaskId: c.taskId } });
    expect(check).toMatchObject({ claimId: c.claimId, operatorId: s.accountant.id, sampleRateBp: 10_000, outcome: null, reviewerId: null });
    // Every stratum is at 100 %: the most specific one that applies is recorded (a fresh accountant is new).
    expect(check.stratum).toBe("new_operator");
    const qaTask = await prisma.task.findUniqueOrThrow({ where: { id: check.qaTaskId } });
    expect(qaTask).toMatchObject({ type: "QA", status: "OPEN", groupId: null, assigneeId: null, complexity: "M", claimVersion: 3, claimId: c.claimId });
    const outbox = await prisma.outboxEvent.findMany({ where: { jobKey: `metrics-created-${check.qaTaskId}` } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ queue: "metrics" });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { type: "qa.sampled", data: { path: ["qaTaskId"], equals: check.qaTaskId } } });
    expect(audit.data).toMatchObject({ claimId: c.claimId, reviewTaskId: c.taskId, stratum: "new_operator", sampleRateBp: 10_000 });
    // The review itself was decided as usual.
    expect((await prisma.task.findUniqueOrThrow({ where: { id: c.taskId } })).outcome).toBe("rejected");
  });

  it("at 0 %: nothing is drawn", async () => {
    await setRates(NONE);
    const s = await setup();
    const c = await reviewClaim(s, s.accountant, { withReceipt: false, amountMinor: 99_999_999n });
    await decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "approve" });
    expect(await prisma.qaCheck.count({ where: { claimId: c.claimId } })).toBe(0);
    expect(await prisma.task.count({ where: { claimId: c.claimId, type: "QA" } })).toBe(0);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: c.claimId } })).status).toBe("APPROVED");
  });

  it("is one transaction with the decision: when the QA rows cannot be written, the decision is not made either", async () => {
    await setRates(FULL);
    const s = await setup();
    const c = await reviewClaim(s, s.accountant);
    const fn = `qa_test_refuse_${randomUUID().replaceAll("-", "")}`;
    // DDL is the owner's (the app's role may not create triggers).
    await asOwner(async (owner) => {
      await owner.query(
        `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.claim_id = '${c.claimId}' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$`,
      );
      await owner.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON qa_check FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    });
    try {
      await expect(decideReview({ viewer: s.accountant, taskId: c.taskId, claimVersion: 4, decision: "approve" })).rejects.toThrow();
    } finally {
      await asOwner(async (owner) => {
        await owner.query(`DROP TRIGGER ${fn} ON qa_check`);
        await owner.query(`DROP FUNCTION ${fn}()`);
      });
    }
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: c.claimId } })).status).toBe("IN_REVIEW");
    expect((await prisma.task.findUniqueOrThrow({ where: { id: c.taskId } })).status).toBe("IN_PROGRESS");
    expect(await prisma.task.count({ where: { claimId: c.claimId, type: "QA" } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { claimId: c.claimId, type: "claim.approved" } })).toBe(0);
  });

  it("draws each stratum at its own rate: high amount, check flags; not an experienced accountant's clean claim", async () => {
    const s = await setup();
    // An experienced accountant: a first review long ago and enough finished reviews.
    await prisma.task.create({
      data: { id: randomUUID(), claimId: (await createClaim(s.claimant)).id, type: "REVIEW", status: "DONE", assigneeId: s.accountant.id, claimVersion: 1, startedAt: new Date("2025-01-01T00:00:00Z"), finishedAt: new Date("2025-01-01T01:00:00Z") },
    });
    await prisma.qaAmountThreshold.upsert({ where: { currency: "CNY" }, create: { currency: "CNY", minMinor: 1_000_000n }, update: { minMinor: 1_000_000n } });

    await setRates({ ...NONE, highAmountRateBp: 10_000 }, { newOperatorReviews: 1 });
    const high = await reviewClaim(s, s.accountant, { amountMinor: 1_000_000n });
    const small = await reviewClaim(s, s.accountant, { amountMinor: 999_999n });
    await decideReview({ viewer: s.accountant, taskId: high.taskId, claimVersion: 4, decision: "approve" });
    await decideReview({ viewer: s.accountant, taskId: small.taskId, claimVersion: 4, decision: "approve" });
    expect(await prisma.qaCheck.findUnique({ where: { reviewTaskId: high.taskId }, select: { stratum: true } })).toEqual({ stratum: "high_amount" });
    expect(await prisma.qaCheck.count({ where: { reviewTaskId: small.taskId } })).toBe(0);

    await setRates({ ...NONE, flaggedRateBp: 10_000 }, { newOperatorReviews: 1 });
    const flagged = await reviewClaim(s, s.accountant, { withReceipt: false });
    const clean = await reviewClaim(s, s.accountant);
    await decideReview({ viewer: s.accountant, taskId: flagged.taskId, claimVersion: 4, decision: "approve" });
    await decideReview({ viewer: s.accountant, taskId: clean.taskId, claimVersion: 4, decision: "approve" });
    expect(await prisma.qaCheck.findUnique({ where: { reviewTaskId: flagged.taskId }, select: { stratum: true } })).toEqual({ stratum: "flagged" });
    expect(await prisma.qaCheck.count({ where: { reviewTaskId: clean.taskId } })).toBe(0);

    await setRates({ ...NONE, newOperatorRateBp: 10_000 }, { newOperatorReviews: 1 });
    const experienced = await reviewClaim(s, s.accountant);
    await decideReview({ viewer: s.accountant, taskId: experienced.taskId, claimVersion: 4, decision: "approve" });
    expect(await prisma.qaCheck.count({ where: { reviewTaskId: experienced.taskId } })).toBe(0);
  });
});

describe("settings", () => {
  it("validates each field and saves with an audit event (admins only)", async () => {
    const s = await setup();
    const admin = await createUser(s.org, { roles: ["EMPLOYEE", "ADMIN"] });
    const bad = await saveQaSettings({
      admin,
      values: { baseRate: "101", newOperatorRate: "abc", highAmountRate: "", flaggedRate: "10", newOperatorDays: "-1", newOperatorReviews: "1.5", threshold_CNY: "12.345" },
    });
    expect(bad).toEqual({
      ok: false,
      problems: { baseRate: "percent", newOperatorRate: "percent", highAmountRate: "required", newOperatorDays: "whole_number", newOperatorReviews: "whole_number", threshold_CNY: "too_many_decimals" },
    });
    expect(await saveQaSettings({ admin, values: { baseRate: "7.5", newOperatorRate: "20", highAmountRate: "30", flaggedRate: "15", newOperatorDays: "14", newOperatorReviews: "50", threshold_CNY: "20000", threshold_HKD: "" } })).toEqual({ ok: true });
    const after = await getQaSettings();
    expect(after.rates).toEqual({ base: 750, new_operator: 2000, high_amount: 3000, flagged: 1500 });
    expect(after).toMatchObject({ newOperatorDays: 14, newOperatorReviews: 50, highAmountMinor: { CNY: 2_000_000n } });
    expect(after.highAmountMinor.HKD).toBeUndefined();
    expect(after.updatedByName).toBe(admin.name);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { type: "qa.settings_changed", actorId: admin.id } });
    expect(audit.data).toMatchObject({ after: { rates: { base: 750 }, highAmountMinor: { CNY: "2000000" } } });
    await expect(saveQaSettings({ admin: s.qa, values: {} })).rejects.toBeInstanceOf(AppError);
  });
});

describe("QA Next and recording", () => {
  beforeEach(async () => {
    await setRates(FULL);
    await clearOpenQa();
  });

  it("concurrent reviewers never get the same task; each taken task has one assignee and one started event", async () => {
    const s = await setup();
    const sampled = [];
    for (let i = 0; i < 6; i++) sampled.push(await sampledReview(s));
    const reviewers = await Promise.all(Array.from({ length: 10 }, () => createUser(s.org, { roles: ["EMPLOYEE", "QA"] })));
    const taken = await Promise.all(reviewers.map((r) => takeNextQaTask({ reviewer: r })));
    const ids = taken.flatMap((t) => (t ? [t.taskId] : []));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(new Set(ids)).toEqual(new Set(sampled.map((x) => x.qaTaskId)));
    const rows = await prisma.task.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, assigneeId: true } });
    for (const [i, t] of taken.entries()) {
      if (!t) continue;
      expect(rows.find((r) => r.id === t.taskId)).toMatchObject({ status: "IN_PROGRESS", assigneeId: reviewers[i]!.id });
    }
    expect(await prisma.outboxEvent.count({ where: { jobKey: { in: ids.map((id) => `metrics-started-${id}`) } } })).toBe(6);
    // Asking again returns the check already in progress, not a new one.
    const first = taken.findIndex(Boolean);
    expect(await takeNextQaTask({ reviewer: reviewers[first]! })).toEqual(taken[first]);
  });

  it("never gives a reviewer their own claim or their own review work", async () => {
    const s = await setup();
    // A QA reviewer who also works as an accountant: their decision is drawn...
    const both = await createUser(s.org, { roles: ["EMPLOYEE", "ACCOUNTANT", "QA"] });
    await prisma.groupMember.create({ data: { groupId: s.groupId, userId: both.id } });
    const own = await reviewClaim(s, both);
    await decideReview({ viewer: both, taskId: own.taskId, claimVersion: 4, decision: "approve" });
    // ...and a claim filed by the QA reviewer `s.qa`.
    const filed = await sampledReview(s, { claimant: s.qa });
    expect(await takeNextQaTask({ reviewer: both })).toEqual({ taskId: filed.qaTaskId, claimId: filed.claimId });
    expect(await takeNextQaTask({ reviewer: s.qa })).toMatchObject({ claimId: own.claimId });
    expect(await prisma.task.count({ where: { type: "QA", status: "OPEN" } })).toBe(0);

    await clearOpenQa();
    await sampledReview(s, { claimant: s.qa2 });
    expect(await takeNextQaTask({ reviewer: s.qa2 })).toBeNull();
    await expect(takeNextQaTask({ reviewer: s.accountant })).rejects.toBeInstanceOf(AppError);
  });

  it("records a pass: qa_check, task DONE, finished event, audit; a second submission is refused", async () => {
    const s = await setup();
    const x = await sampledReview(s);
    expect(await takeNextQaTask({ reviewer: s.qa })).toEqual({ taskId: x.qaTaskId, claimId: x.claimId });
    const version = (await prisma.claim.findUniqueOrThrow({ where: { id: x.claimId } })).version;
    expect(await recordQaCheck({ reviewer: s.qa, qaTaskId: x.qaTaskId, claimVersion: version, input: { outcome: "pass" } })).toEqual({ outcome: "pass" });
    const check = await prisma.qaCheck.findUniqueOrThrow({ where: { qaTaskId: x.qaTaskId } });
    expect(check).toMatchObject({ outcome: "pass", reviewerId: s.qa.id, errorType: null, severity: null });
    expect(check.checkedAt).toBeInstanceOf(Date);
    expect(await prisma.task.findUniqueOrThrow({ where: { id: x.qaTaskId } })).toMatchObject({ status: "DONE", outcome: "pass" });
    expect(await prisma.outboxEvent.count({ where: { jobKey: `metrics-finished-${x.qaTaskId}` } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { type: "qa.checked", actorId: s.qa.id } })).toBe(1);
    const again = await refused(recordQaCheck({ reviewer: s.qa, qaTaskId: x.qaTaskId, claimVersion: version, input: { outcome: "error", errorType: "fx_error", severity: "minor", comment: "x" } }));
    expect(again.code).toBe("already_recorded");
    expect((await prisma.qaCheck.findUniqueOrThrow({ where: { qaTaskId: x.qaTaskId } })).outcome).toBe("pass");
    const overview = await getQaOverview({ viewer: s.qa, allReviewers: false });
    expect(overview.recent[0]).toMatchObject({ qaTaskId: x.qaTaskId, outcome: "pass", operatorName: s.accountant.name });
  });

  it("records an error with type, severity and comment; refuses bad input, another reviewer and a stale claim version", async () => {
    const s = await setup();
    const x = await sampledReview(s);
    await takeNextQaTask({ reviewer: s.qa });
    const version = (await prisma.claim.findUniqueOrThrow({ where: { id: x.claimId } })).version;
    const invalid = await refused(recordQaCheck({ reviewer: s.qa, qaTaskId: x.qaTaskId, claimVersion: version, input: { outcome: "error", errorType: "wrong_category" } }));
    expect(invalid).toMatchObject({ code: "invalid", fieldErrors: { severity: "required", comment: "required" } });
    expect((await refused(recordQaCheck({ reviewer: s.qa2, qaTaskId: x.qaTaskId, claimVersion: version, input: { outcome: "pass" } }))).code).toBe("not_assignee");
    expect((await refused(recordQaCheck({ reviewer: s.qa, qaTaskId: x.qaTaskId, claimVersion: version - 1, input: { outcome: "pass" } }))).code).toBe("stale");
    expect(await prisma.task.findUniqueOrThrow({ where: { id: x.qaTaskId } })).toMatchObject({ status: "IN_PROGRESS" });

    await recordQaCheck({
      reviewer: s.qa,
      qaTaskId: x.qaTaskId,
      claimVersion: version,
      input: { outcome: "error", errorType: "wrong_category", severity: "major", comment: " Taxi booked as hotel " },
    });
    expect(await prisma.qaCheck.findUniqueOrThrow({ where: { qaTaskId: x.qaTaskId } })).toMatchObject({
      outcome: "error",
      errorType: "wrong_category",
      severity: "major",
      comment: "Taxi booked as hotel",
      reviewerId: s.qa.id,
    });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: x.qaTaskId } })).toMatchObject({ status: "DONE", outcome: "error" });
  });

  it("shows the QA task on the workstation read-only with the original decision; recording only for its reviewer", async () => {
    const s = await setup();
    const x = await sampledReview(s);
    await takeNextQaTask({ reviewer: s.qa });
    const ws = await getWorkstation({ taskId: x.qaTaskId, viewer: s.qa });
    expect(ws?.canDecide).toBe(false);
    expect(ws?.qa).toMatchObject({ canRecord: true, original: { outcome: "approved", operatorName: s.accountant.name } });
    // Another QA reviewer is not checking this claim: not found (issue 8). A supervisor of its company looks read-only.
    expect(await getWorkstation({ taskId: x.qaTaskId, viewer: s.qa2 })).toBeNull();
    expect(await getWorkstation({ taskId: x.qaTaskId, viewer: s.accountant })).toBeNull();
    const supervisor = await createUser(s.org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: s.org.companyId } });
    expect((await getWorkstation({ taskId: x.qaTaskId, viewer: supervisor }))?.qa?.canRecord).toBe(false);
  });
});
