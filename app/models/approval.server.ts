/**
 * Manager approval: a submitted claim waits for its line manager (and, above the company's threshold,
 * the department head). Approvers who are away delegate to another manager for a date range.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { activeApprovers, approvalSteps, canApproveStep, checkDelegation, type Delegation } from "~/domain/segregation";
import { transition } from "~/domain/claim-machine";
import { complexityBand } from "~/domain/complexity";
import { totalIn } from "~/domain/money";
import { prisma, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { releaseClaim } from "./budget-ledger.server";
import { emitTaskEvent, emitTaskEvents } from "./task-events.server";
import { rateLookupFor } from "./exchange-rate.server";
import { JOBS } from "~/domain/jobs";
import { enqueueJob } from "./outbox.server";
import { isoDate } from "~/domain/calendar-date";

/** Why a decision was refused: the AppError codes `decideApproval` throws (a refusal by a rule carries its reason). */
export type ApprovalErrorCode = "not_found" | "not_allowed" | "stale" | "already_decided" | "comment_required";

const today = () => new Date().toISOString().slice(0, 10);

export function routeJobKey(claimId: string, version: number): string {
  return JOBS.routeClaim.key({ claimId, version });
}

/** Facts about a claim that approval and routing both need, read inside the caller's transaction. */
export async function loadClaimFacts(tx: Tx, claimId: string) {
  const claim = await tx.claim.findUniqueOrThrow({
    where: { id: claimId },
    include: {
      company: true,
      claimant: { select: { id: true, managerId: true, department: { select: { headId: true } } } },
      lines: { select: { amountMinor: true, currency: true, spentOn: true, categoryCode: true, receipts: { select: { receipt: { select: { file: { select: { pageCount: true } } } } } } } },
    },
  });
  const items = claim.lines.map((l) => ({ minor: l.amountMinor, currency: l.currency, onDate: isoDate(l.spentOn) }));
  const rateFor = await rateLookupFor(items, claim.company.currency, tx);
  const totalCompanyMinor = totalIn(items, claim.company.currency, rateFor).total.minor;
  const receiptPages = claim.lines.reduce((n, l) => n + l.receipts.reduce((m, r) => m + (r.receipt.file.pageCount ?? 1), 0), 0);
  const complexity = complexityBand({
    lineCount: claim.lines.length,
    receiptPages,
    currencies: [...new Set(claim.lines.map((l) => l.currency))],
    companyCurrency: claim.company.currency,
  });
  return { claim, totalCompanyMinor, complexity };
}

function stepsFor(facts: Awaited<ReturnType<typeof loadClaimFacts>>) {
  const { claim, totalCompanyMinor } = facts;
  return approvalSteps(totalCompanyMinor, claim.company.secondApprovalMinor, claim.claimant.managerId, claim.claimant.department.headId, claim.claimantId, claim.budgetApproverIds);
}

/** Called in the submitting transaction: opens the first approval task (unassigned when nobody can approve; admins see those). */
export async function openApprovalTask(tx: Tx, claimId: string, claimVersion: number): Promise<void> {
  const facts = await loadClaimFacts(tx, claimId);
  const first = stepsFor(facts)[0];
  const id = newId();
  await tx.task.create({
    data: {
      id,
      claimId,
      type: "MANAGER_APPROVAL",
      step: 1,
      assigneeId: first?.approverId ?? null,
      claimVersion,
      complexity: facts.complexity,
    },
  });
  await emitTaskEvent(tx, id, "created");
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
  const delegators = (await delegationsTo(viewer.id, today())).map((d) => d.managerId);
  const isAdmin = hasRole(viewer, "ADMIN");
  // Admins clear the claims nobody else can approve, of the companies they work for only.
  const adminCompanies = isAdmin ? (await prisma.userCompany.findMany({ where: { userId: viewer.id }, select: { companyId: true } })).map((c) => c.companyId) : [];
  const tasks = await prisma.task.findMany({
    where: {
      type: "MANAGER_APPROVAL",
      status: "OPEN",
      OR: [{ assigneeId: { in: [viewer.id, ...delegators] } }, ...(isAdmin ? [{ assigneeId: null, claim: { companyId: { in: adminCompanies } } }] : [])],
      claim: { status: "SUBMITTED", claimantId: { not: viewer.id } },
    },
    orderBy: { createdAt: "asc" },
    take: 200,
    include: {
      assignee: { select: { name: true } },
      claim: {
        select: {
          id: true, number: true, version: true, purpose: true,
          claimant: { select: { name: true } },
          department: { select: { name: true, nameZh: true } },
          lines: { select: { amountMinor: true, currency: true } },
        },
      },
    },
  });
  return tasks.map((t) => {
    const totals = new Map<string, bigint>();
    for (const l of t.claim.lines) totals.set(l.currency, (totals.get(l.currency) ?? 0n) + l.amountMinor);
    return {
      taskId: t.id,
      claimId: t.claim.id,
      claimNumber: t.claim.number,
      claimVersion: t.claim.version,
      purpose: t.claim.purpose,
      claimantName: t.claim.claimant.name,
      departmentName: t.claim.department.name,
      departmentNameZh: t.claim.department.nameZh,
      step: t.step,
      onBehalfOf: t.assigneeId && t.assigneeId !== viewer.id ? (t.assignee?.name ?? null) : null,
      waitingSince: t.createdAt,
      totals: [...totals].map(([currency, minor]) => ({ minor, currency })),
    };
  });
}

/**
 * Approve or return one approval task at the claim version the approver saw. One transaction: the
 * task, the claim's status and version, the audit event, and (final approval) the routing job.
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
    const [locked] = await tx.$queryRaw<{ claim_id: string }[]>`SELECT claim_id FROM task WHERE id = ${taskId} AND type = 'MANAGER_APPROVAL' FOR UPDATE`;
    if (!locked) throw new AppError<ApprovalErrorCode>("not_found");
    await tx.$executeRaw`SELECT 1 FROM claim WHERE id = ${locked.claim_id} FOR UPDATE`;
    const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
    const facts = await loadClaimFacts(tx, task.claimId);
    const { claim } = facts;
    if (task.status !== "OPEN") throw new AppError<ApprovalErrorCode>("already_decided");
    if (claim.version !== claimVersion || claim.status !== "SUBMITTED") throw new AppError<ApprovalErrorCode>("stale");
    const primary = task.assigneeId ? [task.assigneeId] : [];
    // Who already worked on the claim: approvers of its other steps (any round) and its reviewers.
    const others = await tx.task.findMany({
      where: {
        claimId: claim.id,
        assigneeId: { not: null },
        OR: [{ type: "MANAGER_APPROVAL", status: "DONE", outcome: "approved", step: { not: task.step } }, { type: "REVIEW" }],
      },
      select: { type: true, assigneeId: true },
    });
    const allowed = canApproveStep(
      viewer,
      {
        claimantId: claim.claimantId,
        approverIds: activeApprovers(primary, delegations, today()),
        // Admins clear claims nobody else can approve (no manager, no head).
        unassigned: task.assigneeId === null,
        companyInScope:
          task.assigneeId === null && (await tx.userCompany.count({ where: { userId: viewer.id, companyId: claim.companyId } })) > 0,
        otherStepApproverIds: others.flatMap((t) => (t.type === "MANAGER_APPROVAL" && t.assigneeId ? [t.assigneeId] : [])),
        reviewerIds: others.flatMap((t) => (t.type === "REVIEW" && t.assigneeId ? [t.assigneeId] : [])),
      },
    );
    if (!allowed.ok) throw new AppError<ApprovalErrorCode>("not_allowed", { reason: allowed.reason });

    const now = new Date();
    const onBehalfOf = task.assigneeId !== viewer.id ? task.assigneeId : null;
    await tx.task.update({
      where: { id: taskId },
      data: { status: "DONE", outcome: decision === "approve" ? "approved" : "returned", assigneeId: viewer.id, startedAt: task.startedAt ?? now, finishedAt: now },
    });
    await emitTaskEvent(tx, taskId, "finished", now);
    if (decision === "return") {
      const to = transition(claim.status, "managerReturn");
      if (!to.ok) throw new AppError<ApprovalErrorCode>("stale");
      const withdrawn = await tx.task.findMany({ where: { claimId: claim.id, type: "MANAGER_APPROVAL", status: "OPEN" }, select: { id: true } });
      await tx.task.updateMany({ where: { id: { in: withdrawn.map((w) => w.id) } }, data: { status: "CANCELLED", finishedAt: now } });
      await emitTaskEvents(tx, withdrawn.map((w) => w.id), "cancelled", now);
      const returned = await tx.claim.update({ where: { id: claim.id }, data: { status: to.to, version: { increment: 1 } }, select: { version: true } });
      const { releasedMinor } = await releaseClaim(tx, { claimId: claim.id, version: returned.version, actorId: viewer.id, reason: "returned" });
      await recordAudit(tx, { claimId: claim.id, actorId: viewer.id, type: "claim.returned", fromStatus: claim.status, toStatus: to.to, data: { comment: note, by: "manager", onBehalfOf, releasedMinor: releasedMinor.toString() } });
      return { status: "RETURNED" as const };
    }
    const next = stepsFor(facts).find((s) => s.step === task.step + 1);
    if (next) {
      const nextTaskId = newId();
      await tx.task.create({ data: { id: nextTaskId, claimId: claim.id, type: "MANAGER_APPROVAL", step: next.step, assigneeId: next.approverId, claimVersion, complexity: facts.complexity } });
      await emitTaskEvent(tx, nextTaskId, "created", now);
      await recordAudit(tx, { claimId: claim.id, actorId: viewer.id, type: "claim.manager_step_approved", data: { step: task.step, nextApproverId: next.approverId, onBehalfOf, ...(note ? { comment: note } : {}) } });
      return { status: "SUBMITTED" as const };
    }
    const to = transition(claim.status, "managerApprove");
    if (!to.ok) throw new AppError<ApprovalErrorCode>("stale");
    const updated = await tx.claim.update({ where: { id: claim.id }, data: { status: to.to, version: { increment: 1 } }, select: { version: true } });
    await recordAudit(tx, { claimId: claim.id, actorId: viewer.id, type: "claim.manager_approved", fromStatus: claim.status, toStatus: to.to, data: { onBehalfOf, ...(note ? { comment: note } : {}) } });
    await enqueueJob(tx, JOBS.routeClaim, { claimId: claim.id, version: updated.version });
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
