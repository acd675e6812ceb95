import type { JobDefinition, JobPayload } from "~/domain/jobs";

/** What a handler knows about the BullMQ job besides its payload. */
export type JobContext = {
  /** The job id, which is its outbox key: handlers mark that row done with their effect. */
  jobId: string;
};

/**
 * How one job (a definition in app/domain/jobs.ts) is run. The worker runner (workers/run-worker.ts)
 * parses the payload with the definition's schema, calls `run`, logs `describe(result)` and, once
 * BullMQ gives up on a job, calls `onFinalFailure`.
 */
export type JobHandler<D extends JobDefinition = JobDefinition, R = unknown> = {
  readonly job: D;
  run(payload: JobPayload<D>, ctx: JobContext): Promise<R>;
  /** The completed job's log line (after queue, name and id); null: not worth a line. */
  describe?(result: R): string | null;
  /** Retries used up, unrecoverable, or it stalled its worker too often: say so where people look. */
  onFinalFailure?(payload: JobPayload<D>, err: Error): Promise<void>;
};

export function defineHandler<D extends JobDefinition, R>(
  job: D,
  run: (payload: JobPayload<D>, ctx: JobContext) => Promise<R>,
  extras: Pick<JobHandler<D, R>, "describe" | "onFinalFailure"> = {},
): JobHandler<D, R> {
  return { job, run, ...extras };
}
