/**
 * Routing throughput: claims routed per second by the routing worker (outbox relay → BullMQ → route
 * job: rules, SLA due time, review task, audit, outbox done — all in Postgres), against a bare Postgres
 * transaction writing the same rows (task, claim, outbox done, outbox event, audit event) through
 * the same pool with the same concurrency, in the same run (`ratio_vs_bare_tx`); bare BullMQ no-op jobs
 * on the same Redis are still measured for reference (`ratio_vs_noop`).
 * The worker routes the claims whose jobs arrive while its transactions are busy together (decision 040):
 * `--batch 1` shows it without. The bare side stays one claim per transaction: what routing one claim costs.
 * Usage: npm run bench:routing [-- --claims 2000] [-- --batch 16]   (BENCH_DATABASE_URL, BENCH_REDIS_URL to move it)
 * Ends with one JSON line: {"bench":"routing","ratio_vs_bare_tx":…}
 */
import { randomUUID } from "node:crypto";
import { appDatabaseUrl } from "../app/utils/database-roles.server";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_bench_routing";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/3";
Object.assign(process.env, { DATABASE_URL, APP_DATABASE_URL: appDatabaseUrl(DATABASE_URL), REDIS_URL, QUEUE_PREFIX: "afbr", NODE_ENV: "production", OUTBOX_POLL_MS: "20" });

const argIndex = process.argv.indexOf("--claims");
const CLAIMS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 2000;
const CONCURRENCY = 4;
const batchIndex = process.argv.indexOf("--batch");
/** The routing worker's largest batch (its default 16); 1 routes each claim in a transaction of its own. */
const BATCH = batchIndex > 0 ? Number(process.argv[batchIndex + 1]) : 16;

async function main(): Promise<void> {
  const { ensureServices } = await import("../scripts/services");
  const { migrate } = await import("../scripts/migrate");
  await ensureServices({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL });
  await migrate(DATABASE_URL, () => undefined);
  const { prisma } = await import("~/utils/db.server");
  const { Queue, Worker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const { createRedis } = await import("~/utils/redis.server");
  const { JOBS } = await import("~/domain/jobs");
  const { startRelay } = await import("../workers/relay");
  const { startRoutingWorker } = await import("../workers/routing");
  const { runShutdownHooks } = await import("~/utils/shutdown.server");

  const redis = new Redis(REDIS_URL);
  await redis.flushdb();

  // ---- baseline: bare BullMQ no-op jobs, same Redis, same concurrency ----
  // Connections handed to BullMQ stay open after close(): keep them to disconnect, or the process never exits.
  const noopQueueRedis = createRedis("queue");
  const noopWorkerRedis = createRedis("worker");
  const noopQueue = new Queue("bench-noop", { connection: noopQueueRedis, prefix: "afbr" });
  await noopQueue.addBulk(Array.from({ length: CLAIMS }, (_, i) => ({ name: "noop", data: { i }, opts: { removeOnComplete: true } })));
  let noopDone = 0;
  const noopStart = performance.now();
  const noopWorker = new Worker("bench-noop", async () => undefined, { connection: noopWorkerRedis, prefix: "afbr", concurrency: CONCURRENCY });
  const noopMs = await new Promise<number>((resolve) => {
    noopWorker.on("completed", () => {
      if (++noopDone === CLAIMS) resolve(performance.now() - noopStart);
    });
  });
  await noopWorker.close();
  await noopQueue.close();
  noopQueueRedis.disconnect();
  noopWorkerRedis.disconnect();

  // ---- ours: claims waiting for routing, through the relay and the routing worker ----
  // Emptying tables (the audit log with them) is the owner's (DATABASE_URL); the bench then writes as the app.
  const { truncateWithAuditLogAsOwner } = await import("../scripts/owner-reset");
  await truncateWithAuditLogAsOwner(DATABASE_URL, ["task", "outbox_event", "claim_line", "claim", "routing_rule", "group_member", "processing_group", "expense_category", "app_user", "department", "company"], "bench");
  await prisma.company.create({ data: { id: "co", code: "BENCH", name: "Bench Co", nameZh: "基准公司", currency: "CNY" } });
  await prisma.department.create({ data: { id: "dep", companyId: "co", code: "D", name: "Dept", nameZh: "部门" } });
  await prisma.user.create({ data: { id: "emp", email: "emp@bench", name: "Emp", passwordHash: "!", roles: ["EMPLOYEE"], companyId: "co", departmentId: "dep" } });
  await prisma.expenseCategory.createMany({ data: [{ code: "TAXI", name: "Taxi", nameZh: "出租车" }, { code: "MEAL", name: "Meal", nameZh: "餐费" }] });
  await prisma.processingGroup.createMany({ data: [{ id: "g-def", code: "DEF", name: "Default", nameZh: "默认", isDefault: true }, { id: "g-trv", code: "TRV", name: "Travel", nameZh: "差旅" }] });
  await prisma.routingRule.createMany({
    data: [
      { id: randomUUID(), position: 1, name: "fx", groupId: "g-def", conditions: { foreignCurrency: true } },
      { id: randomUUID(), position: 2, name: "high", groupId: "g-def", conditions: { minTotalMinor: "2000000" } },
      { id: randomUUID(), position: 3, name: "travel", groupId: "g-trv", conditions: { categoryCodes: ["TAXI"] } },
    ],
  });
  // Claims as manager approval leaves them: MANAGER_APPROVED at version 2, its approval event, and a routing outbox row.
  await prisma.$executeRawUnsafe(`
    INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at)
    SELECT 'c' || g, 'B' || g, 'emp', 'co', 'dep', 'bench', 'MANAGER_APPROVED', 2, now() FROM generate_series(1, ${CLAIMS}) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency)
    SELECT 'l' || g || '-' || p, 'c' || g, p, current_date, CASE WHEN g % 2 = 0 THEN 'TAXI' ELSE 'MEAL' END, 'm', 1000 + g, 'CNY'
    FROM generate_series(1, ${CLAIMS}) g, generate_series(0, 1) p`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO audit_event (claim_id, type, from_status, to_status, at)
    SELECT 'c' || g, 'claim.manager_approved', 'SUBMITTED', 'MANAGER_APPROVED', now() FROM generate_series(1, ${CLAIMS}) g`);
  await prisma.outboxEvent.createMany({
    // Written in bulk (enqueueJob is one row per call), by the job's own definition.
    data: Array.from({ length: CLAIMS }, (_, i) => {
      const payload = { claimId: `c${i + 1}`, version: 2 };
      return { queue: JOBS.routeClaim.queue, jobName: JOBS.routeClaim.name, jobKey: JOBS.routeClaim.key(payload), payload };
    }),
  });

  const start = performance.now();
  const relay = await startRelay({ pollMs: 20, batchSize: 500, log: () => undefined });
  const worker = startRoutingWorker({ transactions: CONCURRENCY, batch: BATCH, log: { info: () => undefined, warn: console.warn, error: console.error } });
  let routed = 0;
  worker.on("completed", (_job, r) => {
    if (r.outcome === "routed") routed += 1;
  });
  while ((await prisma.task.count({ where: { type: "REVIEW" } })) < CLAIMS) await new Promise((r) => setTimeout(r, 100));
  const oursMs = performance.now() - start;
  await worker.close();
  await relay.stop();
  const tasks = await prisma.task.count({ where: { type: "REVIEW" } });
  const distinctClaims = Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(DISTINCT claim_id) AS n FROM task WHERE type = 'REVIEW'`)[0]!.n);
  // Tasks written by one transaction share its xmin: how many transactions the worker's batches took.
  const routingTxs = Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(DISTINCT xmin::text) AS n FROM task WHERE type = 'REVIEW'`)[0]!.n);

  // ---- baseline: a bare Postgres transaction writing the same rows, same pool, same concurrency ----
  // Per claim: the review task, the claim's group, its routing outbox row DONE, the task's event in the
  // outbox and the audit event — no reads, no rules, no BullMQ: BEGIN, one statement, COMMIT.
  // Other claims of the same shape (seeded now, with the relay stopped, so nothing else picks them up).
  await prisma.$executeRawUnsafe(`
    INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at)
    SELECT 'b' || g, 'X' || g, 'emp', 'co', 'dep', 'bench', 'MANAGER_APPROVED', 2, now() FROM generate_series(1, ${CLAIMS}) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO outbox_event (queue, job_name, job_key, payload)
    SELECT 'bench-bare', 'bare', 'bare-route-b' || g, '{}'::jsonb FROM generate_series(1, ${CLAIMS}) g`);
  await prisma.$executeRawUnsafe("ANALYZE claim, task, outbox_event");
  let nextBare = 0;
  const bareStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (nextBare < CLAIMS) {
        const claimId = `b${++nextBare}`;
        const taskId = randomUUID();
        await prisma.$transaction(async (tx) => {
          await tx.$executeRaw`
            WITH new_task AS (
              INSERT INTO task (id, claim_id, type, group_id, priority, complexity, claim_version, sla_minutes, sla_due_at)
              VALUES (${taskId}, ${claimId}, 'REVIEW', 'g-def', 0, 'S', 2, 480, now() + interval '1 day')
              RETURNING claim_id
            ), routed AS (
              UPDATE claim SET group_id = 'g-def', updated_at = now() WHERE id = (SELECT claim_id FROM new_task) RETURNING id
            ), done AS (
              UPDATE outbox_event SET status = 'DONE', done_at = now() WHERE job_key = ${"bare-route-" + claimId} AND status = 'PENDING' RETURNING id
            ), queued AS (
              INSERT INTO outbox_event (queue, job_name, job_key, payload)
              SELECT 'bench-bare', 'bare', ${"bare-created-" + taskId}, ${JSON.stringify({ taskId })}::jsonb FROM new_task RETURNING id
            ), audited AS (
              INSERT INTO audit_event (claim_id, type, data) SELECT claim_id, 'bench.bare_routed', ${JSON.stringify({ taskId })}::jsonb FROM new_task
            )
            SELECT (SELECT count(*) FROM routed) + (SELECT count(*) FROM done) + (SELECT count(*) FROM queued)`;
        });
      }
    }),
  );
  const bareMs = performance.now() - bareStart;
  const bareTasks = await prisma.task.count({ where: { type: "REVIEW", claimId: { startsWith: "b" } } });

  const noopPerS = (CLAIMS / noopMs) * 1000;
  const routedPerS = (CLAIMS / oursMs) * 1000;
  const barePerS = (bareTasks / bareMs) * 1000;
  const ratio = routedPerS / noopPerS;
  const ratioVsBareTx = routedPerS / barePerS;
  console.log(`routing benchmark: ${CLAIMS} claims, worker concurrency ${CONCURRENCY}, Redis ${REDIS_URL}, Postgres ${DATABASE_URL}`);
  console.log(`bare BullMQ no-op jobs : ${noopPerS.toFixed(0)} jobs/s (${noopMs.toFixed(0)} ms)`);
  console.log(`claims routed          : ${routedPerS.toFixed(0)} claims/s (${oursMs.toFixed(0)} ms, relay included; ${routed} routed by the worker in ${routingTxs} transactions, ${(tasks / routingTxs).toFixed(1)} claims each, at most ${CONCURRENCY} at a time, batches ≤ ${BATCH})`);
  console.log(`bare transaction       : ${barePerS.toFixed(0)} claims/s (${bareMs.toFixed(0)} ms; the same rows written, ${bareTasks} tasks)`);
  console.log(`ratio routed / bare tx : ${ratioVsBareTx.toFixed(3)}`);
  console.log(`ratio routed / no-op   : ${ratio.toFixed(3)}; review tasks ${tasks} for ${distinctClaims} claims (duplicates: ${tasks - distinctClaims})`);
  console.log(
    JSON.stringify({
      bench: "routing",
      ratio_vs_bare_tx: Number(ratioVsBareTx.toFixed(4)),
      routed_per_s: Math.round(routedPerS),
      bare_tx_per_s: Math.round(barePerS),
      ratio_vs_noop: Number(ratio.toFixed(4)),
      noop_per_s: Math.round(noopPerS),
      claims: CLAIMS,
      concurrency: CONCURRENCY,
      max_batch: BATCH,
      claims_per_tx: Number((tasks / routingTxs).toFixed(2)),
      duplicates: tasks - distinctClaims,
    }),
  );
  redis.disconnect();
  await runShutdownHooks();
  // The routing worker's own Redis connection is not closed by worker.close(): don't wait on it.
  setTimeout(() => process.exit(0), 2000).unref();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
