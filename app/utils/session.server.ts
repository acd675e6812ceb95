import { createHash, randomBytes } from "node:crypto";
import { createCookie, type Cookie } from "@remix-run/node";
import { sessionState, needsTouch, type SessionLimits } from "~/domain/session-policy";
import { isLocale, localeFromAcceptLanguage, DEFAULT_LOCALE, type Locale } from "~/i18n/config";
import type { Prisma } from "~/generated/prisma/client";
import { prisma, type Tx } from "./db.server";
import { env } from "./env.server";
import { newId } from "./ids.server";
import { checkSessionSecret } from "./session-secret";

/**
 * Server-side sessions. The cookie carries a random 32-byte token (signed, httpOnly); the session itself
 * is a row in `user_session` keyed by the token's SHA-256, so signing out, an idle or absolute timeout,
 * deactivation or a change of rights ends it on the server, whatever copy of the cookie is out there.
 */

/** Production sends cookies over HTTPS only, unless the demo explicitly serves plain HTTP to localhost. */
export const cookiesSecure = env.NODE_ENV === "production" && !env.ALLOW_PLAIN_HTTP_ON_LOCALHOST;

export const sessionLimits: SessionLimits = {
  idleMs: env.SESSION_IDLE_MINUTES * 60_000,
  absoluteMs: env.SESSION_MAX_HOURS * 3_600_000,
};

let secrets: string[] | undefined;

/** The cookie-signing secret; in production a missing or weak one is an error (server.ts checks at start). */
export function sessionSecrets(): string[] {
  if (secrets) return secrets;
  if (env.NODE_ENV === "production") {
    const verdict = checkSessionSecret(env.SESSION_SECRET);
    if (!verdict.ok) throw new Error(verdict.reason);
    secrets = [env.SESSION_SECRET!.trim()];
  } else {
    // Development and tests never fall back to a secret written in the source: a random one per process.
    secrets = [env.SESSION_SECRET || randomBytes(32).toString("base64")];
  }
  return secrets;
}

let cookie: Cookie | undefined;

export function sessionCookie(): Cookie {
  // `__Host-` binds the cookie to this exact host over HTTPS (no Domain, Path=/, Secure).
  cookie ??= createCookie(cookiesSecure ? "__Host-af_session" : "af_session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: cookiesSecure,
    secrets: sessionSecrets(),
    maxAge: Math.floor(sessionLimits.absoluteMs / 1000),
  });
  return cookie;
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The session token the request's cookie carries, if it is well-formed and correctly signed. */
export async function readSessionToken(cookieHeader: string | null | undefined): Promise<string | null> {
  if (!cookieHeader) return null;
  const value: unknown = await sessionCookie().parse(cookieHeader);
  return typeof value === "string" && TOKEN_SHAPE.test(value) ? value : null;
}

export type NewSession = { id: string; token: string; setCookie: string };

/** A new session with a new token: called at every sign-in, so a token planted before sign-in is worthless. */
export async function createSession(
  db: Tx,
  { userId, ip, userAgent, now = new Date() }: { userId: string; ip?: string | null; userAgent?: string | null; now?: Date },
): Promise<NewSession> {
  const token = randomBytes(32).toString("base64url");
  const id = newId();
  await db.userSession.create({
    data: {
      id,
      tokenHash: hashSessionToken(token),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionLimits.absoluteMs),
      ip: ip?.slice(0, 64) ?? null,
      userAgent: userAgent?.slice(0, 300) ?? null,
    },
  });
  return { id, token, setCookie: await sessionCookie().serialize(token) };
}

/** A Set-Cookie header that removes the session cookie from the browser. */
export async function clearSessionCookie(): Promise<string> {
  return sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}

/** The user's fields every signed-in request carries (the SessionUser of auth.server, without the session id). */
export const sessionUserSelect = {
  id: true,
  email: true,
  name: true,
  roles: true,
  companyId: true,
  departmentId: true,
  locale: true,
  timeZone: true,
} as const;

export type ActiveSession = { id: string; userId: string; user: Prisma.UserGetPayload<{ select: typeof sessionUserSelect }> | null };

/**
 * The live session behind a token, with its user (null when the account was deactivated), or null. One
 * statement (the user joined in: every signed-in request asks this first). An idle or expired session is
 * marked revoked on the way (so it shows as ended in the user's list); last-seen is written at most once a minute.
 */
export async function findActiveSession(token: string, now = new Date()): Promise<ActiveSession | null> {
  const row = await prisma.userSession.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    select: { id: true, userId: true, createdAt: true, lastSeenAt: true, expiresAt: true, revokedAt: true, user: { select: { ...sessionUserSelect, active: true } } },
  });
  if (!row) return null;
  const state = sessionState(row, now, sessionLimits);
  if (state === "revoked") return null;
  if (state !== "active") {
    await prisma.userSession.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: now, revokedReason: state } });
    return null;
  }
  if (needsTouch(row.lastSeenAt, now)) {
    await prisma.userSession.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt: now } });
  }
  const { active, ...user } = row.user;
  return { id: row.id, userId: row.userId, user: active ? user : null };
}

/** Is this session still good? For long-lived streams that re-check now and then. */
export async function isSessionActive(sessionId: string, now = new Date()): Promise<boolean> {
  const row = await prisma.userSession.findUnique({
    where: { id: sessionId },
    select: { createdAt: true, lastSeenAt: true, expiresAt: true, revokedAt: true },
  });
  if (!row) return false;
  const state = sessionState(row, now, sessionLimits);
  // A stream keeps its page in use: idleness is judged by the page's own requests, not here.
  return state === "active" || state === "idle";
}

export async function revokeSessionByToken(db: Tx, token: string, reason: string, now = new Date()): Promise<{ id: string; userId: string } | null> {
  const row = await db.userSession.findUnique({ where: { tokenHash: hashSessionToken(token) }, select: { id: true, userId: true, revokedAt: true } });
  if (!row) return null;
  if (!row.revokedAt) await db.userSession.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  return { id: row.id, userId: row.userId };
}

/** Ends every live session of a user (sign out of all devices); returns how many. */
export async function revokeUserSessions(db: Tx, userId: string, reason: string, now = new Date(), { exceptId }: { exceptId?: string } = {}): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, revokedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

export async function revokeOwnSession(db: Tx, { userId, sessionId, reason, now = new Date() }: { userId: string; sessionId: string; reason: string; now?: Date }): Promise<boolean> {
  const { count } = await db.userSession.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  return count === 1;
}

export type SessionListItem = { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null };

/** A user's sessions that are still live, newest first. */
export async function listActiveSessions(userId: string, now = new Date()): Promise<SessionListItem[]> {
  const rows = await prisma.userSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, revokedAt: true, ip: true, userAgent: true },
  });
  return rows.filter((r) => sessionState(r, now, sessionLimits) === "active").map(({ revokedAt: _r, ...rest }) => rest);
}

/** The UI language, chosen by the person (or their browser); not secret, so a plain cookie. */
export const localeCookie = createCookie("af_lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: cookiesSecure,
  maxAge: 60 * 60 * 24 * 365,
});

export async function getLocale(request: Request, userLocale?: string): Promise<Locale> {
  const fromCookie: unknown = await localeCookie.parse(request.headers.get("Cookie"));
  if (isLocale(fromCookie)) return fromCookie;
  if (isLocale(userLocale)) return userLocale;
  return localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? DEFAULT_LOCALE;
}
