/**
 * The accountant's workstation: one review task in progress, the claim with its checks beside each
 * line, and the decision (approve / return with reason codes / reject) written in one transaction at
 * the claim version the accountant saw.
 */
import { claimReceiptReadings, type ReadingMark } from "./receipt-reading-view.server";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { checkClaim, type CheckFacts, type Finding, type ReceiptReadingFacts } from "~/domain/claim-checks";
import { transition, type ClaimAction, type ClaimStatus } from "~/domain/claim-machine";
import { hammingDistance } from "~/domain/perceptual-hash";
import { canProcess } from "~/domain/segregation";
import { parseWorkCalendar } from "~/domain/work-calendar";
import { Prisma } from "~/generated/prisma/client";
import { prisma, readTogether, type Tx } from "~/utils/db.server";
import { claimFactsColumns, claimFactsJoins, claimFactsOf, type ClaimFactsRow } from "./approval.server";
import { auditInsertSql, type AuditInput } from "./audit.server";
import { consumeClaim, releaseClaim } from "./budget-ledger.server";
import { getClaimHistory, type HistoryEvent } from "./claim-history.server";
import { claimAccessFor, getClaimDetail } from "./claim.server";
import { JOBS } from "~/domain/jobs";
import { outboxInsertSql, outboxRow, type OutboxRow } from "./outbox.server";
import type { ClaimDetail } from "~/contracts/claim";
import { rateLookupFor } from "./exchange-rate.server";
import { invoicesElsewhere } from "./receipt-reading.server";
import { getQaReview, type QaReview } from "./qa-checks.server";
import { drawFinishedReview, newOperatorReviewsColumn, sampledReviewWrites, sampleFactsColumns, type SampleFacts } from "./qa-sampling.server";

export type ReviewErrorCode =
  | "not_found"
  | "not_assignee"
  | "not_allowed"
  | "already_decided"
  | "stale"
  | "reason_required"
  | "invalid_reason"
  | "comment_required"
  | "invalid";

/** A refused decision: an AppError with one of the codes above (and, for not_allowed, the segregation reason). */
function refuse(code: ReviewErrorCode, reason?: string): AppError<ReviewErrorCode> {
  return new AppError(code, { reason });
}

export type ReviewDecision = "approve" | "return" | "reject";

export type ReturnReasonOption = { code: string; name: string; nameZh: string };

export type Workstation = {
  task: {
    id: string;
    status: "OPEN" | "IN_PROGRESS" | "DONE" | "CANCELLED";
    complexity: string;
    slaDueAt: Date | null;
    slaState: "ON_TRACK" | "AT_RISK" | "BREACHED";
    startedAt: Date | null;
    groupName: string | null;
    groupNameZh: string | null;
    assigneeName: string | null;
  };
  /** True only for the assignee of a review in progress; supervisors and admins look read-only. */
  canDecide: boolean;
  claim: ClaimDetail;
  history: HistoryEvent[];
  returnReasons: ReturnReasonOption[];
  findings: Finding[];
  /** Issue 14: per receipt, where its total was read (the viewer highlights it when the line is selected). */
  readings: ReadingMark[];
  /** For a QA task: the decision under check and the QA panel's state (app/models/qa-checks.server.ts). */
  qa: QaReview | null;
};

/** Perceptual hashes at most this many bits apart are look-alikes (as DEFAULT_TOLERANCES). */
const PHASH_DISTANCE = 6;
/** At most this many prefix-sharing candidates are compared per receipt hash. */
const PHASH_CANDIDATES = 2000;

/**
 * Everything the workstation shows for `taskId`, or null (404) when the task is not a review, or the
 * viewer is neither its assignee with the task in progress nor a supervisor/admin (who look read-only).
 */
export async function getWorkstation({ taskId, viewer }: { taskId: string; viewer: Actor }): Promise<Workstation | null> {
  const task = await prisma.task.findUnique({
    where: { id: taskId },
    include: { group: { select: { name: true, nameZh: true } }, assignee: { select: { name: true } } },
  });
  if (!task || (task.type !== "REVIEW" && task.type !== "QA")) return null;
  // A QA task shows the same claim read-only, with the QA panel; QA reviewers may look at it.
  const qa = task.type === "QA" ? await getQaReview({ taskId, viewer }) : null;
  if (task.type === "QA" && !qa) return null;
  const canDecide = task.type === "REVIEW" && task.status === "IN_PROGRESS" && task.assigneeId === viewer.id && hasRole(viewer, "ACCOUNTANT");
  if (!canDecide && !qa && !hasRole(viewer, "SUPERVISOR", "ADMIN")) return null;

  // The claim's own access first (a supervisor outside its companies sees nothing of it); then the page's
  // reads side by side: each waits for a turn of a busy event loop at month-end, so their number in a row
  // is what a slow request is made of.
  const access = await claimAccessFor({ claimId: task.claimId, viewer });
  if (!access) return null;
  const [claim, readings, history, returnReasons] = await Promise.all([
    getClaimDetail({ claimId: task.claimId, viewer, access }),
    claimReceiptReadings(task.claimId),
    getClaimHistory(task.claimId),
    prisma.returnReason.findMany({ where: { active: true }, orderBy: [{ sortOrder: "asc" }, { code: "asc" }], select: { code: true, name: true, nameZh: true } }),
  ]);
  if (!claim) return null;
  const findings = await claimFindings(claim, prisma, readings.facts);
  return {
    task: {
      id: task.id,
      status: task.status,
      complexity: task.complexity,
      slaDueAt: task.slaDueAt,
      slaState: task.slaState,
      startedAt: task.startedAt,
      groupName: task.group?.name ?? null,
      groupNameZh: task.group?.nameZh ?? null,
      assigneeName: task.assignee?.name ?? null,
    },
    canDecide,
    claim,
    history,
    returnReasons,
    findings,
    readings: readings.marks,
    qa,
  };
}

type ElsewhereRow = { sha256: string; phash: string | null; claimId: string; claimNumber: string };

/**
 * Receipts on OTHER claims (any claimant) with the same bytes or a look-alike image.
 *
 * Same bytes: `sha256 IN (...)` over receipt.file_sha256 (indexed). Look-alikes: a Hamming distance
 * cannot use a b-tree, so we keep it bounded and simple — exact phash equality (stored_file_phash_idx)
 * plus, per hash, at most PHASH_CANDIDATES stored files whose phash shares the first 4 hex digits
 * (16 bits), compared in JS. Look-alikes that differ within the first 16 bits are missed; a BK-tree or
 * multi-index hashing over the 4 hex quarters is the upgrade when that matters.
 */
async function receiptsElsewhere(claimId: string, files: { sha256: string; phash: string | null }[], db: Tx): Promise<ElsewhereRow[]> {
  if (files.length === 0) return [];
  const shas = [...new Set(files.map((f) => f.sha256))];
  const phashes = [...new Set(files.flatMap((f) => (f.phash && /^[0-9a-f]{16}$/i.test(f.phash) ? [f.phash.toLowerCase()] : [])))];
  const exact = await db.$queryRaw<ElsewhereRow[]>`
    SELECT f.sha256, f.phash, r.claim_id AS "claimId", c.number AS "claimNumber"
      FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 JOIN claim c ON c.id = r.claim_id
     WHERE r.claim_id <> ${claimId}
       AND (r.file_sha256 IN (${Prisma.join(shas)})${phashes.length > 0 ? Prisma.sql` OR f.phash IN (${Prisma.join(phashes)})` : Prisma.empty})`;
  const similar: ElsewhereRow[] = [];
  for (const prefix of [...new Set(phashes.map((p) => p.slice(0, 4)))]) {
    const candidates = await db.$queryRaw<{ sha256: string; phash: string }[]>`
      SELECT sha256, phash FROM stored_file
       WHERE phash LIKE ${`${prefix}%`} AND sha256 NOT IN (${Prisma.join(shas)})
       LIMIT ${PHASH_CANDIDATES}`;
    const near = candidates.filter((c) => phashes.some((p) => p.startsWith(prefix) && hammingDistance(p, c.phash) <= PHASH_DISTANCE));
    if (near.length === 0) continue;
    similar.push(
      ...(await db.$queryRaw<ElsewhereRow[]>`
        SELECT f.sha256, f.phash, r.claim_id AS "claimId", c.number AS "claimNumber"
          FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 JOIN claim c ON c.id = r.claim_id
         WHERE r.claim_id <> ${claimId} AND f.sha256 IN (${Prisma.join(near.map((n) => n.sha256))})`),
    );
  }
  const seen = new Set<string>();
  return [...exact, ...similar].filter((row) => {
    const key = `${row.sha256}:${row.claimId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Builds the facts for `checkClaim` from the database and runs it. */
async function claimFindings(claim: ClaimDetail, db: Tx = prisma, readings?: ReceiptReadingFacts[]): Promise<Finding[]> {
  readings ??= (await claimReceiptReadings(claim.id, db)).facts;
  const receiptRows = await db.receipt.findMany({
    where: { claimId: claim.id },
    select: { id: true, file: { select: { sha256: true, phash: true, capturedOn: true } } },
  });
  const [company, categories, elsewhere, rateFor, invoiceDuplicates] = await readTogether(
    db,
    () => db.company.findUniqueOrThrow({ where: { id: claim.company.id }, select: { calendar: true } }),
    () =>
      db.expenseCategory.findMany({
        where: { code: { in: [...new Set(claim.lines.map((l) => l.categoryCode))] }, limitMinor: { not: null } },
        select: { code: true, limitMinor: true, limitCurrency: true },
      }),
    () => receiptsElsewhere(claim.id, receiptRows.map((r) => r.file), db),
    () =>
      rateLookupFor(
        claim.lines.map((l) => ({ currency: l.amount.currency, onDate: l.spentOn })),
        claim.company.currency,
        db,
      ),
    () => invoicesElsewhere(claim.id, db),
  );
  const categoryLimits: CheckFacts["categoryLimits"] = {};
  for (const c of categories) {
    if (c.limitMinor !== null) categoryLimits[c.code] = { limitMinor: c.limitMinor, currency: c.limitCurrency ?? claim.company.currency };
  }
  // Limits in a currency other than the company's need their own rates.
  const limitCurrencies = [...new Set(Object.values(categoryLimits).flatMap((l) => (l && l.currency !== claim.company.currency ? [l.currency] : [])))];
  const limitRates = await readTogether(
    db,
    ...limitCurrencies.map((to) => async () => [to, await rateLookupFor(claim.lines.map((l) => ({ currency: l.amount.currency, onDate: l.spentOn })), to, db)] as const),
  );
  const byTarget = new Map(limitRates);
  return checkClaim({
    companyCurrency: claim.company.currency,
    lines: claim.lines.map((l) => ({
      id: l.id,
      spentOn: l.spentOn,
      categoryCode: l.categoryCode,
      amountMinor: l.amount.minor,
      currency: l.amount.currency,
      receiptIds: l.receiptIds,
    })),
    receipts: receiptRows.map((r) => ({
      id: r.id,
      sha256: r.file.sha256,
      phash: r.file.phash,
      capturedOn: r.file.capturedOn?.toISOString().slice(0, 10) ?? null,
    })),
    elsewhere,
    invoicesElsewhere: invoiceDuplicates,
    readings,
    categoryLimits,
    rateFor: (from, to, onDate) => (to === claim.company.currency ? rateFor(from, to, onDate) : byTarget.get(to)?.(from, to, onDate)),
    calendar: parseWorkCalendar(company.calendar),
  });
}

/**
 * The accountant's approved amounts, checked against the claim's lines (in position order): each a line of
 * this claim, 0 ≤ x ≤ its amount (else AppError "invalid" naming `lines.<i>.approved`). Returns the lines
 * approved below their amount (only those get approved_minor).
 */
function checkApprovedAmounts(lines: readonly { id: string; amountMinor: bigint; currency: string }[], approved: Record<string, bigint>) {
  const fieldErrors: Record<string, string> = {};
  const known = new Set(lines.map((l) => l.id));
  for (const id of Object.keys(approved)) if (!known.has(id)) fieldErrors[`lines.${id}.approved`] = "unknown";
  const less: { lineId: string; amountMinor: bigint; approvedMinor: bigint; currency: string }[] = [];
  lines.forEach((l, i) => {
    const x = approved[l.id];
    if (x === undefined) return;
    if (typeof x !== "bigint" || x < 0n || x > l.amountMinor) fieldErrors[`lines.${i}.approved`] = x > l.amountMinor ? "above_amount" : "invalid";
    else if (x < l.amountMinor) less.push({ lineId: l.id, amountMinor: l.amountMinor, approvedMinor: x, currency: l.currency });
  });
  if (Object.keys(fieldErrors).length > 0) throw new AppError<ReviewErrorCode>("invalid", { fieldErrors });
  return less;
}

const ACTIONS: Record<ReviewDecision, { action: ClaimAction; outcome: string; audit: string }> = {
  approve: { action: "approve", outcome: "approved", audit: "claim.approved" },
  return: { action: "returnToClaimant", outcome: "returned", audit: "claim.returned" },
  reject: { action: "reject", outcome: "rejected", audit: "claim.rejected" },
};

/** What a decision reads under its locks, in one statement (see decideReview). */
type ReviewRead = ClaimFactsRow &
  SampleFacts & {
    taskStatus: string;
    assigneeId: string | null;
    taskGroupId: string | null;
    taskComplexity: string;
    taskClaimVersion: number;
    claimGroupId: string | null;
    managerApproverIds: string[];
    groupIds: string[];
    validReasons: number;
    lines: { id: string; amountMinor: string; currency: string }[];
  };

/**
 * Decide one review task at the claim version the accountant saw. One transaction: lock task and
 * claim, check assignee, version and segregation of duties, move the claim through the state machine,
 * finish the task, bump the version, move the budget, write the audit event, draw the QA sample. Any
 * refusal throws an AppError and changes nothing.
 *
 * In few round trips (docs/decisions/034-decisions-in-few-statements.md): the task and claim locked in one
 * statement; everything the rules and the QA draw need read under those locks in a second; the rules
 * (app/domain) in JS (and the claim's checks through the transaction, only when the QA flags can matter);
 * the task, its metrics event, the approved amounts and the claim in one write statement; the budget
 * (cells locked before the audit chain, as everywhere); then the jobs, the QA rows and the audit events in
 * ONE statement (the audit insert takes no shared lock: events are chained after commit, decision 037).
 */
export async function decideReview({
  viewer,
  taskId,
  claimVersion,
  decision,
  reasonCodes = [],
  comment,
  approvedAmounts = {},
}: {
  viewer: Actor;
  taskId: string;
  claimVersion: number;
  decision: ReviewDecision;
  reasonCodes?: string[];
  comment?: string;
  /** Approve only: what is approved of a line (line currency, 0 ≤ x ≤ its amount); lines not named are approved in full. */
  approvedAmounts?: Record<string, bigint>;
}): Promise<{ status: ClaimStatus; claimId: string }> {
  const note = comment?.trim() ?? "";
  const codes = [...new Set(reasonCodes.map((c) => c.trim()).filter(Boolean))];
  if (decision === "return" && codes.length === 0) throw refuse("reason_required");
  if (decision === "reject" && !note) throw refuse("comment_required");
  const rule = ACTIONS[decision];

  return prisma.$transaction(async (tx) => {
    // The task, then its claim (rows locked in that order, as before), in one statement.
    const [locked] = await tx.$queryRaw<{ claim_id: string; newOperatorReviews: number }[]>`
      SELECT t.claim_id, ${newOperatorReviewsColumn} FROM task t JOIN claim c ON c.id = t.claim_id
       WHERE t.id = ${taskId} AND t.type = 'REVIEW' FOR UPDATE OF t, c`;
    if (!locked) throw refuse("not_found");
    // Read after the locks (a statement of its own, so its snapshot sees what the lock waited for).
    const [read] = await tx.$queryRaw<ReviewRead[]>`
      SELECT t.status::text AS "taskStatus", t.assignee_id AS "assigneeId", t.group_id AS "taskGroupId",
             t.complexity AS "taskComplexity", t.claim_version AS "taskClaimVersion", c.group_id AS "claimGroupId",
             ${claimFactsColumns},
             ARRAY(SELECT a.assignee_id FROM task a
                    WHERE a.claim_id = c.id AND a.type = 'MANAGER_APPROVAL' AND a.status = 'DONE' AND a.outcome = 'approved'
                      AND a.assignee_id IS NOT NULL) AS "managerApproverIds",
             ARRAY(SELECT gm.group_id FROM group_member gm WHERE gm.user_id = ${viewer.id}) AS "groupIds",
             (SELECT count(*)::int FROM return_reason r WHERE r.code = ANY (${codes}::text[]) AND r.active) AS "validReasons",
             (SELECT coalesce(json_agg(json_build_object('id', l.id, 'amountMinor', l.amount_minor::text, 'currency', l.currency) ORDER BY l.position), '[]'::json)
                FROM claim_line l WHERE l.claim_id = c.id) AS lines,
             ${sampleFactsColumns(viewer.id, locked.newOperatorReviews)}
        FROM task t JOIN claim c ON c.id = t.claim_id ${claimFactsJoins}
       WHERE t.id = ${taskId}`;
    if (!read) throw refuse("not_found");
    if (read.taskStatus === "DONE" || read.taskStatus === "CANCELLED") throw refuse("already_decided");
    if (read.taskStatus !== "IN_PROGRESS" || read.assigneeId !== viewer.id) throw refuse("not_assignee");
    const claimStatus = read.claimStatus as ClaimStatus;
    const claimId = read.claimId;
    if (read.claimVersion !== claimVersion) throw refuse("stale");

    const allowed = canProcess(
      { id: viewer.id, roles: [...viewer.roles], groupIds: read.groupIds },
      { claimantId: read.claimantId, managerApproverIds: read.managerApproverIds, groupId: read.taskGroupId ?? read.claimGroupId },
    );
    if (!allowed.ok) throw refuse("not_allowed", allowed.reason);
    if (decision === "return" && read.validReasons !== codes.length) throw refuse("invalid_reason");
    const to = transition(claimStatus, rule.action);
    if (!to.ok) throw refuse("stale");
    const lines = read.lines.map((l) => ({ id: l.id, amountMinor: BigInt(l.amountMinor), currency: l.currency.trim() }));
    const lessApproved = decision === "approve" ? checkApprovedAmounts(lines, approvedAmounts) : [];

    const now = new Date();
    // Quality sampling: this finished review may be drawn for a QA re-check, in this same transaction. The
    // claim's checks (the costly part) are read only when they can change the draw, through this
    // transaction (a second pool connection per decision could run the pool dry), before any write.
    const facts = await claimFactsOf(read, tx);
    const draw = await drawFinishedReview({
      reviewTaskId: taskId,
      facts: read,
      claimTotal: { minor: facts.totalCompanyMinor, currency: facts.companyCurrency },
      at: now,
      findings: async () => {
        const detail = await getClaimDetail({ claimId, viewer }, tx);
        return detail ? claimFindings(detail, tx) : [];
      },
    });

    // The task DONE with its metrics event, the lines approved below their amount, the claim moved (version + 1).
    const [moved] = await tx.$queryRaw<{ version: number; finished: number }[]>`
      WITH finished AS (
        UPDATE task SET status = 'DONE', outcome = ${rule.outcome}, finished_at = ${now}, started_at = coalesce(started_at, ${now})
         WHERE id = ${taskId} AND status = 'IN_PROGRESS'
        RETURNING id
      ), finished_event AS (${outboxInsertSql([outboxRow(JOBS.taskEvent, { taskId, kind: "finished", at: now.toISOString() })])}),
      approved_less AS (
        UPDATE claim_line l SET approved_minor = v.approved
          FROM unnest(${lessApproved.map((l) => l.lineId)}::text[], ${lessApproved.map((l) => l.approvedMinor.toString())}::bigint[]) AS v (id, approved)
         WHERE l.id = v.id AND l.claim_id = ${claimId}
        RETURNING l.id
      ), moved AS (
        UPDATE claim SET status = ${to.to}::"ClaimStatus", version = version + 1, updated_at = now()
         WHERE id = ${claimId} AND version = ${claimVersion}
        RETURNING version
      )
      SELECT (SELECT version FROM moved) AS version, (SELECT count(*) FROM finished)::int AS finished,
             (SELECT count(*) FROM finished_event)::int + (SELECT count(*) FROM approved_less)::int AS written`;
    // Under the locks neither can fail; if one did, nothing of this transaction may stand.
    if (!moved || moved.finished !== 1 || moved.version !== claimVersion + 1) throw new Error("review: the task or the claim changed under their locks");

    // The budget moves before the audit event (cells are locked before the audit chain everywhere).
    const budget =
      decision === "approve"
        ? { consumedMinor: (await consumeClaim(tx, { claimId, version: moved.version, actorId: viewer.id })).consumedMinor.toString() }
        : { releasedMinor: (await releaseClaim(tx, { claimId, version: moved.version, actorId: viewer.id, reason: decision === "reject" ? "rejected" : "returned" })).releasedMinor.toString() };
    const approvedLess = lessApproved.map((l) => ({ lineId: l.lineId, amountMinor: l.amountMinor.toString(), approvedMinor: l.approvedMinor.toString(), currency: l.currency }));
    const data: Prisma.InputJsonObject =
      decision === "return"
        ? { reasonCodes: codes, comment: note, by: "accountant", taskId, budget }
        : { by: "accountant", taskId, ...(note ? { comment: note } : {}), ...(approvedLess.length > 0 ? { approvedLess } : {}), budget };
    const audits: [AuditInput, ...AuditInput[]] = [{ claimId, actorId: viewer.id, type: rule.audit, fromStatus: claimStatus, toStatus: to.to, data }];
    const jobs: OutboxRow[] = [];
    // An approval is posted to the ledger; a rejection is final: the claim is filed as an archive record.
    if (decision === "approve") jobs.push(outboxRow(JOBS.postClaimVoucher, { claimId }));
    if (to.to === "REJECTED") jobs.push(outboxRow(JOBS.fileArchiveRecord, { claimId }));
    const sampled = draw?.drawn
      ? sampledReviewWrites({ draw, review: { taskId, claimId, operatorId: viewer.id, complexity: read.taskComplexity, claimVersion: read.taskClaimVersion }, at: now })
      : null;
    if (sampled) {
      jobs.push(sampled.event);
      audits.push(sampled.audit);
    }
    // The jobs and the QA rows (referenced by the SELECT, so they run first), then the audit events: the
    // decision's, then the QA draw's, in that order, referenced by nothing, so last.
    await tx.$queryRaw`
      WITH ${jobs.length > 0 ? Prisma.sql`jobs AS (${outboxInsertSql(jobs as [OutboxRow, ...OutboxRow[]])}),` : Prisma.empty}
      ${sampled ? Prisma.sql`${sampled.sql},` : Prisma.empty}
      audited AS (${auditInsertSql(audits)})
      SELECT ${jobs.length > 0 ? Prisma.sql`(SELECT count(*) FROM jobs)::int` : Prisma.sql`0`} AS jobs,
             ${sampled ? Prisma.sql`(SELECT count(*) FROM qa_row)::int` : Prisma.sql`0`} AS sampled`;
    return { status: to.to, claimId };
  });
}
