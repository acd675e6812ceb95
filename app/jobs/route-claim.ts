/**
 * The routing job: a manager-approved claim gets a review task in the queue of the processing group
 * the admin's rules choose (app/domain/routing.ts), with a priority, a complexity band and an SLA due
 * time on the company's working calendar. Idempotent: a claim already routed at this version, or no
 * longer waiting for routing, is left alone; the outbox row is marked done either way.
 */
import { z } from "zod";
import { basePriority, routeClaim, RuleConditionsSchema, type RoutingRule } from "~/domain/routing";
import { DEFAULT_CALENDAR, slaDueAt, type Interval, type WorkCalendar } from "~/domain/work-calendar";
import { loadClaimFacts, routeJobKey } from "~/models/approval.server";
import { recordAudit } from "~/models/audit.server";
import { markOutboxDone } from "~/models/outbox.server";
import { emitTaskEvent } from "~/models/task-events.server";
import { prisma, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";

export const ROUTE_CLAIM_JOB = "route-claim";
export const routeClaimPayload = z.object({ claimId: z.string().min(1), version: z.number().int().positive() });
export type RouteClaimPayload = z.infer<typeof routeClaimPayload>;
export type RouteClaimOutcome = { outcome: "routed"; groupId: string; taskId: string } | { outcome: "skipped"; reason: string };

/** High-value claims jump the queue unless a rule says otherwise (company currency, minor units). */
const HIGH_VALUE_MINOR = 5_000_000n;

export function calendarOf(json: unknown): WorkCalendar {
  return json && typeof json === "object" && "timeZone" in json ? (json as WorkCalendar) : DEFAULT_CALENDAR;
}

/**
 * When the claim was with the SSC: the review clock starts at its first manager approval and pauses
 * from every return to the claimant until the next manager approval.
 */
async function slaClock(tx: Tx, claimId: string): Promise<{ startedAt: Date; pauses: Interval[] } | null> {
  const events = await tx.auditEvent.findMany({
    where: { claimId, type: { in: ["claim.manager_approved", "claim.returned"] } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { type: true, at: true },
  });
  const first = events.find((e) => e.type === "claim.manager_approved");
  if (!first) return null;
  const pauses: Interval[] = [];
  let pausedAt: Date | null = null;
  for (const e of events) {
    if (e.at < first.at) continue;
    if (e.type === "claim.returned" && !pausedAt) pausedAt = e.at;
    else if (e.type === "claim.manager_approved" && pausedAt) {
      pauses.push({ from: pausedAt, to: e.at });
      pausedAt = null;
    }
  }
  return { startedAt: first.at, pauses };
}

export async function runRouteClaim({ claimId, version }: RouteClaimPayload): Promise<RouteClaimOutcome> {
  const jobKey = routeJobKey(claimId, version);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM claim WHERE id = ${claimId} FOR UPDATE`;
    const current = await tx.claim.findUnique({ where: { id: claimId }, select: { status: true, version: true } });
    const skip = async (reason: string): Promise<RouteClaimOutcome> => {
      await markOutboxDone(tx, jobKey);
      return { outcome: "skipped", reason };
    };
    if (!current) return skip("claim_gone");
    if (current.status !== "MANAGER_APPROVED" || current.version !== version) return skip("not_waiting_for_routing");
    const open = await tx.task.findFirst({ where: { claimId, type: "REVIEW", status: { in: ["OPEN", "IN_PROGRESS"] } }, select: { id: true } });
    if (open) return skip("already_routed");

    const facts = await loadClaimFacts(tx, claimId);
    const { claim } = facts;
    const [rules, groups] = await Promise.all([
      tx.routingRule.findMany({ orderBy: { position: "asc" } }),
      tx.processingGroup.findMany({ select: { id: true, isDefault: true, slaMinutes: true } }),
    ]);
    const fallback = groups.find((g) => g.isDefault) ?? groups[0];
    if (!fallback) throw new Error("no processing group exists: create one (and mark it default) before routing");
    const routingFacts = {
      companyId: claim.companyId,
      departmentId: claim.departmentId,
      companyCurrency: claim.company.currency,
      totalCompanyMinor: facts.totalCompanyMinor,
      lines: claim.lines.map((l) => ({ categoryCode: l.categoryCode, currency: l.currency })),
    };
    const decision = routeClaim(routingFacts, rules.map(toDomainRule), fallback.id);
    const group = groups.find((g) => g.id === decision.groupId) ?? fallback;
    const priority = decision.priority || basePriority(routingFacts, { highValueMinor: HIGH_VALUE_MINOR });
    const lastReturn = await tx.task.findFirst({
      where: { claimId, type: "REVIEW", outcome: "returned" },
      orderBy: { finishedAt: "desc" },
      select: { assigneeId: true },
    });
    const clock = (await slaClock(tx, claimId)) ?? { startedAt: new Date(), pauses: [] };
    const taskId = newId();
    await tx.task.create({
      data: {
        id: taskId,
        claimId,
        type: "REVIEW",
        groupId: group.id,
        priority,
        complexity: facts.complexity,
        claimVersion: version,
        preferredAssigneeId: lastReturn?.assigneeId ?? null,
        slaMinutes: group.slaMinutes,
        slaDueAt: slaDueAt(clock.startedAt, group.slaMinutes, calendarOf(claim.company.calendar), clock.pauses),
      },
    });
    await emitTaskEvent(tx, taskId, "created");
    await tx.claim.update({ where: { id: claimId }, data: { groupId: group.id } });
    await recordAudit(tx, { claimId, type: "claim.routed", data: { groupId: group.id, ruleId: decision.ruleId, taskId, priority } });
    await markOutboxDone(tx, jobKey);
    return { outcome: "routed", groupId: group.id, taskId };
  });
}

/** A rule whose stored conditions no longer validate is treated as inactive rather than guessed at. */
function toDomainRule(r: { id: string; position: number; groupId: string; active: boolean; conditions: unknown; priority: number | null }): RoutingRule {
  const conditions = RuleConditionsSchema.safeParse(r.conditions ?? {});
  if (!conditions.success) console.warn(`[routing] rule ${r.id} has invalid conditions; skipped`);
  return {
    id: r.id,
    position: r.position,
    groupId: r.groupId,
    active: r.active && conditions.success,
    conditions: conditions.success ? conditions.data : {},
    ...(r.priority !== null ? { priority: r.priority } : {}),
  };
}

export const routeClaimJob = { name: ROUTE_CLAIM_JOB, payloadSchema: routeClaimPayload, handler: runRouteClaim };
