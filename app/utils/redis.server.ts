import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { env } from "./env.server";
import { queueKeyPrefix, redisTopology, type RedisTopology } from "./redis-topology";

/** What every caller holds: one server (single or through Sentinel) or a Cluster; both speak the same commands. */
export type RedisClient = Redis | Cluster;

export type RedisPurpose = "queue" | "worker" | "subscriber";

let topology: RedisTopology | undefined;

/** The configured topology (validated when env.server.ts parsed the environment). */
export function redisMode(): RedisTopology["mode"] {
  return (topology ??= redisTopology(env)).mode;
}

/**
 * The one way to a Redis connection (docs/decisions/026): a new one for the configured topology.
 * BullMQ workers and subscribers need `maxRetriesPerRequest: null` (they wait on blocking commands
 * and must wait out an outage); commands from requests give up after 3 retries.
 */
export function createRedis(purpose: RedisPurpose = "queue", t: RedisTopology = (topology ??= redisTopology(env))): RedisClient {
  const common: RedisOptions = {
    maxRetriesPerRequest: purpose === "queue" ? 3 : null,
    enableReadyCheck: true,
    lazyConnect: false,
  };
  if (t.mode === "single") return new Redis(t.url, common);
  const auth: RedisOptions = {
    ...(t.auth.username ? { username: t.auth.username } : {}),
    ...(t.auth.password ? { password: t.auth.password } : {}),
    ...(t.auth.tls ? { tls: {} } : {}),
  };
  if (t.mode === "sentinel") {
    return new Redis({
      ...common,
      ...auth,
      sentinels: t.sentinels,
      name: t.name,
      db: t.db,
      ...(t.sentinelPassword ? { sentinelPassword: t.sentinelPassword } : {}),
      // After a failover the old master may answer as a replica for a moment: reconnect on READONLY.
      reconnectOnError: (err) => err.message.startsWith("READONLY"),
    });
  }
  const options: ClusterOptions = {
    redisOptions: { ...common, ...auth },
    // Subscribers and BullMQ's blocking connections wait out a failover instead of failing.
    clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
    enableReadyCheck: true,
    ...(purpose === "queue" ? { maxRedirections: 16 } : {}),
    ...(t.auth.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new Cluster(t.nodes, options);
}

/** BullMQ's prefix for a queue: hash-tagged (one slot per queue), in every mode. */
export function queuePrefix(queue: string, prefix: string = env.QUEUE_PREFIX): string {
  return queueKeyPrefix(prefix, queue);
}
