import { Queue, type JobsOptions } from "bullmq";
import type { QueueName } from "~/domain/jobs";
import { createRedis, queuePrefix, type RedisClient } from "./redis.server";
import { onShutdown } from "./shutdown.server";

export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

let connection: RedisClient | undefined;
const queues = new Map<QueueName, Queue>();

export function sharedQueueConnection(): RedisClient {
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
      // Hash-tagged: BullMQ's scripts touch several keys of a queue at once (Cluster needs one slot).
      prefix: queuePrefix(name),
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
