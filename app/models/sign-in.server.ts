/**
 * Signing in and out, with the throttle and the security log. Throttling lives here, inside the sign-in
 * itself, keyed on the account and on the client address, so no URL spelling or proxy path gets around
 * it. Every sign-in, failure, refusal, lock and sign-out is an `auth.*` event in the audit log.
 */
import { ACCOUNT_RULE, ADDRESS_RULE, afterFailure, mayAttempt, type ThrottleRow, type ThrottleRule } from "~/domain/login-throttle";
import { verifyLogin } from "~/utils/auth.server";
import { prisma, type Tx } from "~/utils/db.server";
import { createSession, readSessionToken, revokeOwnSession, revokeSessionByToken, revokeUserSessions } from "~/utils/session.server";
import { recordAudit } from "./audit.server";

export type ClientFacts = { address: string; userAgent: string | null };

export type SignInResult =
  | { ok: true; userId: string; sessionId: string; setCookie: string }
  | { ok: false; code: "invalid" }
  | { ok: false; code: "throttled" | "locked"; retryAt: Date };

type Keyed = { key: string; rule: ThrottleRule; row: ThrottleRow | null };

function accountKey(email: string): string {
  return `account:${email.trim().toLowerCase().slice(0, 200)}`;
}

function addressKey(address: string): string {
  return `address:${address.slice(0, 64)}`;
}

/** Locks the throttle rows of both keys for this transaction (fixed order: no deadlock between two sign-ins). */
async function lockThrottle(tx: Tx, keys: { key: string; rule: ThrottleRule }[]): Promise<Keyed[]> {
  const names = keys.map((k) => k.key).sort();
  await tx.loginThrottle.createMany({ data: names.map((key) => ({ key })), skipDuplicates: true });
  const rows = await tx.$queryRaw<{ key: string; failures: number; last_failure_at: Date | null; locked_until: Date | null }[]>`
    SELECT "key", "failures", "last_failure_at", "locked_until" FROM "login_throttle" WHERE "key" = ANY(${names}) ORDER BY "key" FOR UPDATE`;
  return keys.map(({ key, rule }) => {
    const r = rows.find((x) => x.key === key);
    return { key, rule, row: r ? { failures: r.failures, lastFailureAt: r.last_failure_at, lockedUntil: r.locked_until } : null };
  });
}

export async function signIn({
  email,
  password,
  client,
  previousCookie,
  now = new Date(),
}: {
  email: string;
  password: string;
  client: ClientFacts;
  /** The Cookie header the sign-in came with: a session it names is ended (a new id at every sign-in). */
  previousCookie?: string | null;
  now?: Date;
}): Promise<SignInResult> {
  const account = email.trim().toLowerCase();
  const where = { account, address: client.address, userAgent: client.userAgent };
  const previousToken = await readSessionToken(previousCookie);
  return prisma.$transaction(
    async (tx) => {
      const keyed = await lockThrottle(tx, [
        { key: accountKey(account), rule: ACCOUNT_RULE },
        { key: addressKey(client.address), rule: ADDRESS_RULE },
      ]);
      for (const k of keyed) {
        const verdict = mayAttempt(k.row, now, k.rule);
        if (!verdict.allowed) {
          await recordAudit(tx, { type: "auth.sign_in_refused", data: { ...where, key: k.key, locked: verdict.locked, retryAt: verdict.retryAt.toISOString() } });
          return { ok: false as const, code: verdict.locked ? ("locked" as const) : ("throttled" as const), retryAt: verdict.retryAt };
        }
      }
      const check = await verifyLogin(account, password);
      if (!check.ok) {
        await recordAudit(tx, { type: "auth.sign_in_failed", data: { ...where, reason: check.reason } });
        for (const k of keyed) {
          const next = afterFailure(k.row, now, k.rule);
          await tx.loginThrottle.update({
            where: { key: k.key },
            data: { failures: next.failures, lastFailureAt: next.lastFailureAt, lockedUntil: next.lockedUntil },
          });
          if (next.lockedNow) {
            await recordAudit(tx, { type: "auth.locked", data: { ...where, key: k.key, until: next.lockedUntil!.toISOString() } });
          }
        }
        return { ok: false as const, code: "invalid" as const };
      }
      // The account's count starts over; the address's does not (one good password must not launder guesses at others).
      await tx.loginThrottle.update({ where: { key: accountKey(account) }, data: { failures: 0, lastFailureAt: null, lockedUntil: null } });
      if (previousToken) await revokeSessionByToken(tx, previousToken, "replaced", now);
      const session = await createSession(tx, { userId: check.user.id, ip: client.address, userAgent: client.userAgent, now });
      await recordAudit(tx, { actorId: check.user.id, type: "auth.signed_in", data: { ...where, sessionId: session.id } });
      return { ok: true as const, userId: check.user.id, sessionId: session.id, setCookie: session.setCookie };
    },
    { timeout: 20_000 },
  );
}

/** Ends the session the cookie names, and records it. */
export async function signOut({ cookieHeader, client, now = new Date() }: { cookieHeader: string | null; client: ClientFacts; now?: Date }): Promise<void> {
  const token = await readSessionToken(cookieHeader);
  if (!token) return;
  await prisma.$transaction(async (tx) => {
    const ended = await revokeSessionByToken(tx, token, "signed_out", now);
    if (ended) await recordAudit(tx, { actorId: ended.userId, type: "auth.signed_out", data: { sessionId: ended.id, address: client.address } });
  });
}

/** "Sign out of all devices": every live session of the user, this one included. */
export async function signOutEverywhere({ userId, client, now = new Date() }: { userId: string; client: ClientFacts; now?: Date }): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const count = await revokeUserSessions(tx, userId, "signed_out_everywhere", now);
    await recordAudit(tx, { actorId: userId, type: "auth.signed_out_everywhere", data: { sessions: count, address: client.address } });
    return count;
  });
}

/** Ends one of the user's own other sessions (a lost phone). */
export async function endOwnSession({ userId, sessionId, client, now = new Date() }: { userId: string; sessionId: string; client: ClientFacts; now?: Date }): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const ended = await revokeOwnSession(tx, { userId, sessionId, reason: "ended_by_user", now });
    if (ended) await recordAudit(tx, { actorId: userId, type: "auth.session_ended", data: { sessionId, address: client.address } });
    return ended;
  });
}

export const SECURITY_EVENT_TYPES = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "auth.sign_in_refused",
  "auth.locked",
  "auth.signed_out",
  "auth.signed_out_everywhere",
  "auth.session_ended",
  "user.deactivated",
  "user.roles_changed",
] as const;

export type SecurityEvent = {
  id: string;
  at: Date;
  type: string;
  actor: { id: string; name: string; email: string } | null;
  account: string | null;
  address: string | null;
  userAgent: string | null;
  detail: string | null;
};

/** The security log, newest first: what an admin reads. */
export async function listSecurityEvents({ type, account, limit = 200 }: { type?: string; account?: string; limit?: number } = {}): Promise<SecurityEvent[]> {
  const types = type && (SECURITY_EVENT_TYPES as readonly string[]).includes(type) ? [type] : [...SECURITY_EVENT_TYPES];
  const needle = account?.trim().toLowerCase();
  const rows = await prisma.auditEvent.findMany({
    where: {
      type: { in: types },
      ...(needle ? { OR: [{ data: { path: ["account"], string_contains: needle } }, { actor: { email: { contains: needle } } }] } : {}),
    },
    orderBy: { id: "desc" },
    take: Math.min(Math.max(limit, 1), 1000),
    select: { id: true, at: true, type: true, data: true, actor: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((r) => {
    const data = (r.data ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    const detail = str(data.reason) ?? str(data.until) ?? str(data.retryAt) ?? (typeof data.sessions === "number" ? String(data.sessions) : null);
    return {
      id: r.id.toString(),
      at: r.at,
      type: r.type,
      actor: r.actor,
      account: str(data.account) ?? r.actor?.email ?? null,
      address: str(data.address),
      userAgent: str(data.userAgent),
      detail,
    };
  });
}
