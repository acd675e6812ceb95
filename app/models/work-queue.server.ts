/**
 * The accountants' work queue: what is waiting in my groups, and "Next" — take the highest-priority,
 * oldest open review task I may process, without two accountants ever getting the same one.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { transitionRule, type ClaimStatus } from "~/domain/claim-machine";
import { JOBS, taskEventKey } from "~/domain/jobs";
import { canProcess } from "~/domain/segregation";
import { Prisma } from "~/generated/prisma/client";
import type { SlaState } from "~/generated/prisma/enums";
import { KEEP_PLAN, prisma, type Db } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { claimsOfCompanies } from "./floor-tasks.server";
import { emitTaskEvent } from "./task-events.server";

/** The codes of the AppErrors the queue throws. */
export type WorkQueueErrorCode = "forbidden" | "not_found" | "not_member" | "segregation" | "not_reassignable" | "stale";

function refuse(code: WorkQueueErrorCode): AppError<WorkQueueErrorCode> {
  return new AppError(code);
}

export type AccountantGroup = { id: string; code: string; name: string; nameZh: string; slaMinutes: number };

/** The processing groups the user is a member of. */
export async function getAccountantGroups(userId: string, db: Db = prisma): Promise<AccountantGroup[]> {
  return db.processingGroup.findMany({
    where: { members: { some: { userId } } },
    select: { id: true, code: true, name: true, nameZh: true, slaMinutes: true },
    orderBy: { code: "asc" },
  });
}

export type GroupQueue = AccountantGroup & {
  /** The user is a member (and may take its tasks with Next). */
  member: boolean;
  open: number;
  inProgress: number;
  /** created_at of the oldest open review task; null when nothing is waiting. */
  oldestOpenAt: Date | null;
  atRisk: number;
  breached: number;
};

export type MyTask = {
  taskId: string;
  claimId: string;
  claimNumber: string;
  purpose: string;
  startedAt: Date | null;
  slaState: SlaState;
};

export type QueueSummary = { groups: GroupQueue[]; myTasks: MyTask[] };

/**
 * Per group of the user (with `allGroups`, every group, as a supervisor sees the floor): open review
 * tasks, the oldest one's creation time, at-risk and breached counts among the open ones, and how many
 * are being worked on; plus the user's own reviews in progress. Two queries, run side by side. With
 * `companyIds` (an overseer's scope) only the tasks of those companies' claims are counted.
 */
export async function queueSummary(
  { userId, allGroups = false, companyIds }: { userId: string; allGroups?: boolean; companyIds?: readonly string[] },
  db: Db = prisma,
): Promise<QueueSummary> {
  const [groups, mine] = await Promise.all([
    db.$queryRaw<
      { id: string; code: string; name: string; nameZh: string; slaMinutes: number; member: boolean; open: number; inProgress: number; oldestOpenAt: Date | null; atRisk: number; breached: number }[]
    >`
      SELECT g.id, g.code, g.name, g.name_zh AS "nameZh", g.sla_minutes AS "slaMinutes",
             (gm.user_id IS NOT NULL) AS member,
             (count(t.id) FILTER (WHERE t.status = 'OPEN'))::int AS open,
             (count(t.id) FILTER (WHERE t.status = 'IN_PROGRESS'))::int AS "inProgress",
             min(t.created_at) FILTER (WHERE t.status = 'OPEN') AS "oldestOpenAt",
             (count(t.id) FILTER (WHERE t.status = 'OPEN' AND t.sla_state = 'AT_RISK'))::int AS "atRisk",
             (count(t.id) FILTER (WHERE t.status = 'OPEN' AND t.sla_state = 'BREACHED'))::int AS breached
        FROM processing_group g
        LEFT JOIN group_member gm ON gm.group_id = g.id AND gm.user_id = ${userId}
        LEFT JOIN task t ON t.group_id = g.id AND t.type = 'REVIEW' AND t.status IN ('OPEN', 'IN_PROGRESS') ${claimsOfCompanies(companyIds, Prisma.raw("t.claim_id"))}
       WHERE gm.user_id IS NOT NULL OR ${allGroups}
       GROUP BY g.id, gm.user_id
       ORDER BY (gm.user_id IS NOT NULL) DESC, g.code`,
    db.task.findMany({
      where: { assigneeId: userId, status: "IN_PROGRESS", type: "REVIEW" },
      select: { id: true, startedAt: true, slaState: true, claim: { select: { id: true, number: true, purpose: true } } },
      orderBy: [{ startedAt: "asc" }, { id: "asc" }],
    }),
  ]);
  return {
    groups,
    myTasks: mine.map((t) => ({
      taskId: t.id,
      claimId: t.claim.id,
      claimNumber: t.claim.number,
      purpose: t.claim.purpose,
      startedAt: t.startedAt,
      slaState: t.slaState,
    })),
  };
}

/**
 * The review tasks `me` may take (task `t`, its claim `c`): open, in one of their groups (only those
 * preferred for them, with `preferredOnly`), never a claim they filed nor one they approved as a manager.
 */
function mayTake(me: string, preferredOnly: boolean): Prisma.Sql {
  return Prisma.sql`t.status = 'OPEN' AND t.type = 'REVIEW'
       AND t.group_id = ANY (ARRAY(SELECT gm.group_id FROM group_member gm WHERE gm.user_id = ${me}))
       ${preferredOnly ? Prisma.sql`AND t.preferred_assignee_id = ${me}` : Prisma.empty}
       AND c.claimant_id <> ${me}
       AND NOT EXISTS (
         SELECT 1 FROM task a
          WHERE a.claim_id = t.claim_id AND a.type = 'MANAGER_APPROVAL' AND a.status = 'DONE'
            AND a.assignee_id = ${me} AND a.outcome = 'approved')`;
}

/**
 * The single statement that picks and takes a task. The inner SELECT finds the best open review task
 * in the accountant's groups that they may process, locks it and skips rows other takers hold
 * (`FOR UPDATE OF t SKIP LOCKED`: only the task row is locked, not the joined claim); the UPDATE
 * assigns it. Fifty accountants pressing Next at once each get a different task or none.
 *
 * Segregation of duties is in the WHERE: never a claim the accountant filed, nor one they approved
 * as a manager (a DONE approval task of theirs with outcome 'approved', delegations included since the
 * task records who actually approved).
 *
 * EXPLAIN (ANALYZE) of the general statement on 100,000 open review tasks in 4 groups
 * (bench/next.ts data, PostgreSQL 15):
 *   Limit -> LockRows -> Nested Loop Anti Join -> Nested Loop
 *     -> Index Scan using task_open_review_next_idx on task t (actual rows=1 loops=1)
 *          Filter: ((status = 'OPEN') AND (type = 'REVIEW') AND (group_id = ANY ($0)))
 *     -> Index Scan using claim_pkey on claim c   Filter: (claimant_id <> 'acct-7')
 *     -> Index Scan using task_assignee_id_status_idx on task a (the "approved it myself" anti-join)
 *   Execution Time: ~0.2 ms for the SELECT; it reads the partial index in ORDER BY order and stops at
 *   the first row it may lock, so the cost does not grow with the queue.
 *
 * The preferred statement (`preferred_assignee_id = $me`) has no index of its own: the planner walks
 * task_open_review_next_idx filtering on preferred_assignee_id, i.e. the whole open queue when the
 * accountant has no preferred task (~40 ms at 100,000 open tasks). A partial index
 *   CREATE INDEX task_open_review_preferred_idx ON task (preferred_assignee_id, priority DESC, created_at, id)
 *     WHERE status = 'OPEN' AND type = 'REVIEW' AND preferred_assignee_id IS NOT NULL;
 * makes it a one-page probe (see bench/next.ts --preferred-index).
 */
export function nextTaskStatement(accountantId: string, { preferredOnly }: { preferredOnly: boolean }): Prisma.Sql {
  const me = accountantId;
  return Prisma.sql`
    UPDATE task SET status = 'IN_PROGRESS', assignee_id = ${me}, started_at = now()
      FROM claim
     WHERE claim.id = task.claim_id
       AND task.id = (
         SELECT t.id
           FROM task t
           JOIN claim c ON c.id = t.claim_id
          WHERE ${mayTake(me, preferredOnly)}
          ORDER BY t.priority DESC, t.created_at, t.id
          LIMIT 1
          FOR UPDATE OF t SKIP LOCKED)
    RETURNING task.id AS "taskId", task.claim_id AS "claimId", claim.status AS "claimStatus", claim.version AS "claimVersion"`;
}

/**
 * The candidates of Next in the order it takes them, the task row locked (skipping rows other takers
 * hold) and its claim too (FOR NO KEY UPDATE, what the claim's own UPDATE takes, so a foreign-key check
 * elsewhere does not hide the task): under those locks the claim cannot change before the statement
 * moves it, and Postgres re-checks the WHERE (status, segregation) on the latest committed rows.
 */
function candidateSql(me: string, from: readonly ClaimStatus[], { preferredOnly }: { preferredOnly: boolean }): Prisma.Sql {
  return Prisma.sql`
    SELECT t.id, t.claim_id, c.status AS claim_status
      FROM task t
      JOIN claim c ON c.id = t.claim_id
     WHERE ${mayTake(me, preferredOnly)}
       AND c.status::text = ANY (${[...from]}::text[])
     ORDER BY t.priority DESC, t.created_at, t.id
     LIMIT 1
     FOR UPDATE OF t SKIP LOCKED
     FOR NO KEY UPDATE OF c SKIP LOCKED`;
}

/** The job key of the task's "started" event, as emitTaskEvent would give it (checked in the tests). */
export const STARTED_EVENT_KEY_PREFIX = taskEventKey("", "started");

/**
 * Next as ONE statement (docs/decisions/025-next-one-statement.md), so nothing waits on a round trip
 * while it holds a lock:
 *  - pick: the preferred candidate, else the general one (UNION ALL under LIMIT 1: the second branch
 *    runs only when the first finds nothing, so at most one task is locked);
 *  - taken: the task IN_PROGRESS for the accountant;
 *  - moved: the claim to `to` (the state machine's takeForReview, `from` checked in the pick), version +1;
 *  - outboxed: the task's "started" event in the outbox (ON CONFLICT: the same key twice is one job);
 *  - audited: the audit event, appended unsealed (the chain is made after commit by the sealer,
 *    docs/decisions/037), so it takes no shared lock.
 */
export function takeNextStatement(me: string, at: Date): Prisma.Sql {
  const rule = transitionRule("takeForReview");
  const payloadAt = at.toISOString();
  // The payload is built in SQL around the task id; the job's own schema checks its shape here.
  JOBS.taskEvent.payload.parse({ taskId: "-", kind: "started", at: payloadAt });
  // The text never changes (every value is a parameter): each connection keeps its plan (KEEP_PLAN).
  return Prisma.sql`${Prisma.raw(KEEP_PLAN)}
    WITH pick AS MATERIALIZED (
      SELECT * FROM (
        SELECT p.* FROM (${candidateSql(me, rule.from, { preferredOnly: true })}) p
        UNION ALL
        SELECT g.* FROM (${candidateSql(me, rule.from, { preferredOnly: false })}) g
      ) u LIMIT 1
    ), taken AS (
      UPDATE task SET status = 'IN_PROGRESS', assignee_id = ${me}, started_at = now()
        FROM pick WHERE task.id = pick.id
      RETURNING task.id, task.claim_id, pick.claim_status
    ), moved AS (
      UPDATE claim SET status = ${rule.to}::"ClaimStatus", version = claim.version + 1, updated_at = now()
        FROM taken WHERE claim.id = taken.claim_id
      RETURNING claim.id
    ), outboxed AS (
      INSERT INTO outbox_event (queue, job_name, job_key, payload)
      SELECT ${JOBS.taskEvent.queue}, ${JOBS.taskEvent.name}, ${STARTED_EVENT_KEY_PREFIX} || taken.id,
             jsonb_build_object('taskId', taken.id, 'kind', 'started', 'at', ${payloadAt}::text)
        FROM taken
      ON CONFLICT (job_key) DO NOTHING
      RETURNING id
    ), audited AS (
      INSERT INTO audit_event (claim_id, actor_id, type, from_status, to_status, data)
      SELECT taken.claim_id, ${me}, 'claim.review_started', taken.claim_status, ${rule.to}::"ClaimStatus",
             jsonb_build_object('taskId', taken.id)
        FROM taken
    )
    SELECT taken.id AS "taskId", taken.claim_id AS "claimId",
           (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM outboxed)::int AS outboxed
      FROM taken`;
}

/**
 * "Next": take the best task the accountant may process, move its claim MANAGER_APPROVED → IN_REVIEW
 * through the state machine (bumping its version), put the task event in the outbox and audit it — all
 * in one statement, hence one transaction. Null when nothing is waiting for them. `db` lets a benchmark
 * use a client with a bigger pool.
 */
export async function takeNextTask(
  { accountant }: { accountant: Actor },
  db: Db = prisma,
): Promise<{ taskId: string; claimId: string } | null> {
  if (!hasRole(accountant, "ACCOUNTANT")) throw refuse("forbidden");
  const [taken] = await db.$queryRaw<{ taskId: string; claimId: string; moved: number; outboxed: number }[]>(takeNextStatement(accountant.id, new Date()));
  if (!taken) return null;
  return { taskId: taken.taskId, claimId: taken.claimId };
}

/**
 * A supervisor hands a review task to another member of its group: an open task stays in the queue
 * with the target as preferred assignee (their Next takes it first); a task in progress changes hands.
 * The target must be an active accountant in the task's group who neither filed nor approved the claim,
 * and the claim must belong to one of the supervisor's companies.
 */
export async function reassignTask(
  { supervisor, taskId, toUserId }: { supervisor: Actor; taskId: string; toUserId: string },
  db: Db = prisma,
): Promise<{ status: "OPEN" | "IN_PROGRESS" }> {
  if (!hasRole(supervisor, "SUPERVISOR")) throw refuse("forbidden");
  return db.$transaction(async (tx) => {
    const [task] = await tx.$queryRaw<
      { id: string; claimId: string; groupId: string | null; status: string; type: string; assigneeId: string | null; preferredAssigneeId: string | null }[]
    >`SELECT id, claim_id AS "claimId", group_id AS "groupId", status, type, assignee_id AS "assigneeId",
             preferred_assignee_id AS "preferredAssigneeId"
        FROM task WHERE id = ${taskId} FOR UPDATE`;
    if (!task) throw refuse("not_found");
    if (task.type !== "REVIEW" || (task.status !== "OPEN" && task.status !== "IN_PROGRESS") || !task.groupId) {
      throw refuse("not_reassignable");
    }
    const target = await tx.user.findFirst({
      where: { id: toUserId, active: true },
      select: { id: true, roles: true, groupMembers: { select: { groupId: true } } },
    });
    const claim = await tx.claim.findUniqueOrThrow({ where: { id: task.claimId }, select: { claimantId: true, companyId: true } });
    // A supervisor moves only the work of the companies assigned to them; any other task does not exist for them.
    const inScope = await tx.userCompany.findUnique({ where: { userId_companyId: { userId: supervisor.id, companyId: claim.companyId } } });
    if (!inScope) throw refuse("not_found");
    const approvals = await tx.task.findMany({
      where: { claimId: task.claimId, type: "MANAGER_APPROVAL", status: "DONE", outcome: "approved" },
      select: { assigneeId: true },
    });
    if (!target) throw refuse("not_member");
    // The same rule the workstation applies when the target later decides the claim.
    const allowed = canProcess(
      { id: target.id, roles: target.roles, groupIds: target.groupMembers.map((m) => m.groupId) },
      { claimantId: claim.claimantId, managerApproverIds: approvals.flatMap((a) => (a.assigneeId ? [a.assigneeId] : [])), groupId: task.groupId },
    );
    if (!allowed.ok) {
      throw refuse(allowed.reason === "own_claim" || allowed.reason === "approved_as_manager" ? "segregation" : "not_member");
    }

    const status = task.status as "OPEN" | "IN_PROGRESS";
    const from = status === "OPEN" ? task.preferredAssigneeId : task.assigneeId;
    await tx.task.update({
      where: { id: task.id },
      data: status === "OPEN" ? { preferredAssigneeId: toUserId } : { assigneeId: toUserId },
    });
    await recordAudit(tx, {
      claimId: task.claimId,
      actorId: supervisor.id,
      type: "task.reassigned",
      data: { taskId: task.id, taskStatus: status, fromUserId: from, toUserId },
    });
    await emitTaskEvent(tx, task.id, "reassigned");
    return { status };
  });
}
