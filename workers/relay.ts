import type { JobsOptions } from "bullmq";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { QUEUES, type QueueName } from "~/domain/jobs";
import { PollLoop } from "~/jobs/poll-loop";
import { getQueue } from "~/utils/queue.server";

/**
 * The outbox relay: moves committed outbox rows to BullMQ. Postgres is the source of truth and this
 * Redis keeps nothing on disk, so the relay is built to rebuild the queues from the outbox:
 *
 *  - on start, every PENDING row is (re)added — a jobId already in Redis makes that a no-op;
 *  - every `pollMs`, rows never sent (enqueued_at IS NULL) are sent, in id order, claimed with
 *    FOR UPDATE SKIP LOCKED so that several relays never send the same row twice;
 *  - every `sweepEveryMs`, PENDING rows sent more than `sweepAfterMs` ago whose job is no longer in
 *    Redis (a flush, a failover) are sent again.
 *
 * Delivery is at least once; the jobId (the row's job_key) and idempotent handlers make it once in effect.
 * The loop is app/jobs/poll-loop.ts: a full batch polls again at once, a failure is retried after `pollMs`.
 */

export type RelayOptions = {
  pollMs?: number;
  batchSize?: number;
  sweepEveryMs?: number;
  sweepAfterMs?: number;
  log?: (line: string) => void;
};

export type Relay = {
  /** Stops polling and waits for a batch in flight. Queues are closed by the process's shutdown hooks. */
  stop(): Promise<void>;
  /** One poll now (tests, and the loop itself); returns the number of rows sent. */
  pollOnce(): Promise<number>;
  /** One sweep now; returns the number of rows sent again. */
  sweepOnce(): Promise<number>;
};

type OutboxRow = { id: bigint; queue: string; job_name: string; job_key: string; payload: unknown };

const KNOWN_QUEUES: string[] = Object.values(QUEUES);

export async function startRelay(opts: RelayOptions = {}): Promise<Relay> {
  const pollMs = opts.pollMs ?? env.OUTBOX_POLL_MS;
  const batchSize = opts.batchSize ?? 500;
  const sweepEveryMs = opts.sweepEveryMs ?? 60_000;
  const sweepAfterMs = opts.sweepAfterMs ?? 60_000;
  const log = opts.log ?? ((line: string) => console.log(line));

  const pollOnce = () => sendUnsent(batchSize);
  const sweepOnce = () => resendMissing(batchSize, sweepAfterMs);

  const resent = await resendAllPending(batchSize);
  if (resent > 0) log(`[relay] re-enqueued ${resent} pending outbox row(s) on start`);

  // The sweep rides on the poll's run rather than a loop of its own: the two never overlap, stop() waits
  // for either, and the first sweep comes `sweepEveryMs` after start (which has just re-sent everything).
  let nextSweepAt = Date.now() + sweepEveryMs;
  let lastError = "";
  const loop = new PollLoop({
    run: async () => {
      const sent = await pollOnce();
      if (Date.now() >= nextSweepAt) {
        nextSweepAt = Date.now() + sweepEveryMs;
        const swept = await sweepOnce();
        if (swept > 0) log(`[relay] re-sent ${swept} outbox row(s) whose job was missing from Redis`);
      }
      return sent >= batchSize ? "more" : sent > 0 ? "some" : "none";
    },
    gapMs: pollMs,
    pollMs,
    retryMs: pollMs,
    onError: (err, failures) => {
      // Postgres or Redis briefly away: keep trying, but say it once rather than every poll.
      const message = err instanceof Error ? err.message : String(err);
      if (failures === 1 || message !== lastError) log(`[relay] poll failed, will retry: ${message}`);
      lastError = message;
    },
  });
  loop.start();

  return { stop: () => loop.stop(), pollOnce, sweepOnce };
}

async function sendUnsent(batchSize: number): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<OutboxRow[]>`
      SELECT id, queue, job_name, job_key, payload FROM outbox_event
      WHERE status = 'PENDING' AND enqueued_at IS NULL AND queue = ANY(${KNOWN_QUEUES}::text[])
      ORDER BY id LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return 0;
    // Sent while the rows are locked: a crash between here and COMMIT re-sends them, harmlessly (same jobId).
    await addJobs(rows);
    await markSent(tx, rows);
    return rows.length;
  });
}

async function resendAllPending(batchSize: number): Promise<number> {
  let after = 0n;
  let total = 0;
  for (;;) {
    const rows = await prisma.$queryRaw<OutboxRow[]>`
      SELECT id, queue, job_name, job_key, payload FROM outbox_event
      WHERE status = 'PENDING' AND id > ${after} AND queue = ANY(${KNOWN_QUEUES}::text[])
      ORDER BY id LIMIT ${batchSize}`;
    if (rows.length === 0) return total;
    await addJobs(rows);
    await markSent(prisma, rows);
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

async function resendMissing(batchSize: number, sweepAfterMs: number): Promise<number> {
  let after = 0n;
  let total = 0;
  const cutoff = new Date(Date.now() - sweepAfterMs);
  for (;;) {
    const rows = await prisma.$queryRaw<OutboxRow[]>`
      SELECT id, queue, job_name, job_key, payload FROM outbox_event
      WHERE status = 'PENDING' AND enqueued_at < ${cutoff} AND id > ${after}
        AND queue = ANY(${KNOWN_QUEUES}::text[])
      ORDER BY id LIMIT ${batchSize}`;
    if (rows.length === 0) return total;
    after = rows[rows.length - 1]!.id;
    const present = await Promise.all(rows.map((r) => getQueue(r.queue as QueueName).getJob(r.job_key)));
    const missing = rows.filter((_, i) => present[i] === undefined);
    if (missing.length > 0) {
      await addJobs(missing);
      await markSent(prisma, missing);
      total += missing.length;
    }
  }
}

async function addJobs(rows: OutboxRow[]): Promise<void> {
  const byQueue = new Map<QueueName, { name: string; data: unknown; opts: JobsOptions }[]>();
  for (const row of rows) {
    const name = row.queue as QueueName; // the SQL only selects known queues
    const list = byQueue.get(name) ?? [];
    list.push({ name: row.job_name, data: row.payload, opts: { jobId: row.job_key } });
    byQueue.set(name, list);
  }
  await Promise.all(
    [...byQueue].map(async ([name, jobs]) => {
      const queue = getQueue(name);
      const added = await queue.addBulk(jobs);
      // Postgres says these are still to do. A finished job under the same id is left over from before
      // (a database restored or reset while Redis kept its history): drop it and run the work again.
      const states = await Promise.all(added.map((job) => job.getState()));
      const stale = added.filter((_, i) => states[i] === "completed" || states[i] === "failed");
      for (const job of stale) {
        await job.remove();
        await queue.add(job.name, job.data, { jobId: job.id });
      }
    }),
  );
}

type RawExecutor = Pick<typeof prisma, "$executeRaw">;

async function markSent(db: RawExecutor, rows: OutboxRow[]): Promise<void> {
  const ids = rows.map((r) => r.id);
  await db.$executeRaw`
    UPDATE outbox_event SET enqueued_at = now(), attempts = attempts + 1
    WHERE id = ANY(${ids}::bigint[]) AND status = 'PENDING'`;
}
