/**
 * Issue 13: the month-end submission is a few statements, not one round trip per line and per rule.
 * Under load each round trip waits for a busy event loop, so the count is what the latency follows.
 * The claim is saved and submitted with everything a real one has: lines kept, added and dropped, their
 * receipts relinked, a budget cell reserved, the approval task and its outbox job, the paper original,
 * the audit events.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import type { LineInput } from "~/domain/claim-input";
import { appendBudgetEntries } from "~/models/budget-entries.server";
import { saveClaim } from "~/models/claim-commands.server";
import { prisma } from "~/utils/db.server";
import { createApprovalChain, createClaim, statementsDuring } from "./helpers";

async function readyReceipt(claimId: string, uploadedById: string) {
  const sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
  return prisma.receipt.create({ data: { id: randomUUID(), claimId, fileSha256: sha, fileName: `${sha.slice(0, 6)}.jpg`, uploadedById } });
}

const line = (over: Partial<LineInput> & Pick<LineInput, "amountMinor" | "receiptIds">): LineInput => ({
  spentOn: "2026-11-20",
  categoryCode: "TAXI",
  merchant: "滴滴出行",
  currency: "CNY",
  note: "",
  ...over,
});

describe("submitting a claim", () => {
  it("takes a few statements whatever the number of lines, and writes everything the submission owes", async () => {
    const chain = await createApprovalChain();
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
    const cellId = randomUUID();
    await prisma.budgetCell.create({ data: { id: cellId, companyId: chain.company.id, departmentId: chain.department.id, period: "2026-11", categoryCode: null, currency: "CNY" } });
    await prisma.$transaction((tx) => appendBudgetEntries(tx, [{ cellId, kind: "BUDGET", budgetDelta: 10_000_000n, idempotencyKey: `BUDGET:${cellId}:test` }]));
    const draft = await createClaim(chain.employee, { status: "DRAFT" });
    const [r1, r2, r3] = [await readyReceipt(draft.id, chain.employee.id), await readyReceipt(draft.id, chain.employee.id), await readyReceipt(draft.id, chain.employee.id)];
    const base = { purpose: "Customer visit", companyId: chain.company.id, departmentId: chain.department.id };

    // A saved draft of two lines: the first is kept and changed, the second dropped.
    const saved = await saveClaim({
      viewer: chain.employee,
      claimId: draft.id,
      version: draft.version,
      submit: false,
      input: { ...base, lines: [line({ amountMinor: 1_000n, receiptIds: [r1!.id] }), line({ amountMinor: 2_000n, receiptIds: [r2!.id] })] },
    });
    const [kept] = await prisma.claimLine.findMany({ where: { claimId: draft.id }, orderBy: { position: "asc" } });

    const lines = [
      line({ id: kept!.id, amountMinor: 12_000n, receiptIds: [r1!.id, r3!.id], note: "kept" }),
      ...Array.from({ length: 6 }, (_, i) => line({ amountMinor: BigInt(1_000 * (i + 1)), receiptIds: [r2!.id], merchant: `商户 ${i}` })),
    ];
    const { result, statements } = await statementsDuring(() =>
      saveClaim({ viewer: chain.employee, claimId: draft.id, version: saved.version, submit: true, input: { ...base, lines } }),
    );
    // BEGIN, the lock, the read of what the input is checked against, the write (lines, links, claim, paper,
    // "saved"), the invoices, the claim's facts, the approval task with its event, the budget (the claim's
    // lines, the cells that exist, the cells locked, the reservations), the last event, COMMIT. It was 49.
    expect(statements.length).toBeLessThanOrEqual(13);
    expect(statements.filter((t) => /claim_line/i.test(t) && /^\s*(INSERT|UPDATE|DELETE)/i.test(t))).toHaveLength(0);

    expect(result).toMatchObject({ status: "SUBMITTED", version: saved.version + 1 });
    const claim = await prisma.claim.findUniqueOrThrow({ where: { id: draft.id }, include: { lines: { orderBy: { position: "asc" }, include: { receipts: true } } } });
    expect(claim).toMatchObject({ status: "SUBMITTED", version: saved.version + 1, purpose: "Customer visit" });
    expect(claim.submittedAt).not.toBeNull();
    expect(claim.lines.map((l) => [l.position, l.amountMinor, l.merchant, l.note])).toEqual([
      [0, 12_000n, "滴滴出行", "kept"],
      ...Array.from({ length: 6 }, (_, i) => [i + 1, BigInt(1_000 * (i + 1)), `商户 ${i}`, ""]),
    ]);
    expect(claim.lines[0]!.id).toBe(kept!.id);
    expect(claim.lines[0]!.receipts.map((r) => r.receiptId).sort()).toEqual([r1!.id, r3!.id].sort());
    for (const l of claim.lines.slice(1)) expect(l.receipts.map((r) => r.receiptId)).toEqual([r2!.id]);
    // The dropped line and its link are gone.
    expect(await prisma.claimLine.count({ where: { claimId: draft.id } })).toBe(7);
    expect(await prisma.lineReceipt.count({ where: { line: { claimId: draft.id } } })).toBe(8);

    const [task] = await prisma.task.findMany({ where: { claimId: draft.id } });
    expect(task).toMatchObject({ type: "MANAGER_APPROVAL", status: "OPEN", step: 1, assigneeId: chain.manager.id, claimVersion: result.version, companyId: chain.company.id });
    expect(await prisma.outboxEvent.count({ where: { jobKey: { contains: task!.id } } })).toBe(1);
    const reserved = await prisma.budgetEntry.findMany({ where: { claimId: draft.id } });
    expect(reserved.map((e) => e.reservedDelta).reduce((a, b) => a + b, 0n)).toBe(33_000n);
    expect(reserved.every((e) => e.kind === "RESERVE" && e.claimVersion === result.version)).toBe(true);
    expect(await prisma.budgetCell.findUniqueOrThrow({ where: { id: cellId } })).toMatchObject({ reservedMinor: 33_000n });
    const paper = await prisma.$queryRaw<{ receipt_count: number; status: string }[]>`SELECT receipt_count, status::text FROM paper_original WHERE claim_id = ${draft.id}`;
    expect(paper).toEqual([{ receipt_count: 3, status: "AWAITING" }]);
    const events = await prisma.auditEvent.findMany({ where: { claimId: draft.id }, orderBy: { id: "asc" }, select: { type: true, toStatus: true, data: true } });
    expect(events.map((e) => e.type)).toEqual(["claim.saved", "claim.saved", "claim.submitted"]);
    expect(events[1]!.data).toEqual({ lines: 7 });
    expect(events[2]).toMatchObject({ toStatus: "SUBMITTED", data: { budget: { cells: [{ cellId, band: "ok", requestedMinor: "33000", currency: "CNY" }] } } });
  });

  it("refuses a line named twice, and one of another claim, with nothing written", async () => {
    const chain = await createApprovalChain();
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
    const draft = await createClaim(chain.employee, { status: "DRAFT" });
    const other = await createClaim(chain.employee, { status: "DRAFT" });
    const base = { purpose: "Trip", companyId: chain.company.id, departmentId: chain.department.id };
    const r = await readyReceipt(draft.id, chain.employee.id);
    const first = await saveClaim({ viewer: chain.employee, claimId: draft.id, version: draft.version, submit: false, input: { ...base, lines: [line({ amountMinor: 100n, receiptIds: [r.id] })] } });
    const mine = await prisma.claimLine.findFirstOrThrow({ where: { claimId: draft.id } });
    const otherSaved = await saveClaim({ viewer: chain.employee, claimId: other.id, version: other.version, submit: false, input: { ...base, lines: [line({ amountMinor: 7n, receiptIds: [] })] } });
    const theirs = await prisma.claimLine.findFirstOrThrow({ where: { claimId: other.id } });
    expect(otherSaved.version).toBe(other.version + 1);

    const twice = saveClaim({ viewer: chain.employee, claimId: draft.id, version: first.version, submit: false, input: { ...base, lines: [line({ id: mine.id, amountMinor: 1n, receiptIds: [] }), line({ id: mine.id, amountMinor: 2n, receiptIds: [] })] } });
    await expect(twice).rejects.toSatisfy((e) => isAppError(e) && e.code === "invalid" && e.fieldErrors["lines.1.id"] === "unknown");
    const foreign = saveClaim({ viewer: chain.employee, claimId: draft.id, version: first.version, submit: false, input: { ...base, lines: [line({ id: theirs.id, amountMinor: 1n, receiptIds: [] })] } });
    await expect(foreign).rejects.toSatisfy((e) => isAppError(e) && e.code === "invalid" && e.fieldErrors["lines.0.id"] === "unknown");
    expect(await prisma.claimLine.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ claimId: other.id, amountMinor: 7n });
    expect(await prisma.claimLine.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ amountMinor: 100n });
    expect(await prisma.claim.findUniqueOrThrow({ where: { id: draft.id } })).toMatchObject({ version: first.version });
  });
});
