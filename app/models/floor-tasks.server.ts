/**
 * The supervisor's view of the floor: a processing group's open and in-progress review tasks, the
 * ones whose SLA is breached first, then those at risk, then by priority and age — a page at a time,
 * with counts — and, per task, the group members it may be re-assigned to.
 */
import { canProcess } from "~/domain/segregation";
import { Prisma } from "~/generated/prisma/client";
import type { Role, SlaState } from "~/generated/prisma/enums";
import { prisma, type Db } from "~/utils/db.server";

export const FLOOR_PAGE_SIZE = 50;

export type FloorPerson = { id: string; name: string };

export type FloorTask = {
  taskId: string;
  claimId: string;
  claimNumber: string;
  claimant: FloorPerson;
  company: { name: string; nameZh: string };
  /** Per line currency, minor units as decimal strings (bigint is not JSON). */
  totals: { currency: string; minor: string }[];
  status: "OPEN" | "IN_PROGRESS";
  slaState: SlaState;
  slaDueAt: Date | null;
  priority: number;
  createdAt: Date;
  startedAt: Date | null;
  /** IN_PROGRESS: who works it. */
  assignee: FloorPerson | null;
  /** OPEN: whose Next gets it first. */
  preferred: FloorPerson | null;
  /** Members it may go to: accountants of the group who neither filed nor approved the claim, minus its current holder. */
  candidates: FloorPerson[];
};

export type FloorCounts = { total: number; open: number; inProgress: number; atRisk: number; breached: number };

export type FloorPage = { tasks: FloorTask[]; counts: FloorCounts; page: number; pages: number; pageSize: number };

/** A task as the query returns it: the task's own fields, people and company flattened. */
type Row = Pick<FloorTask, "taskId" | "claimId" | "claimNumber" | "totals" | "status" | "slaState" | "slaDueAt" | "priority" | "createdAt" | "startedAt"> & {
  claimantId: string;
  claimantName: string;
  companyName: string;
  companyNameZh: string;
  assigneeId: string | null;
  assigneeName: string | null;
  preferredId: string | null;
  preferredName: string | null;
  approverIds: string[];
};

/**
 * `AND claim_id IN (claims of these companies)`: a supervisor's or admin's scope (user_company).
 * Undefined means no filter (tests, benchmarks); an empty list matches nothing.
 */
export function claimsOfCompanies(companyIds: readonly string[] | undefined, column = Prisma.raw("claim_id")): Prisma.Sql {
  if (companyIds === undefined) return Prisma.empty;
  if (companyIds.length === 0) return Prisma.sql`AND false`;
  return Prisma.sql`AND ${column} IN (SELECT id FROM claim WHERE company_id IN (${Prisma.join([...companyIds])}))`;
}

/** Active accountants in the group, by name: everyone a task of the group could go to. */
export async function groupAccountants(groupId: string, db: Db = prisma): Promise<FloorPerson[]> {
  const rows = await db.groupMember.findMany({
    where: { groupId, user: { active: true, roles: { has: "ACCOUNTANT" } } },
    select: { user: { select: { id: true, name: true } } },
  });
  return rows.map((r) => r.user).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * One page of the group's open and in-progress review tasks. The page's ids are cut first, off the
 * partial index task_floor_review_idx (which is this ORDER BY), then joined to tasks, claims, people
 * and line totals, so the cost is a page's worth of rows (plus an index-only walk to deep pages); the
 * counts are one index-only aggregate.
 */
export async function listFloorTasks(
  {
    groupId,
    page,
    pageSize = FLOOR_PAGE_SIZE,
    claimNumber,
    companyIds,
  }: { groupId: string; page: number; pageSize?: number; claimNumber?: string; companyIds?: readonly string[] },
  db: Db = prisma,
): Promise<FloorPage> {
  // Finding one claim: its number is unique, so this narrows the page and the counts to at most one task.
  const number = claimNumber?.trim() || null;
  const byNumber = Prisma.sql`${number === null ? Prisma.empty : Prisma.sql`AND claim_id IN (SELECT id FROM claim WHERE number = ${number})`} ${claimsOfCompanies(companyIds)}`;
  const [countRows, members] = await Promise.all([
    db.$queryRaw<FloorCounts[]>`
      SELECT count(*)::int AS total,
             (count(*) FILTER (WHERE status = 'OPEN'))::int AS open,
             (count(*) FILTER (WHERE status = 'IN_PROGRESS'))::int AS "inProgress",
             (count(*) FILTER (WHERE sla_state = 'AT_RISK'))::int AS "atRisk",
             (count(*) FILTER (WHERE sla_state = 'BREACHED'))::int AS breached
        FROM task
       WHERE group_id = ${groupId} AND type = 'REVIEW' AND status IN ('OPEN', 'IN_PROGRESS') ${byNumber}`,
    groupAccountants(groupId, db),
  ]);
  const counts = countRows[0] ?? { total: 0, open: 0, inProgress: 0, atRisk: 0, breached: 0 };
  const pages = Math.max(1, Math.ceil(counts.total / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const rows = await db.$queryRaw<Row[]>`
    WITH ids AS (
      -- Only index columns here, so even the last page is an index-only walk, not a sort of the group.
      SELECT t.id
        FROM task t
       WHERE t.group_id = ${groupId} AND t.type = 'REVIEW' AND t.status IN ('OPEN', 'IN_PROGRESS') ${byNumber}
       ORDER BY t.sla_state DESC, t.priority DESC, t.created_at, t.id
       LIMIT ${pageSize} OFFSET ${(current - 1) * pageSize}
    ), page AS (
      SELECT t.id, t.claim_id, t.status, t.sla_state, t.sla_due_at, t.priority, t.created_at, t.started_at,
             t.assignee_id, t.preferred_assignee_id
        FROM ids JOIN task t ON t.id = ids.id
    )
    SELECT p.id AS "taskId", p.claim_id AS "claimId", c.number AS "claimNumber",
           c.claimant_id AS "claimantId", cu.name AS "claimantName",
           co.name AS "companyName", co.name_zh AS "companyNameZh",
           (SELECT coalesce(json_agg(json_build_object('currency', x.currency, 'minor', x.minor::text) ORDER BY x.currency), '[]'::json)
              FROM (SELECT l.currency, sum(l.amount_minor) AS minor FROM claim_line l WHERE l.claim_id = p.claim_id GROUP BY l.currency) x) AS totals,
           p.status::text AS status, p.sla_state AS "slaState", p.sla_due_at AS "slaDueAt", p.priority,
           p.created_at AS "createdAt", p.started_at AS "startedAt",
           p.assignee_id AS "assigneeId", au.name AS "assigneeName",
           p.preferred_assignee_id AS "preferredId", pu.name AS "preferredName",
           ARRAY(SELECT a.assignee_id FROM task a
                  WHERE a.claim_id = p.claim_id AND a.type = 'MANAGER_APPROVAL' AND a.status = 'DONE'
                    AND a.outcome = 'approved' AND a.assignee_id IS NOT NULL) AS "approverIds"
      FROM page p
      JOIN claim c ON c.id = p.claim_id
      JOIN app_user cu ON cu.id = c.claimant_id
      JOIN company co ON co.id = c.company_id
      LEFT JOIN app_user au ON au.id = p.assignee_id
      LEFT JOIN app_user pu ON pu.id = p.preferred_assignee_id
     ORDER BY p.sla_state DESC, p.priority DESC, p.created_at, p.id`;

  const accountantRoles: Role[] = ["ACCOUNTANT"];
  const tasks = rows.map((r): FloorTask => {
    const holder = r.status === "OPEN" ? r.preferredId : r.assigneeId;
    const candidates = members.filter(
      (m) =>
        m.id !== holder &&
        canProcess(
          { id: m.id, roles: accountantRoles, groupIds: [groupId] },
          { claimantId: r.claimantId, managerApproverIds: r.approverIds, groupId },
        ).ok,
    );
    return {
      taskId: r.taskId,
      claimId: r.claimId,
      claimNumber: r.claimNumber,
      claimant: { id: r.claimantId, name: r.claimantName },
      company: { name: r.companyName, nameZh: r.companyNameZh },
      totals: r.totals,
      status: r.status,
      slaState: r.slaState,
      slaDueAt: r.slaDueAt,
      priority: r.priority,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? r.assigneeId } : null,
      preferred: r.preferredId ? { id: r.preferredId, name: r.preferredName ?? r.preferredId } : null,
      candidates,
    };
  });
  return { tasks, counts, page: current, pages, pageSize };
}

/** Status and holder of a review task as it is now (null: no such task, or not of `companyIds`), to tell a stale form from a fresh one. */
export async function floorTaskState(
  taskId: string,
  { companyIds }: { companyIds?: readonly string[] } = {},
  db: Db = prisma,
): Promise<{ status: string; holderId: string | null } | null> {
  const task = await db.task.findUnique({ where: { id: taskId }, select: { status: true, assigneeId: true, preferredAssigneeId: true, claim: { select: { companyId: true } } } });
  // Outside the viewer's companies it does not exist for them.
  if (!task || (companyIds !== undefined && !companyIds.includes(task.claim.companyId))) return null;
  return { status: task.status, holderId: task.status === "OPEN" ? task.preferredAssigneeId : task.assigneeId };
}
