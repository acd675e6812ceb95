import { describe, expect, it } from "vitest";
import { parseEndpoints, queueKeyPrefix, redisTopology } from "./redis-topology";

describe("redisTopology", () => {
  it("is the one server of REDIS_URL when neither Sentinels nor a Cluster is set", () => {
    expect(redisTopology({ REDIS_URL: "redis://127.0.0.1:6379/2" })).toEqual({ mode: "single", url: "redis://127.0.0.1:6379/2" });
    expect(redisTopology({ REDIS_URL: "redis://r:6379/0", REDIS_SENTINELS: " ", REDIS_CLUSTER_NODES: "" }).mode).toBe("single");
  });

  it("reads a Cluster's nodes and takes the password and TLS from REDIS_URL", () => {
    expect(redisTopology({ REDIS_URL: "rediss://app:s%40cret@ignored:1/0", REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001,[::1]:7002" })).toEqual({
      mode: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "redis-b", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      auth: { username: "app", password: "s@cret", tls: true },
    });
  });

  it("refuses a Cluster with a database number other than 0", () => {
    expect(() => redisTopology({ REDIS_URL: "redis://127.0.0.1:6379/3", REDIS_CLUSTER_NODES: "a:7000" })).toThrow(/only database 0/);
  });

  it("reads Sentinels, the master's name, the database and the Sentinels' own password", () => {
    expect(redisTopology({ REDIS_URL: "redis://:pw@x/5", REDIS_SENTINELS: "s1:26379,s2:26379", REDIS_SENTINEL_NAME: "af", REDIS_SENTINEL_PASSWORD: "spw" })).toEqual({
      mode: "sentinel",
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26379 },
      ],
      name: "af",
      db: 5,
      auth: { password: "pw", tls: false },
      sentinelPassword: "spw",
    });
  });

  it("refuses half or contradictory configurations with one sentence", () => {
    expect(() => redisTopology({ REDIS_URL: "redis://x/0", REDIS_SENTINELS: "s1:26379" })).toThrow(/REDIS_SENTINEL_NAME/);
    expect(() => redisTopology({ REDIS_URL: "redis://x/0", REDIS_SENTINELS: "s1:26379", REDIS_CLUSTER_NODES: "a:7000" })).toThrow(/not both/);
  });

  it("refuses endpoints that are not host:port", () => {
    expect(() => parseEndpoints("a:7000,b", "REDIS_CLUSTER_NODES")).toThrow('REDIS_CLUSTER_NODES: "b" is not host:port');
    expect(() => parseEndpoints("a:0", "X")).toThrow(/not host:port/);
    expect(() => parseEndpoints("a:70000", "X")).toThrow(/not host:port/);
    expect(() => parseEndpoints(" , ", "X")).toThrow(/empty/);
  });
});

describe("queueKeyPrefix", () => {
  it("hash-tags the queue so all of its keys share a Cluster slot", () => {
    expect(queueKeyPrefix("af", "imaging")).toBe("af:{imaging}");
  });
});
