import { prisma, readReplica, type Db } from "./db.server";

/**
 * Read-your-writes with a replica (docs/decisions/026): every non-GET request (an action, a sign-in)
 * leaves a short cookie on the browser, and for that long its lagging-allowed reads go to the primary,
 * so the page an action redirects to shows what was just done. Longer than the replay lag the replica is
 * allowed before it is taken out of service.
 */
export const READ_YOUR_WRITES_SECONDS = 10;
const COOKIE = "af_wrote";

/** The Set-Cookie value server.ts adds to a non-GET response (only when a replica is configured). */
export function wroteCookie(secure: boolean): string {
  return `${COOKIE}=1; Max-Age=${READ_YOUR_WRITES_SECONDS}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function wroteRecently(request: Request): boolean {
  const header = request.headers.get("cookie") ?? "";
  return header.split(";").some((c) => c.trim() === `${COOKIE}=1`);
}

/** The client for a page's lagging-allowed reads: the replica, unless this browser has just written. */
export function readerFor(request: Request): Db {
  return replicaConfigured() && !wroteRecently(request) ? readReplica : prisma;
}

export function replicaConfigured(): boolean {
  return readReplica !== prisma;
}
