/**
 * What the payments sweep says in the worker's log: no bank link is a setting (one note per process,
 * then quiet), a configured link that fails is said every time. The sweep runs for real (Postgres, the
 * host-to-host connector over HTTP); its results go through the payments worker's own log listener
 * (workers/run-worker.ts attachListeners) with a log of the test's.
 */
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { NO_BANK_LINK_NOTE, paymentsSweepHandler, runPaymentsSweep } from "~/jobs/payments-sweep";
import { env } from "~/utils/env.server";
import { createTreasuryOrg } from "../fixtures/payment-runs";
import { attachListeners } from "../workers/run-worker";

// The sweep's clock: long before every run other test files leave, so it asks the bank about none of them.
const NOW = new Date("2001-01-01T09:00:00Z");

// A bank that answers statement requests with something that is not a camt.053, and nothing else.
let bank: http.Server;
let bankUrl = "";
let statementRequests = 0;

const lines: string[] = [];
const worker = new EventEmitter();
attachListeners(worker as unknown as Pick<Worker, "on">, "payments", [paymentsSweepHandler], {
  info: (line) => lines.push(line),
  warn: (line) => lines.push(line),
  error: (line) => lines.push(line),
});
let sweepNo = 0;

/** `n` sweeps, each logged as the worker logs a completed sweep job; returns the lines they logged. */
async function sweeps(n: number): Promise<{ lines: string[]; fetchStatements: string[] }> {
  const from = lines.length;
  const fetchStatements: string[] = [];
  for (let i = 0; i < n; i++) {
    const result = await runPaymentsSweep(NOW);
    fetchStatements.push(result.hooks.fetchStatements!);
    sweepNo += 1;
    worker.emit("completed", { name: JOBS.paymentsSweep.name, id: `sweep-${sweepNo}`, processedOn: 1_000, finishedOn: 1_004 }, result);
  }
  return { lines: lines.slice(from), fetchStatements };
}

const before = env.BANK_LINK_URL;

beforeAll(async () => {
  // A host-to-host payer account: the one kind whose statements come over the link.
  await createTreasuryOrg();
  bank = http.createServer((req, res) => {
    if (req.url?.startsWith("/h2h/v1/statements")) {
      statementRequests += 1;
      res.writeHead(200, { "content-type": "application/xml" }).end("<Document>not a statement</Document>");
    } else res.writeHead(503).end();
  });
  await new Promise<void>((r) => bank.listen(0, "127.0.0.1", r));
  bankUrl = `http://127.0.0.1:${(bank.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => bank.close(r));
});
afterEach(() => {
  env.BANK_LINK_URL = before;
});

describe("the payments sweep's log", () => {
  it("without a bank link: one note at the first sweep, then the statement step is skipped quietly", async () => {
    env.BANK_LINK_URL = undefined;
    const got = await sweeps(4);
    expect(got.fetchStatements).toEqual(["skipped", "skipped", "skipped", "skipped"]);
    const notes = got.lines.filter((l) => l.includes(NO_BANK_LINK_NOTE));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^\[payments\] (.*; )?no bank link configured \(BANK_LINK_URL\): statements are imported by upload only \(payments-sweep sweep-1, 4ms\)$/);
    expect(got.lines.filter((l) => l.includes("failed"))).toEqual([]);
    expect(statementRequests).toBe(0);
  });

  it("with a bank link that fails: said at every sweep, and no note", async () => {
    env.BANK_LINK_URL = bankUrl;
    const got = await sweeps(3);
    expect(statementRequests).toBeGreaterThanOrEqual(3);
    expect(got.fetchStatements.every((v) => v !== "ok" && v !== "skipped")).toBe(true);
    const failed = got.lines.filter((l) => l.includes("; fetchStatements failed: "));
    expect(failed).toHaveLength(3);
    expect(failed.map((l) => l.match(/\(payments-sweep (sweep-\d+),/)?.[1])).toEqual(["sweep-5", "sweep-6", "sweep-7"]);
    expect(got.lines.filter((l) => l.includes(NO_BANK_LINK_NOTE))).toEqual([]);
  });

  it("the note is once per process: a sweep without a link later says nothing more", async () => {
    env.BANK_LINK_URL = undefined;
    const got = await sweeps(2);
    expect(got.fetchStatements).toEqual(["skipped", "skipped"]);
    expect(got.lines.filter((l) => l.includes(NO_BANK_LINK_NOTE) || l.includes("failed"))).toEqual([]);
  });
});
