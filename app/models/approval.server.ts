/**
 * Manager approval: a submitted claim waits for its line manager (and, above the company's threshold,
 * the department head). Approvers who are away delegate to another manager for a date range.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { activeApprovers, approvalSteps, canApproveStep, checkDelegation, type Delegation } from "~/domain/segregation";
import { transition, type ClaimStatus } from "~/domain/claim-machine";
import { complexityBand } from "~/domain/complexity";
import { totalIn } from "~/domain/money";
import { JOBS, taskEventKey } from "~/domain/jobs";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { auditInsertSql, recordAudit, type AuditInput } from "./audit.server";
import { releaseClaim } from "./budget-ledger.server";
import { rateLookupFor } from "./exchange-rate.server";
import { outboxInsertSql, outboxRow } from "./outbox.server";
import { isoDate } from "~/domain/calendar-date";

/** Why a decision was refused: the AppError codes `decideApproval` throws (a refusal by a rule carries its reason). */
export type ApprovalErrorCode = "not_found" | "not_allowed" | "stale" | "already_decided" | "comment_required";

const today = () => new Date().toISOString().slice(0, 10);

export function routeJobKey(claimId: string, version: number): string {
  return JOBS.routeClaim.key({ claimId, version });
}

/**
 * The columns of a claim `c` (with `claimFactsJoins`) that approval and QA sampling need, for a statement
 * that reads them together with other things: status and version, claimant, company currency and
 * second-approval threshold, the claimant's manager and department head, budget approvers, and the lines
 * with their receipts' page counts.
 */
export const claimFactsColumns = Prisma.sql`
  c.id AS "claimId", c.status::text AS "claimStatus", c.version AS "claimVersion", c.claimant_id AS "claimantId",
  c.company_id AS "companyId", co.currency AS "companyCurrency", co.second_approval_minor AS "secondApprovalMinor",
  cu.manager_id AS "claimantManagerId", cd.head_id AS "claimantDepartmentHeadId", c.budget_approver_ids AS "budgetApproverIds",
  (SELECT coalesce(json_agg(json_build_object('amountMinor', l.amount_minor::text, 'currency', l.currency, 'spentOn', l.spent_on,
            'receiptPages', (SELECT coalesce(sum(coalesce(f.page_count, 1)), 0) FROM line_receipt lr
                               JOIN receipt r ON r.id = lr.receipt_id JOIN stored_file f ON f.sha256 = r.file_sha256
                              WHERE lr.line_id = l.id)) ORDER BY l.position), '[]'::json)
     FROM claim_line l WHERE l.claim_id = c.id) AS "factLines"`;

/** The joins `claimFactsColumns` reads through, after `claim c`. */
export const claimFactsJoins = Prisma.sql`JOIN company co ON co.id = c.company_id JOIN app_user cu ON cu.id = c.claimant_id JOIN department cd ON cd.id = cu.department_id`;

export type ClaimFactsRow = {
  claimId: string;
  claimStatus: string;
  claimVersion: number;
  claimantId: string;
  companyId: string;
  companyCurrency: string;
  secondApprovalMinor: bigint | null;
  claimantManagerId: string | null;
  claimantDepartmentHeadId: string | null;
  budgetApproverIds: string[];
  factLines: { amountMinor: string; currency: string; spentOn: string; receiptPages: number | string }[];
};

export type ClaimFacts = Omit<ClaimFactsRow, "claimStatus" | "factLines"> & {
  claimStatus: ClaimStatus;
  totalCompanyMinor: bigint;
  complexity: string;
};

/** The claim's total in company currency (at each line's date) and its complexity band, from its facts row. */
export async function claimFactsOf(row: ClaimFactsRow, db: Tx): Promise<ClaimFacts> {
  const { factLines, ...rest } = row;
  const companyCurrency = row.companyCurrency.trim();
  const items = factLines.map((l) => ({ minor: BigInt(l.amountMinor), currency: l.currency.trim(), onDate: String(l.spentOn).slice(0, 10) }));
  const rateFor = await rateLookupFor(items, companyCurrency, db);
  const totalCompanyMinor = totalIn(items, companyCurrency, rateFor).total.minor;
  const complexity = complexityBand({
    lineCount: factLines.length,
    receiptPages: factLines.reduce((n, l) => n + Number(l.receiptPages), 0),
    currencies: [...new Set(items.map((i) => i.currency))],
    companyCurrency,
  });
  return { ...rest, companyCurrency, claimStatus: row.claimStatus as ClaimStatus, totalCompanyMinor, complexity };
}

/** Facts about a claim that approval and QA sampling both need, read inside the caller's transaction (one statement). */
export async function loadClaimFacts(tx: Tx, claimId: string): Promise<ClaimFacts> {
  const [row] = await tx.$queryRaw<ClaimFactsRow[]>`SELECT ${claimFactsColumns} FROM claim c ${claimFactsJoins} WHERE c.id = ${claimId}`;
  if (!row) throw new Error(`claim ${claimId} not found`);
  return claimFactsOf(row, tx);
}

function stepsFor(facts: ClaimFacts) {
  return approvalSteps(facts.totalCompanyMinor, facts.secondApprovalMinor, facts.claimantManagerId, facts.claimantDepartmentHeadId, facts.claimantId, facts.budgetApproverIds);
}

/**
 * Called in the submitting transaction: opens the first approval task (unassigned when nobody can approve;
 * admins see those) with its metrics event, in one statement after the claim's facts.
 */
export async function openApprovalTask(tx: Tx, claimId: string, claimVersion: number): Promise<void> {
  const facts = await loadClaimFacts(tx, claimId);
  const first = stepsFor(facts)[0];
  const id = newId();
  // The task's arrival and its metrics event carry the same instant (the rollups count both).
  const at = new Date();
  await tx.$executeRaw`
    WITH opened AS (
      INSERT INTO task (id, claim_id, type, step, assignee_id, claim_version, complexity, created_at)
      VALUES (${id}, ${claimId}, 'MANAGER_APPROVAL', 1, ${first?.approverId ?? null}, ${claimVersion}, ${facts.complexity}, ${at})
    )
    ${outboxInsertSql([taskEvent(id, "created", at)])}`;
}

async function delegationsTo(userId: string, on: string): Promise<Delegation[]> {
  const rows = await prisma.approvalDelegation.findMany({
    where: { delegateId: userId, validFrom: { lte: new Date(`${on}T00:00:00Z`) }, validTo: { gte: new Date(`${on}T00:00:00Z`) }, revokedAt: null },
    select: { managerId: true, delegateId: true, validFrom: true, validTo: true },
  });
  return rows.map((d) => ({ managerId: d.managerId, delegateId: d.delegateId, from: isoDate(d.validFrom), to: isoDate(d.validTo) }));
}

export type ApprovalItem = {
  taskId: string;
  claimId: string;
  claimNumber: string;
  claimVersion: number;
  purpose: string;
  claimantName: string;
  departmentName: string;
  departmentNameZh: string;
  step: number;
  onBehalfOf: string | null;
  waitingSince: Date;
  totals: { minor: bigint; currency: string }[];
};

/** The approvals waiting for `viewer`: their own, their delegators', and (admins) those nobody can approve. */
export async function listApprovals(viewer: Actor): Promise<ApprovalItem[]> {
  // One statement (the page is re-read after every decision a manager posts): the delegations in force
  // today and, for an admin, their companies are joined in, and each claim's totals per currency are
  // summed beside it (in the order its lines first use each currency). Prisma's include made it eight
  // round trips, which at month-end load put the approve-and-reload request at ~260 ms p95.
  const day = new Date(`${today()}T00:00:00Z`);
  const isAdmin = hasRole(viewer, "ADMIN");
  const rows = await prisma.$queryRaw<(Omit<ApprovalItem, "totals"> & { totals: { currency: string; minor: string }[] })[]>`
    SELECT t.id AS "taskId", c.id AS "claimId", c.number AS "claimNumber", c.version AS "claimVersion", c.purpose,
           claimant.name AS "claimantName", d.name AS "departmentName", d.name_zh AS "departmentNameZh", t.step,
           CASE WHEN t.assignee_id IS NOT NULL AND t.assignee_id <> ${viewer.id} THEN assignee.name END AS "onBehalfOf",
           t.created_at AS "waitingSince",
           coalesce((SELECT json_agg(json_build_object('currency', x.currency, 'minor', x.minor::text) ORDER BY x.first_position)
                       FROM (SELECT l.currency, sum(l.amount_minor) AS minor, min(l.position) AS first_position
                               FROM claim_line l WHERE l.claim_id = c.id GROUP BY l.currency) x), '[]'::json) AS totals
      FROM (
             -- Each branch by its own index; an OR of them in one WHERE was a scan of every task. This one by
             -- (assignee_id, status).
             SELECT t.id FROM task t
              WHERE t.type = 'MANAGER_APPROVAL' AND t.status = 'OPEN'
                AND t.assignee_id = ANY (ARRAY[${viewer.id}]::text[] || ARRAY(
                      SELECT g.manager_id FROM approval_delegation g
                       WHERE g.delegate_id = ${viewer.id} AND g.valid_from <= ${day}::date AND g.valid_to >= ${day}::date AND g.revoked_at IS NULL))
             UNION ALL
             -- The partial index task_open_unassigned_approval_idx, whose predicate is exactly this one (decision 039).
             -- The claim's company is the task's own (decision 041), never a join: the planner thinks the branch
             -- returns ~1,000 rows where there are tens, and as a join it hashed the whole claim table.
             SELECT t.id FROM task t
              WHERE ${isAdmin} AND t.type = 'MANAGER_APPROVAL' AND t.status = 'OPEN' AND t.assignee_id IS NULL
                AND t.company_id IN (SELECT uc.company_id FROM user_company uc WHERE uc.user_id = ${viewer.id})
           ) open_task
      JOIN task t ON t.id = open_task.id
      JOIN claim c ON c.id = t.claim_id
      JOIN app_user claimant ON claimant.id = c.claimant_id
      JOIN department d ON d.id = c.department_id
      LEFT JOIN app_user assignee ON assignee.id = t.assignee_id
     WHERE c.status = 'SUBMITTED' AND c.claimant_id <> ${viewer.id}
     ORDER BY t.created_at, t.id
     LIMIT 200`;
  return rows.map((r) => ({ ...r, totals: r.totals.map((m) => ({ currency: m.currency, minor: BigInt(m.minor) })) }));
}

type ApprovalRead = ClaimFactsRow & {
  taskStatus: string;
  assigneeId: string | null;
  step: number;
  startedAt: Date | null;
  /** Who already worked on the claim: approvers of its other steps (any round) and its reviewers. */
  others: { type: string; assigneeId: string }[];
  viewerInCompany: boolean;
};

/** The payload of a task's metrics event, as emitTaskEvent writes it (job schema checked). */
const taskEvent = (taskId: string, kind: "finished" | "created" | "cancelled", at: Date) => outboxRow(JOBS.taskEvent, { taskId, kind, at: at.toISOString() });

/**
 * Approve or return one approval task at the claim version the approver saw. One transaction: the
 * task, the claim's status and version, the audit event, and (final approval) the routing job.
 *
 * Round trips (docs/decisions/034-decisions-in-few-statements.md): the task and its claim locked in one
 * statement; everything the rules need read under those locks in a second; the rules (app/domain) in
 * JS; then every write in ONE statement of data-modifying CTEs (the audit insert takes no shared lock:
 * events are chained after commit, decision 037). A return also gives the claim's budget back, between its
 * writes and its audit event (cells are locked before the chain everywhere).
 */
export async function decideApproval({
  viewer,
  taskId,
  claimVersion,
  decision,
  comment,
}: {
  viewer: Actor;
  taskId: string;
  claimVersion: number;
  decision: "approve" | "return";
  comment?: string;
}): Promise<{ status: "SUBMITTED" | "MANAGER_APPROVED" | "RETURNED" }> {
  const note = comment?.trim() ?? "";
  if (decision === "return" && !note) throw new AppError<ApprovalErrorCode>("comment_required");
  const delegations = await delegationsTo(viewer.id, today());
  return prisma.$transaction(async (tx) => {
    // The task, then its claim (rows locked in that order, as before), in one statement.
    const [locked] = await tx.$queryRaw<{ claim_id: string }[]>`
      SELECT t.claim_id FROM task t JOIN claim c ON c.id = t.claim_id
       WHERE t.id = ${taskId} AND t.type = 'MANAGER_APPROVAL' FOR UPDATE OF t, c`;
    if (!locked) throw new AppError<ApprovalErrorCode>("not_found");
    // Read after the locks (a statement of its own, so its snapshot sees what the lock waited for).
    const [read] = await tx.$queryRaw<ApprovalRead[]>`
      SELECT t.status::text AS "taskStatus", t.assignee_id AS "assigneeId", t.step, t.started_at AS "startedAt",
             ${claimFactsColumns},
             (SELECT coalesce(json_agg(json_build_object('type', o.type, 'assigneeId', o.assignee_id)), '[]'::json)
                FROM task o
               WHERE o.claim_id = c.id AND o.assignee_id IS NOT NULL
                 AND ((o.type = 'MANAGER_APPROVAL' AND o.status = 'DONE' AND o.outcome = 'approved' AND o.step <> t.step) OR o.type = 'REVIEW')) AS others,
             EXISTS (SELECT 1 FROM user_company uc WHERE uc.user_id = ${viewer.id} AND uc.company_id = c.company_id) AS "viewerInCompany"
        FROM task t JOIN claim c ON c.id = t.claim_id ${claimFactsJoins}
       WHERE t.id = ${taskId}`;
    if (!read) throw new AppError<ApprovalErrorCode>("not_found");
    const facts = await claimFactsOf(read, tx);
    if (read.taskStatus !== "OPEN") throw new AppError<ApprovalErrorCode>("already_decided");
    if (facts.claimVersion !== claimVersion || facts.claimStatus !== "SUBMITTED") throw new AppError<ApprovalErrorCode>("stale");
    const primary = read.assigneeId ? [read.assigneeId] : [];
    const allowed = canApproveStep(viewer, {
      claimantId: facts.claimantId,
      approverIds: activeApprovers(primary, delegations, today()),
      // Admins clear claims nobody else can approve (no manager, no head).
      unassigned: read.assigneeId === null,
      companyInScope: read.assigneeId === null && read.viewerInCompany,
      otherStepApproverIds: read.others.flatMap((t) => (t.type === "MANAGER_APPROVAL" && t.assigneeId ? [t.assigneeId] : [])),
      reviewerIds: read.others.flatMap((t) => (t.type === "REVIEW" && t.assigneeId ? [t.assigneeId] : [])),
    });
    if (!allowed.ok) throw new AppError<ApprovalErrorCode>("not_allowed", { reason: allowed.reason });

    const now = new Date();
    const onBehalfOf = read.assigneeId !== viewer.id ? read.assigneeId : null;
    const claimId = facts.claimId;
    // This task DONE (decided by the viewer, maybe for the manager they stand in for) and its metrics event.
    const finishTask = Prisma.sql`
      finished AS (
        UPDATE task SET status = 'DONE', outcome = ${decision === "approve" ? "approved" : "returned"}, assignee_id = ${viewer.id},
                        started_at = coalesce(started_at, ${now}), finished_at = ${now}
         WHERE id = ${taskId} AND status = 'OPEN'
        RETURNING id
      ), finished_event AS (${outboxInsertSql([taskEvent(taskId, "finished", now)])})`;

    if (decision === "return") {
      const to = transition(facts.claimStatus, "managerReturn");
      if (!to.ok) throw new AppError<ApprovalErrorCode>("stale");
      // The other open steps are withdrawn (each with its metrics event), the claim returned, version + 1.
      const cancelledPrefix = taskEventKey("", "cancelled");
      JOBS.taskEvent.payload.parse({ taskId: "-", kind: "cancelled", at: now.toISOString() });
      const [written] = await tx.$queryRaw<{ version: number; finished: number }[]>`
        WITH ${finishTask}, withdrawn AS (
          UPDATE task SET status = 'CANCELLED', finished_at = ${now}
           WHERE claim_id = ${claimId} AND type = 'MANAGER_APPROVAL' AND status = 'OPEN' AND id <> ${taskId}
          RETURNING id
        ), withdrawn_events AS (
          INSERT INTO outbox_event (queue, job_name, job_key, payload)
          SELECT ${JOBS.taskEvent.queue}, ${JOBS.taskEvent.name}, ${cancelledPrefix} || w.id,
                 jsonb_build_object('taskId', w.id, 'kind', 'cancelled', 'at', ${now.toISOString()}::text)
            FROM withdrawn w
          ON CONFLICT (job_key) DO NOTHING
          RETURNING id
        ), returned AS (
          UPDATE claim SET status = ${to.to}::"ClaimStatus", version = version + 1, updated_at = now()
           WHERE id = ${claimId} RETURNING version
        )
        SELECT (SELECT version FROM returned) AS version, (SELECT count(*) FROM finished)::int AS finished,
               (SELECT count(*) FROM finished_event)::int + (SELECT count(*) FROM withdrawn_events)::int AS events`;
      if (!written || written.finished !== 1) throw new AppError<ApprovalErrorCode>("already_decided");
      const { releasedMinor } = await releaseClaim(tx, { claimId, version: written.version, actorId: viewer.id, reason: "returned" });
      await recordAudit(tx, { claimId, actorId: viewer.id, type: "claim.returned", fromStatus: facts.claimStatus, toStatus: to.to, data: { comment: note, by: "manager", onBehalfOf, releasedMinor: releasedMinor.toString() } });
      return { status: "RETURNED" as const };
    }

    const next = stepsFor(facts).find((s) => s.step === read.step + 1);
    if (next) {
      // Another step follows: its task (and metrics event), then the audit event, last.
      const nextTaskId = newId();
      const audit: AuditInput = { claimId, actorId: viewer.id, type: "claim.manager_step_approved", data: { step: read.step, nextApproverId: next.approverId, onBehalfOf, ...(note ? { comment: note } : {}) } };
      const [written] = await tx.$queryRaw<{ finished: number }[]>`
        WITH ${finishTask}, next_task AS (
          INSERT INTO task (id, claim_id, type, step, assignee_id, claim_version, complexity, created_at)
          VALUES (${nextTaskId}, ${claimId}, 'MANAGER_APPROVAL', ${next.step}, ${next.approverId}, ${claimVersion}, ${facts.complexity}, ${now})
          RETURNING id
        ), next_event AS (${outboxInsertSql([taskEvent(nextTaskId, "created", now)])}),
        audited AS (${auditInsertSql([audit])})
        SELECT (SELECT count(*) FROM finished)::int AS finished, (SELECT count(*) FROM next_task)::int AS created,
               (SELECT count(*) FROM finished_event)::int + (SELECT count(*) FROM next_event)::int AS events`;
      if (!written || written.finished !== 1) throw new AppError<ApprovalErrorCode>("already_decided");
      return { status: "SUBMITTED" as const };
    }
    // The last step: the claim MANAGER_APPROVED (version + 1), the routing job, the audit event last.
    const to = transition(facts.claimStatus, "managerApprove");
    if (!to.ok) throw new AppError<ApprovalErrorCode>("stale");
    const route = outboxRow(JOBS.routeClaim, { claimId, version: facts.claimVersion + 1 });
    const audit: AuditInput = { claimId, actorId: viewer.id, type: "claim.manager_approved", fromStatus: facts.claimStatus, toStatus: to.to, data: { onBehalfOf, ...(note ? { comment: note } : {}) } };
    const [written] = await tx.$queryRaw<{ finished: number; version: number }[]>`
      WITH ${finishTask}, approved AS (
        UPDATE claim SET status = ${to.to}::"ClaimStatus", version = version + 1, updated_at = now()
         WHERE id = ${claimId} AND version = ${facts.claimVersion} RETURNING version
      ), routed AS (${outboxInsertSql([route])}),
      audited AS (${auditInsertSql([audit])})
      SELECT (SELECT count(*) FROM finished)::int AS finished, (SELECT version FROM approved) AS version,
             (SELECT count(*) FROM finished_event)::int + (SELECT count(*) FROM routed)::int AS events`;
    // Under the locks neither can fail; if one did, nothing of this statement may stand.
    if (!written || written.finished !== 1 || written.version !== facts.claimVersion + 1) throw new Error("approval: the task or the claim changed under their locks");
    return { status: "MANAGER_APPROVED" as const };
  });
}

/** The manager's delegations that are running or planned (not ended, not revoked). */
export async function listDelegations(managerId: string) {
  return prisma.approvalDelegation.findMany({
    where: { managerId, validTo: { gte: new Date(`${today()}T00:00:00Z`) }, revokedAt: null },
    orderBy: { validFrom: "asc" },
    include: { delegate: { select: { name: true, email: true } } },
  });
}

/**
 * A manager hands their approvals to another manager for a date range: an active manager of the same
 * company, from today on, at most MAX_DELEGATION_DAYS (app/domain/segregation.ts). Audited.
 */
export async function createDelegation({
  manager,
  delegateEmail,
  from,
  to,
}: {
  manager: Actor;
  delegateEmail: string;
  from: string;
  to: string;
}): Promise<{ ok: true } | { ok: false; field: "delegateEmail" | "from" | "to"; code: string }> {
  // The company comes from the database, not from what the caller passed.
  const [self, delegate] = await Promise.all([
    prisma.user.findUnique({ where: { id: manager.id }, select: { companyId: true } }),
    prisma.user.findUnique({ where: { email: delegateEmail.trim().toLowerCase() }, select: { id: true, roles: true, active: true, companyId: true } }),
  ]);
  if (!self) return { ok: false, field: "delegateEmail", code: "not_a_manager" };
  const check = checkDelegation({ manager: { ...manager, companyId: self.companyId }, delegate, from, to, today: today() });
  if (!check.ok) return { ok: false, field: check.field, code: check.code };
  await prisma.$transaction(async (tx) => {
    const id = newId();
    await tx.approvalDelegation.create({ data: { id, managerId: manager.id, delegateId: delegate!.id, validFrom: new Date(`${from}T00:00:00Z`), validTo: new Date(`${to}T00:00:00Z`) } });
    await recordAudit(tx, { actorId: manager.id, type: "delegation.created", data: { delegationId: id, delegateId: delegate!.id, from, to } });
  });
  return { ok: true };
}

/** The manager ends one of their delegations now (kept, marked revoked, audited). Only their own, once. */
export async function revokeDelegation({ manager, delegationId }: { manager: { id: string }; delegationId: string }): Promise<{ ok: boolean }> {
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ delegateId: string }[]>`
      UPDATE approval_delegation SET revoked_at = now()
       WHERE id = ${delegationId} AND manager_id = ${manager.id} AND revoked_at IS NULL
      RETURNING delegate_id AS "delegateId"`;
    if (!row) return { ok: false };
    await recordAudit(tx, { actorId: manager.id, type: "delegation.revoked", data: { delegationId, delegateId: row.delegateId } });
    return { ok: true };
  });
}
