/**
 * Erlang C: how many servers (accountants) a queue with random arrivals needs (M/M/N, first come
 * first served, nobody gives up). Traffic A = λ · AHT in erlangs; with N servers an arrival waits
 * with probability P_w = C(N, A), waits on average ASA = P_w · AHT / (N − A), and is served within t
 * with probability SL(t) = 1 − P_w · e^{−(N − A) · t / AHT}. With A ≥ N the queue grows without end.
 *
 * C is computed from Erlang B with the recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), then
 * C = N·B / (N − A·(1 − B)): no factorials or powers, so it stays exact to double precision for
 * thousands of servers where the textbook formula overflows.
 */

function assertTraffic(traffic: number): void {
  if (!Number.isFinite(traffic) || traffic < 0) throw new RangeError(`traffic must be a finite number ≥ 0 erlangs, got ${traffic}`);
}

function assertServers(servers: number): void {
  if (!Number.isInteger(servers) || servers < 0) throw new RangeError(`servers must be a whole number ≥ 0, got ${servers}`);
}

function assertPositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${what} must be a finite number > 0, got ${value}`);
}

/** Erlang B: the share of arrivals blocked when N servers have no queue. */
export function erlangB(servers: number, traffic: number): number {
  assertServers(servers);
  assertTraffic(traffic);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Erlang C: the probability that an arrival has to wait (all N servers busy). 1 when A ≥ N. */
export function erlangC(servers: number, traffic: number): number {
  assertServers(servers);
  assertTraffic(traffic);
  if (traffic === 0) return 0;
  if (traffic >= servers) return 1;
  const b = erlangB(servers, traffic);
  return (servers * b) / (servers - traffic * (1 - b));
}

/** Average speed of answer (mean wait over all arrivals), in the unit of `aht`. Infinity when A ≥ N. */
export function averageSpeedOfAnswer(servers: number, traffic: number, aht: number): number {
  assertPositive(aht, "aht");
  if (traffic === 0) return 0;
  if (traffic >= servers) return Number.POSITIVE_INFINITY;
  return (erlangC(servers, traffic) * aht) / (servers - traffic);
}

/** P(wait ≤ t): the service level with N servers; `t` in the unit of `aht`. 0 when A ≥ N (except A = 0). */
export function serviceLevel(servers: number, traffic: number, aht: number, t: number): number {
  assertPositive(aht, "aht");
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`t must be a finite number ≥ 0, got ${t}`);
  if (traffic === 0) return 1;
  if (traffic >= servers) return 0;
  return 1 - erlangC(servers, traffic) * Math.exp((-(servers - traffic) * t) / aht);
}

/** Beyond this many servers above the traffic the goal is treated as unreachable (a misconfiguration). */
const MAX_EXTRA_SERVERS = 10_000;

/**
 * The smallest N whose service level P(wait ≤ t) reaches `goal` (0 < goal < 1). 0 when there is no
 * traffic. Always more than A, since fewer servers than the traffic can never keep up.
 */
export function serversNeeded({ traffic, aht, t, goal }: { traffic: number; aht: number; t: number; goal: number }): number {
  assertTraffic(traffic);
  assertPositive(aht, "aht");
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`t must be a finite number ≥ 0, got ${t}`);
  if (!(goal > 0 && goal < 1)) throw new RangeError(`goal must be strictly between 0 and 1, got ${goal}`);
  if (traffic === 0) return 0;
  const first = Math.floor(traffic) + 1;
  for (let n = first; n <= first + MAX_EXTRA_SERVERS; n++) {
    if (serviceLevel(n, traffic, aht, t) >= goal) return n;
  }
  throw new RangeError(`no staffing up to ${first + MAX_EXTRA_SERVERS} servers reaches a service level of ${goal}`);
}

export type QueueFigures = {
  servers: number;
  /** A / N: the share of time each server is busy; ≥ 1 means the queue never empties. */
  occupancy: number;
  /** P_w; 1 when unstable. */
  probabilityOfWaiting: number;
  /** In the unit of `aht`; Infinity when unstable. */
  averageSpeedOfAnswer: number;
  /** P(wait ≤ t); 0 when unstable. */
  serviceLevel: number;
  stable: boolean;
};

/** Every figure for one staffing level, for tables that put "needed" next to "now". */
export function queueFigures({ servers, traffic, aht, t }: { servers: number; traffic: number; aht: number; t: number }): QueueFigures {
  assertServers(servers);
  const stable = traffic === 0 || traffic < servers;
  return {
    servers,
    occupancy: servers === 0 ? (traffic > 0 ? Number.POSITIVE_INFINITY : 0) : traffic / servers,
    probabilityOfWaiting: erlangC(servers, traffic),
    averageSpeedOfAnswer: averageSpeedOfAnswer(servers, traffic, aht),
    serviceLevel: serviceLevel(servers, traffic, aht, t),
    stable,
  };
}
