/**
 * The double-payment drill: many released runs sent to the sandbox bank while it misbehaves at random
 * (answers lost after booking, answers too slow for the client, duplicate answers, failures before
 * booking, status unavailable, PDNG first, a worker that dies right after claiming, the same job run
 * twice at once), then the payments sweep until every run is settled. The sandbox counts double payments:
 * the same end-to-end id booked more than once, however it got there. Must be 0.
 *
 * Writes to the database named by DATABASE_URL (a test or bench database). `npm run bench:payments` calls
 * runDoublePaymentDrill; `tsx scripts/sandbox-bank/drill.ts [runs] [paymentsPerRun] [seed]` prints its JSON.
 */
import { mulberry32 } from "~/domain/seeded-random";
import { pathToFileURL } from "node:url";
import { claimRunForSending, sendRun, sweepTransmissions } from "~/models/payment-transmission.server";
import { hostToHostConnector } from "~/utils/bank-link/host-to-host.server";
import { prisma } from "~/utils/db.server";
import { createReleasedRun, createTreasuryOrg } from "../../fixtures/payment-runs";
import { sandboxAdmin } from "./admin-client";
import { startSandboxBank, type FaultKind } from "./bank";

export type DrillOptions = { runs: number; paymentsPerRun: number; seed: number; clientTimeoutMs?: number };

export type DrillResult = {
  runs: number;
  payments: number;
  double_payments: number;
  booked_once: number;
  never_booked: number;
  unknowns: number;
  unknowns_resolved: number;
  unsettled_runs: number;
  duplicate_messages_refused: number;
  faults: Record<string, number>;
  sweeps: number;
  seconds: number;
};


type Mischief = FaultKind | "none" | "crash_after_claim" | "job_twice";
const MISCHIEF: readonly Mischief[] = ["none", "lose_answer", "slow_answer", "duplicate_answer", "fail_before_booking", "status_unavailable", "pending_first", "crash_after_claim", "job_twice"];

export async function runDoublePaymentDrill(opts: DrillOptions): Promise<DrillResult> {
  const started = performance.now();
  // The same seed, the same faults.
  const rand = mulberry32(opts.seed);
  // Room for the sandbox's schema check (about half a second per file); a slow answer comes well after it.
  const timeoutMs = opts.clientTimeoutMs ?? 2_500;
  const bank = await startSandboxBank();
  const admin = sandboxAdmin(bank.url);
  const connector = hostToHostConnector({ baseUrl: bank.url, timeoutMs });
  const faults: Record<string, number> = {};
  // The sweep's clock runs ahead of the wall clock, so backoff and the SENDING threshold never make the drill wait.
  let clock = Date.now();
  const now = () => new Date(clock);
  try {
    const org = await createTreasuryOrg();
    const runIds: string[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const amounts = Array.from({ length: opts.paymentsPerRun }, () => BigInt(100 + Math.floor(rand() * 5_000_00)));
      const run = await createReleasedRun(org, amounts);
      runIds.push(run.runId);
      const mischief = MISCHIEF[Math.floor(rand() * MISCHIEF.length)]!;
      faults[mischief] = (faults[mischief] ?? 0) + 1;
      if (mischief === "crash_after_claim") {
        await claimRunForSending(run.runId, { now: now() });
        continue;
      }
      if (mischief === "job_twice") {
        await Promise.all([sendRun(run.runId, { connector, now }), sendRun(run.runId, { connector, now })]);
        continue;
      }
      if (mischief !== "none") await admin.injectFault(mischief, { times: mischief === "status_unavailable" ? 2 : 1, delayMs: timeoutMs + 1_500 });
      await sendRun(run.runId, { connector, now });
      // A second delivery of the same job after the first finished: finds nothing to send.
      if (rand() < 0.2) await sendRun(run.runId, { connector, now });
    }
    let sweeps = 0;
    for (; sweeps < 50; sweeps++) {
      const open = await prisma.paymentRun.count({ where: { id: { in: runIds }, transmission: { in: ["SENDING", "SENT", "UNKNOWN"] } } });
      if (open === 0) break;
      clock += 2 * 3_600_000;
      await sweepTransmissions({ connector, now, sendingStaleMs: 60_000, runIds });
    }
    await admin.clearFaults();
    const stats = await admin.stats();
    const payments = await prisma.payment.findMany({ where: { runId: { in: runIds } }, select: { endToEndId: true, status: true } });
    const unknownRuns = await prisma.auditEvent.findMany({ where: { type: "payment_run.unknown" }, select: { data: true } });
    const ours = new Set(runIds);
    const unknownIds = new Set(unknownRuns.map((e) => (e.data as { runId?: string }).runId).filter((id): id is string => !!id && ours.has(id)));
    const settled = await prisma.paymentRun.findMany({ where: { id: { in: [...unknownIds] }, transmission: { in: ["ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED"] } }, select: { id: true } });
    const unsettled = await prisma.paymentRun.count({ where: { id: { in: runIds }, transmission: { notIn: ["ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED"] } } });
    return {
      runs: runIds.length,
      payments: payments.length,
      double_payments: stats.double_payments,
      booked_once: stats.distinct_end_to_end_ids,
      never_booked: payments.length - stats.distinct_end_to_end_ids,
      unknowns: unknownIds.size,
      unknowns_resolved: settled.length,
      unsettled_runs: unsettled,
      duplicate_messages_refused: stats.duplicate_messages_refused,
      faults,
      sweeps,
      seconds: Math.round((performance.now() - started) / 10) / 100,
    };
  } finally {
    await bank.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [runs = "40", per = "5", seed = "1"] = process.argv.slice(2);
  runDoublePaymentDrill({ runs: Number(runs), paymentsPerRun: Number(per), seed: Number(seed) })
    .then((r) => console.log(JSON.stringify(r)))
    .finally(() => void prisma.$disconnect());
}
