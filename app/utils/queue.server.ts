import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { QueueName } from "~/domain/jobs";
import { env } from "./env.server";
import { createRedis } from "./redis.server";
import { onShutdown } from "./shutdown.server";

export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

let connection: Redis | undefined;
const queues = new Map<QueueName, Queue>();

export function sharedQueueConnection(): Redis {
  if (!connection) {
    connection = createRedis("queue");
    onShutdown(closeQueues);
  }
  return connection;
}

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, {
      connection: sharedQueueConnection(),
      prefix: env.QUEUE_PREFIX,
      defaultJobOptions,
    });
    queues.set(name, queue);
  }
  return queue;
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  if (connection) {
    await connection.quit().catch(() => undefined);
    connection = undefined;
  }
}
