/**
 * Issue 10: payment runs with four eyes. Prepared by one treasury user, approved by another (the file is
 * made, schema-checked and its SHA-256 kept), released once; a change after approval blocks the run.
 */
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import { bankAccountFingerprint } from "~/domain/bank-account";
import { getBoardData } from "~/models/board-data.server";
import { claimPaymentView } from "~/models/payment-run-views.server";
import { markPaymentFailed, markPaymentPaid } from "~/models/payment-outcomes.server";
import { approveRun, cancelRun, paymentFileFor, paymentQueue, prepareRuns, releaseRun } from "~/models/payment-runs.server";
import { prisma } from "~/utils/db.server";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { refusal } from "./helpers";
import { addActiveAccount, cnAccount, createApprovedClaim, createTreasuryOrg } from "../fixtures/payment-runs";

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe("payment runs", () => {
  it("prepare → second person approves (file kept with its digest) → marked sent: claims SCHEDULED, employees told", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const a = await createApprovedClaim(o, 12_345n);
    const b = await createApprovedClaim(o, 50_000n);

    const queue = await paymentQueue(o.preparer);
    expect(queue.eligible).toEqual([{ companyId: o.company.id, companyName: o.company.name, currency: "CNY", count: 2, totalMinor: "62345" }]);

    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(1) });
    expect(runs).toHaveLength(1);
    const runId = runs[0]!.id;
    const run = await prisma.paymentRun.findUniqueOrThrow({ where: { id: runId }, include: { payments: { orderBy: { position: "asc" } } } });
    expect(run).toMatchObject({ status: "PREPARED", paymentCount: 2, totalMinor: 62_345n, preparedBy: o.preparer.id });
    // In claim-number order, one payment each, end-to-end ids by position.
    const ordered = [a, b].sort((x, y) => x.claim.number.localeCompare(y.claim.number));
    expect(run.payments.map((p) => [p.claimId, p.endToEndId])).toEqual(ordered.map((c, i) => [c.claim.id, `${run.number}P00000${i + 1}`]));
    expect(Object.fromEntries(run.payments.map((p) => [p.claimId, p.amountMinor]))).toEqual({ [a.claim.id]: 12_345n, [b.claim.id]: 50_000n });
    // A second preparation finds nothing left to pay.
    expect((await refusal(prepareRuns(o.approver, { valueDate: inDays(1) }), AppError)).code).toBe("nothing_to_pay");

    // Four eyes: the preparer cannot approve.
    const own = await refusal(approveRun(o.preparer, runId), AppError);
    expect([own.code, own.reason]).toEqual(["not_allowed", "four_eyes"]);

    const { sha256 } = await approveRun(o.approver, runId);
    const file = await prisma.paymentFile.findUniqueOrThrow({ where: { runId } });
    expect(createHash("sha256").update(file.bytes).digest("hex")).toBe(sha256);
    expect(file).toMatchObject({ schema: "pain.001.001.10", schemaValid: true, messageId: run.number });
    const xml = new TextDecoder().decode(file.bytes);
    expect(await validateAgainstSchema(xml, "pain.001.001.10")).toEqual({ valid: true });
    expect(xml).toContain(`<EndToEndId>${run.number}P000002</EndToEndId>`);
    expect(xml).toContain(`<Ustrd>Expense claim ${a.claim.number}</Ustrd>`);
    expect(xml).toContain("<InstdAmt Ccy=\"CNY\">500.00</InstdAmt>");

    const download = await paymentFileFor(o.preparer, runId);
    expect(download.sha256).toBe(sha256);

    await releaseRun(o.preparer, runId);
    const after = await prisma.paymentRun.findUniqueOrThrow({ where: { id: runId }, include: { payments: true } });
    expect(after).toMatchObject({ status: "RELEASED", transmission: "SENT", releasedBy: o.preparer.id });
    expect(after.payments.map((p) => p.status)).toEqual(["SENT", "SENT"]);
    for (const c of [a, b]) {
      expect((await prisma.claim.findUniqueOrThrow({ where: { id: c.claim.id } })).status).toBe("SCHEDULED");
      const told = await prisma.notification.findFirstOrThrow({ where: { userId: c.claimant.id, kind: "payment.scheduled" } });
      expect(told.data).toMatchObject({ claimId: c.claim.id, valueDate: inDays(1) });
    }
    const events = await prisma.auditEvent.findMany({ where: { type: { startsWith: "payment_run." }, data: { path: ["runId"], equals: runId } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["payment_run.prepared", "payment_run.approved", "payment_run.file_downloaded", "payment_run.marked_sent"]);
    // Released once: again is refused.
    expect((await refusal(releaseRun(o.approver, runId), AppError)).code).toBe("stale");
  });

  it("pays what the accountant approved: a line approved below its amount is paid at the approved amount", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const a = await createApprovedClaim(o, 12_345n);
    await prisma.claimLine.updateMany({ where: { claimId: a.claim.id }, data: { approvedMinor: 10_000n } });
    const queue = await paymentQueue(o.preparer);
    expect(queue.eligible).toEqual([{ companyId: o.company.id, companyName: o.company.name, currency: "CNY", count: 1, totalMinor: "10000" }]);
    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(1) });
    const run = await prisma.paymentRun.findUniqueOrThrow({ where: { id: runs[0]!.id }, include: { payments: true } });
    expect([run.totalMinor, run.payments.map((p) => p.amountMinor)]).toEqual([10_000n, [10_000n]]);
  });

  it("host-to-host: release puts one send job in the outbox and leaves the transmission to the worker", async () => {
    const o = await createTreasuryOrg({ connector: "host-to-host" });
    await createApprovedClaim(o, 8_800n);
    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(2) });
    await approveRun(o.approver, runs[0]!.id);
    expect(await releaseRun(o.approver, runs[0]!.id)).toEqual({ transmission: "NOT_SENT" });
    const outbox = await prisma.outboxEvent.findMany({ where: { jobKey: `payments-send-${runs[0]!.id}` } });
    expect(outbox).toHaveLength(1);
    expect((await prisma.paymentRun.findUniqueOrThrow({ where: { id: runs[0]!.id } })).transmission).toBe("NOT_SENT");
  });

  it("nobody who approved or reviewed a claim approves or releases its payment; their own claims wait when they prepare", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    // The approver also reviewed this claim as an accountant (a finished review task of theirs).
    const { claim } = await createApprovedClaim(o, 1_000n);
    await prisma.task.create({ data: { id: randomUUID(), claimId: claim.id, type: "REVIEW", status: "DONE", assigneeId: o.approver.id, outcome: "approved", claimVersion: 3 } });
    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(1) });
    const refused = await refusal(approveRun(o.approver, runs[0]!.id), AppError);
    expect([refused.code, refused.reason, refused.details]).toEqual(["not_allowed", "segregation", { claims: [claim.number] }]);

    // The treasurer's own claim waits, with its reason, when they prepare.
    const mine = await createApprovedClaim(o, 2_000n, o.preparer);
    await addActiveAccount(o.preparer);
    const queue = await paymentQueue(o.preparer);
    expect(queue.waiting.filter((w) => w.claimId === mine.claim.id).map((w) => w.reason)).toEqual(["involved_in_claim"]);
  });

  it("a held bank-account change keeps a claim out of a run and refuses the approval of a run prepared before it", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const a = await createApprovedClaim(o, 3_000n);
    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(1) });
    // The employee asks to change their account: the change is held (PENDING).
    const details = cnAccount(a.claimant.name);
    await prisma.bankAccount.create({
      data: { id: randomUUID(), userId: a.claimant.id, kind: "cn", holderName: details.holderName, accountNumber: details.kind === "cn" ? details.accountNumber : "", bankName: "招商银行", cnapsCode: "308100005019", fingerprint: bankAccountFingerprint(details), status: "PENDING", requestedBy: a.claimant.id },
    });
    const refused = await refusal(approveRun(o.approver, runs[0]!.id), AppError);
    expect([refused.code, refused.reason]).toEqual(["conflict", "run_changed"]);
    expect(refused.details.problems).toEqual([{ claimNumber: a.claim.number, problem: "account_change_pending" }]);
    await cancelRun(o.preparer, runs[0]!.id);
    expect((await paymentQueue(o.preparer)).waiting.map((w) => [w.claimId, w.reason])).toEqual([[a.claim.id, "account_change_pending"]]);
  });

  it("a bank account changed after approval blocks the run instead of changing it", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const a = await createApprovedClaim(o, 4_200n);
    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(1) });
    const runId = runs[0]!.id;
    await approveRun(o.approver, runId);
    // Behind the app's back, the active account is replaced.
    await prisma.bankAccount.updateMany({ where: { userId: a.claimant.id, status: "ACTIVE" }, data: { status: "SUPERSEDED", endedAt: new Date() } });
    await addActiveAccount(a.claimant, cnAccount("冒名 者"), new Date());
    const refused = await refusal(releaseRun(o.preparer, runId), AppError);
    expect([refused.code, refused.reason]).toEqual(["conflict", "run_blocked"]);
    const run = await prisma.paymentRun.findUniqueOrThrow({ where: { id: runId }, include: { payments: true } });
    expect(run.status).toBe("BLOCKED");
    expect(run.blockedReason).toMatchObject({ problems: [{ claimNumber: a.claim.number, problem: "account_changed" }] });
    expect(run.payments.map((p) => p.status)).toEqual(["PLANNED"]);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: a.claim.id } })).status).toBe("APPROVED");
    expect(await prisma.auditEvent.count({ where: { type: "payment_run.blocked", data: { path: ["runId"], equals: runId } } })).toBe(1);
    // A blocked run can only be cancelled; the claim then goes into a new run with the new account, flagged.
    await cancelRun(o.preparer, runId);
    const again = await prepareRuns(o.preparer, { valueDate: inDays(1) });
    const payment = await prisma.payment.findFirstOrThrow({ where: { runId: again.runs[0]!.id } });
    expect(payment.flags).toEqual(["account_changed_recently"]);
  });

  it("never puts one claim into two runs, even when two treasurers prepare at the same moment", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    for (let i = 0; i < 5; i++) await createApprovedClaim(o, BigInt(1_000 + i));
    const results = await Promise.allSettled([prepareRuns(o.preparer, { valueDate: inDays(1) }), prepareRuns(o.approver, { valueDate: inDays(1) })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const live = await prisma.payment.findMany({ where: { run: { companyId: o.company.id }, status: { not: "CANCELLED" } } });
    expect(live).toHaveLength(5);
    expect(new Set(live.map((p) => p.claimId)).size).toBe(5);
  });

  it("refuses a value date in the past and a run of another company", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const other = await createTreasuryOrg({ connector: "file" });
    await createApprovedClaim(other, 1_000n);
    const { runs } = await prepareRuns(other.preparer, { valueDate: inDays(1) });
    expect((await refusal(prepareRuns(o.preparer, { valueDate: inDays(-1) }), AppError)).fieldErrors).toEqual({ valueDate: "in_past" });
    expect((await refusal(approveRun(o.approver, runs[0]!.id), AppError)).code).toBe("not_found");
  });

  it("the claim page and the wall board follow the payment: expected, scheduled, paid; a failed one goes into the next run once the account is fixed", async () => {
    const o = await createTreasuryOrg({ connector: "file" });
    const a = await createApprovedClaim(o, 7_700n);
    const b = await createApprovedClaim(o, 1_100n);
    const expected = await claimPaymentView(a.claim.id);
    expect(expected?.state).toBe("expected");
    const { runs } = await prepareRuns(o.preparer, { valueDate: inDays(3) });
    const scope = { companyIds: [o.company.id] };
    expect((await getBoardData({ scope })).payments).toEqual({ paidToday: 0, runsAwaitingApproval: 1, failed: 0 });
    await approveRun(o.approver, runs[0]!.id);
    await releaseRun(o.preparer, runs[0]!.id);
    expect(await claimPaymentView(a.claim.id)).toMatchObject({ state: "scheduled", valueDate: inDays(3), minor: "7700", currency: "CNY" });

    const [pa, pb] = await Promise.all([a, b].map((c) => prisma.payment.findFirstOrThrow({ where: { claimId: c.claim.id } })));
    await prisma.$transaction((tx) => markPaymentPaid(tx, pa!.id, { actorId: null, source: "statement" }));
    await prisma.$transaction((tx) => markPaymentFailed(tx, pb!.id, "RETURNED", "AC04 closed account", { actorId: null, source: "statement" }));
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: a.claim.id } })).status).toBe("PAID");
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: b.claim.id } })).status).toBe("PAYMENT_FAILED");
    expect(await claimPaymentView(b.claim.id)).toMatchObject({ state: "failed", reason: "AC04 closed account" });
    expect((await getBoardData({ scope })).payments).toEqual({ paidToday: 1, runsAwaitingApproval: 0, failed: 1 });
    expect(await prisma.notification.count({ where: { userId: b.claimant.id, kind: "payment.failed" } })).toBe(1);

    // Not into a run while the account is the one the money came back from…
    expect((await paymentQueue(o.preparer)).waiting.map((w) => [w.claimId, w.reason])).toEqual([[b.claim.id, "account_not_fixed"]]);
    // …and into the next one once the employee's new account is confirmed.
    await prisma.bankAccount.updateMany({ where: { userId: b.claimant.id, status: "ACTIVE" }, data: { status: "SUPERSEDED", endedAt: new Date() } });
    await addActiveAccount(b.claimant, cnAccount(b.claimant.name), new Date());
    const next = await prepareRuns(o.preparer, { valueDate: inDays(4) });
    // Back in a run that has not left: the employee sees its date again.
    expect(await claimPaymentView(b.claim.id)).toEqual({ state: "expected", expectedDate: inDays(4) });
    await approveRun(o.approver, next.runs[0]!.id);
    await releaseRun(o.approver, next.runs[0]!.id);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: b.claim.id } })).status).toBe("SCHEDULED");
    expect(await prisma.payment.count({ where: { claimId: b.claim.id } })).toBe(2);
  });
});
