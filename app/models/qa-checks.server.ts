/**
 * The QA reviewer's flow: "Next" for QA reviewers, recording a check, and what /qa and the
 * workstation show of the checks. The draw that opens a check is qa-sampling.server.ts.
 *
 * Audit events of QA are written with claim_id NULL and the claim id in their data: they are the SSC's
 * internal quality records and stay out of the claim's history that its claimant reads.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { parseQaResult, type QaErrorType, type QaSeverity, type QaStratum } from "~/domain/qa-sampling";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db } from "~/utils/db.server";
import { claimsOfCompanies } from "./floor-tasks.server";
import { recordAudit } from "./audit.server";
import { emitTaskEvent } from "./task-events.server";

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
export async function takeNextQaTask({ reviewer }: { reviewer: Actor }, db: Db = prisma): Promise<{ taskId: string; claimId: string } | null> {
  if (!hasRole(reviewer, "QA")) throw new AppError("forbidden");
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
  reviewer: Actor;
  qaTaskId: string;
  claimVersion: number;
  input: { outcome?: string | null; errorType?: string | null; severity?: string | null; comment?: string | null };
}): Promise<{ outcome: "pass" | "error" }> {
  if (!hasRole(reviewer, "QA")) throw new AppError("forbidden");
  const parsed = parseQaResult(input);
  if (!parsed.ok) throw new AppError("invalid", { fieldErrors: parsed.problems });
  const result = parsed.result;

  return prisma.$transaction(async (tx) => {
    const [task] = await tx.$queryRaw<{ id: string; claimId: string; status: string; assigneeId: string | null }[]>`
      SELECT id, claim_id AS "claimId", status, assignee_id AS "assigneeId" FROM task WHERE id = ${qaTaskId} AND type = 'QA' FOR UPDATE`;
    if (!task) throw new AppError("not_found");
    if (task.status === "DONE") throw new AppError("already_recorded");
    if (task.status === "CANCELLED") throw new AppError("cancelled");
    if (task.status !== "IN_PROGRESS" || task.assigneeId !== reviewer.id) throw new AppError("not_assignee");
    const check = await tx.qaCheck.findUniqueOrThrow({ where: { qaTaskId } });
    const claim = await tx.claim.findUniqueOrThrow({ where: { id: task.claimId }, select: { version: true, claimantId: true } });
    if (check.operatorId === reviewer.id || claim.claimantId === reviewer.id) throw new AppError("not_allowed");
    if (claim.version !== claimVersion) throw new AppError("stale");

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
    if (recorded.count !== 1) throw new AppError("already_recorded");
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
  { viewer, allReviewers, companyIds }: { viewer: Actor; allReviewers: boolean; companyIds?: readonly string[] },
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
export async function getQaReview({ taskId, viewer }: { taskId: string; viewer: Actor }): Promise<QaReview | null> {
  if (!hasRole(viewer, "QA", "SUPERVISOR", "ADMIN")) return null;
  const task = await prisma.task.findUnique({ where: { id: taskId }, select: { type: true, status: true, assigneeId: true, claimId: true } });
  if (!task || task.type !== "QA") return null;
  // A QA reviewer looks at the checks assigned to them; supervisors and admins (their companies' claims,
  // checked by getClaimDetail) at any.
  if (!hasRole(viewer, "SUPERVISOR", "ADMIN") && task.assigneeId !== viewer.id) return null;
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
    canRecord: task.status === "IN_PROGRESS" && task.assigneeId === viewer.id && hasRole(viewer, "QA"),
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
