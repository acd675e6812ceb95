/**
 * What the audit chain costs: transactions that each append one audit event, as the app's role, into
 * audit_event against the same table without its triggers (a copy, `audit_event_bare`), alternating, with 1
 * and with 20 concurrent writers. Since decision 037 an insert only appends (unsealed): the chain is made
 * after commit by a sealer, which runs here throughout as the workers run it (audit_seal() every 500 ms
 * while there is work, at once after a full batch). Then the sealer's own rate: 100,000 events sealed in
 * batches of 5,000.
 * In a database of its own (accounting_factory_audit_bench; BENCH_DATABASE_URL to change it, the name must
 * end in _bench: it is emptied). Usage: npm run bench:audit-chain [-- --tx 2000]
 * Prints a table, then one JSON line: {"bench":"audit_chain",…}
 */
import pg from "pg";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { positiveArg } from "./cli";
import { seedBenchDatabase } from "./bench-db";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_audit_bench";
const TX = positiveArg("tx", 2000, { whole: true });
const ROUNDS = 3;
const SEAL_BATCH = 2000;
const SEAL_EVENTS = 100_000;

const SEED = `
BEGIN;
INSERT INTO company (id, code, name, name_zh, currency) VALUES ('bench-co', 'BENCH', 'Bench company', '基准公司', 'CNY');
INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('bench-dept', 'bench-co', 'D', 'Dept', '部门');
INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id)
  VALUES ('bench-user', 'bench@bench', 'Bench', '!', ARRAY['EMPLOYEE']::"Role"[], 'bench-co', 'bench-dept');
DROP TABLE IF EXISTS audit_event_bare;
CREATE TABLE audit_event_bare (LIKE audit_event INCLUDING DEFAULTS INCLUDING INDEXES);
GRANT SELECT, INSERT ON audit_event_bare TO af_app;
COMMIT;`;

type Phase = { table: string; writers: number; perSecond: number; p50: number; p95: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function phase(clients: pg.Client[], table: string, writers: number): Promise<Phase> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.slice(0, writers).map(async (c) => {
      while (next < TX) {
        const n = next++;
        const s = performance.now();
        await c.query("BEGIN");
        await c.query(`INSERT INTO ${table} (claim_id, actor_id, type, data) VALUES ($1, 'bench-user', 'bench.event', $2)`, [`claim-${n % 97}`, { n, note: "张伟 taxi" }]);
        await c.query("COMMIT");
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { table, writers, perSecond: Math.round(TX / seconds), p50: +percentile(latencies, 50).toFixed(2), p95: +percentile(latencies, 95).toFixed(2) };
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  const { admin } = await seedBenchDatabase(url, SEED, ["app_user", "department", "company"]);
  const clients = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const c = new pg.Client({ connectionString: appDatabaseUrl(url) });
      await c.connect();
      return c;
    }),
  );
  // The sealer, as workers/audit-sealer.ts runs it, on a connection of its own.
  const sealerClient = new pg.Client({ connectionString: appDatabaseUrl(url) });
  await sealerClient.connect();
  let sealing = true;
  let sealedDuringWrites = 0;
  const sealer = (async () => {
    while (sealing) {
      const { rows } = await sealerClient.query<{ n: number }>(`SELECT audit_seal($1::int) AS n`, [SEAL_BATCH]);
      sealedDuringWrites += rows[0]!.n;
      if (rows[0]!.n < SEAL_BATCH) await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const results: Phase[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const writers of [1, 20]) {
      for (const table of ["audit_event_bare", "audit_event"]) results.push(await phase(clients, table, writers));
    }
  }
  const median = (table: string, writers: number, key: "perSecond" | "p50" | "p95") => {
    const xs = results.filter((r) => r.table === table && r.writers === writers).map((r) => r[key]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  console.log(`audit chain cost: ${TX} one-event transactions per phase, median of ${ROUNDS} alternating rounds`);
  console.log("| writers | table | tx/s | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- |");
  const summary: Record<string, number> = {};
  for (const writers of [1, 20]) {
    for (const table of ["audit_event_bare", "audit_event"]) {
      console.log(`| ${writers} | ${table === "audit_event" ? "audit_event (sealed after commit)" : "bare copy"} | ${median(table, writers, "perSecond")} | ${median(table, writers, "p50")} | ${median(table, writers, "p95")} |`);
    }
    summary[`ratio_tps_${writers}`] = +(median("audit_event", writers, "perSecond") / median("audit_event_bare", writers, "perSecond")).toFixed(3);
    summary[`chained_p50_ms_${writers}`] = median("audit_event", writers, "p50");
    summary[`bare_p50_ms_${writers}`] = median("audit_event_bare", writers, "p50");
  }
  sealing = false;
  await sealer;
  const { verifyAuditChainInDatabase } = await import("../scripts/audit-verify");
  const behind = await verifyAuditChainInDatabase(url);
  console.log(`while writing, the sealer sealed ${sealedDuringWrites} events; when the writers stopped ${behind.unsealed.count} waited (oldest ${behind.unsealed.oldestAgeSeconds ?? 0} s)`);

  // The sealer's own rate over a backlog (what a seed or an outage leaves).
  await clients[0]!.query(`INSERT INTO audit_event (claim_id, actor_id, type, data) SELECT 'claim-' || (n % 97), 'bench-user', 'bench.backlog', jsonb_build_object('n', n, 'note', '张伟 taxi') FROM generate_series(1, ${SEAL_EVENTS}) n`);
  const s0 = performance.now();
  let backlog = 0;
  for (;;) {
    const { rows } = await sealerClient.query<{ n: number }>(`SELECT audit_seal(5000) AS n`);
    backlog += rows[0]!.n;
    if (rows[0]!.n < 5000) break;
  }
  const sealPerSecond = Math.round(backlog / ((performance.now() - s0) / 1000));
  console.log(`sealing a backlog: ${backlog} events at ${sealPerSecond} events/s (batches of 5,000)`);
  summary.seal_events_per_s = sealPerSecond;

  const { rows } = await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_event`);
  const verdict = await verifyAuditChainInDatabase(url);
  console.log(`chain after the bench: ${rows[0]!.n} events, ${verdict.ok ? "verifies" : "BROKEN"}, ${verdict.unsealed.count} not sealed`);
  console.log(JSON.stringify({ bench: "audit_chain", tx: TX, ...summary, chain_verifies: verdict.ok && verdict.unsealed.count === 0 }));
  await sealerClient.end();
  await Promise.all(clients.map((c) => c.end()));
  await admin.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
