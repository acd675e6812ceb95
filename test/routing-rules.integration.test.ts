import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { runRouteClaim } from "~/jobs/route-claim";
import { deleteRoutingRule, listRoutingRules, moveRoutingRule, saveRoutingRule, saveReturnReason } from "~/models/routing-rules.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createClaimant, createCompany, createDepartment, createUser } from "./helpers";

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

  describe("total band currency, and routing with rules cached per worker", () => {
    let hk: { company: { id: string }; claimant: { id: string; companyId: string; departmentId: string } };
    let cny: { id: string };

    beforeAll(async () => {
      const company = await createCompany({ currency: "HKD" });
      const department = await createDepartment(company.id);
      hk = { company, claimant: await createUser({ companyId: company.id, departmentId: department.id }) };
      cny = await createCompany({ currency: "CNY" });
      await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
    });

    /** A claim of the HK company as manager approval leaves it (MANAGER_APPROVED, v2, approval event), total in HKD. */
    async function approvedHkClaim(minor: number): Promise<string> {
      const claim = await createClaim(hk.claimant, { status: "MANAGER_APPROVED", version: 2 });
      await prisma.claimLine.create({
        data: { id: randomUUID(), claimId: claim.id, position: 0, spentOn: new Date("2026-11-02"), categoryCode: "TAXI", merchant: "Cab", amountMinor: BigInt(minor), currency: "HKD" },
      });
      await prisma.auditEvent.create({ data: { claimId: claim.id, type: "claim.manager_approved", fromStatus: "SUBMITTED", toStatus: "MANAGER_APPROVED" } });
      return claim.id;
    }

    async function routedTo(claimId: string): Promise<{ groupId: string; ruleId: unknown }> {
      const outcome = await runRouteClaim({ claimId, version: 2 });
      if (outcome.outcome !== "routed") throw new Error(`not routed: ${outcome.reason}`);
      const audit = await prisma.auditEvent.findFirstOrThrow({ where: { claimId, type: "claim.routed" } });
      return { groupId: outcome.groupId, ruleId: (audit.data as { ruleId: unknown }).ruleId };
    }

    it("refuses a band in a currency none of the rule's companies books in, per field", async () => {
      const save = (conditions: unknown) =>
        saveRoutingRule({ admin, rule: { name: "HK band", groupId: groupA.id, position: 0, active: true, priority: null, conditions } });
      expect(await save({ companyIds: [hk.company.id], totalCurrency: "CNY", minTotalMinor: "100" })).toEqual({
        ok: false,
        fieldErrors: { "conditions.totalCurrency": "not_a_company_currency" },
      });
      // Old-style band (no currency = CNY) for the HK company alone: the same dead band.
      expect(await save({ companyIds: [hk.company.id], minTotalMinor: "100" })).toEqual({ ok: false, fieldErrors: { "conditions.totalCurrency": "not_a_company_currency" } });
      expect(await save({ companyIds: [hk.company.id], totalCurrency: "HKD" })).toEqual({ ok: false, fieldErrors: { "conditions.totalCurrency": "currency_without_band" } });
      expect(await save({ companyIds: [randomUUID()] })).toEqual({ ok: false, fieldErrors: { "conditions.companyIds": "unknown_company" } });
      expect(await save({ totalCurrency: "JPY", minTotalMinor: "100" })).toEqual({ ok: false, fieldErrors: { "conditions.totalCurrency": "not_a_company_currency" } });
      // Both companies selected: a band in either's currency is meaningful.
      const both = await save({ companyIds: [hk.company.id, cny.id], totalCurrency: "CNY", minTotalMinor: "100" });
      expect(both.ok).toBe(true);
      if (both.ok) await deleteRoutingRule({ admin, id: both.id });
    });

    it("routes an HK claim by an HKD band, never by a CNY one, and sees every rule change at once", async () => {
      const legacy = await prisma.routingRule.create({
        // Stored before bands carried a currency: it means CNY, so an HKD total never matches it.
        data: { id: randomUUID(), position: 0, name: "legacy CNY band", groupId: groupB.id, conditions: { companyIds: [hk.company.id], minTotalMinor: "1" } },
      });
      const saved = await saveRoutingRule({
        admin,
        rule: { name: "HK big", groupId: groupA.id, position: 0, active: true, priority: null, conditions: { companyIds: [hk.company.id], totalCurrency: "HKD", minTotalMinor: "100000" } },
      });
      if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));

      // HKD 2,000.00 ≥ HKD 1,000.00: the HKD rule; this also fills the worker's cache.
      expect(await routedTo(await approvedHkClaim(200_000))).toEqual({ groupId: groupA.id, ruleId: saved.id });

      // Changed through the admin model: the very next claim sees it.
      const moved = await saveRoutingRule({
        admin,
        rule: { id: saved.id, name: "HK big", groupId: groupB.id, position: 0, active: true, priority: null, conditions: { companyIds: [hk.company.id], totalCurrency: "HKD", minTotalMinor: "100000" } },
      });
      expect(moved.ok).toBe(true);
      expect(await routedTo(await approvedHkClaim(200_000))).toEqual({ groupId: groupB.id, ruleId: saved.id });

      // Changed behind the model's back (SQL): the trigger still bumps the version, so no stale copy.
      await prisma.routingRule.update({ where: { id: saved.id }, data: { conditions: { companyIds: [hk.company.id], totalCurrency: "HKD", minTotalMinor: "500000" } } });
      const small = await routedTo(await approvedHkClaim(200_000));
      expect(small.ruleId).not.toBe(saved.id);
      expect(small.ruleId).not.toBe(legacy.id);

      await prisma.routingRule.deleteMany({ where: { id: { in: [saved.id, legacy.id] } } });
      const after = await routedTo(await approvedHkClaim(900_000));
      expect(after.ruleId).not.toBe(saved.id);
    });
  });
});
