/**
 * A task carries its claim's company (migration 20261212010000, docs/decisions/041): filled by the database on
 * every insert, whatever the writer passes, and never changed afterwards.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createClaim, createClaimant } from "./helpers";

describe("task.company_id", () => {
  it("is the claim's company, set on insert even when the writer leaves it out or passes another", async () => {
    const a = await createClaimant();
    const b = await createClaimant();
    const claim = await createClaim(a.user, { status: "MANAGER_APPROVED" });
    const left = await prisma.task.create({ data: { id: randomUUID(), claimId: claim.id, type: "REVIEW", claimVersion: 1 } });
    expect(left.companyId).toBe(a.user.companyId);
    const wrong = await prisma.task.create({ data: { id: randomUUID(), claimId: claim.id, type: "QA", claimVersion: 1, companyId: b.user.companyId } });
    expect(b.user.companyId).not.toBe(a.user.companyId);
    expect(wrong.companyId).toBe(a.user.companyId);
    const raw = randomUUID();
    await prisma.$executeRaw`INSERT INTO task (id, claim_id, type, claim_version) VALUES (${raw}, ${claim.id}, 'ARCHIVE', 1)`;
    expect((await prisma.task.findUniqueOrThrow({ where: { id: raw } })).companyId).toBe(a.user.companyId);
  });

  it("refuses a task for a claim that does not exist, and any later change of the company", async () => {
    await expect(prisma.$executeRaw`INSERT INTO task (id, claim_id, type, claim_version) VALUES (${randomUUID()}, ${randomUUID()}, 'REVIEW', 1)`).rejects.toThrow(/does not exist/);
    const a = await createClaimant();
    const b = await createClaimant();
    const claim = await createClaim(a.user, { status: "MANAGER_APPROVED" });
    const task = await prisma.task.create({ data: { id: randomUUID(), claimId: claim.id, type: "REVIEW", claimVersion: 1 } });
    await expect(prisma.task.update({ where: { id: task.id }, data: { companyId: b.user.companyId } })).rejects.toThrow(/keeps the company/);
    // Everything else about the task still changes freely.
    await prisma.task.update({ where: { id: task.id }, data: { status: "DONE", outcome: "approved", finishedAt: new Date() } });
  });
});
