/**
 * Decision 038 (and its "Later" paragraph): a task's arrival facts — created_at, type, group_id,
 * complexity — are what its arrival row in the rollups is made of, and only its `created` event recomputes
 * that row. Migration 20261211020000 makes the database refuse any change of them, for every role; the
 * rest of the task row (status, assignee, times, outcome, SLA) stays free.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { TaskType, User } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { asOwner, createClaimant, createGroup, createMember, queueReviewTask } from "./helpers";

type Arrival = { createdAt: Date; type: TaskType; groupId: string | null; complexity: string };

const arrivalOf = (taskId: string): Promise<Arrival> =>
  prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { createdAt: true, type: true, groupId: true, complexity: true } });

describe("a task's arrival facts are fixed at creation (decision 038)", () => {
  let claimant: User;
  let accountant: User;
  let other: User;
  let groupId: string;
  let otherGroupId: string;

  beforeAll(async () => {
    const made = await createClaimant();
    claimant = made.user;
    groupId = await createGroup();
    otherGroupId = await createGroup();
    const org = { companyId: made.company.id, departmentId: made.department.id };
    accountant = await createMember(org, [groupId, otherGroupId]);
    other = await createMember(org, [groupId]);
  });

  it("refuses a change of created_at, type, group_id or complexity, naming the rule and the column, as the app's role", async () => {
    const { taskId } = await queueReviewTask(claimant, groupId, { ageMinutes: 30 });
    const before = await arrivalOf(taskId);
    expect(before).toMatchObject({ type: "REVIEW", groupId, complexity: "S" });

    const changes: [string, Record<string, unknown>][] = [
      ["created_at", { createdAt: new Date(before.createdAt.getTime() - 3_600_000) }],
      ["type", { type: "QA" }],
      ["group_id", { groupId: otherGroupId }],
      ["group_id", { groupId: null }],
      ["complexity", { complexity: "M" }],
    ];
    for (const [column, data] of changes) {
      const refused = prisma.task.update({ where: { id: taskId }, data });
      await expect(refused, column).rejects.toThrow(new RegExp(`decision 038.*UPDATE of ${column} refused`));
    }
    // Several at once: every changed column is named.
    await expect(prisma.$executeRaw`UPDATE task SET complexity = 'L', type = 'PAYMENT' WHERE id = ${taskId}`).rejects.toThrow(/UPDATE of type, complexity refused/);
    // Together with an allowed column, the whole update is refused.
    await expect(prisma.task.update({ where: { id: taskId }, data: { status: "IN_PROGRESS", assigneeId: accountant.id, complexity: "M" } })).rejects.toThrow(/decision 038/);

    expect(await arrivalOf(taskId)).toEqual(before);
    expect(await prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { status: true, assigneeId: true } })).toEqual({ status: "OPEN", assigneeId: null });
  });

  it("refuses it to the owner too, with a check violation", async () => {
    const { taskId } = await queueReviewTask(claimant, groupId);
    await asOwner(async (owner) => {
      for (const set of [`created_at = created_at - interval '1 day'`, `type = 'QA'`, `group_id = NULL`, `complexity = 'XL'`]) {
        await expect(owner.query(`UPDATE task SET ${set} WHERE id = $1`, [taskId]), set).rejects.toMatchObject({ code: "23514", message: expect.stringMatching(/decision 038/) });
      }
    });
    expect(await arrivalOf(taskId)).toMatchObject({ type: "REVIEW", groupId, complexity: "S" });
  });

  it("lets every other column change: taken, reassigned, finished; writing a frozen column's own value is no change", async () => {
    const { taskId } = await queueReviewTask(claimant, groupId);
    const before = await arrivalOf(taskId);
    const startedAt = new Date();
    await prisma.task.update({ where: { id: taskId }, data: { status: "IN_PROGRESS", assigneeId: accountant.id, startedAt } });
    await prisma.task.update({ where: { id: taskId }, data: { assigneeId: other.id, preferredAssigneeId: accountant.id, priority: 5, slaState: "AT_RISK" } });
    // Prisma writes every field it is given: the same values pass.
    await prisma.task.update({ where: { id: taskId }, data: { ...before, status: "DONE", outcome: "approved", finishedAt: new Date(startedAt.getTime() + 60_000) } });
    const after = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(after).toMatchObject({ ...before, status: "DONE", outcome: "approved", assigneeId: other.id, preferredAssigneeId: accountant.id, priority: 5, slaState: "AT_RISK" });
    // The claim's own group (routing's) is the claim's: it may move without touching the task.
    await prisma.claim.update({ where: { id: after.claimId }, data: { groupId: otherGroupId } });
    expect((await arrivalOf(taskId)).groupId).toBe(groupId);
  });

  it("so a processing group that has tasks cannot be deleted (its foreign key would set their group_id to NULL)", async () => {
    const doomed = await createGroup();
    await queueReviewTask(claimant, doomed);
    await expect(prisma.processingGroup.delete({ where: { id: doomed } })).rejects.toThrow(/decision 038.*UPDATE of group_id refused/);
    expect(await prisma.processingGroup.count({ where: { id: doomed } })).toBe(1);
    // A group without tasks goes as before.
    const empty = await createGroup();
    await prisma.processingGroup.delete({ where: { id: empty } });
    expect(await prisma.processingGroup.count({ where: { id: empty } })).toBe(0);
  });
});
