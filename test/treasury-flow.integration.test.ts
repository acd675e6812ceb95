/**
 * Issue 10 end to end, through the app's own commands and the sandbox bank (real Postgres, Redis, HTTP):
 * approved claims → a run prepared by one treasury user and approved by another → released → sent once
 * over the host-to-host link (the answer lost on the way: UNKNOWN, resolved by a status query) → the
 * bank's statement fetched over the link → PAID, and a returned payment → PAYMENT_FAILED → the account
 * fixed → the next run → PAID. The sandbox counts every booking: no payment is made twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoDate } from "~/domain/calendar-date";
import { importStatement } from "~/models/bank-statements.server";
import { fetchStatementOverLink, sendRun, sweepTransmissions } from "~/models/payment-transmission.server";
import { approveRun, prepareRuns, releaseRun } from "~/models/payment-runs.server";
import { hostToHostConnector } from "~/utils/bank-link/host-to-host.server";
import { prisma } from "~/utils/db.server";
import { sandboxAdmin } from "../scripts/sandbox-bank/admin-client";
import { startSandboxBank, type SandboxBank } from "../scripts/sandbox-bank/bank";
import { addActiveAccount, cnAccount, createApprovedClaim, createTreasuryOrg } from "../fixtures/payment-runs";

let bank: SandboxBank;
let admin: ReturnType<typeof sandboxAdmin>;
let connector: ReturnType<typeof hostToHostConnector>;

beforeAll(async () => {
  bank = await startSandboxBank();
  admin = sandboxAdmin(bank.url);
  connector = hostToHostConnector({ baseUrl: bank.url, timeoutMs: 2_500 });
  await admin.reset();
});
afterAll(async () => {
  await bank.close();
});

const inDays = (n: number) => isoDate(new Date(Date.now() + n * 86_400_000));
const claimStatus = async (id: string) => (await prisma.claim.findUniqueOrThrow({ where: { id } })).status;

/** The day's statement of the payer account over the link, imported and matched like an upload. */
async function statementOverLink(payerAccountId: string, date: string) {
  const got = await fetchStatementOverLink(payerAccountId, date, (bytes) => importStatement({ source: "bank-link", chunks: [bytes], importedBy: null, settle: "now" }), { connector });
  if (!got.fetched) throw new Error(`no statement: ${got.reason}`);
  return got.result;
}

describe("the treasury, approved to paid", () => {
  it("runs with four eyes go out once over the link, a lost answer is resolved by asking, the statement pays; a return is paid again once the account is fixed", async () => {
    const o = await createTreasuryOrg({ connector: "host-to-host" });
    const a = await createApprovedClaim(o, 12_345n);
    const b = await createApprovedClaim(o, 67_800n);
    const bAccount = await prisma.bankAccount.findFirstOrThrow({ where: { userId: b.claimant.id, status: "ACTIVE" } });
    // The bank books b's payment and returns it days later: the account was closed.
    await admin.setClosedAccounts({ [bAccount.accountNumber!]: "AC04" }, "return", 0);

    const valueDate = inDays(1);
    const { runs } = await prepareRuns(o.preparer, { valueDate });
    await approveRun(o.approver, runs[0]!.id);
    await releaseRun(o.preparer, runs[0]!.id);
    expect([await claimStatus(a.claim.id), await claimStatus(b.claim.id)]).toEqual(["SCHEDULED", "SCHEDULED"]);

    // The bank books the file but its answer never arrives: UNKNOWN, and never sent again.
    await admin.injectFault("lose_answer");
    expect(await sendRun(runs[0]!.id, { connector })).toMatchObject({ sent: true, transmission: "UNKNOWN" });
    expect(await sendRun(runs[0]!.id, { connector })).toMatchObject({ sent: false });
    // Asked for its status report instead.
    await sweepTransmissions({ connector, runIds: [runs[0]!.id], now: () => new Date(Date.now() + 3_600_000) });
    expect((await prisma.paymentRun.findUniqueOrThrow({ where: { id: runs[0]!.id } })).transmission).toBe("ACCEPTED");

    // The statement: both debited, b's money back as a credit with AC04.
    const first = await statementOverLink(o.payer.id, valueDate);
    expect(first).toMatchObject({ paid: 2, returned: 1, unmatched: 0 });
    expect(await claimStatus(a.claim.id)).toBe("PAID");
    expect(await claimStatus(b.claim.id)).toBe("PAYMENT_FAILED");
    expect((await prisma.payment.findFirstOrThrow({ where: { claimId: b.claim.id } })).statusReason).toContain("AC04");
    expect(await prisma.notification.count({ where: { userId: b.claimant.id, kind: "payment.failed" } })).toBe(1);

    // b fixes the account (confirmed by finance); the claim goes into the next run and is paid there.
    await prisma.bankAccount.update({ where: { id: bAccount.id }, data: { status: "SUPERSEDED", endedAt: new Date() } });
    await addActiveAccount(b.claimant, cnAccount(b.claimant.name), new Date());
    const next = await prepareRuns(o.preparer, { valueDate: inDays(2) });
    await approveRun(o.approver, next.runs[0]!.id);
    await releaseRun(o.approver, next.runs[0]!.id);
    expect(await sendRun(next.runs[0]!.id, { connector })).toMatchObject({ sent: true, transmission: "ACCEPTED" });
    const second = await statementOverLink(o.payer.id, inDays(2));
    expect(second).toMatchObject({ paid: 1, returned: 0 });
    expect(await claimStatus(b.claim.id)).toBe("PAID");

    // Every payment booked once: three bookings (a; b's returned one; b's second), no double payment.
    expect(await admin.stats()).toMatchObject({ double_payments: 0 });
    const payments = await prisma.payment.findMany({ where: { claimId: { in: [a.claim.id, b.claim.id] } }, orderBy: { createdAt: "asc" } });
    expect(payments.map((p) => [p.claimId === a.claim.id ? "a" : "b", p.status])).toEqual([
      ["a", "PAID"],
      ["b", "RETURNED"],
      ["b", "PAID"],
    ]);
  });
});
