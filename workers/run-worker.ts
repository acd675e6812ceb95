/**
 * The one way to run a queue's jobs: given the queue and the handlers of its jobs (app/jobs/), it
 * creates the BullMQ worker, parses every payload with its job's schema (app/domain/jobs.ts) before
 * the handler sees it — an unknown job or a payload that does not parse is unrecoverable: retrying
 * cannot fix it — and logs every outcome in one format. Closing is the caller's: workers/index.ts
 * closes every worker on SIGTERM, tests close theirs.
 */
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from "bullmq";
import type { JobDefinition, JobInput, QueueName } from "~/domain/jobs";
import type { JobHandler } from "~/jobs/job-handler";
import { env } from "~/utils/env.server";
import { defaultJobOptions, getQueue } from "~/utils/queue.server";
import { createRedis, queuePrefix } from "~/utils/redis.server";

export type WorkerLog = { info(line: string): void; warn(line: string): void; error(line: string): void };

const consoleLog: WorkerLog = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

type ResultOf<H> = H extends JobHandler<JobDefinition, infer R> ? R : never;

export type WorkerSpec<H extends readonly JobHandler[]> = {
  queue: QueueName;
  /** One per job name on this queue. */
  handlers: H;
  concurrency: number;
  /** Lock and stalled-check tuning; the lock defaults to WORKER_LOCK_MS. */
  options?: Pick<WorkerOptions, "lockDuration" | "stalledInterval" | "maxStalledCount">;
  log?: WorkerLog;
};

// BullMQ's message when the stalled checker fails a job instead of retrying it.
const STALLED_TOO_OFTEN = /stalled more than allowable limit/i;

/** True when BullMQ will not run this job again: retries used up, unrecoverable, or it kept killing its worker. */
export function isFinalFailure(job: { attemptsMade: number; opts: { attempts?: number } }, err: Error): boolean {
  const attempts = job.opts.attempts ?? defaultJobOptions.attempts ?? 1;
  return job.attemptsMade >= attempts || err instanceof UnrecoverableError || err.name === "UnrecoverableError" || STALLED_TOO_OFTEN.test(err.message);
}

function handlersByName<H extends readonly JobHandler[]>(queue: QueueName, handlers: H): Map<string, H[number]> {
  const byName = new Map<string, H[number]>();
  for (const h of handlers) {
    if (h.job.queue !== queue) throw new Error(`job ${h.job.name} belongs to queue ${h.job.queue}, not ${queue}`);
    if (byName.has(h.job.name)) throw new Error(`two handlers for job ${h.job.name}`);
    byName.set(h.job.name, h);
  }
  return byName;
}

type JobLike = Pick<Job, "id" | "name" | "data">;

/** The processor: finds the job's handler by name, parses the payload, runs it. */
export function jobProcessor<H extends readonly JobHandler[]>(queue: QueueName, handlers: H): (job: JobLike) => Promise<ResultOf<H[number]>> {
  const byName = handlersByName(queue, handlers);
  return async (job) => {
    const handler = byName.get(job.name);
    if (!handler) throw new UnrecoverableError(`unknown job name ${job.name}`);
    const payload = handler.job.payload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad payload: ${payload.error.message}`);
    if (!job.id) throw new UnrecoverableError(`${job.name} without a job id`);
    return (await handler.run(payload.data, { jobId: job.id })) as ResultOf<H[number]>;
  };
}

type WorkerEvents = Pick<Worker, "on">;

/** One line per outcome, `[queue] <what happened> (<job name> <job id>, …)`; the handler's onFinalFailure once BullMQ gives up. */
export function attachListeners(worker: WorkerEvents, queue: QueueName, handlers: readonly JobHandler[], log: WorkerLog = consoleLog): void {
  const byName = handlersByName(queue, handlers);
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  worker.on("completed", (job, result) => {
    const line = byName.get(job.name)?.describe?.(result);
    if (!line) return;
    const ms = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : 0;
    log.info(`[${queue}] ${line} (${job.name} ${job.id}, ${ms}ms)`);
  });
  worker.on("failed", (job, err) => {
    if (!job) {
      log.error(`[${queue}] failed (unknown job): ${err.message}`);
      return;
    }
    const final = isFinalFailure(job, err);
    log.error(`[${queue}] failed (${job.name} ${job.id}, attempt ${job.attemptsMade}/${job.opts.attempts ?? defaultJobOptions.attempts ?? 1}${final ? ", giving up" : ""}): ${err.message}`);
    const handler = byName.get(job.name);
    if (!final || !handler?.onFinalFailure) return;
    const payload = handler.job.payload.safeParse(job.data);
    if (!payload.success) return;
    handler.onFinalFailure(payload.data, err).catch((e: unknown) => log.error(`[${queue}] could not record the failure (${job.name} ${job.id}): ${message(e)}`));
  });
  // Without a listener an ioredis error event would crash the process; BullMQ reconnects by itself.
  worker.on("error", (err) => log.error(`[${queue}] worker error: ${err.message}`));
  worker.on("stalled", (jobId) => log.warn(`[${queue}] stalled ${jobId}: its worker stopped; retrying`));
}

/** Starts the queue's worker on a connection of its own, closed with the worker. */
export function runWorker<const H extends readonly JobHandler[]>(spec: WorkerSpec<H>): Worker<unknown, ResultOf<H[number]>> {
  const connection = createRedis("worker");
  const worker = new Worker<unknown, ResultOf<H[number]>>(spec.queue, jobProcessor(spec.queue, spec.handlers), {
    connection,
    prefix: queuePrefix(spec.queue),
    concurrency: spec.concurrency,
    ...spec.options,
    lockDuration: spec.options?.lockDuration ?? env.WORKER_LOCK_MS,
  });
  attachListeners(worker, spec.queue, spec.handlers, spec.log);
  worker.on("closed", () => connection.disconnect());
  return worker;
}

/** A job run on a timetable: a BullMQ job scheduler whose id is the job's key. */
export type Schedule = { job: JobDefinition; payload: unknown; repeat: { every: number } | { pattern: string; tz?: string } };

export function schedule<D extends JobDefinition>(job: D, payload: JobInput<D>, repeat: Schedule["repeat"]): Schedule {
  return { job, payload, repeat };
}

/** Declares (upserts) the schedulers on every start, so a flushed Redis only delays the next run. */
export async function declareSchedules(schedules: readonly Schedule[]): Promise<void> {
  for (const s of schedules) {
    const data = s.job.payload.parse(s.payload) as Record<string, unknown>;
    await getQueue(s.job.queue).upsertJobScheduler(s.job.key(data), s.repeat, { name: s.job.name, data });
  }
}
