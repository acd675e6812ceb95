/**
 * Payment runs for the demo (issue 10), made the way people make them — through the treasury's own
 * commands, by the two seeded treasury users — so every run carries its real file, digest and audit
 * trail: one waiting for approval, one approved, one released over the bank link (the payments worker
 * sends it to the sandbox bank when the demo starts), one marked sent by file with its bank statement
 * imported (paid claims, a returned payment, and a bank charge nobody has matched yet), one blocked by
 * an account change after approval, and one cancelled. Only the seed's APPROVED claims are used.
 */
import { randomUUID } from "node:crypto";
import { isAppError } from "~/domain/app-error";
import { bankAccountFingerprint } from "~/domain/bank-account";
import { isoDate } from "~/domain/calendar-date";
import { buildCamt053, type Camt053Line } from "~/domain/payment-files/camt053-build";
import { nextPaymentDate } from "~/domain/payment-run";
import { accountDetailsOf } from "~/models/bank-accounts.server";
import { importStatement } from "~/models/bank-statements.server";
import { approveRun, cancelRun, prepareRuns, releaseRun } from "~/models/payment-runs.server";
import type { Db } from "~/utils/db.server";
import { TREASURY_ACCOUNTS } from "./treasury-accounts";

type Log = (line: string) => void;

export async function seedTreasuryRuns(db: Db, { now, log = (l) => console.log(`[seed] ${l}`) }: { now: Date; log?: Log }): Promise<void> {
  const [preparer, approver] = await Promise.all(
    TREASURY_ACCOUNTS.map((t) => db.user.findUniqueOrThrow({ where: { email: t.email }, select: { id: true, roles: true } })),
  );
  const payers = await db.payerAccount.findMany({ where: { active: true, isDefault: true }, orderBy: { companyId: "asc" } });
  const valueDate = nextPaymentDate(isoDate(new Date(now.getTime() + 86_400_000)), [2, 4]);
  const made: string[] = [];
  for (const payer of payers) {
    const claims = await db.claim.findMany({
      where: { companyId: payer.companyId, status: "APPROVED", payments: { none: {} } },
      orderBy: { number: "asc" },
      select: { id: true },
    });
    const ids = claims.map((c) => c.id);
    let next = 0;
    const run = async () => {
      const claimIds = ids.slice(next, next + 3);
      next += 3;
      if (claimIds.length === 0) return null;
      try {
        return (await prepareRuns(preparer!, { valueDate, companyIds: [payer.companyId], claimIds }, now)).runs[0]!.id;
      } catch (err) {
        if (isAppError(err, "nothing_to_pay")) return null;
        throw err;
      }
    };
    const steps: Record<string, (runId: string) => Promise<void>> = {
      // Waiting for the second pair of eyes.
      prepared: async () => undefined,
      // Approved: the file is made and frozen.
      approved: async (id) => void (await approveRun(approver!, id, now)),
      // Released: over the bank link (host-to-host) or marked sent after an upload in e-banking (file).
      released: async (id) => {
        await approveRun(approver!, id, now);
        await releaseRun(preparer!, id, now);
        if (payer.connector === "file") await statementFor(db, id, payer.id, now, log);
      },
      // Cancelled before anything left.
      cancelled: async (id) => cancelRun(preparer!, id, now),
      // Blocked: an employee's account changed after the run was approved.
      blocked: async (id) => {
        await approveRun(approver!, id, now);
        const payment = await db.payment.findFirstOrThrow({ where: { runId: id }, include: { claim: { select: { claimantId: true, claimant: { select: { name: true } } } } } });
        await replaceAccountBehindTheRun(db, payment.claim.claimantId, payment.claim.claimant.name, now);
        try {
          await releaseRun(preparer!, id, now);
        } catch (err) {
          if (!isAppError(err, "conflict")) throw err;
        }
      },
    };
    const order = payer.connector === "file" ? ["released", "blocked", "cancelled", "prepared", "approved"] : ["prepared", "approved", "released", "blocked", "cancelled"];
    for (const state of order) {
      const id = await run();
      if (!id) break;
      await steps[state]!(id);
      made.push(state === "released" ? `released (${payer.connector})` : state);
    }
  }
  log(`treasury: payment runs ${made.join(", ") || "none (no approved claims)"}`);
}

/** The employee's account replaced (as if confirmed a moment ago) after the run froze the old one. */
async function replaceAccountBehindTheRun(db: Db, userId: string, name: string, now: Date): Promise<void> {
  const details = { kind: "cn" as const, holderName: name, accountNumber: "6225880212345678", bankName: "招商银行上海分行", cnapsCode: "308290003020" };
  await db.$transaction(async (tx) => {
    await tx.bankAccount.updateMany({ where: { userId, status: "ACTIVE" }, data: { status: "SUPERSEDED", endedAt: now } });
    await tx.bankAccount.create({
      data: { id: randomUUID(), userId, kind: "cn", holderName: name, accountNumber: details.accountNumber, bankName: details.bankName, cnapsCode: details.cnapsCode, fingerprint: bankAccountFingerprint(details), status: "ACTIVE", requestedBy: userId, requestedAt: now, decidedAt: now, activeFrom: now },
    });
  });
}

/**
 * The bank's statement for a run sent by file: every payment debited but the last, which comes back
 * (account closed), and a bank charge that matches no payment — left for a person on the reconciliation screen.
 */
async function statementFor(db: Db, runId: string, payerAccountId: string, now: Date, log: Log): Promise<void> {
  const payer = await db.payerAccount.findUniqueOrThrow({ where: { id: payerAccountId } });
  const payments = await db.payment.findMany({ where: { runId }, orderBy: { position: "asc" }, include: { bankAccount: true } });
  const day = isoDate(now);
  const account = (row: Parameters<typeof accountDetailsOf>[0]) => {
    const d = accountDetailsOf(row);
    return d.kind === "cn" ? d.accountNumber : d.iban;
  };
  const lines: Camt053Line[] = payments.map((p) => ({ minor: p.amountMinor, direction: "DBIT", bookingDate: day, endToEndId: p.endToEndId, counterpartyAccount: account(p.bankAccount), returnReason: null, reference: `B${p.endToEndId.slice(-8)}` }));
  const returned = payments.at(-1);
  if (returned) lines.push({ minor: returned.amountMinor, direction: "CRDT", bookingDate: day, endToEndId: returned.endToEndId, counterpartyAccount: account(returned.bankAccount), returnReason: "AC04", reference: "RTN0001" });
  lines.push({ minor: 1_500n, direction: "DBIT", bookingDate: day, endToEndId: null, counterpartyAccount: null, returnReason: null, reference: "FEE0001" });
  const xml = buildCamt053({ messageId: `STMT${day.replaceAll("-", "")}1`, statementId: `ST-${day}-${payer.currency}`, createdAt: now, account: account(payer), currency: payer.currency, date: day, openingMinor: 50_000_000n, lines });
  const result = await importStatement({ source: "camt053", chunks: [new TextEncoder().encode(xml)], importedBy: null, settle: "now" });
  log(`treasury: statement ${result.statementRef}: ${result.entries} entries, ${result.paid} paid, ${result.returned} returned, ${result.unmatched} left for reconciliation`);
}
