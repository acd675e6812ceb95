import { UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { boardSnapshotJob, SNAPSHOT_SCHEDULES, type BoardSnapshotResult } from "~/jobs/board-snapshot";
import { taskEventJob, type TaskEventOutcome } from "~/jobs/task-event";
import { SSC_TIME_ZONE } from "~/domain/metrics";
import type { BoardChange } from "~/contracts/board";
import { boardChannel } from "~/models/board-publisher.server";
import { env } from "~/utils/env.server";
import { getQueue, QUEUES } from "~/utils/queue.server";
import { createRedis } from "~/utils/redis.server";

export type MetricsResult = ({ job: "task-event" } & TaskEventOutcome) | ({ job: "board-snapshot" } & BoardSnapshotResult);

/**
 * Announces board changes, at most one message per `windowMs`: the first change goes out at once
 * (a finished task must reach the board within a second), a burst after it becomes one trailing message.
 */
export class BoardPublisher {
  private last = 0;
  private pending: BoardChange | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly windowMs = 100,
  ) {}

  publish(change: BoardChange): void {
    const wait = this.last + this.windowMs - Date.now();
    if (wait <= 0 && !this.timer) {
      this.send(change);
      return;
    }
    this.pending = change;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const next = this.pending;
      this.pending = null;
      if (next) this.send(next);
    }, Math.max(wait, 0));
  }

  private send(change: BoardChange): void {
    this.last = Date.now();
    this.redis.publish(this.channel, JSON.stringify(change)).catch((err: unknown) => {
      console.warn(`[metrics] board announcement failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Sends what is still pending (on shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.pending;
    this.pending = null;
    if (next) await this.redis.publish(this.channel, JSON.stringify(next));
  }
}

/**
 * The BullMQ worker for queue "metrics": task events (rollups, live counters, board announcements)
 * and the hourly/daily backlog snapshots, whose schedulers are declared here on every start.
 */
export async function startMetricsWorker(opts: { concurrency?: number } = {}): Promise<Worker<unknown, MetricsResult>> {
  const queue = getQueue(QUEUES.metrics);
  for (const kind of ["hourly", "daily"] as const) {
    const s = SNAPSHOT_SCHEDULES[kind];
    await queue.upsertJobScheduler(s.id, { pattern: s.pattern, tz: SSC_TIME_ZONE }, { name: boardSnapshotJob.name, data: { kind } });
  }
  const redis = createRedis("queue");
  const publisher = new BoardPublisher(redis, boardChannel(env.QUEUE_PREFIX));
  const worker = new Worker<unknown, MetricsResult>(
    QUEUES.metrics,
    async (job) => {
      if (job.name === taskEventJob.name) {
        const payload = taskEventJob.payloadSchema.safeParse(job.data);
        if (!payload.success) throw new UnrecoverableError(`bad payload: ${payload.error.message}`);
        if (!job.id) throw new UnrecoverableError("task event without a job id");
        const outcome = await taskEventJob.handler(payload.data, job.id, { redis, prefix: env.QUEUE_PREFIX, publish: (c) => publisher.publish(c) });
        return { job: "task-event", ...outcome };
      }
      if (job.name === boardSnapshotJob.name) {
        const payload = boardSnapshotJob.payloadSchema.safeParse(job.data);
        if (!payload.success) throw new UnrecoverableError(`bad payload: ${payload.error.message}`);
        return { job: "board-snapshot", ...(await boardSnapshotJob.handler(payload.data)) };
      }
      throw new UnrecoverableError(`unknown job name ${job.name}`);
    },
    {
      connection: createRedis("worker"),
      prefix: env.QUEUE_PREFIX,
      concurrency: opts.concurrency ?? 4,
      lockDuration: env.WORKER_LOCK_MS,
    },
  );
  worker.on("closed", () => {
    void publisher
      .flush()
      .catch(() => undefined)
      .finally(() => redis.quit().catch(() => undefined));
  });
  return worker;
}
