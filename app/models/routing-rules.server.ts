/**
 * The admin's routing rules and return reasons. Every change is one transaction with its audit event.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Actor } from "~/domain/actor";
import { ReturnReasonInputSchema } from "~/domain/return-reasons";
import { bandCurrency, RoutingRuleInputSchema, RuleConditionsSchema, type RuleConditions } from "~/domain/routing";
import type { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/models/audit.server";
import { prisma, type Tx } from "~/utils/db.server";
import { formErrorCode } from "~/utils/forms";

export type RoutingRuleRow = {
  id: string;
  position: number;
  name: string;
  groupId: string;
  groupName: string;
  groupNameZh: string;
  active: boolean;
  priority: number | null;
  conditions: RuleConditions;
  /** False when the stored JSON does not parse (shown as such, never silently widened). */
  conditionsValid: boolean;
};

function parseStored(json: unknown): { conditions: RuleConditions; valid: boolean } {
  const parsed = RuleConditionsSchema.safeParse(json);
  return parsed.success ? { conditions: parsed.data, valid: true } : { conditions: {}, valid: false };
}

/** Rules in the order routing tries them (position, then id). */
export async function listRoutingRules(): Promise<RoutingRuleRow[]> {
  const rules = await prisma.routingRule.findMany({
    orderBy: [{ position: "asc" }, { id: "asc" }],
    include: { group: { select: { name: true, nameZh: true } } },
  });
  return rules.map((r) => {
    const { conditions, valid } = parseStored(r.conditions);
    return {
      id: r.id,
      position: r.position,
      name: r.name,
      groupId: r.groupId,
      groupName: r.group.name,
      groupNameZh: r.group.nameZh,
      active: r.active,
      priority: r.priority,
      conditions,
      conditionsValid: valid,
    };
  });
}

export type RuleInput = {
  id?: string;
  name: string;
  groupId: string;
  position: number;
  active: boolean;
  priority: number | null;
  conditions: unknown;
};

export type SaveResult =
  | { ok: true; id: string }
  | { ok: false; fieldErrors: Record<string, string> };

type Admin = Pick<Actor, "id">;

/** The first code per field ("conditions.minLines" for a condition, "conditions" for the whole set). */
function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.length === 0 ? "form" : issue.path.slice(0, 2).map(String).join(".");
    fieldErrors[key] ??= issue.message;
  }
  return fieldErrors;
}

function snapshot(r: { id: string; position: number; name: string; groupId: string; active: boolean; priority: number | null; conditions: unknown }) {
  return {
    id: r.id,
    position: r.position,
    name: r.name,
    groupId: r.groupId,
    active: r.active,
    priority: r.priority,
    conditions: r.conditions as Prisma.InputJsonValue,
  };
}

/**
 * A total band only ever holds for companies that keep their books in its currency, so a band whose
 * currency is not that of any company the rule can apply to (the selected ones, or all when none is
 * selected) could never match: refuse it rather than save a dead rule. Unknown company ids too.
 */
export function bandCurrencyError(
  conditions: RuleConditions,
  companies: readonly { id: string; currency: string }[],
): { field: string; code: string } | null {
  const byId = new Map(companies.map((c) => [c.id, c.currency.trim()]));
  if (conditions.companyIds?.some((id) => !byId.has(id))) return { field: "conditions.companyIds", code: "unknown_company" };
  const band = bandCurrency(conditions);
  if (band === null) return null;
  const applicable = conditions.companyIds ? conditions.companyIds.map((id) => byId.get(id)!) : [...byId.values()];
  return applicable.includes(band) ? null : { field: "conditions.totalCurrency", code: "not_a_company_currency" };
}

/** Creates or updates a rule. Field errors come back keyed by condition name ("conditions.minLines"), "name", "groupId"… */
export async function saveRoutingRule({ admin, rule }: { admin: Admin; rule: RuleInput }): Promise<SaveResult> {
  const parsed = RoutingRuleInputSchema.safeParse(rule, { error: formErrorCode });
  const fieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const [group, companies] = await Promise.all([
    rule.groupId ? prisma.processingGroup.findUnique({ where: { id: rule.groupId }, select: { id: true } }) : null,
    prisma.company.findMany({ select: { id: true, currency: true } }),
  ]);
  if (!group) fieldErrors.groupId = "unknown_group";
  if (parsed.success) {
    const bandError = bandCurrencyError(parsed.data.conditions, companies);
    if (bandError) fieldErrors[bandError.field] ??= bandError.code;
  }
  if (Object.keys(fieldErrors).length > 0 || !parsed.success) return { ok: false, fieldErrors };

  const { name, position, active, priority } = parsed.data;
  const conditions = parsed.data.conditions as Prisma.InputJsonValue;
  const data = { name, groupId: rule.groupId, position, active, priority, conditions };
  return prisma.$transaction(async (tx) => {
    if (rule.id) {
      const before = await tx.routingRule.findUnique({ where: { id: rule.id } });
      if (!before) return { ok: false as const, fieldErrors: { id: "not_found" } };
      const after = await tx.routingRule.update({ where: { id: rule.id }, data });
      await recordAudit(tx, { type: "routing_rule.updated", actorId: admin.id, data: { ruleId: after.id, before: snapshot(before), after: snapshot(after) } });
      return { ok: true as const, id: after.id };
    }
    const after = await tx.routingRule.create({ data: { id: randomUUID(), ...data } });
    await recordAudit(tx, { type: "routing_rule.created", actorId: admin.id, data: { ruleId: after.id, before: null, after: snapshot(after) } });
    return { ok: true as const, id: after.id };
  });
}

export async function deleteRoutingRule({ admin, id }: { admin: Admin; id: string }): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const before = await tx.routingRule.findUnique({ where: { id } });
    if (!before) return false;
    await tx.routingRule.delete({ where: { id } });
    await recordAudit(tx, { type: "routing_rule.deleted", actorId: admin.id, data: { ruleId: id, before: snapshot(before), after: null } });
    return true;
  });
}

async function orderedRules(tx: Tx) {
  return tx.routingRule.findMany({ orderBy: [{ position: "asc" }, { id: "asc" }], select: { id: true, position: true } });
}

/**
 * Swaps a rule with its neighbour in routing order. Equal positions are first spread out
 * (ties would make a swap a no-op), so the move always changes the order.
 */
export async function moveRoutingRule({ admin, id, direction }: { admin: Admin; id: string; direction: "up" | "down" }): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    // Serialise concurrent moves: they read and rewrite the same positions.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('routing_rule.move'))`;
    const rules = await orderedRules(tx);
    const index = rules.findIndex((r) => r.id === id);
    const otherIndex = direction === "up" ? index - 1 : index + 1;
    if (index < 0 || otherIndex < 0 || otherIndex >= rules.length) return false;
    const self = rules[index]!;
    const other = rules[otherIndex]!;
    let selfPos = other.position;
    let otherPos = self.position;
    if (selfPos === otherPos) {
      // Tied: give them distinct positions in the current order, then swap.
      const low = Math.min(self.position, other.position);
      selfPos = direction === "up" ? low : low + 1;
      otherPos = direction === "up" ? low + 1 : low;
      // Push every later rule down by one so nothing else ties with low + 1.
      const later = rules.slice(Math.max(index, otherIndex) + 1).filter((r) => r.position <= low + 1);
      for (const r of later) await tx.routingRule.update({ where: { id: r.id }, data: { position: r.position + 1 } });
    }
    await tx.routingRule.update({ where: { id: self.id }, data: { position: selfPos } });
    await tx.routingRule.update({ where: { id: other.id }, data: { position: otherPos } });
    await recordAudit(tx, {
      type: "routing_rule.moved",
      actorId: admin.id,
      data: {
        ruleId: id,
        direction,
        before: { position: self.position, swappedWith: other.id, swappedPosition: other.position },
        after: { position: selfPos, swappedWith: other.id, swappedPosition: otherPos },
      },
    });
    return true;
  });
}

export async function listReturnReasons() {
  return prisma.returnReason.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] });
}

export async function saveReturnReason({ admin, ...reason }: { admin: Admin } & z.input<typeof ReturnReasonInputSchema>): Promise<SaveResult> {
  const parsed = ReturnReasonInputSchema.safeParse(reason, { error: formErrorCode });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error.issues) };
  const { code: c, name, nameZh, active } = parsed.data;
  return prisma.$transaction(async (tx) => {
    const before = await tx.returnReason.findUnique({ where: { code: c } });
    const data = { name, nameZh, active };
    const after = await tx.returnReason.upsert({ where: { code: c }, update: data, create: { code: c, ...data } });
    await recordAudit(tx, { type: "return_reason.saved", actorId: admin.id, data: { code: c, before, after } });
    return { ok: true as const, id: c };
  });
}
