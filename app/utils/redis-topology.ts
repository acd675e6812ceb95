/**
 * Which Redis the app talks to, from configuration (docs/decisions/026): one server (REDIS_URL, the
 * default), a master watched by Sentinels (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or a Cluster
 * (REDIS_CLUSTER_NODES). Pure: env.server.ts validates with it, redis.server.ts connects with it.
 */
export type RedisEndpoint = { host: string; port: number };

export type RedisTopology =
  | { mode: "single"; url: string }
  | { mode: "sentinel"; sentinels: RedisEndpoint[]; name: string; db: number; auth: RedisAuth; sentinelPassword?: string }
  | { mode: "cluster"; nodes: RedisEndpoint[]; auth: RedisAuth };

export type RedisAuth = { username?: string; password?: string; tls: boolean };

export type RedisSettings = {
  REDIS_URL: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_CLUSTER_NODES?: string;
};

/** "host:port,host:port" → endpoints; throws one clear sentence on anything else. */
export function parseEndpoints(list: string, what: string): RedisEndpoint[] {
  const items = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`${what} is empty (expected host:port,host:port,…)`);
  return items.map((item) => {
    // [::1]:7000 for IPv6, host:port otherwise.
    const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65_535) throw new Error(`${what}: "${item}" is not host:port`);
    return { host: (m[1] ?? m[2])!, port };
  });
}

/**
 * The topology the settings describe. Sentinel and Cluster take the password, user name and TLS
 * from REDIS_URL (redis://user:secret@…, rediss:// for TLS), so a secret is configured in one place.
 */
export function redisTopology(s: RedisSettings): RedisTopology {
  const sentinels = s.REDIS_SENTINELS?.trim();
  const cluster = s.REDIS_CLUSTER_NODES?.trim();
  if (sentinels && cluster) throw new Error("set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both");
  if (!sentinels && !cluster) return { mode: "single", url: s.REDIS_URL };
  const url = new URL(s.REDIS_URL);
  const auth: RedisAuth = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    tls: url.protocol === "rediss:",
  };
  if (cluster) {
    // A cluster has only database 0: keep environments apart with QUEUE_PREFIX instead.
    const db = url.pathname.replace(/^\//, "");
    if (db && db !== "0") throw new Error(`REDIS_URL names database ${db}, but a Redis Cluster has only database 0 (separate environments with QUEUE_PREFIX)`);
    return { mode: "cluster", nodes: parseEndpoints(cluster, "REDIS_CLUSTER_NODES"), auth };
  }
  const name = s.REDIS_SENTINEL_NAME?.trim();
  if (!name) throw new Error("REDIS_SENTINELS needs REDIS_SENTINEL_NAME (the master's name in the Sentinels' configuration)");
  const db = Number(url.pathname.replace(/^\//, "") || "0");
  if (!Number.isInteger(db) || db < 0) throw new Error(`REDIS_URL: "${url.pathname}" is not a database number`);
  return {
    mode: "sentinel",
    sentinels: parseEndpoints(sentinels!, "REDIS_SENTINELS"),
    name,
    db,
    auth,
    ...(s.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: s.REDIS_SENTINEL_PASSWORD } : {}),
  };
}

/**
 * BullMQ's key prefix for one queue: `<QUEUE_PREFIX>:{<queue>}`. The braces are a Cluster hash tag, so
 * every key of a queue (and every Lua script BullMQ runs over them) lands in one slot, while the
 * queues spread over the masters. Used in every mode, so the key layout never depends on the topology.
 */
export function queueKeyPrefix(prefix: string, queue: string): string {
  return `${prefix}:{${queue}}`;
}
