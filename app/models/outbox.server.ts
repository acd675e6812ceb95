import type { JobDefinition, JobInput } from "~/domain/jobs";
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

/**
 * The one way to start a job: records it in the same transaction as the change that causes it. The
 * relay (workers/relay.ts) moves it to BullMQ after the commit; a rolled-back change never produces a
 * job. The payload is checked against the job's schema here, so the outbox never holds one its worker
 * would refuse; the key (the BullMQ job id) comes from the definition unless `key` is given (for
 * events that happen more than once, like a reassignment). The same key twice is one job.
 */
export async function enqueueJob<D extends JobDefinition>(tx: Tx, job: D, payload: JobInput<D>, opts: { key?: string } = {}): Promise<void> {
  const data = job.payload.parse(payload) as Prisma.InputJsonObject;
  await tx.outboxEvent.createMany({
    data: [{ queue: job.queue, jobName: job.name, jobKey: opts.key ?? job.key(data), payload: data }],
    skipDuplicates: true,
  });
}

/**
 * The outbox row enqueueJob would write, checked the same way, for a statement that writes it together
 * with the change that causes it (one round trip: data-modifying CTEs).
 */
export function outboxRow<D extends JobDefinition>(job: D, payload: JobInput<D>, opts: { key?: string } = {}): { queue: string; jobName: string; jobKey: string; payload: Prisma.InputJsonObject } {
  const data = job.payload.parse(payload) as Prisma.InputJsonObject;
  return { queue: job.queue, jobName: job.name, jobKey: opts.key ?? job.key(data), payload: data };
}

export type OutboxRow = ReturnType<typeof outboxRow>;

/**
 * The INSERT of outbox rows (each from `outboxRow`, so checked by its job's schema) for a statement that
 * writes them with the change that causes them: a data-modifying CTE. The same key twice is one job, as
 * with enqueueJob. Returns the ids of the rows written.
 */
export function outboxInsertSql(rows: readonly [OutboxRow, ...OutboxRow[]]): Prisma.Sql {
  return Prisma.sql`INSERT INTO outbox_event (queue, job_name, job_key, payload)
    VALUES ${Prisma.join(rows.map((r) => Prisma.sql`(${r.queue}, ${r.jobName}, ${r.jobKey}, ${JSON.stringify(r.payload)}::jsonb)`))}
    ON CONFLICT (job_key) DO NOTHING
    RETURNING id`;
}

/** Many jobs of one definition in one statement per few thousand (a statement settling thousands of payments). */
export async function enqueueJobs<D extends JobDefinition>(tx: Tx, job: D, payloads: readonly JobInput<D>[]): Promise<void> {
  const CHUNK = 5_000;
  for (let i = 0; i < payloads.length; i += CHUNK) {
    const data = payloads.slice(i, i + CHUNK).map((p) => {
      const payload = job.payload.parse(p) as Prisma.InputJsonObject;
      return { queue: job.queue, jobName: job.name, jobKey: job.key(payload), payload };
    });
    await tx.outboxEvent.createMany({ data, skipDuplicates: true });
  }
}

/** Called by a worker inside the transaction that records the job's effect, so "done" and the effect commit together. */
export async function markOutboxDone(tx: Tx, jobKey: string | readonly string[]): Promise<void> {
  await tx.outboxEvent.updateMany({
    where: { jobKey: typeof jobKey === "string" ? jobKey : { in: [...jobKey] }, status: "PENDING" },
    data: { status: "DONE", doneAt: new Date() },
  });
}
