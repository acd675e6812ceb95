import { hash, verify, type Options } from "@node-rs/argon2";
import { redirect } from "@remix-run/node";
import { hasRole, type Actor } from "~/domain/actor";
import { safeRedirect as safeRedirectPath } from "~/domain/safe-redirect";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "./db.server";
import { findActiveSession, readSessionToken, sessionUserSelect } from "./session.server";

/** The signed-in user: the Actor every model and rule takes, with what the screens show. */
export type SessionUser = Actor & {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  companyId: string;
  departmentId: string;
  locale: string;
  timeZone: string;
  /** The server-side session this request was made in. */
  sessionId: string;
};

/**
 * argon2id with the parameters written down rather than left to the library's defaults: 19 MiB, two
 * passes, one lane (OWASP's first recommended setting), about 20 ms here. A stored hash carries its own
 * parameters, so raising these later re-hashes at the next sign-in (see `verifyLogin`).
 */
export const PASSWORD_HASH_OPTIONS: Options = {
  algorithm: 2 satisfies Options["algorithm"], // Algorithm.Argon2id (a const enum, not importable here)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
};
const HASH_PARAMS = `m=${PASSWORD_HASH_OPTIONS.memoryCost},t=${PASSWORD_HASH_OPTIONS.timeCost},p=${PASSWORD_HASH_OPTIONS.parallelism}`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

// Compared against when the email is unknown, so both paths cost the same time.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$lWYzHRSf56poeBKoBwieQQ$rjDY5HK/CejF76CdltsPTaZp5mTtIV24KzxnPOorWTY";

export type LoginCheck =
  | { ok: true; user: Omit<SessionUser, "sessionId"> }
  | { ok: false; reason: "unknown_account" | "wrong_password" | "inactive" };

/** Checks a password; the caller (the sign-in model) throttles and records the outcome. */
export async function verifyLogin(email: string, password: string): Promise<LoginCheck> {
  const user = await prisma.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { ...sessionUserSelect, passwordHash: true, active: true },
  });
  const ok = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
  if (!user) return { ok: false, reason: "unknown_account" };
  if (!ok) return { ok: false, reason: "wrong_password" };
  if (!user.active) return { ok: false, reason: "inactive" };
  if (!user.passwordHash.includes(`$${HASH_PARAMS}$`)) {
    // Older parameters: store a hash with today's, now that the password is known to be right.
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  const { passwordHash: _hash, active: _active, ...sessionUser } = user;
  return { ok: true, user: sessionUser };
}

/** The signed-in user behind a Cookie header (Express routes use this; Remix routes the Request forms below). */
export async function getUserFromCookieHeader(cookieHeader: string | null | undefined): Promise<SessionUser | null> {
  const token = await readSessionToken(cookieHeader);
  if (!token) return null;
  const session = await findActiveSession(token);
  return session?.user ? { ...session.user, sessionId: session.id } : null;
}

// The root loader and the route's loader both ask within one request: one look-up serves both.
const perRequest = new WeakMap<Request, Promise<SessionUser | null>>();

export function getOptionalUser(request: Request): Promise<SessionUser | null> {
  let found = perRequest.get(request);
  if (!found) {
    found = getUserFromCookieHeader(request.headers.get("Cookie"));
    perRequest.set(request, found);
  }
  return found;
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getOptionalUser(request);
  if (!user) {
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    const isPage = (request.headers.get("Accept") ?? "").includes("text/html") || request.method === "GET";
    if (!isPage || url.pathname.startsWith("/files/")) throw new Response("Unauthorized", { status: 401 });
    throw redirect(`/login?${new URLSearchParams({ redirectTo })}`);
  }
  return user;
}

/** THE role check for a signed-in user is `requireRole`; `hasRole` (domain/actor) answers for an Actor in hand. */
export { hasRole };

/** The signed-in user if they hold at least one of `roles`; 403 otherwise (401/redirect when signed out). */
export async function requireRole(request: Request, ...roles: [Role, ...Role[]]): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!hasRole(user, ...roles)) throw new Response("Forbidden", { status: 403 });
  return user;
}

/** Only same-site paths: never let ?redirectTo= send someone to another host (app/domain/safe-redirect.ts). */
export function safeRedirect(to: unknown, fallback = "/claims"): string {
  return safeRedirectPath(to, fallback);
}
