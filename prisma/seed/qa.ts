/**
 * Demo QA history: the finished reviews of the seeded claims go through the app's own sampling rule
 * (app/domain/qa-sampling.ts, default settings), in the order they were decided, and the drawn ones
 * get their QA task and qa_check row with the columns the app writes. All but the newest few have been
 * checked by the QA reviewer, 1.5 % of them (at least one) with an error; the newest wait in /qa. Seeded claims have no receipts yet when this runs (they are attached in the
 * receipts phase), so the check-flag stratum is not applied here.
 */
import { drawSample, DEFAULT_QA_SETTINGS, isHighAmount, isNewOperator, sampleDraw, type QaErrorType, type QaSeverity } from "~/domain/qa-sampling";
import { totalIn } from "~/domain/money";
import type { Prisma } from "~/generated/prisma/client";
import { rateLookupFor } from "~/models/exchange-rate.server";
import { prisma } from "~/utils/db.server";
import { stableId } from "./plan";

/** The most recent drawn reviews the QA reviewer may check stay waiting in /qa. */
const LEFT_WAITING = 6;
/** Share of checked documents recorded with an error (at least one, so the figures show). */
const ERROR_SHARE = 0.015;

const ERROR_STORIES: { type: QaErrorType; severity: QaSeverity; comment: string }[] = [
  { type: "wrong_category", severity: "minor", comment: "出租车费用记入了差旅住宿类别。 Taxi fare booked under hotel." },
  { type: "amount_mismatch", severity: "major", comment: "第 2 行金额与发票不符（多 100 元）。 Line 2 is 100 more than the invoice." },
  { type: "over_limit_accepted", severity: "major", comment: "餐费超出类别限额，未退回。 Meal above the category limit was approved." },
  { type: "missing_receipt_accepted", severity: "critical", comment: "一行没有票据却被通过。 A line without a receipt was approved." },
];

export async function seedQa(now: Date): Promise<void> {
  const settings = DEFAULT_QA_SETTINGS;
  // The demo starts from the default sampling settings.
  await prisma.qaSetting.deleteMany();
  await prisma.qaSetting.create({ data: { id: "qa" } });
  await prisma.qaAmountThreshold.deleteMany();
  await prisma.qaAmountThreshold.createMany({ data: Object.entries(settings.highAmountMinor).map(([currency, minMinor]) => ({ currency, minMinor })) });

  const qaUser = await prisma.user.findUnique({ where: { email: "qa@demo.af" }, select: { id: true } });
  if (!qaUser) return;
  const reviews = await prisma.task.findMany({
    where: { type: "REVIEW", status: "DONE", assigneeId: { not: null } },
    orderBy: [{ finishedAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      claimId: true,
      assigneeId: true,
      complexity: true,
      claimVersion: true,
      startedAt: true,
      finishedAt: true,
      claim: { select: { claimantId: true, company: { select: { currency: true } }, lines: { select: { amountMinor: true, currency: true, spentOn: true } } } },
    },
  });

  const history = new Map<string, { firstReviewAt: Date | null; finished: number }>();
  type Drawn = { review: (typeof reviews)[number]; stratum: string; rateBp: number; checked: boolean };
  const drawn: Drawn[] = [];
  for (const review of reviews) {
    const operatorId = review.assigneeId!;
    const finishedAt = review.finishedAt ?? now;
    const past = history.get(operatorId) ?? { firstReviewAt: review.startedAt, finished: 0 };
    history.set(operatorId, { firstReviewAt: past.firstReviewAt ?? review.startedAt, finished: past.finished + 1 });

    const currency = review.claim.company.currency;
    const items = review.claim.lines.map((l) => ({ minor: l.amountMinor, currency: l.currency, onDate: l.spentOn.toISOString().slice(0, 10) }));
    const total = totalIn(items, currency, await rateLookupFor(items, currency)).total;
    const facts = {
      newOperator: isNewOperator({ firstReviewAt: past.firstReviewAt, finishedReviews: past.finished, now: finishedAt }, settings),
      highAmount: isHighAmount(total, settings.highAmountMinor),
      flagged: false,
    };
    const draw = drawSample(review.id, facts, settings.rates);
    if (!draw.drawn) continue;
    // The demo's only QA reviewer never checks their own claim: those wait for another reviewer.
    drawn.push({ review, stratum: draw.stratum, rateBp: draw.rateBp, checked: review.claim.claimantId !== qaUser.id });
  }
  for (const d of drawn.filter((x) => x.checked).slice(-LEFT_WAITING)) d.checked = false;
  // The errors: a fixed share of the checked ones, picked by a hash of their id (same seed, same errors).
  const checkedIds = drawn.filter((d) => d.checked).map((d) => d.review.id);
  const errorCount = checkedIds.length === 0 ? 0 : Math.max(1, Math.round(checkedIds.length * ERROR_SHARE));
  const errorIds = new Set(checkedIds.sort((a, b) => sampleDraw(`${a}:error`) - sampleDraw(`${b}:error`)).slice(0, errorCount));

  const tasks: Prisma.TaskCreateManyInput[] = [];
  const checks: Prisma.QaCheckCreateManyInput[] = [];
  const audits: Prisma.AuditEventCreateManyInput[] = [];
  let checked = 0;
  let errors = 0;
  for (const { review, stratum, rateBp, checked: isChecked } of drawn) {
    const operatorId = review.assigneeId!;
    const finishedAt = review.finishedAt ?? now;
    const qaTaskId = stableId("task", review.id, "qa");
    const checkId = stableId("qa-check", review.id);
    const startedAt = new Date(finishedAt.getTime() + 40 * 60_000);
    const checkedAt = new Date(startedAt.getTime() + 12 * 60_000);
    const isError = errorIds.has(review.id);
    const story = ERROR_STORIES[sampleDraw(`${checkId}:story`) % ERROR_STORIES.length]!;
    tasks.push({
      id: qaTaskId,
      claimId: review.claimId,
      type: "QA",
      status: isChecked ? "DONE" : "OPEN",
      assigneeId: isChecked ? qaUser.id : null,
      complexity: review.complexity,
      claimVersion: review.claimVersion,
      createdAt: finishedAt,
      startedAt: isChecked ? startedAt : null,
      finishedAt: isChecked ? checkedAt : null,
      outcome: isChecked ? (isError ? "error" : "pass") : null,
    });
    checks.push({
      id: checkId,
      qaTaskId,
      reviewTaskId: review.id,
      claimId: review.claimId,
      operatorId,
      stratum,
      sampleRateBp: rateBp,
      createdAt: finishedAt,
      ...(isChecked
        ? {
            reviewerId: qaUser.id,
            outcome: isError ? "error" : "pass",
            errorType: isError ? story.type : null,
            severity: isError ? story.severity : null,
            comment: isError ? story.comment : null,
            checkedAt,
          }
        : {}),
    });
    const base = { claimId: review.claimId, qaTaskId, reviewTaskId: review.id, operatorId };
    audits.push({ type: "qa.sampled", actorId: null, at: finishedAt, data: { ...base, stratum, sampleRateBp: rateBp } });
    if (isChecked) {
      audits.push({ type: "qa.started", actorId: qaUser.id, at: startedAt, data: { claimId: review.claimId, qaTaskId } });
      audits.push({
        type: "qa.checked",
        actorId: qaUser.id,
        at: checkedAt,
        data: { ...base, outcome: isError ? "error" : "pass", ...(isError ? { errorType: story.type, severity: story.severity, comment: story.comment } : {}) },
      });
      checked += 1;
      if (isError) errors += 1;
    }
  }
  await prisma.$transaction(async (tx) => {
    await tx.task.createMany({ data: tasks });
    await tx.qaCheck.createMany({ data: checks });
    await tx.auditEvent.createMany({ data: audits });
  });
  console.log(`[seed] QA: ${checks.length} of ${reviews.length} finished reviews drawn, ${checked} checked, ${errors} with an error`);
}
