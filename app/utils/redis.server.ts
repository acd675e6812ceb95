import { Redis } from "ioredis";
import { env } from "./env.server";

/** A new connection; BullMQ workers need `maxRetriesPerRequest: null`. */
export function createRedis(purpose: "queue" | "worker" | "subscriber" = "queue"): Redis {
  return new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: purpose === "queue" ? 3 : null,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}
