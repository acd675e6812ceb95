/**
 * The SQL linking of app/models/bank-statements.server.ts against its specification, the domain matcher
 * (matchEntries in app/domain/reconciliation.ts): one statement with every kind of line — end-to-end ids,
 * amount + account + date, ambiguity both ways, returns, paid and returned on one statement, a payment
 * paid earlier, wrong currency, wrong amount, a duplicate line, a date outside the window — linked by SQL,
 * then the same entries and payments given to the domain function: the same matches, line for line.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchEntries, type OpenPayment, type StatementEntry } from "~/domain/reconciliation";
import { importStatement, matchStatement } from "~/models/bank-statements.server";
import { markPaymentsPaid } from "~/models/payment-outcomes.server";
import { prisma } from "~/utils/db.server";
import { camt053Text, seedSentRun } from "../fixtures/treasury";

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
});

type Link = [position: number, paymentId: string, kind: string, by: string];

async function linksOf(statementId: string): Promise<Link[]> {
  const rows = await prisma.statementEntry.findMany({ where: { statementId, paymentId: { not: null } }, orderBy: { position: "asc" } });
  return rows.map((e) => [e.position, e.paymentId!, e.matchKind!, e.matchedBy!]);
}

async function domainLinks(statementId: string, runId: string, windowDays = 3): Promise<Link[]> {
  const entries = await prisma.statementEntry.findMany({ where: { statementId }, orderBy: { position: "asc" } });
  const payments = await prisma.payment.findMany({ where: { runId }, include: { bankAccount: true, run: true } });
  const open: OpenPayment[] = payments
    .filter((p) => ["SENT", "ACCEPTED", "PAID"].includes(p.status))
    .map((p) => ({
      id: p.id,
      endToEndId: p.endToEndId,
      minor: p.amountMinor,
      currency: p.currency.trim(),
      creditorAccount: (p.bankAccount.accountNumber ?? p.bankAccount.iban ?? "").replace(/\s+/g, "").toUpperCase(),
      valueDate: p.run.valueDate.toISOString().slice(0, 10),
      paid: p.status === "PAID",
    }));
  const spec: StatementEntry[] = entries.map((e) => ({
    id: e.id,
    endToEndId: e.endToEndId,
    minor: e.amountMinor,
    currency: e.currency.trim(),
    direction: e.direction as "DBIT" | "CRDT",
    counterpartyAccount: e.counterpartyAccount,
    bookingDate: e.bookingDate.toISOString().slice(0, 10),
    returnReason: e.returnReason,
  }));
  const position = new Map(entries.map((e) => [e.id, e.position]));
  return matchEntries(spec, open, windowDays)
    .matches.map((m): Link => [position.get(m.entryId)!, m.paymentId, m.kind, m.kind === "paid" ? m.by : "end_to_end_id"])
    .sort((a, b) => a[0] - b[0]);
}

describe("linking a statement in SQL gives the domain matcher's matches", () => {
  it("on a varied statement: ambiguity both ways, returns, paid-then-returned, paid earlier, wrong currency, wrong amount, duplicates, the window", async () => {
    const twin = "6222021001177770000";
    const run = await seedSentRun(db, {
      payments: [
        { minor: 10_000n }, // 0 paid by end-to-end id
        { minor: 20_000n }, // 1 paid and returned on this statement
        { minor: 30_000n }, // 2 its line carries a different amount
        { minor: 40_000n }, // 3 in another currency
        { minor: 50_000n, account: twin }, // 4 twins: one line, two payments
        { minor: 50_000n, account: twin }, // 5
        { minor: 60_000n }, // 6 two lines want it
        { minor: 70_000n }, // 7 amount + account + date, exactly one each way
        { minor: 80_000n }, // 8 paid by an earlier statement, returned now; a debit for it again
        { minor: 90_000n }, // 9 its end-to-end id on two debits
        { minor: 11_000n }, // 10 booked outside the window
        { minor: 12_000n }, // 11 fallback line carries someone else's end-to-end id
      ],
    });
    const p = run.payments;
    await db.query(`UPDATE payment SET currency = 'USD' WHERE id = $1`, [p[3]!.id]);
    await prisma.$transaction((tx) => markPaymentsPaid(tx, [p[8]!.id], { actorId: null, source: "statement", at: new Date() }));
    const lines = [
      { minor: 10_000n, sign: "DBIT" as const, e2e: p[0]!.endToEndId, counterparty: p[0]!.account },
      { minor: 10_000n, sign: "CRDT" as const, e2e: p[0]!.endToEndId, counterparty: p[0]!.account }, // a credit without a reason
      { minor: 20_000n, sign: "DBIT" as const, e2e: p[1]!.endToEndId, counterparty: p[1]!.account },
      { minor: 20_000n, sign: "CRDT" as const, e2e: p[1]!.endToEndId, counterparty: p[1]!.account, reason: "AC04" },
      { minor: 30_001n, sign: "DBIT" as const, e2e: p[2]!.endToEndId, counterparty: p[2]!.account },
      { minor: 40_000n, sign: "DBIT" as const, e2e: p[3]!.endToEndId, counterparty: p[3]!.account },
      { minor: 50_000n, sign: "DBIT" as const, counterparty: twin },
      { minor: 60_000n, sign: "DBIT" as const, counterparty: p[6]!.account },
      { minor: 60_000n, sign: "DBIT" as const, counterparty: p[6]!.account, date: "2026-12-09" },
      { minor: 70_000n, sign: "DBIT" as const, counterparty: p[7]!.account, date: "2026-12-10" },
      { minor: 80_000n, sign: "CRDT" as const, e2e: p[8]!.endToEndId, counterparty: p[8]!.account, reason: "AC01" },
      { minor: 80_000n, sign: "DBIT" as const, e2e: p[8]!.endToEndId, counterparty: p[8]!.account },
      { minor: 90_000n, sign: "DBIT" as const, e2e: p[9]!.endToEndId, counterparty: p[9]!.account },
      { minor: 90_000n, sign: "DBIT" as const, e2e: p[9]!.endToEndId, counterparty: p[9]!.account },
      { minor: 11_000n, sign: "DBIT" as const, counterparty: p[10]!.account, date: "2026-12-20" },
      { minor: 12_000n, sign: "DBIT" as const, e2e: p[0]!.endToEndId, counterparty: p[11]!.account },
      { minor: 1_500n, sign: "DBIT" as const },
    ];
    const result = await importStatement({
      source: "camt053",
      importedBy: run.preparerId,
      chunks: [new TextEncoder().encode(camt053Text({ statementId: "STMT-SPEC", account: run.payerAccountNumber, openingMinor: 10_000_000n, lines }))],
    });
    const sql = await linksOf(result.statementId);
    const spec = await domainLinks(result.statementId, run.runId);
    expect(sql).toEqual(spec);
    // And what that is, spelled out.
    expect(sql).toEqual([
      [1, p[0]!.id, "paid", "end_to_end_id"],
      [3, p[1]!.id, "paid", "end_to_end_id"],
      [4, p[1]!.id, "returned", "end_to_end_id"],
      [10, p[7]!.id, "paid", "amount_account_date"],
      [11, p[8]!.id, "returned", "end_to_end_id"],
      [13, p[9]!.id, "paid", "end_to_end_id"],
      [16, p[11]!.id, "paid", "amount_account_date"],
    ]);
    expect(result).toMatchObject({ entries: lines.length, paid: 5, returned: 2, unmatched: lines.length - 7, settling: 7 });

    // Match again with a wider window: the SQL and the domain agree again on what is left.
    await matchStatement(result.statementId, { actorId: run.approverId, windowDays: 14 });
    const wider = await linksOf(result.statementId);
    expect(wider).toEqual(await domainLinks(result.statementId, run.runId, 14));
    expect(wider.filter(([pos]) => pos === 15)).toEqual([[15, p[10]!.id, "paid", "amount_account_date"]]);
  });
});
