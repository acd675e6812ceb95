/**
 * The bank link, exactly once (issue 10): real Postgres, Redis and the sandbox bank on a free port.
 * Runs are made directly in the database (fixtures/payment-runs.ts); the bank misbehaves on request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { readCamt053, type CamtEntry } from "~/domain/payment-files/camt053";
import { sendPaymentRunHandler } from "~/jobs/send-payment-run";
import { runPaymentsSweep } from "~/jobs/payments-sweep";
import { enqueueJob } from "~/models/outbox.server";
import { applyStatusReport, claimRunForSending, fetchStatementOverLink, recordRunStatusByHand, sendRun, sweepTransmissions } from "~/models/payment-transmission.server";
import { hostToHostConnector } from "~/utils/bank-link/host-to-host.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { getQueue } from "~/utils/queue.server";
import { startPaymentsWorker } from "../workers/payments";
import { startRelay } from "../workers/relay";
import { auditTypes, createReleasedRun, createTreasuryOrg, runState, type TreasuryOrg } from "../fixtures/payment-runs";
import { sandboxAdmin } from "../scripts/sandbox-bank/admin-client";
import { startSandboxBank, type SandboxBank } from "../scripts/sandbox-bank/bank";
import { runDoublePaymentDrill } from "../scripts/sandbox-bank/drill";

// The sandbox validates every file against the official schema (about half a second in xmllint-wasm): the timeout leaves room for it.
const TIMEOUT_MS = 2_500;
let bank: SandboxBank;
let admin: ReturnType<typeof sandboxAdmin>;
let connector: ReturnType<typeof hostToHostConnector>;
let org: TreasuryOrg;
// The sweep's clock: moved forward by hand so backoff and the SENDING threshold never make a test wait.
let clock = Date.now();
const now = () => new Date(clock);
const later = (ms = 2 * 3_600_000) => (clock += ms);

beforeAll(async () => {
  bank = await startSandboxBank();
  admin = sandboxAdmin(bank.url);
  connector = hostToHostConnector({ baseUrl: bank.url, timeoutMs: TIMEOUT_MS });
  org = await createTreasuryOrg();
});
afterAll(async () => {
  await bank.close();
});
beforeEach(async () => {
  await admin.reset();
});

/** The sweep, limited to one test's run (other tests leave runs a person must look at). */
const sweep = (runId: string) => sweepTransmissions({ connector, now, sendingStaleMs: 60_000, runIds: [runId] });

describe("sending a released run", () => {
  it("sent and accepted: payments ACCEPTED, claims still SCHEDULED, booked once, audited", async () => {
    const run = await createReleasedRun(org);
    expect(await sendRun(run.runId, { connector, now })).toEqual({ sent: true, transmission: "ACCEPTED", outcome: "answered" });
    const state = await runState(run.runId);
    expect(state).toMatchObject({ transmission: "ACCEPTED", bankStatus: "ACSP" });
    expect(state.bankReference).toMatch(/^SBX\d{8}$/);
    expect(state.payments.map((p) => [p.status, p.claim])).toEqual([["ACCEPTED", "SCHEDULED"], ["ACCEPTED", "SCHEDULED"]]);
    expect(await auditTypes(run.runId)).toEqual(["payment_run.sending", "payment_run.status"]);
    expect(await admin.stats()).toMatchObject({ bookings: 2, double_payments: 0 });
  });

  it("answer lost after booking → UNKNOWN → status query → ACCEPTED, booked once", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("lose_answer");
    const sent = await sendRun(run.runId, { connector, now });
    expect(sent).toEqual({ sent: true, transmission: "UNKNOWN", outcome: "unknown" });
    expect((await runState(run.runId)).payments.map((p) => p.status)).toEqual(["SENT", "SENT"]);
    // Sending again is never the answer to a lost answer.
    expect(await sendRun(run.runId, { connector, now })).toEqual({ sent: false, reason: "already_sent" });
    later();
    expect(await sweep(run.runId)).toMatchObject({ asked: 1, resolved: 1, reoffered: 0 });
    expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED", statusChecks: 1 });
    expect(await auditTypes(run.runId)).toEqual(["payment_run.sending", "payment_run.unknown", "payment_run.status"]);
    expect(await admin.stats()).toMatchObject({ bookings: 2, distinct_end_to_end_ids: 2, double_payments: 0 });
  });

  it("duplicate answers change nothing the second time", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("duplicate_answer");
    expect(await sendRun(run.runId, { connector, now })).toMatchObject({ transmission: "ACCEPTED" });
    expect(await auditTypes(run.runId)).toEqual(["payment_run.sending", "payment_run.status"]);
    // The same report a third time, from a status query: still nothing.
    const answer = await connector.queryStatus(run.number);
    expect(answer.kind).toBe("reports");
    const again = await applyStatusReport(run.runId, (answer as { reports: string[] }).reports[0]!);
    expect(again).toMatchObject({ transmission: "ACCEPTED", changed: false });
    expect(await auditTypes(run.runId)).toHaveLength(2);
    expect(await admin.stats()).toMatchObject({ bookings: 2, double_payments: 0 });
  });

  it("slow answer beyond the client's timeout → UNKNOWN → resolved; the late answer is lost on a closed request", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("slow_answer", { delayMs: TIMEOUT_MS + 1_500 });
    const t0 = performance.now();
    expect(await sendRun(run.runId, { connector, now })).toMatchObject({ transmission: "UNKNOWN", outcome: "unknown" });
    expect(performance.now() - t0).toBeLessThan(TIMEOUT_MS + 1_000);
    const unknown = await prisma.auditEvent.findFirstOrThrow({ where: { type: "payment_run.unknown", data: { path: ["runId"], equals: run.runId } } });
    expect(unknown.data).toMatchObject({ reason: "timeout" });
    later();
    await sweep(run.runId);
    expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED" });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await admin.stats()).toMatchObject({ bookings: 2, double_payments: 0 });
  });

  it("a file the bank answers PDNG stays SENT until a status query settles it", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("pending_first");
    expect(await sendRun(run.runId, { connector, now })).toMatchObject({ transmission: "SENT" });
    expect((await runState(run.runId)).bankStatus).toBe("PDNG");
    later();
    await sweep(run.runId);
    expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED", bankStatus: "ACSP" });
  });
});

describe("never sent twice", () => {
  it("the same job twice at once: one sends, the other finds nothing to send", async () => {
    const run = await createReleasedRun(org, [500n, 600n, 700n]);
    const results = await Promise.all([sendRun(run.runId, { connector, now }), sendRun(run.runId, { connector, now })]);
    expect(results.filter((r) => r.sent)).toHaveLength(1);
    expect(results.find((r) => !r.sent)).toEqual({ sent: false, reason: "already_sent" });
    expect(await admin.stats()).toMatchObject({ messages: 1, bookings: 3, duplicate_messages_refused: 0, double_payments: 0 });
  });

  it("the real job handler, run twice from the outbox: marks the row done with the claim, sends once", async () => {
    const run = await createReleasedRun(org);
    await prisma.$transaction((tx) => enqueueJob(tx, JOBS.sendPaymentRun, { runId: run.runId }));
    const key = JOBS.sendPaymentRun.key({ runId: run.runId });
    const before = env.BANK_LINK_URL;
    env.BANK_LINK_URL = bank.url;
    try {
      const first = await sendPaymentRunHandler.run({ runId: run.runId }, { jobId: key });
      const second = await sendPaymentRunHandler.run({ runId: run.runId }, { jobId: key });
      expect(first).toMatchObject({ sent: true, transmission: "ACCEPTED" });
      expect(second).toEqual({ sent: false, reason: "already_sent" });
    } finally {
      env.BANK_LINK_URL = before;
    }
    expect(await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: key } })).toMatchObject({ status: "DONE" });
    expect(await admin.stats()).toMatchObject({ bookings: 2, double_payments: 0 });
  });

  it("no BANK_LINK_URL: the job fails with one clear line and the run stays NOT_SENT", async () => {
    const run = await createReleasedRun(org);
    const before = env.BANK_LINK_URL;
    env.BANK_LINK_URL = undefined;
    try {
      await expect(sendPaymentRunHandler.run({ runId: run.runId }, { jobId: "x" })).rejects.toThrow(/BANK_LINK_URL/);
    } finally {
      env.BANK_LINK_URL = before;
    }
    expect((await runState(run.runId)).transmission).toBe("NOT_SENT");
  });

  it("worker crash after SENDING: never re-sent by the job; the sweep asks, the bank never got it, the same file is re-offered once", async () => {
    const run = await createReleasedRun(org);
    expect(await claimRunForSending(run.runId, { now: now() })).toMatchObject({ claimed: true });
    expect(await sendRun(run.runId, { connector, now })).toEqual({ sent: false, reason: "already_sent" });
    expect(await admin.stats()).toMatchObject({ messages: 0, bookings: 0 });
    // Not yet stale: left alone.
    expect(await sweep(run.runId)).toMatchObject({ stuck: 0 });
    later();
    expect(await sweep(run.runId)).toMatchObject({ stuck: 1, asked: 1, reoffered: 1, resolved: 1 });
    expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED" });
    expect(await auditTypes(run.runId)).toEqual(["payment_run.sending", "payment_run.unknown", "payment_run.reoffered", "payment_run.status"]);
    expect(await admin.stats()).toMatchObject({ messages: 1, bookings: 2, double_payments: 0 });
  });

  it("a re-offer of a file the bank did take is refused by its message id and books nothing again", async () => {
    const run = await createReleasedRun(org);
    await sendRun(run.runId, { connector, now });
    const file = await prisma.paymentFile.findUniqueOrThrow({ where: { runId: run.runId } });
    const again = await connector.submit({ messageId: file.messageId, fileName: file.fileName, bytes: file.bytes });
    expect(again).toMatchObject({ kind: "answered", duplicateMessage: true });
    expect(await admin.stats()).toMatchObject({ bookings: 2, duplicate_messages_refused: 1, double_payments: 0 });
  });

  it("a file that fails the bank's schema check is refused whole (RJCT FF01) and books nothing", async () => {
    const answer = await connector.submit({ messageId: "BROKEN1", fileName: "broken.xml", bytes: new TextEncoder().encode('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.10"><CstmrCdtTrfInitn><GrpHdr><MsgId>BROKEN1</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>') });
    expect(answer).toMatchObject({ kind: "refused", reason: "schema_invalid" });
    expect((answer as { reports: string[] }).reports[0]).toContain("<GrpSts>RJCT</GrpSts>");
    expect(await admin.stats()).toMatchObject({ messages: 0, bookings: 0 });
  });

  it("failure before booking → UNKNOWN; a bank that keeps failing gets three re-offers, then a person is asked", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("fail_before_booking", { times: 10 });
    expect(await sendRun(run.runId, { connector, now })).toMatchObject({ transmission: "UNKNOWN" });
    for (let i = 0; i < 6; i++) {
      later();
      await sweep(run.runId);
    }
    const state = await runState(run.runId);
    expect(state).toMatchObject({ transmission: "UNKNOWN", bankStatus: "NOT_RECEIVED" });
    const types = await auditTypes(run.runId);
    expect(types.filter((t) => t === "payment_run.reoffered")).toHaveLength(3);
    expect(types.filter((t) => t === "payment_run.needs_attention")).toHaveLength(1);
    expect(await admin.stats()).toMatchObject({ bookings: 0, double_payments: 0 });
  });

  it("status unavailable for a while: the run stays UNKNOWN and the sweep backs off", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("lose_answer");
    await sendRun(run.runId, { connector, now });
    await admin.injectFault("status_unavailable", { times: 1 });
    later();
    expect(await sweep(run.runId)).toMatchObject({ asked: 1, unavailable: 1 });
    // Asked a moment ago: not again yet.
    expect(await sweep(run.runId)).toMatchObject({ asked: 0 });
    later();
    expect(await sweep(run.runId)).toMatchObject({ asked: 1, resolved: 1 });
    expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED", statusChecks: 2 });
  });
});

describe("rejected and returned payments", () => {
  it("a payment to a closed account is rejected (AC04): claim PAYMENT_FAILED with the reason, the employee told", async () => {
    const run = await createReleasedRun(org, [1_000n, 2_000n]);
    await admin.setClosedAccounts({ [run.lines[1]!.details.kind === "cn" ? run.lines[1]!.details.accountNumber : ""]: "AC04" });
    expect(await sendRun(run.runId, { connector, now })).toMatchObject({ transmission: "PARTIALLY_ACCEPTED" });
    const state = await runState(run.runId);
    expect(state.bankStatus).toBe("PART");
    expect(state.payments).toEqual([
      expect.objectContaining({ status: "ACCEPTED", claim: "SCHEDULED" }),
      expect.objectContaining({ status: "REJECTED", reason: "AC04", claim: "PAYMENT_FAILED" }),
    ]);
    const note = await prisma.notification.findFirstOrThrow({ where: { userId: run.lines[1]!.employee.id, kind: "payment.failed" } });
    expect(note.data).toMatchObject({ reason: "AC04", kind: "REJECTED" });
    expect(await admin.stats()).toMatchObject({ bookings: 1, rejected: 1 });
  });

  it("statements over the link: the day's camt.053 with our debits, and a return as a credit with its reason", async () => {
    const run = await createReleasedRun(org, [3_000n, 4_000n]);
    const closed = run.lines[0]!.details.kind === "cn" ? run.lines[0]!.details.accountNumber : "";
    await admin.setClosedAccounts({ [closed]: "AC04" }, "return");
    expect(await sendRun(run.runId, { connector, now })).toMatchObject({ transmission: "ACCEPTED" });
    const got = await fetchStatementOverLink(
      org.payer.id,
      run.valueDate,
      async (bytes, meta) => {
        const items: CamtEntry[] = [];
        for await (const item of readCamt053([bytes])) if (item.kind === "entry") items.push(item);
        return { meta, items };
      },
      { connector },
    );
    if (!got.fetched) throw new Error(got.reason);
    expect(got.result.meta).toMatchObject({ source: "bank-link", account: org.payer.accountNumber });
    const mine = got.result.items.filter((e) => e.endToEndId?.startsWith(run.number));
    expect(mine.map((e) => [e.direction, e.minor, e.endToEndId, e.returnReason])).toEqual([
      ["DBIT", 3_000n, run.lines[0]!.e2e, null],
      ["DBIT", 4_000n, run.lines[1]!.e2e, null],
      ["CRDT", 3_000n, run.lines[0]!.e2e, "AC04"],
    ]);
    expect(mine[0]!.counterpartyAccount).toBe(closed);
    expect(await fetchStatementOverLink(org.payer.id, "2026-12-09", () => Promise.resolve(1), { connector })).toMatchObject({ fetched: true });
  });
});

describe("the payments sweep job", () => {
  it("asks the bank about an unknown run through BANK_LINK_URL, then runs the hooks", async () => {
    const run = await createReleasedRun(org);
    await admin.injectFault("lose_answer");
    await sendRun(run.runId, { connector, now });
    const before = env.BANK_LINK_URL;
    env.BANK_LINK_URL = bank.url;
    try {
      const result = await runPaymentsSweep(new Date(clock + 3_600_000));
      expect(result.hooks).toEqual({ "bank-link": "ok", activateDueChanges: "ok", fetchStatements: "ok", settleStatements: "ok" });
      expect(result.resolved).toBeGreaterThanOrEqual(1);
    } finally {
      env.BANK_LINK_URL = before;
    }
    expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED" });
  });
});

describe("the file connector: sent and settled by hand", () => {
  it("the app sends nothing; a person marks it sent once and records what e-banking shows", async () => {
    const run = await createReleasedRun(org, [1_100n, 2_200n, 3_300n], { connector: "file" });
    const treasurer = { id: org.approver.id, roles: ["TREASURY"] as const };
    expect(await sendRun(run.runId, { connector, now })).toEqual({ sent: false, reason: "not_host_to_host" });
    // Released as "marked sent" (payment-runs.server.ts releaseRun does this for a file link in one step).
    await prisma.paymentRun.update({ where: { id: run.runId }, data: { transmission: "SENT", sentAt: now() } });
    await prisma.payment.updateMany({ where: { runId: run.runId }, data: { status: "SENT" } });
    expect(await runState(run.runId)).toMatchObject({ transmission: "SENT" });
    expect(await sweep(run.runId)).toMatchObject({ asked: 0 });
    await expect(recordRunStatusByHand(run.runId, treasurer, [{ endToEndId: "NOPE", reason: "AC01" }])).rejects.toThrow(/unknown_end_to_end_id/);
    expect(await recordRunStatusByHand(run.runId, treasurer, [{ endToEndId: run.lines[2]!.e2e, reason: "AC01" }])).toBe("PARTIALLY_ACCEPTED");
    expect((await runState(run.runId)).payments.map((p) => [p.status, p.reason, p.claim])).toEqual([
      ["ACCEPTED", null, "SCHEDULED"],
      ["ACCEPTED", null, "SCHEDULED"],
      ["REJECTED", "AC01", "PAYMENT_FAILED"],
    ]);
    await expect(recordRunStatusByHand(run.runId, treasurer, [])).rejects.toThrow(/transmission_settled/);
    expect(await auditTypes(run.runId)).toEqual(["payment_run.status"]);
    expect(await admin.stats()).toMatchObject({ messages: 0 });
  });
});

describe("the payments worker", () => {
  it("a release's outbox row reaches the bank through the relay and the worker, once; the sweep's scheduler is declared", async () => {
    const run = await createReleasedRun(org);
    const before = env.BANK_LINK_URL;
    env.BANK_LINK_URL = bank.url;
    const worker = await startPaymentsWorker({ everyMs: 3_600_000 });
    const relay = await startRelay({ pollMs: 50, log: () => undefined });
    try {
      // As the lead's release does it: the job goes into the outbox in the release's transaction (here twice).
      await prisma.$transaction((tx) => enqueueJob(tx, JOBS.sendPaymentRun, { runId: run.runId }));
      await prisma.$transaction((tx) => enqueueJob(tx, JOBS.sendPaymentRun, { runId: run.runId }));
      const deadline = Date.now() + 15_000;
      while ((await runState(run.runId)).transmission !== "ACCEPTED" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await runState(run.runId)).toMatchObject({ transmission: "ACCEPTED" });
      expect((await getQueue("payments").getJobSchedulers()).map((s) => s.key)).toContain(JOBS.paymentsSweep.key({}));
    } finally {
      await relay.stop();
      await worker.close();
      env.BANK_LINK_URL = before;
    }
    expect(await admin.stats()).toMatchObject({ messages: 1, bookings: 2, double_payments: 0 });
  });
});

describe("the double-payment drill", () => {
  it("many runs with random faults: 0 double payments, every payment booked, every unknown resolved", async () => {
    const result = await runDoublePaymentDrill({ runs: 36, paymentsPerRun: 3, seed: 20261208 });
    expect(result).toMatchObject({ runs: 36, payments: 108, double_payments: 0, never_booked: 0, unsettled_runs: 0 });
    expect(result.unknowns).toBeGreaterThan(3);
    expect(result.unknowns_resolved).toBe(result.unknowns);
    expect(Object.keys(result.faults).length).toBeGreaterThan(5);
  }, 120_000);
});
