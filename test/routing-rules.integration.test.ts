import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteRoutingRule, listRoutingRules, moveRoutingRule, saveRoutingRule, saveReturnReason } from "~/models/routing-rules.server";
import { prisma } from "~/utils/db.server";
import { createClaimant, createUser } from "./helpers";

async function auditFor(ruleId: string, type: string) {
  return prisma.auditEvent.findMany({ where: { type, data: { path: ["ruleId"], equals: ruleId } } });
}

describe("routing rules admin", () => {
  let admin: { id: string };
  let groupA: { id: string };
  let groupB: { id: string };

  beforeAll(async () => {
    const { company, department } = await createClaimant();
    admin = await createUser({ companyId: company.id, departmentId: department.id }, { roles: ["ADMIN"] });
    groupA = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `RA${randomUUID().slice(0, 6)}`, name: "Rules A", nameZh: "规则甲" } });
    groupB = await prisma.processingGroup.create({ data: { id: randomUUID(), code: `RB${randomUUID().slice(0, 6)}`, name: "Rules B", nameZh: "规则乙" } });
  });

  it("creates, updates, moves and deletes a rule, auditing each change", async () => {
    const base = 900_000 + Math.floor(Math.random() * 10_000) * 10;
    const first = await saveRoutingRule({
      admin,
      rule: { name: "Taxis", groupId: groupA.id, position: base, active: true, priority: null, conditions: { categoryCodes: ["TAXI"], minTotalMinor: "2000000" } },
    });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const created = await auditFor(first.id, "routing_rule.created");
    expect(created).toHaveLength(1);
    expect(created[0]!.actorId).toBe(admin.id);

    const second = await saveRoutingRule({
      admin,
      rule: { name: "Hotels", groupId: groupB.id, position: base + 1, active: true, priority: 5, conditions: { categoryCodes: ["HOTEL"] } },
    });
    expect(second.ok).toBe(true);
    if (!second.ok) return;

    const updated = await saveRoutingRule({
      admin,
      rule: { id: first.id, name: "Taxis (big)", groupId: groupB.id, position: base, active: false, priority: 3, conditions: { categoryCodes: ["TAXI"] } },
    });
    expect(updated).toEqual({ ok: true, id: first.id });
    const row = await prisma.routingRule.findUniqueOrThrow({ where: { id: first.id } });
    expect(row).toMatchObject({ name: "Taxis (big)", groupId: groupB.id, active: false, priority: 3, conditions: { categoryCodes: ["TAXI"] } });
    const updates = await auditFor(first.id, "routing_rule.updated");
    expect(updates).toHaveLength(1);
    expect(updates[0]!.data).toMatchObject({ before: { name: "Taxis" }, after: { name: "Taxis (big)" } });

    const listed = await listRoutingRules();
    const mine = listed.filter((r) => r.id === first.id || r.id === second.id).map((r) => r.id);
    expect(mine).toEqual([first.id, second.id]);
    expect(listed.find((r) => r.id === second.id)?.groupName).toBe("Rules B");

    expect(await moveRoutingRule({ admin, id: second.id, direction: "up" })).toBe(true);
    const [a, b] = await Promise.all([
      prisma.routingRule.findUniqueOrThrow({ where: { id: first.id } }),
      prisma.routingRule.findUniqueOrThrow({ where: { id: second.id } }),
    ]);
    expect(b.position).toBeLessThan(a.position);
    expect(await auditFor(second.id, "routing_rule.moved")).toHaveLength(1);

    expect(await deleteRoutingRule({ admin, id: first.id })).toBe(true);
    expect(await prisma.routingRule.findUnique({ where: { id: first.id } })).toBeNull();
    const deleted = await auditFor(first.id, "routing_rule.deleted");
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.data).toMatchObject({ before: { name: "Taxis (big)" }, after: null });
    await deleteRoutingRule({ admin, id: second.id });
  });

  it("refuses invalid conditions with field errors and changes nothing", async () => {
    const countBefore = await prisma.routingRule.count({ where: { groupId: groupA.id } });
    const auditBefore = await prisma.auditEvent.count({ where: { actorId: admin.id } });
    const result = await saveRoutingRule({
      admin,
      rule: {
        name: "Bad",
        groupId: groupA.id,
        position: 1,
        active: true,
        priority: null,
        conditions: { currencies: ["XX1"], minLines: 5, maxLines: 2, bogus: true },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors["conditions.currencies"]).toBe("invalid_currency");
    expect(result.fieldErrors["conditions.maxLines"]).toBe("below_min");
    expect(result.fieldErrors.conditions).toBeDefined(); // the unknown key

    const band = await saveRoutingRule({
      admin,
      rule: { name: "Band", groupId: groupA.id, position: 1, active: true, priority: null, conditions: { minTotalMinor: "500", maxTotalMinor: "500" } },
    });
    expect(band).toEqual({ ok: false, fieldErrors: { "conditions.maxTotalMinor": "not_above_min" } });

    const noGroup = await saveRoutingRule({
      admin,
      rule: { name: "No group", groupId: randomUUID(), position: 1, active: true, priority: null, conditions: {} },
    });
    expect(noGroup).toEqual({ ok: false, fieldErrors: { groupId: "unknown_group" } });

    expect(await prisma.routingRule.count({ where: { groupId: groupA.id } })).toBe(countBefore);
    expect(await prisma.auditEvent.count({ where: { actorId: admin.id } })).toBe(auditBefore);
  });

  it("saves a return reason with an audit event", async () => {
    const code = `T${randomUUID().slice(0, 6).toUpperCase().replace(/-/g, "")}`;
    const result = await saveReturnReason({ admin, code, name: "Missing receipt", nameZh: "缺少票据", active: true });
    expect(result.ok).toBe(true);
    expect(await prisma.returnReason.findUnique({ where: { code } })).toMatchObject({ name: "Missing receipt", nameZh: "缺少票据" });
    const events = await prisma.auditEvent.findMany({ where: { type: "return_reason.saved", data: { path: ["code"], equals: code } } });
    expect(events).toHaveLength(1);
    expect(await saveReturnReason({ admin, code: "", name: "", nameZh: "x", active: true })).toMatchObject({ ok: false });
  });
});
