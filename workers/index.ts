/**
 * Boots the background processes (no HTTP): the outbox relay (with the audit sealer) and the imaging, reading, routing, SLA, metrics, payments, ledger and archive workers.
 *   tsx workers/index.ts                 all of them
 *   tsx workers/index.ts --only imaging  just the imaging worker (tests, or to scale imaging separately)
 *   tsx workers/index.ts --only relay    just the relay
 *   tsx workers/index.ts --only relay,routing,metrics   several of them
 * SIGTERM/SIGINT: stop taking jobs, let running ones finish, close queues and Prisma, exit.
 */
import type { Worker } from "bullmq";
import { configureSharp } from "~/jobs/render-receipt";
import { assertLeastPrivilegedConnection } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { runShutdownHooks } from "~/utils/shutdown.server";
import { startArchiveWorker } from "./archive";
import { startAuditSealer, type AuditSealer } from "./audit-sealer";
import { startImagingWorker } from "./imaging";
import { startLedgerWorker } from "./ledger";
import { startMetricsWorker } from "./metrics";
import { startPaymentsWorker } from "./payments";
import { startRelay, type Relay } from "./relay";
import { startRoutingWorker } from "./routing";
import { startSlaWorker } from "./sla";

const ROLES = ["relay", "imaging", "reading", "routing", "sla", "metrics", "payments", "ledger", "archive"] as const;
type Role = (typeof ROLES)[number];

function selectedRoles(argv: string[]): Role[] {
  const i = argv.indexOf("--only");
  if (i < 0) return [...ROLES];
  // One role, or several separated by commas (the load bench runs every worker but the ledger's).
  const wanted = (argv[i + 1] ?? "").split(",");
  if (wanted.length === 0 || !wanted.every((w) => ROLES.includes(w as Role))) {
    console.error(`[workers] --only takes one or more (comma-separated) of: ${ROLES.join(", ")}`);
    process.exit(2);
  }
  return wanted as Role[];
}

async function main(): Promise<void> {
  const roles = selectedRoles(process.argv.slice(2));
  // Workers write the audit log too: never as a role that could rewrite it.
  if (env.NODE_ENV === "production") await assertLeastPrivilegedConnection();
  const workers: Worker[] = [];
  let relay: Relay | undefined;
  let sealer: AuditSealer | undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[workers] ${signal}: finishing running jobs`);
    // A job still running after this long is abandoned; its lock expires and another worker takes it.
    const deadline = setTimeout(() => process.exit(1), 60_000);
    deadline.unref();
    await Promise.allSettled([...workers.map((w) => w.close()), relay?.stop(), sealer?.stop()]);
    await runShutdownHooks();
    console.log("[workers] stopped");
    process.exit(0);
  };
  // Registered first, so a signal during start-up still closes what was opened.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  // Each worker logs its own outcomes, errors and stalls (workers/run-worker.ts).
  if (roles.includes("imaging")) {
    configureSharp(env.IMAGING_CONCURRENCY);
    workers.push(startImagingWorker());
  }
  // Issue 14: receipts are read after imaging, one at a time, on a queue of their own. Imported only when
  // wanted: the readers (zxing-wasm, pdf-lib) would otherwise slow every worker's start.
  if (roles.includes("reading")) workers.push((await import("./reading")).startReadingWorker());
  if (roles.includes("routing")) workers.push(startRoutingWorker());
  if (roles.includes("sla")) workers.push(await startSlaWorker());
  if (roles.includes("metrics")) workers.push(await startMetricsWorker());
  if (roles.includes("payments")) workers.push(await startPaymentsWorker());
  if (roles.includes("ledger")) workers.push(await startLedgerWorker());
  if (roles.includes("archive")) workers.push(await startArchiveWorker());
  if (roles.includes("relay")) {
    relay = await startRelay({ pollMs: env.OUTBOX_POLL_MS });
    // With the relay, which every deployment runs: committed audit events are chained after commit (decision 037).
    sealer = startAuditSealer({ intervalMs: env.AUDIT_SEAL_INTERVAL_MS });
  }
  console.log(
    `[workers] started ${roles.join(" + ")}${sealer ? " + audit sealer" : ""} (pid ${process.pid}, imaging concurrency ${env.IMAGING_CONCURRENCY}, lock ${env.WORKER_LOCK_MS}ms)`,
  );
}

main().catch((err: unknown) => {
  console.error(`[workers] failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
