/**
 * Is this error a dependency that is away for a moment (Postgres restarting or unreachable, Redis
 * down), rather than a bug? Such errors become a 503 "try again" page with Retry-After, never a stack
 * trace (server.ts wraps every loader and action). Reads the shapes seen on this stack: Prisma's known
 * request errors (P1001 "can't reach", P1017 "server closed the connection", P2024 pool timeout, P2010
 * raw-query failures carrying the driver's SQLSTATE), node-postgres and socket errors (57P01 admin
 * shutdown, 57P03 starting up, class 08 connection exceptions, ECONNREFUSED …), and ioredis's
 * "Connection is closed" / max-retries errors. The cause chain is followed.
 */

const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** SQLSTATEs of a server going away: admin shutdown, crash shutdown, cannot connect now, and class 08. */
const UNAVAILABLE_SQLSTATE = /^(57P0[123]|08\d{3}|53300)$/;
const MESSAGES = [
  /Can't reach database server/i,
  /Connection terminated/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Server has closed the connection/i,
  /Timed out fetching a new connection from the connection pool/i,
  /\bECONNREFUSED\b|\bECONNRESET\b/,
  // ioredis
  /^Connection is closed\.?$/,
  /Reached the max retries per request limit/i,
  /Stream isn't writeable and enableOfflineQueue options is false/i,
];
const SQLSTATE_IN_MESSAGE = /Code: `([0-9A-Z]{5})`/;

type ErrorLike = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; meta?: unknown };

export function isServiceUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const x = e as ErrorLike;
    const code = typeof x.code === "string" ? x.code : "";
    if (x.name === "PrismaClientInitializationError") return true;
    if (PRISMA_UNAVAILABLE.has(code)) return true;
    if (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (x.name === "MaxRetriesPerRequestError") return true;
    const message = typeof x.message === "string" ? x.message : "";
    const meta = x.meta && typeof x.meta === "object" ? (x.meta as Record<string, unknown>) : {};
    const sqlstate = typeof meta.code === "string" ? meta.code : SQLSTATE_IN_MESSAGE.exec(message)?.[1];
    if (sqlstate && UNAVAILABLE_SQLSTATE.test(sqlstate)) return true;
    if (MESSAGES.some((m) => m.test(message))) return true;
    e = x.cause;
  }
  return false;
}

/** Seconds a client is asked to wait before trying again (a Postgres restart or failover takes a few). */
export const RETRY_AFTER_SECONDS = 5;
