import type { Tx } from "~/utils/db.server";
import type { QueueName } from "~/utils/queue.server";

export type OutboxJob = {
  queue: QueueName;
  jobName: string;
  /** Business key, used as the BullMQ jobId: enqueuing the same key twice is a no-op. */
  jobKey: string;
  payload: Record<string, string | number | boolean | null>;
};

/**
 * Records a job in the same transaction as the change that causes it. The relay (workers/relay.ts)
 * moves it to BullMQ after the commit; a rolled-back change never produces a job.
 */
export async function enqueueInTransaction(tx: Tx, job: OutboxJob): Promise<void> {
  await tx.outboxEvent.createMany({
    data: [{ queue: job.queue, jobName: job.jobName, jobKey: job.jobKey, payload: job.payload }],
    skipDuplicates: true,
  });
}

/** Called by a worker inside the transaction that records the job's effect, so "done" and the effect commit together. */
export async function markOutboxDone(tx: Tx, jobKey: string): Promise<void> {
  await tx.outboxEvent.updateMany({
    where: { jobKey, status: "PENDING" },
    data: { status: "DONE", doneAt: new Date() },
  });
}
