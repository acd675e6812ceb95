/**
 * Quality sampling and the QA reviewer's flow: settings, the draw when a review is finished (inside
 * the decision's transaction), "Next" for QA reviewers, and recording a check. Rules live in
 * app/domain/qa-sampling.ts; this file reads and writes rows.
 *
 * QA tasks (task.type = 'QA') have no processing group: QA is one pool worked by users with the QA
 * role, apart from the accountants' group queues (which only count REVIEW tasks). The qa_check row
 * beside each QA task says which review was drawn, whose work it was, why (stratum, rate) and, once
 * checked, the outcome.
 *
 * Audit events of QA are written with claim_id NULL and the claim id in their data: they are the SSC's
 * internal quality records and stay out of the claim's history that its claimant reads.
 */
import type { Finding } from "~/domain/claim-checks";
import { isCurrencyCode, minorToDecimalString, parseAmount } from "~/domain/money";
import {
  DEFAULT_QA_SETTINGS,
  drawSample,
  flagsCanMatter,
  hasCheckFlags,
  isHighAmount,
  isNewOperator,
  parseQaResult,
  percentTextToBp,
  RATE_FIELD_STRATUM,
  RATE_FIELDS,
  type QaDraw,
  type QaErrorType,
  type QaResultField,
  type QaResultProblem,
  type QaSamplingSettings,
  type QaSeverity,
  type QaStratum,
} from "~/domain/qa-sampling";
import { Prisma } from "~/generated/prisma/client";
import type { Role } from "~/generated/prisma/enums";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { loadClaimFacts } from "./approval.server";
import { claimsOfCompanies } from "./floor-tasks.server";
import { recordAudit } from "./audit.server";
import { emitTaskEvent } from "./task-events.server";

export type QaActor = { id: string; roles: readonly Role[] | readonly string[] };

export type QaErrorCode = "forbidden" | "not_found" | "not_assignee" | "already_recorded" | "cancelled" | "stale" | "not_allowed" | "invalid";

export class QaError extends Error {
  constructor(
    readonly code: QaErrorCode,
    readonly problems: Partial<Record<QaResultField, QaResultProblem>> = {},
  ) {
    super(code);
    this.name = "QaError";
  }
}

// ── settings ──

export type QaSettingsView = QaSamplingSettings & { updatedAt: Date; updatedByName: string | null };

/**
 * The sampling settings. The migration inserts the row and the thresholds; a database without the row
 * (e.g. emptied by a test run) samples at DEFAULT_QA_SETTINGS, thresholds included, until an admin saves.
 */
export async function getQaSettings(db: Db | Tx = prisma): Promise<QaSettingsView> {
  const [row, thresholds] = await readTogether(
    db,
    () => db.qaSetting.findUnique({ where: { id: "qa" } }),
    () => db.qaAmountThreshold.findMany({ orderBy: { currency: "asc" } }),
  );
  if (!row) return { ...DEFAULT_QA_SETTINGS, updatedAt: new Date(0), updatedByName: null };
  const updatedBy = row.updatedById ? await db.user.findUnique({ where: { id: row.updatedById }, select: { name: true } }) : null;
  return {
    rates: { base: row.baseRateBp, new_operator: row.newOperatorRateBp, high_amount: row.highAmountRateBp, flagged: row.flaggedRateBp },
    newOperatorDays: row.newOperatorDays,
    newOperatorReviews: row.newOperatorReviews,
    highAmountMinor: Object.fromEntries(thresholds.map((t) => [t.currency, t.minMinor])),
    updatedAt: row.updatedAt,
    updatedByName: updatedBy?.name ?? null,
  };
}

/** The currencies a high-amount threshold can be set for: every company's currency, plus any already set. */
export async function thresholdCurrencies(db: Db = prisma): Promise<string[]> {
  const [companies, set] = await Promise.all([
    db.company.findMany({ select: { currency: true }, distinct: ["currency"] }),
    db.qaAmountThreshold.findMany({ select: { currency: true } }),
  ]);
  return [...new Set([...companies.map((c) => c.currency), ...set.map((s) => s.currency)])].sort();
}

export type SettingsField = (typeof RATE_FIELDS)[number] | "newOperatorDays" | "newOperatorReviews" | `threshold_${string}`;
export type SettingsProblem = "required" | "percent" | "whole_number" | "range" | "amount" | "too_many_decimals";

function parseWhole(text: string, max: number): { ok: true; value: number } | { ok: false; problem: SettingsProblem } {
  const t = text.trim();
  if (!t) return { ok: false, problem: "required" };
  if (!/^\d+$/.test(t)) return { ok: false, problem: "whole_number" };
  const value = Number(t);
  return value <= max ? { ok: true, value } : { ok: false, problem: "range" };
}

/**
 * Validates the settings form field by field (rates as percentages with up to 2 decimals, whole days
 * and review counts, a threshold per currency in major units or blank for none) and saves it with its
 * audit event in one transaction. Only admins.
 */
export async function saveQaSettings({
  admin,
  values,
}: {
  admin: QaActor;
  values: Record<string, string>;
}): Promise<{ ok: true } | { ok: false; problems: Partial<Record<SettingsField, SettingsProblem>> }> {
  if (!(admin.roles as readonly string[]).includes("ADMIN")) throw new QaError("forbidden");
  const problems: Partial<Record<SettingsField, SettingsProblem>> = {};
  const rates = {} as Record<QaStratum, number>;
  for (const field of RATE_FIELDS) {
    const text = (values[field] ?? "").trim();
    const bp = text ? percentTextToBp(text) : null;
    if (!text) problems[field] = "required";
    else if (bp === null) problems[field] = "percent";
    else rates[RATE_FIELD_STRATUM[field]] = bp;
  }
  const days = parseWhole(values.newOperatorDays ?? "", 3650);
  if (!days.ok) problems.newOperatorDays = days.problem;
  const reviews = parseWhole(values.newOperatorReviews ?? "", 100_000);
  if (!reviews.ok) problems.newOperatorReviews = reviews.problem;
  const thresholds: { currency: string; minMinor: bigint | null }[] = [];
  for (const [key, raw] of Object.entries(values)) {
    if (!key.startsWith("threshold_")) continue;
    const currency = key.slice("threshold_".length);
    if (!/^[A-Z]{3}$/.test(currency) || !isCurrencyCode(currency)) continue;
    const field = key as SettingsField;
    if (!raw.trim()) {
      thresholds.push({ currency, minMinor: null });
      continue;
    }
    const amount = parseAmount(raw, currency);
    if (!amount.ok) problems[field] = amount.code === "too_many_decimals" ? "too_many_decimals" : "amount";
    else if (amount.minor <= 0n) problems[field] = "amount";
    else thresholds.push({ currency, minMinor: amount.minor });
  }
  if (Object.keys(problems).length > 0 || !days.ok || !reviews.ok) return { ok: false, problems };

  await prisma.$transaction(async (tx) => {
    const before = await getQaSettings(tx);
    const data = {
      baseRateBp: rates.base,
      newOperatorRateBp: rates.new_operator,
      highAmountRateBp: rates.high_amount,
      flaggedRateBp: rates.flagged,
      newOperatorDays: days.value,
      newOperatorReviews: reviews.value,
      updatedAt: new Date(),
      updatedById: admin.id,
    };
    await tx.qaSetting.upsert({ where: { id: "qa" }, create: { id: "qa", ...data }, update: data });
    for (const t of thresholds) {
      if (t.minMinor === null) await tx.qaAmountThreshold.deleteMany({ where: { currency: t.currency } });
      else await tx.qaAmountThreshold.upsert({ where: { currency: t.currency }, create: { currency: t.currency, minMinor: t.minMinor }, update: { minMinor: t.minMinor } });
    }
    const after = await getQaSettings(tx);
    await recordAudit(tx, {
      actorId: admin.id,
      type: "qa.settings_changed",
      data: { before: settingsJson(before), after: settingsJson(after) },
    });
  });
  return { ok: true };
}

function settingsJson(s: QaSamplingSettings): Prisma.InputJsonObject {
  return {
    rates: { ...s.rates },
    newOperatorDays: s.newOperatorDays,
    newOperatorReviews: s.newOperatorReviews,
    highAmountMinor: Object.fromEntries(Object.entries(s.highAmountMinor).map(([c, m]) => [c, m.toString()])),
  };
}

/** The settings as form text (percentages, days, reviews, major-unit thresholds). */
export function settingsFormValues(s: QaSamplingSettings, currencies: readonly string[]): Record<string, string> {
  const pct = (bp: number) => (bp / 100).toFixed(2).replace(/\.?0+$/, "");
  const values: Record<string, string> = {
    baseRate: pct(s.rates.base),
    newOperatorRate: pct(s.rates.new_operator),
    highAmountRate: pct(s.rates.high_amount),
    flaggedRate: pct(s.rates.flagged),
    newOperatorDays: String(s.newOperatorDays),
    newOperatorReviews: String(s.newOperatorReviews),
  };
  for (const c of currencies) {
    const min = s.highAmountMinor[c];
    values[`threshold_${c}`] = min === undefined ? "" : minorToDecimalString(min, c);
  }
  return values;
}

// ── the draw, inside the review decision's transaction ──

export type SampleOutcome = (QaDraw & { qaTaskId: string | null }) | null;

/**
 * Called by decideReview right after it finished the review task, in the same transaction. Draws the
 * task (app/domain/qa-sampling.ts); when drawn, opens the QA task and its qa_check row, emits the task
 * event and audits it. `findings` is the workstation's checks of the claim; it is only called when the
 * flags can change the result (they are the costly part). A review already drawn is left alone.
 */
export async function sampleFinishedReview(
  tx: Tx,
  { reviewTaskId, at = new Date(), findings }: { reviewTaskId: string; at?: Date; findings: () => Promise<readonly Pick<Finding, "severity">[]> },
): Promise<SampleOutcome> {
  const task = await tx.task.findUnique({
    where: { id: reviewTaskId },
    select: { id: true, claimId: true, type: true, status: true, assigneeId: true, complexity: true, claimVersion: true },
  });
  if (!task || task.type !== "REVIEW" || task.status !== "DONE" || !task.assigneeId) return null;
  if (await tx.qaCheck.findUnique({ where: { reviewTaskId }, select: { id: true } })) return null;
  const operatorId = task.assigneeId;
  const settings = await getQaSettings(tx);

  const [operator] = await tx.$queryRaw<{ firstReviewAt: Date | null; finishedReviews: number }[]>`
    SELECT (SELECT min(started_at) FROM task WHERE assignee_id = ${operatorId} AND type = 'REVIEW') AS "firstReviewAt",
           (SELECT count(*)::int FROM (
              SELECT 1 FROM task
               WHERE assignee_id = ${operatorId} AND status = 'DONE' AND type = 'REVIEW' AND id <> ${reviewTaskId}
               LIMIT ${settings.newOperatorReviews}) s) AS "finishedReviews"`;
  const facts = await loadClaimFacts(tx, task.claimId);
  const known = {
    newOperator: isNewOperator({ firstReviewAt: operator?.firstReviewAt ?? null, finishedReviews: operator?.finishedReviews ?? 0, now: at }, settings),
    highAmount: isHighAmount({ minor: facts.totalCompanyMinor, currency: facts.claim.company.currency }, settings.highAmountMinor),
  };
  const flagged = flagsCanMatter(reviewTaskId, known, settings.rates) ? hasCheckFlags(await findings()) : false;
  const draw = drawSample(reviewTaskId, { ...known, flagged }, settings.rates);
  if (!draw.drawn) return { ...draw, qaTaskId: null };

  const qaTaskId = newId();
  await tx.task.create({
    data: {
      id: qaTaskId,
      claimId: task.claimId,
      type: "QA",
      status: "OPEN",
      groupId: null,
      complexity: task.complexity,
      claimVersion: task.claimVersion,
      createdAt: at,
    },
  });
  await tx.qaCheck.create({
    data: { id: newId(), qaTaskId, reviewTaskId, claimId: task.claimId, operatorId, stratum: draw.stratum, sampleRateBp: draw.rateBp, createdAt: at },
  });
  await emitTaskEvent(tx, qaTaskId, "created", at);
  await recordAudit(tx, {
    actorId: null,
    type: "qa.sampled",
    data: { claimId: task.claimId, qaTaskId, reviewTaskId, operatorId, stratum: draw.stratum, sampleRateBp: draw.rateBp },
  });
  return { ...draw, qaTaskId };
}

// ── QA reviewer: Next ──

/**
 * The single statement that takes the oldest open QA task this reviewer may check: never one on a
 * claim they filed, reviewed (any review task of that claim assigned to them, i.e. the sampled work
 * or an earlier round of it) or approved as a manager. `FOR UPDATE OF t SKIP LOCKED`: concurrent
 * reviewers each get a different task or none. Reads task_open_qa_next_idx in order.
 */
export function nextQaTaskStatement(reviewerId: string): Prisma.Sql {
  const me = reviewerId;
  return Prisma.sql`
    UPDATE task SET status = 'IN_PROGRESS', assignee_id = ${me}, started_at = now()
     WHERE task.id = (
       SELECT t.id
         FROM task t
         JOIN qa_check q ON q.qa_task_id = t.id
         JOIN claim c ON c.id = t.claim_id
        WHERE t.status = 'OPEN' AND t.type = 'QA'
          AND q.operator_id <> ${me}
          AND c.claimant_id <> ${me}
          AND NOT EXISTS (
            SELECT 1 FROM task w
             WHERE w.claim_id = t.claim_id AND w.assignee_id = ${me} AND w.type IN ('REVIEW', 'MANAGER_APPROVAL'))
        ORDER BY t.created_at, t.id
        LIMIT 1
        FOR UPDATE OF t SKIP LOCKED)
       AND task.status = 'OPEN'
    RETURNING task.id AS "taskId", task.claim_id AS "claimId"`;
}

/**
 * QA "Next": a check the reviewer already has in progress comes back first (finish what you started);
 * otherwise the oldest open one they may check is taken, with its task event and audit, in one
 * transaction. Null when nothing is waiting for them.
 */
export async function takeNextQaTask({ reviewer }: { reviewer: QaActor }, db: Db = prisma): Promise<{ taskId: string; claimId: string } | null> {
  if (!(reviewer.roles as readonly string[]).includes("QA")) throw new QaError("forbidden");
  return db.$transaction(
    async (tx) => {
      const mine = await tx.task.findFirst({
        where: { assigneeId: reviewer.id, type: "QA", status: "IN_PROGRESS" },
        orderBy: [{ startedAt: "asc" }, { id: "asc" }],
        select: { id: true, claimId: true },
      });
      if (mine) return { taskId: mine.id, claimId: mine.claimId };
      const [taken] = await tx.$queryRaw<{ taskId: string; claimId: string }[]>(nextQaTaskStatement(reviewer.id));
      if (!taken) return null;
      const now = new Date();
      await emitTaskEvent(tx, taken.taskId, "started", now);
      await recordAudit(tx, { actorId: reviewer.id, type: "qa.started", data: { claimId: taken.claimId, qaTaskId: taken.taskId } });
      return taken;
    },
    { maxWait: 10_000, timeout: 10_000 },
  );
}

// ── QA reviewer: record the check ──

/**
 * Records a check at the claim version the reviewer saw. One transaction: lock the QA task, refuse a
 * second submission (already_recorded), someone else's or a withdrawn task, a claim that changed
 * meanwhile (stale) or the reviewer's own work (not_allowed); then the qa_check result, the QA task
 * DONE with the outcome, its task event and the audit event.
 */
export async function recordQaCheck({
  reviewer,
  qaTaskId,
  claimVersion,
  input,
}: {
  reviewer: QaActor;
  qaTaskId: string;
  claimVersion: number;
  input: { outcome?: string | null; errorType?: string | null; severity?: string | null; comment?: string | null };
}): Promise<{ outcome: "pass" | "error" }> {
  if (!(reviewer.roles as readonly string[]).includes("QA")) throw new QaError("forbidden");
  const parsed = parseQaResult(input);
  if (!parsed.ok) throw new QaError("invalid", parsed.problems);
  const result = parsed.result;

  return prisma.$transaction(async (tx) => {
    const [task] = await tx.$queryRaw<{ id: string; claimId: string; status: string; assigneeId: string | null }[]>`
      SELECT id, claim_id AS "claimId", status, assignee_id AS "assigneeId" FROM task WHERE id = ${qaTaskId} AND type = 'QA' FOR UPDATE`;
    if (!task) throw new QaError("not_found");
    if (task.status === "DONE") throw new QaError("already_recorded");
    if (task.status === "CANCELLED") throw new QaError("cancelled");
    if (task.status !== "IN_PROGRESS" || task.assigneeId !== reviewer.id) throw new QaError("not_assignee");
    const check = await tx.qaCheck.findUniqueOrThrow({ where: { qaTaskId } });
    const claim = await tx.claim.findUniqueOrThrow({ where: { id: task.claimId }, select: { version: true, claimantId: true } });
    if (check.operatorId === reviewer.id || claim.claimantId === reviewer.id) throw new QaError("not_allowed");
    if (claim.version !== claimVersion) throw new QaError("stale");

    const now = new Date();
    const recorded = await tx.qaCheck.updateMany({
      where: { qaTaskId, outcome: null },
      data: {
        reviewerId: reviewer.id,
        outcome: result.outcome,
        errorType: result.outcome === "error" ? result.errorType : null,
        severity: result.outcome === "error" ? result.severity : null,
        comment: result.comment,
        checkedAt: now,
      },
    });
    if (recorded.count !== 1) throw new QaError("already_recorded");
    await tx.task.update({ where: { id: qaTaskId }, data: { status: "DONE", outcome: result.outcome, finishedAt: now } });
    await emitTaskEvent(tx, qaTaskId, "finished", now);
    await recordAudit(tx, {
      actorId: reviewer.id,
      type: "qa.checked",
      data: {
        claimId: task.claimId,
        qaTaskId,
        reviewTaskId: check.reviewTaskId,
        operatorId: check.operatorId,
        outcome: result.outcome,
        ...(result.outcome === "error" ? { errorType: result.errorType, severity: result.severity } : {}),
        ...(result.comment ? { comment: result.comment } : {}),
      },
    });
    return { outcome: result.outcome };
  });
}

// ── what the screens show ──

export type QaCheckRow = {
  qaTaskId: string;
  claimId: string;
  claimNumber: string;
  operatorName: string;
  reviewerName: string | null;
  stratum: QaStratum;
  sampleRateBp: number;
  outcome: "pass" | "error" | null;
  errorType: QaErrorType | null;
  severity: QaSeverity | null;
  checkedAt: Date | null;
};

export type QaOverview = {
  open: number;
  oldestOpenAt: Date | null;
  inProgress: number;
  /** The viewer's own checks in progress (a QA reviewer's). */
  mine: { qaTaskId: string; claimNumber: string; startedAt: Date | null }[];
  /** A QA reviewer's own recent checks; everybody's for supervisors and admins (on their companies' claims). */
  recent: QaCheckRow[];
  /** Checked and errors over the last 30 days (all reviewers). */
  last30: { checked: number; errors: number };
};

const RECENT = 20;

export async function getQaOverview(
  { viewer, allReviewers, companyIds }: { viewer: QaActor; allReviewers: boolean; companyIds?: readonly string[] },
  db: Db = prisma,
): Promise<QaOverview> {
  const since = new Date(Date.now() - 30 * 86_400_000);
  const [[counts], mine, recent, [last30]] = await Promise.all([
    db.$queryRaw<{ open: number; oldestOpenAt: Date | null; inProgress: number }[]>`
      SELECT (count(*) FILTER (WHERE status = 'OPEN'))::int AS open,
             min(created_at) FILTER (WHERE status = 'OPEN') AS "oldestOpenAt",
             (count(*) FILTER (WHERE status = 'IN_PROGRESS'))::int AS "inProgress"
        FROM task WHERE type = 'QA' AND status IN ('OPEN', 'IN_PROGRESS')`,
    db.task.findMany({
      where: { assigneeId: viewer.id, type: "QA", status: "IN_PROGRESS" },
      orderBy: [{ startedAt: "asc" }, { id: "asc" }],
      select: { id: true, startedAt: true, claim: { select: { number: true } } },
    }),
    db.$queryRaw<QaCheckRow[]>`
      SELECT q.qa_task_id AS "qaTaskId", q.claim_id AS "claimId", c.number AS "claimNumber", op.name AS "operatorName",
             rv.name AS "reviewerName", q.stratum, q.sample_rate_bp AS "sampleRateBp", q.outcome, q.error_type AS "errorType",
             q.severity, q.checked_at AS "checkedAt"
        FROM qa_check q
        JOIN claim c ON c.id = q.claim_id
        JOIN app_user op ON op.id = q.operator_id
        LEFT JOIN app_user rv ON rv.id = q.reviewer_id
       WHERE q.checked_at IS NOT NULL ${allReviewers ? Prisma.empty : Prisma.sql`AND q.reviewer_id = ${viewer.id}`}
             ${claimsOfCompanies(companyIds, Prisma.raw("q.claim_id"))}
       ORDER BY q.checked_at DESC, q.id
       LIMIT ${RECENT}`,
    db.$queryRaw<{ checked: number; errors: number }[]>`
      SELECT count(*)::int AS checked, (count(*) FILTER (WHERE outcome = 'error'))::int AS errors
        FROM qa_check WHERE checked_at >= ${since}`,
  ]);
  return {
    open: counts?.open ?? 0,
    oldestOpenAt: counts?.oldestOpenAt ?? null,
    inProgress: counts?.inProgress ?? 0,
    mine: mine.map((t) => ({ qaTaskId: t.id, claimNumber: t.claim.number, startedAt: t.startedAt })),
    recent,
    last30: last30 ?? { checked: 0, errors: 0 },
  };
}

/** What the workstation shows for a QA task: the decision under check and the check itself. */
export type QaReview = {
  canRecord: boolean;
  stratum: QaStratum;
  sampleRateBp: number;
  original: {
    outcome: string | null;
    operatorName: string;
    decidedAt: Date | null;
    reasons: { code: string; name: string; nameZh: string }[];
    comment: string | null;
  };
  result: {
    outcome: "pass" | "error";
    errorType: QaErrorType | null;
    severity: QaSeverity | null;
    comment: string | null;
    reviewerName: string | null;
    checkedAt: Date | null;
  } | null;
};

/**
 * The QA side of the workstation for `taskId`, or null when it is not a QA task or the viewer may not
 * look at it: its QA reviewer (recording only while it is in progress), supervisors and admins.
 */
export async function getQaReview({ taskId, viewer }: { taskId: string; viewer: QaActor }): Promise<QaReview | null> {
  const roles = viewer.roles as readonly string[];
  if (!roles.some((r) => r === "QA" || r === "SUPERVISOR" || r === "ADMIN")) return null;
  const task = await prisma.task.findUnique({ where: { id: taskId }, select: { type: true, status: true, assigneeId: true, claimId: true } });
  if (!task || task.type !== "QA") return null;
  // A QA reviewer looks at the checks assigned to them; supervisors and admins (their companies' claims,
  // checked by getClaimDetail) at any.
  if (!roles.some((r) => r === "SUPERVISOR" || r === "ADMIN") && task.assigneeId !== viewer.id) return null;
  const check = await prisma.qaCheck.findUnique({ where: { qaTaskId: taskId } });
  if (!check) return null;
  const [review, operator, reviewer, decision] = await Promise.all([
    prisma.task.findUnique({ where: { id: check.reviewTaskId }, select: { outcome: true, finishedAt: true } }),
    prisma.user.findUnique({ where: { id: check.operatorId }, select: { name: true } }),
    check.reviewerId ? prisma.user.findUnique({ where: { id: check.reviewerId }, select: { name: true } }) : null,
    prisma.auditEvent.findFirst({
      where: { claimId: task.claimId, type: { in: ["claim.approved", "claim.returned", "claim.rejected"] }, data: { path: ["taskId"], equals: check.reviewTaskId } },
      select: { data: true },
    }),
  ]);
  const data = (decision?.data ?? {}) as { reasonCodes?: unknown; comment?: unknown };
  const codes = Array.isArray(data.reasonCodes) ? data.reasonCodes.filter((c): c is string => typeof c === "string") : [];
  const reasonRows = codes.length > 0 ? await prisma.returnReason.findMany({ where: { code: { in: codes } }, select: { code: true, name: true, nameZh: true } }) : [];
  return {
    canRecord: task.status === "IN_PROGRESS" && task.assigneeId === viewer.id && roles.includes("QA"),
    stratum: check.stratum as QaStratum,
    sampleRateBp: check.sampleRateBp,
    original: {
      outcome: review?.outcome ?? null,
      operatorName: operator?.name ?? "—",
      decidedAt: review?.finishedAt ?? null,
      reasons: codes.map((code) => reasonRows.find((r) => r.code === code) ?? { code, name: code, nameZh: code }),
      comment: typeof data.comment === "string" && data.comment ? data.comment : null,
    },
    result: check.outcome
      ? {
          outcome: check.outcome as "pass" | "error",
          errorType: check.errorType as QaErrorType | null,
          severity: check.severity as QaSeverity | null,
          comment: check.comment,
          reviewerName: reviewer?.name ?? null,
          checkedAt: check.checkedAt,
        }
      : null,
  };
}
