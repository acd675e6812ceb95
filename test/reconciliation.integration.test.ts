import iconv from "iconv-lite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import { JOBS } from "~/domain/jobs";
import { settleLeftovers } from "~/jobs/payments-sweep";
import { settleStatementHandler } from "~/jobs/settle-statement";
import { dayPositionOf, importStatement, matchEntryManually, matchStatement, reconciliationWork, recentStatements } from "~/models/bank-statements.server";
import { markPaymentsPaid } from "~/models/payment-outcomes.server";
import { prisma } from "~/utils/db.server";
import { camt053Text, seedSentRun, type SeededRun } from "../fixtures/treasury";

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
});

const bytes = (text: string) => [new TextEncoder().encode(text)];
/** The file cut into small pieces, as an upload stream would deliver it. */
function* pieces(text: string, size = 97) {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  throw new Error("expected a refusal");
}

const statuses = async (run: SeededRun) => {
  const rows = await prisma.payment.findMany({ where: { runId: run.runId }, orderBy: { position: "asc" }, select: { status: true, statusReason: true, claim: { select: { status: true } } } });
  return rows.map((r) => [r.status, r.claim.status, r.statusReason]);
};

describe("importing a statement and matching it", () => {
  it("links by end-to-end id and by amount + account + date; an ambiguous entry waits; the settle job then makes claims PAID with audit and a message", async () => {
    const twin = "6222021001199990000";
    const run = await seedSentRun(db, { payments: [{ minor: 120_000n }, { minor: 45_050n }, { minor: 30_000n, account: twin }, { minor: 30_000n, account: twin }] });
    const [p1, p2] = run.payments;
    const importer = run.preparerId;
    const result = await importStatement({
      source: "camt053",
      importedBy: importer,
      allowedPayerAccountIds: [run.payerAccountId],
      chunks: pieces(
        camt053Text({
          statementId: "STMT-A-1",
          account: run.payerAccountNumber,
          openingMinor: 1_000_000n,
          lines: [
            { minor: 120_000n, sign: "DBIT", e2e: p1!.endToEndId, counterparty: p1!.account },
            // No end-to-end id: the amount, the account and a booking date within the window find it.
            { minor: 45_050n, sign: "DBIT", counterparty: p2!.account, date: "2026-12-09" },
            // Two payments fit this one: a person decides.
            { minor: 30_000n, sign: "DBIT", counterparty: twin },
            // Bank charges: nobody's payment.
            { minor: 1_500n, sign: "DBIT" },
          ],
        }),
      ),
    });
    // Imported and linked; nothing settled yet: the settlement job waits in the outbox, committed with the links.
    expect(result).toMatchObject({ payerAccountId: run.payerAccountId, entries: 4, paid: 2, returned: 0, unmatched: 2, settling: 2 });
    expect(await statuses(run)).toEqual([
      ["SENT", "SCHEDULED", null],
      ["SENT", "SCHEDULED", null],
      ["SENT", "SCHEDULED", null],
      ["SENT", "SCHEDULED", null],
    ]);
    expect((await recentStatements(run.payerAccountId)).map((r) => [r.matched, r.settling])).toEqual([[2, 2]]);
    const jobs = await prisma.outboxEvent.findMany({ where: { jobKey: { startsWith: `payments-settle-${result.statementId}` } } });
    expect(jobs.map((j) => [j.queue, j.jobName, j.status])).toEqual([["payments", "settle-statement", "PENDING"]]);
    const payload = JOBS.settleStatement.payload.parse(jobs[0]!.payload);
    expect(await settleStatementHandler.run(payload, { jobId: jobs[0]!.jobKey })).toEqual({ paid: 2, returned: 0, unlinked: 0 });
    expect(await prisma.outboxEvent.findUniqueOrThrow({ where: { id: jobs[0]!.id } })).toMatchObject({ status: "DONE" });
    // Run twice (a retry, the sweep): nothing more moves.
    expect(await settleStatementHandler.run(payload, { jobId: jobs[0]!.jobKey })).toEqual({ paid: 0, returned: 0, unlinked: 0 });
    expect(await settleLeftovers()).toBe(0);
    expect((await recentStatements(run.payerAccountId)).map((r) => [r.matched, r.settling])).toEqual([[2, 0]]);
    expect(await statuses(run)).toEqual([
      ["PAID", "PAID", null],
      ["PAID", "PAID", null],
      ["SENT", "SCHEDULED", null],
      ["SENT", "SCHEDULED", null],
    ]);
    const entries = await prisma.statementEntry.findMany({ where: { statementId: result.statementId }, orderBy: { position: "asc" } });
    expect(entries.map((e) => [e.position, e.matchKind, e.matchedBy])).toEqual([
      [1, "paid", "end_to_end_id"],
      [2, "paid", "amount_account_date"],
      [3, null, null],
      [4, null, null],
    ]);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: { in: [p1!.claimId, p2!.claimId] } } });
    expect(audit.map((a) => [a.type, a.fromStatus, a.toStatus, a.actorId]).sort()).toEqual([
      ["claim.paid", "SCHEDULED", "PAID", importer],
      ["claim.paid", "SCHEDULED", "PAID", importer],
    ]);
    expect((audit.find((a) => a.claimId === p1!.claimId)!.data as Record<string, unknown>)).toEqual({ paymentId: p1!.id, endToEndId: p1!.endToEndId, source: "statement" });
    const told = await prisma.notification.findMany({ where: { userId: { in: [p1!.claimantId, p2!.claimantId] } } });
    expect(told.map((n) => n.kind)).toEqual(["payment.paid", "payment.paid"]);
    expect(await prisma.auditEvent.count({ where: { type: "statement.imported", actorId: importer } })).toBe(1);

    const work = await reconciliationWork(run.payerAccountId);
    expect(work.entries.map((e) => e.minor)).toEqual([30_000n, 1_500n]);
    expect(work.payments.map((p) => p.status)).toEqual(["SENT", "SENT", "PAID", "PAID"]);
    const position = await dayPositionOf(run.payerAccountId, "2026-12-08");
    expect(position.expected).toEqual({ count: 4, minor: 225_050n });
    // Payments count on their value date, whichever day the bank booked them.
    expect(position.paid).toEqual({ count: 2, minor: 165_050n });
    expect(position.outstanding).toEqual({ count: 2, minor: 60_000n });
    expect(position.unknown).toEqual({ count: 2, minor: 31_500n });
  });

  it("refuses the same file again, and the same statement in another file, with nothing kept", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 10_000n }] });
    const text = camt053Text({ statementId: "STMT-DUP", account: run.payerAccountNumber, openingMinor: 50_000n, lines: [{ minor: 10_000n, sign: "DBIT", e2e: run.payments[0]!.endToEndId }] });
    await importStatement({ source: "camt053", importedBy: run.preparerId, chunks: bytes(text) });
    expect(await refusal(importStatement({ source: "camt053", importedBy: run.preparerId, chunks: bytes(text) }))).toBe("duplicate_file");
    expect(await refusal(importStatement({ source: "camt053", importedBy: run.preparerId, chunks: bytes(text.replace("</Document>", "</Document>\n\n")) }))).toBe("duplicate_statement");
    expect(await prisma.bankStatement.count({ where: { payerAccountId: run.payerAccountId } })).toBe(1);
  });

  it("refuses a statement whose opening balance and entries do not make its closing balance, and keeps nothing (no entry, no payment moved)", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 10_000n }] });
    const before = await prisma.auditEvent.count();
    const text = camt053Text({ statementId: "STMT-BAD", account: run.payerAccountNumber, openingMinor: 50_000n, closingMinor: 40_001n, lines: [{ minor: 10_000n, sign: "DBIT", e2e: run.payments[0]!.endToEndId }] });
    expect(await refusal(importStatement({ source: "camt053", importedBy: run.preparerId, chunks: bytes(text) }))).toBe("unbalanced_statement");
    expect(await prisma.bankStatement.count({ where: { statementRef: "STMT-BAD" } })).toBe(0);
    expect(await prisma.statementEntry.count({ where: { paymentId: run.payments[0]!.id } })).toBe(0);
    expect(await statuses(run)).toEqual([["SENT", "SCHEDULED", null]]);
    expect(await prisma.auditEvent.count()).toBe(before);
    expect(await prisma.notification.count({ where: { userId: run.payments[0]!.claimantId } })).toBe(0);
  });

  it("refuses an unreadable file and a statement of an account that is not the uploader's", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 10_000n }] });
    expect(await refusal(importStatement({ source: "camt053", importedBy: run.preparerId, chunks: bytes("<Document><BkToCstmrStmt><Stmt>") }))).toBe("invalid_statement");
    expect(await refusal(importStatement({ source: "camt053", importedBy: run.preparerId, chunks: bytes("not xml at all") }))).toBe("invalid_statement");
    const text = camt053Text({ statementId: "STMT-OTHER", account: run.payerAccountNumber, openingMinor: 0n, lines: [] });
    expect(await refusal(importStatement({ source: "camt053", importedBy: run.preparerId, allowedPayerAccountIds: ["someone-elses"], chunks: bytes(text) }))).toBe("unknown_account");
  });

  it("a return puts the claim in PAYMENT_FAILED with the bank's reason and tells the employee; a later return of a PAID payment too", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 80_000n }, { minor: 20_000n }] });
    const [sent, paid] = run.payments;
    // The second was paid by an earlier statement.
    await prisma.$transaction((tx) => markPaymentsPaid(tx, [paid!.id], { actorId: null, source: "statement", at: new Date() }));
    expect(await statuses(run)).toEqual([
      ["SENT", "SCHEDULED", null],
      ["PAID", "PAID", null],
    ]);
    const result = await importStatement({
      source: "bank-link",
      importedBy: null,
      settle: "now",
      chunks: bytes(
        camt053Text({
          statementId: "STMT-RET",
          account: run.payerAccountNumber,
          openingMinor: 500_000n,
          date: "2026-12-12",
          lines: [
            { minor: 80_000n, sign: "DBIT", e2e: sent!.endToEndId, counterparty: sent!.account },
            { minor: 80_000n, sign: "CRDT", e2e: sent!.endToEndId, counterparty: sent!.account, reason: "AC04" },
            { minor: 20_000n, sign: "CRDT", e2e: paid!.endToEndId, counterparty: paid!.account, reason: "AC01" },
          ],
        }),
      ),
    });
    expect(result).toMatchObject({ entries: 3, paid: 1, returned: 2, unmatched: 0, settling: 0 });
    expect(await statuses(run)).toEqual([
      ["RETURNED", "PAYMENT_FAILED", "AC04"],
      ["RETURNED", "PAYMENT_FAILED", "AC01"],
    ]);
    const failed = await prisma.auditEvent.findMany({ where: { claimId: paid!.claimId, type: "claim.payment_failed" } });
    expect(failed.map((a) => [a.fromStatus, a.toStatus, (a.data as Record<string, unknown>).reason])).toEqual([["PAID", "PAYMENT_FAILED", "AC01"]]);
    const told = await prisma.notification.findMany({ where: { userId: sent!.claimantId }, orderBy: { createdAt: "asc" } });
    expect(told.map((n) => [n.kind, (n.data as Record<string, unknown>).reason ?? null])).toEqual([
      ["payment.paid", null],
      ["payment.failed", "AC04"],
    ]);
    const position = await dayPositionOf(run.payerAccountId, "2026-12-08");
    expect(position.returned).toEqual({ count: 2, minor: 100_000n });
  });

  it("a person matches an unmatched entry by hand: audited as manual, the claim PAID", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 33_300n }, { minor: 33_300n }] });
    const other = await seedSentRun(db, { payments: [{ minor: 33_300n }] });
    const result = await importStatement({
      source: "camt053",
      importedBy: run.preparerId,
      chunks: bytes(camt053Text({ statementId: "STMT-MAN", account: run.payerAccountNumber, openingMinor: 100_000n, lines: [{ minor: 33_300n, sign: "DBIT", counterparty: "999" }] })),
    });
    expect(result.unmatched).toBe(1);
    const [entry] = await prisma.statementEntry.findMany({ where: { statementId: result.statementId } });
    const allowed = [run.payerAccountId];
    // Not a payment of this account; not someone else's entry.
    expect(await refusal(matchEntryManually({ entryId: entry!.id, paymentId: other.payments[0]!.id, userId: run.approverId, allowedPayerAccountIds: allowed }))).toBe("invalid");
    expect(await refusal(matchEntryManually({ entryId: entry!.id, paymentId: run.payments[1]!.id, userId: run.approverId, allowedPayerAccountIds: [other.payerAccountId] }))).toBe("not_found");
    expect(await matchEntryManually({ entryId: entry!.id, paymentId: run.payments[1]!.id, userId: run.approverId, allowedPayerAccountIds: allowed })).toEqual({ kind: "paid" });
    expect(await refusal(matchEntryManually({ entryId: entry!.id, paymentId: run.payments[0]!.id, userId: run.approverId, allowedPayerAccountIds: allowed }))).toBe("already_matched");
    expect(await statuses(run)).toEqual([
      ["SENT", "SCHEDULED", null],
      ["PAID", "PAID", null],
    ]);
    const matched = await prisma.statementEntry.findUniqueOrThrow({ where: { id: entry!.id } });
    expect([matched.matchedBy, matched.matchedByUser, matched.matchKind]).toEqual(["manual", run.approverId, "paid"]);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: run.payments[1]!.claimId }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.type, a.actorId, (a.data as Record<string, unknown>).source ?? (a.data as Record<string, unknown>).kind])).toEqual([
      ["claim.paid", run.approverId, "manual_match"],
      ["statement.manual_match", run.approverId, "paid"],
    ]);
  });

  it("imports the CSV layout (GBK, Chinese headers) the same way", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 12_345n }, { minor: 500n }] });
    const [a, b] = run.payments;
    const csv = [
      "对账单号,CSV-对账-1",
      `账号,${run.payerAccountNumber}`,
      "币种,CNY",
      "期初余额,1000.00",
      "期末余额,871.55",
      "记账日期,借贷,金额,业务参考号,对方账号,退回原因",
      `2026-12-08,借,123.45,${a!.endToEndId},${a!.account},`,
      `2026-12-08,借,5.00,,${b!.account},`,
    ].join("\r\n");
    const result = await importStatement({ source: "csv", importedBy: run.preparerId, chunks: [iconv.encode(csv, "gbk")], settle: "now" });
    expect(result).toMatchObject({ statementRef: "CSV-对账-1", entries: 2, paid: 2, unmatched: 0 });
    expect(await statuses(run)).toEqual([
      ["PAID", "PAID", null],
      ["PAID", "PAID", null],
    ]);
    const unbalanced = csv.replace("871.55", "871.56").replace("CSV-对账-1", "CSV-对账-2");
    expect(await refusal(importStatement({ source: "csv", importedBy: run.preparerId, chunks: [iconv.encode(unbalanced, "gbk")] }))).toBe("unbalanced_statement");
  });

  it("matches thousands in batches across the stream", async () => {
    const n = 12_000;
    const run = await seedSentRun(db, { payments: Array.from({ length: n }, (_, i) => ({ minor: BigInt(1_000 + i) })) });
    const started = Date.now();
    const result = await importStatement({
      source: "camt053",
      importedBy: null,
      settle: "now",
      chunks: pieces(
        camt053Text({
          statementId: "STMT-BULK",
          account: run.payerAccountNumber,
          openingMinor: 100_000_000n,
          lines: [
            ...run.payments.map((p, i) => ({ minor: p.minor, sign: "DBIT" as const, e2e: i % 3 === 0 ? null : p.endToEndId, counterparty: p.account })),
            // Three batches later, the second payment's end-to-end id again: paid once, by the first line.
            { minor: run.payments[1]!.minor, sign: "DBIT" as const, e2e: run.payments[1]!.endToEndId, counterparty: run.payments[1]!.account },
          ],
        }),
        64 * 1024,
      ),
    });
    expect(result).toMatchObject({ entries: n + 1, paid: n, unmatched: 1, settling: 0 });
    expect((await prisma.statementEntry.findFirstOrThrow({ where: { statementId: result.statementId, paymentId: run.payments[1]!.id } })).position).toBe(2);
    expect(await prisma.claim.count({ where: { id: { in: run.payments.map((p) => p.claimId) }, status: "PAID" } })).toBe(n);
    expect(await prisma.auditEvent.count({ where: { type: "claim.paid", claimId: { in: run.payments.map((p) => p.claimId) } } })).toBe(n);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("a settlement lost half way is finished by the payments sweep; match again links what a new payment explains and queues its settlement", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 7_100n }, { minor: 7_200n }] });
    const [a, b] = run.payments;
    const result = await importStatement({
      source: "camt053",
      importedBy: run.preparerId,
      chunks: bytes(
        camt053Text({
          statementId: "STMT-LATE",
          account: run.payerAccountNumber,
          openingMinor: 100_000n,
          lines: [
            { minor: 7_100n, sign: "DBIT", e2e: a!.endToEndId, counterparty: a!.account },
            // Not one of this account's payments yet: unmatched until a payment explains it.
            { minor: 7_200n, sign: "DBIT", e2e: "LATE-E2E-0001", counterparty: b!.account, date: "2026-12-30" },
          ],
        }),
      ),
    });
    expect(result).toMatchObject({ paid: 1, unmatched: 1, settling: 1 });
    // The job never runs (a flushed Redis): the sweep settles it.
    expect(await settleLeftovers()).toBeGreaterThanOrEqual(1);
    expect(await statuses(run)).toEqual([
      ["PAID", "PAID", null],
      ["SENT", "SCHEDULED", null],
    ]);
    // Booked three weeks late: a person matches again with a wider window, and amount + account + date find it.
    const again = await matchStatement(result.statementId, { actorId: run.approverId, windowDays: 30 });
    expect(again).toEqual({ paid: 1, returned: 0, unmatched: 0, settling: 1 });
    const jobs = await prisma.outboxEvent.findMany({ where: { jobKey: { startsWith: `payments-settle-${result.statementId}-match-` } } });
    expect(jobs).toHaveLength(1);
    expect(await settleStatementHandler.run(JOBS.settleStatement.payload.parse(jobs[0]!.payload), { jobId: jobs[0]!.jobKey })).toEqual({ paid: 1, returned: 0, unlinked: 0 });
    expect((await statuses(run))[1]).toEqual(["PAID", "PAID", null]);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: b!.claimId, type: "claim.paid" } });
    expect(audit.map((e) => e.actorId)).toEqual([run.approverId]);
    expect(await matchStatement(result.statementId, { actorId: run.approverId, windowDays: 30 })).toEqual({ paid: 0, returned: 0, unmatched: 0, settling: 0 });
  });

  it("a link whose payment was refused before it settled is undone: the entry waits for a person again", async () => {
    const run = await seedSentRun(db, { payments: [{ minor: 8_800n }] });
    const [p] = run.payments;
    const result = await importStatement({
      source: "camt053",
      importedBy: run.preparerId,
      chunks: bytes(camt053Text({ statementId: "STMT-STALE", account: run.payerAccountNumber, openingMinor: 100_000n, lines: [{ minor: 8_800n, sign: "DBIT", e2e: p!.endToEndId, counterparty: p!.account }] })),
    });
    expect(result).toMatchObject({ paid: 1, settling: 1 });
    await db.query(`UPDATE payment SET status = 'REJECTED', status_reason = 'AC01' WHERE id = $1`, [p!.id]);
    const jobs = await prisma.outboxEvent.findMany({ where: { jobKey: { startsWith: `payments-settle-${result.statementId}` } } });
    expect(await settleStatementHandler.run(JOBS.settleStatement.payload.parse(jobs[0]!.payload), { jobId: jobs[0]!.jobKey })).toEqual({ paid: 0, returned: 0, unlinked: 1 });
    expect((await reconciliationWork(run.payerAccountId)).entries.map((e) => e.minor)).toEqual([8_800n]);
    expect(await prisma.auditEvent.count({ where: { type: "statement.links_undone", actorId: null } })).toBeGreaterThanOrEqual(1);
  });
});
