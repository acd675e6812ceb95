import { hash, verify } from "@node-rs/argon2";
import { redirect } from "@remix-run/node";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "./db.server";
import { sessionStorage } from "./session.server";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  companyId: string;
  departmentId: string;
  locale: string;
  timeZone: string;
};

const userSelect = {
  id: true,
  email: true,
  name: true,
  roles: true,
  companyId: true,
  departmentId: true,
  locale: true,
  timeZone: true,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Compared against when the email is unknown, so both paths cost the same time.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$lWYzHRSf56poeBKoBwieQQ$rjDY5HK/CejF76CdltsPTaZp5mTtIV24KzxnPOorWTY";

export async function verifyLogin(email: string, password: string): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { ...userSelect, passwordHash: true, active: true },
  });
  const ok = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
  if (!user || !ok || !user.active) return null;
  const { passwordHash: _hash, active: _active, ...sessionUser } = user;
  return sessionUser;
}

export async function getSessionUserId(request: Request): Promise<string | undefined> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const userId: unknown = session.get("userId");
  return typeof userId === "string" ? userId : undefined;
}

export async function getOptionalUser(request: Request): Promise<SessionUser | null> {
  const userId = await getSessionUserId(request);
  if (!userId) return null;
  return prisma.user.findFirst({ where: { id: userId, active: true }, select: userSelect });
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

export function hasRole(user: Pick<SessionUser, "roles">, role: Role): boolean {
  return user.roles.includes(role);
}

/** The signed-in user if they hold at least one of `roles`; 403 otherwise (401/redirect when signed out). */
export async function requireRole(request: Request, ...roles: [Role, ...Role[]]): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!roles.some((role) => hasRole(user, role))) throw new Response("Forbidden", { status: 403 });
  return user;
}

export async function createUserSession(userId: string, redirectTo: string): Promise<Response> {
  const session = await sessionStorage.getSession();
  session.set("userId", userId);
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": await sessionStorage.commitSession(session) },
  });
}

export async function logout(request: Request): Promise<Response> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  return redirect("/login", { headers: { "Set-Cookie": await sessionStorage.destroySession(session) } });
}

/** Only same-site paths: never let ?redirectTo= send someone to another host. */
export function safeRedirect(to: string | null | undefined, fallback = "/claims"): string {
  if (!to || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
