/**
 * Issue 8, items 1–5, through the real server: sessions that end on the server, sign-in throttled inside
 * the action (whatever the path's spelling), every cross-origin state change refused, redirects kept on
 * this site, and a production server that will not start on a weak secret or leak its cookie over HTTP.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "~/models/sign-in.server";
import { getUserFromCookieHeader, hashPassword } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { createOrg, createUser, sessionCookie, statementsDuring } from "./helpers";
import { call, sessionFrom, startRealServer, type RealServer } from "./real-server";

const PASSWORD = "correct horse battery staple";
let server: RealServer;
let org: { companyId: string; departmentId: string };

beforeAll(async () => {
  server = await startRealServer();
  org = await createOrg();
});
afterAll(async () => {
  await server.close();
});

async function person(roles: ("EMPLOYEE" | "ADMIN" | "SUPERVISOR")[] = ["EMPLOYEE"]) {
  const user = await createUser(org, { roles, passwordHash: await hashPassword(PASSWORD) });
  return user;
}

async function signInAs(email: string, password = PASSWORD, extra: { cookie?: string; path?: string; redirectTo?: string } = {}) {
  return call(server, extra.path ?? "/login", { method: "POST", cookie: extra.cookie, form: { email, password, redirectTo: extra.redirectTo ?? "" } });
}

const signedIn = async (cookie: string) => (await call(server, "/claims", { cookie })).status === 200;

describe("server-side sessions (item 2)", () => {
  it("a copied cookie stops working once its owner signs out", async () => {
    const user = await person();
    const login = await signInAs(user.email);
    expect(login.status).toBe(302);
    const cookie = sessionFrom(login)!;
    expect(cookie).toBeTruthy();
    expect(await signedIn(cookie)).toBe(true);
    const stolen = cookie;
    expect((await call(server, "/logout", { method: "POST", cookie })).status).toBe(302);
    const after = await call(server, "/claims", { cookie: stolen });
    expect(after.status).toBe(302);
    expect(after.location).toMatch(/^\/login/);
  });

  it("the cookie carries a random id only, and a new one at every sign-in; a planted cookie is ended", async () => {
    const user = await person();
    const first = sessionFrom(await signInAs(user.email))!;
    const second = sessionFrom(await signInAs(user.email, PASSWORD, { cookie: first }))!;
    expect(second).not.toBe(first);
    expect(first).not.toContain(user.id);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(second)).toBe(true);
  });

  it("ends after the idle time and after the absolute lifetime", async () => {
    const user = await person();
    const idle = sessionFrom(await signInAs(user.email))!;
    const busy = sessionFrom(await signInAs(user.email))!;
    const rows = await prisma.userSession.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(rows).toHaveLength(2);
    await prisma.userSession.update({ where: { id: rows[0]!.id }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    await prisma.userSession.update({ where: { id: rows[1]!.id }, data: { createdAt: new Date(Date.now() - 12 * 3_600_000 - 1), lastSeenAt: new Date() } });
    expect(await signedIn(idle)).toBe(false);
    expect(await signedIn(busy)).toBe(false);
    const reasons = await Promise.all(rows.map(async (r) => (await prisma.userSession.findUniqueOrThrow({ where: { id: r.id } })).revokedReason));
    expect(reasons).toEqual(["idle", "expired"]);
  });

  it("signs out of all devices, and lists and ends one's own sessions only", async () => {
    const user = await person();
    const other = await person();
    const laptop = sessionFrom(await signInAs(user.email))!;
    const phone = sessionFrom(await signInAs(user.email))!;
    const othersCookie = sessionFrom(await signInAs(other.email))!;
    const page = await call(server, "/account", { cookie: laptop });
    expect(page.status).toBe(200);
    const phoneRow = await prisma.userSession.findFirst({ where: { userId: user.id, revokedAt: null }, orderBy: { createdAt: "desc" } });
    // Someone else's session id is not theirs to end.
    const othersRow = await prisma.userSession.findFirst({ where: { userId: other.id } });
    expect((await call(server, "/account", { method: "POST", cookie: laptop, form: { intent: "end", sessionId: othersRow!.id } })).status).toBe(404);
    expect(await signedIn(othersCookie)).toBe(true);
    expect((await call(server, "/account", { method: "POST", cookie: laptop, form: { intent: "end", sessionId: phoneRow!.id } })).status).toBe(200);
    expect(await signedIn(phone)).toBe(false);
    const phone2 = sessionFrom(await signInAs(user.email))!;
    const everywhere = await call(server, "/account", { method: "POST", cookie: laptop, form: { intent: "everywhere" } });
    expect(everywhere.status).toBe(302);
    expect(await signedIn(laptop)).toBe(false);
    expect(await signedIn(phone2)).toBe(false);
    expect(await signedIn(othersCookie)).toBe(true);
  });

  it("deactivating a user, changing their roles or their companies ends their sessions", async () => {
    const a = await person();
    const b = await person(["EMPLOYEE", "SUPERVISOR"]);
    const c = await person(["EMPLOYEE", "SUPERVISOR"]);
    const ca = await sessionCookie(a.id);
    const cb = await sessionCookie(b.id);
    const cc = await sessionCookie(c.id);
    expect([await signedIn(ca), await signedIn(cb), await signedIn(cc)]).toEqual([true, true, true]);
    await prisma.user.update({ where: { id: a.id }, data: { active: false } });
    await prisma.user.update({ where: { id: b.id }, data: { roles: ["EMPLOYEE"] } });
    await prisma.userCompany.create({ data: { userId: c.id, companyId: org.companyId } });
    expect([await signedIn(ca), await signedIn(cb), await signedIn(cc)]).toEqual([false, false, false]);
  });

  it("finds the signed-in user with one statement (the session with its user), and nobody for a deactivated account", async () => {
    const a = await person();
    const cookie = await sessionCookie(a.id);
    expect(await getUserFromCookieHeader(cookie)).toMatchObject({ id: a.id, email: a.email, roles: a.roles }); // touches last-seen
    const { result, statements } = await statementsDuring(() => getUserFromCookieHeader(cookie));
    expect(result).toMatchObject({ id: a.id, name: a.name, locale: a.locale, timeZone: a.timeZone, companyId: a.companyId, departmentId: a.departmentId });
    expect(result).not.toHaveProperty("active");
    expect(statements).toHaveLength(1);
    // Deactivated directly in the table (no session ended): the session alone lets nobody in.
    await prisma.$executeRaw`UPDATE app_user SET active = false WHERE id = ${a.id}`;
    expect(await getUserFromCookieHeader(cookie)).toBeNull();
  });
});

describe("an administrator changes a user's rights at /admin/users (item 2)", () => {
  it("roles, companies and deactivation end the user's sessions, each audited; an admin cannot lock themselves out", async () => {
    const admin = await person(["EMPLOYEE", "ADMIN"]);
    const target = await person(["EMPLOYEE", "SUPERVISOR"]);
    const adminCookie = await sessionCookie(admin.id);
    let targetCookie = await sessionCookie(target.id);
    const save = (form: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
      return fetch(`${server.base}/admin/users`, { method: "POST", headers: { Cookie: adminCookie, Origin: server.base, Accept: "text/html" }, body, redirect: "manual" });
    };
    expect((await save({ userId: target.id, roles: ["EMPLOYEE", "SUPERVISOR"], companyIds: [org.companyId], active: "on" })).status).toBe(200);
    expect(await signedIn(targetCookie)).toBe(false);
    targetCookie = await sessionCookie(target.id);
    expect((await save({ userId: target.id, roles: ["EMPLOYEE"], companyIds: [org.companyId], active: "on" })).status).toBe(200);
    expect(await signedIn(targetCookie)).toBe(false);
    targetCookie = await sessionCookie(target.id);
    expect((await save({ userId: target.id, roles: ["EMPLOYEE"], companyIds: [org.companyId] })).status).toBe(200);
    expect(await signedIn(targetCookie)).toBe(false);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: target.id } })).active).toBe(false);
    const events = await prisma.auditEvent.findMany({ where: { actorId: admin.id, type: { startsWith: "user." } }, orderBy: { id: "asc" }, select: { type: true } });
    expect(events.map((e) => e.type)).toEqual(["user.companies_changed", "user.roles_changed", "user.deactivated"]);
    const self = await save({ userId: admin.id, roles: ["EMPLOYEE"], active: "on" });
    expect(await self.text()).toMatch(/self_lockout|cannot remove your own/i);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).roles).toContain("ADMIN");
    // Not an admin: refused before anything is read.
    const supervisor = await person(["EMPLOYEE", "SUPERVISOR"]);
    expect((await call(server, "/admin/users", { cookie: await sessionCookie(supervisor.id) })).status).toBe(403);
  });
});

describe("sign-in throttling inside the action (item 3)", () => {
  it("refuses further guesses with a growing delay, also through an encoded path to the same action", async () => {
    const user = await person();
    for (let i = 0; i < 3; i++) expect((await signInAs(user.email, "wrong")).status).toBe(200);
    // The fourth attempt comes before the delay is over: refused without checking the password, even a right one.
    const refused = await signInAs(user.email, PASSWORD, { path: "/%6Cogin" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sessionFrom(refused)).toBeUndefined();
    const refusedPlain = await signInAs(user.email.toUpperCase(), PASSWORD);
    expect(refusedPlain.status).toBe(429);
  });

  it("locks the account after ten failures and records every step in the security log", async () => {
    const user = await person();
    const client = { address: "203.0.113.7", userAgent: "test" };
    let now = Date.now();
    for (let i = 0; i < 10; i++) {
      const r = await signIn({ email: user.email, password: "wrong", client, now: new Date(now) });
      expect(r.ok).toBe(false);
      now += 70_000; // past any delay, inside the 15-minute window
    }
    const locked = await signIn({ email: user.email, password: PASSWORD, client, now: new Date(now) });
    expect(locked).toMatchObject({ ok: false, code: "locked" });
    const later = await signIn({ email: user.email, password: PASSWORD, client, now: new Date(now + 16 * 60_000) });
    expect(later.ok).toBe(true);
    const types = (await prisma.auditEvent.findMany({ where: { type: { startsWith: "auth." }, data: { path: ["account"], equals: user.email } }, select: { type: true } })).map((e) => e.type);
    expect(types.filter((t) => t === "auth.sign_in_failed")).toHaveLength(10);
    expect(types).toContain("auth.locked");
    expect(types).toContain("auth.sign_in_refused");
    expect(types).toContain("auth.signed_in");
  });

  it("throttles one address guessing at many accounts", async () => {
    const client = { address: "198.51.100.9", userAgent: "test" };
    let now = Date.now();
    let refused = 0;
    for (let i = 0; i < 25; i++) {
      const r = await signIn({ email: `nobody-${i}@test.example`, password: "x", client, now: new Date(now) });
      if (!r.ok && r.code !== "invalid") refused++;
      now += 10;
    }
    expect(refused).toBeGreaterThan(0);
  });

  it("shows the security log to admins only", async () => {
    const admin = await person(["EMPLOYEE", "ADMIN"]);
    const employee = await person();
    await signInAs(employee.email, "wrong");
    const log = await call(server, `/admin/security?account=${encodeURIComponent(employee.email)}`, { cookie: await sessionCookie(admin.id) });
    expect(log.status).toBe(200);
    expect(log.text).toContain(employee.email);
    expect((await call(server, "/admin/security", { cookie: await sessionCookie(employee.id) })).status).toBe(403);
  });
});

describe("cross-origin state changes refused (item 4)", () => {
  it("refuses a forged POST to a Remix action, sign-in and sign-out, and an Express route, with a clear 403", async () => {
    const user = await person(["EMPLOYEE", "ADMIN"]);
    const cookie = await sessionCookie(user.id);
    const evil = "https://evil.example";
    for (const [pathname, form] of [
      ["/claims/new", { purpose: "forged" }],
      ["/%63laims/new", { purpose: "forged" }],
      ["/logout", {}],
      ["/locale", { locale: "en", redirectTo: "/claims" }],
      ["/login", { email: user.email, password: PASSWORD }],
      ["/admin/queues/api/queues/routing/clean/failed", {}],
    ] as const) {
      const res = await call(server, pathname, { method: "POST", cookie, form, origin: evil });
      expect(res.status, pathname).toBe(403);
      expect(res.text).toMatch(/did not come from this application/);
    }
    // Neither Origin nor Sec-Fetch-Site: refused too; Sec-Fetch-Site from a sibling site: refused.
    expect((await call(server, "/logout", { method: "POST", cookie, origin: false })).status).toBe(403);
    expect((await call(server, "/logout", { method: "POST", cookie, origin: false, headers: { "Sec-Fetch-Site": "same-site" } })).status).toBe(403);
    expect(await signedIn(cookie)).toBe(true);
    expect(await prisma.claim.count({ where: { claimantId: user.id } })).toBe(0);
    // The same request from the app itself goes through.
    expect((await call(server, "/logout", { method: "POST", cookie, origin: false, headers: { "Sec-Fetch-Site": "same-origin" } })).status).toBe(302);
  });
});

describe("redirects stay on this site (item 5)", () => {
  it("after sign-in and after a language switch", async () => {
    const user = await person();
    for (const redirectTo of ["//evil.example", "/\t/evil.example", "/%2F/evil.example", "https://evil.example", "/\\evil.example"]) {
      const login = await signInAs(user.email, PASSWORD, { redirectTo });
      expect(login.status).toBe(302);
      expect(login.location, redirectTo).toBe("/claims");
      const locale = await call(server, "/locale", { method: "POST", form: { locale: "en", redirectTo } });
      expect(locale.location, redirectTo).toBe("/claims");
    }
    const ok = await signInAs(user.email, PASSWORD, { redirectTo: "/claims?status=DRAFT" });
    expect(ok.location).toBe("/claims?status=DRAFT");
  });
});

function runServer(env: Record<string, string | undefined>, probe?: (base: string) => Promise<void>): Promise<{ code: number | null; output: string }> {
  const port = 3400 + Math.floor(Math.random() * 500);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let probing = false;
    const onData = (d: Buffer) => {
      output += d.toString();
      if (probe && !probing && output.includes("listening")) {
        probing = true;
        probe(`http://127.0.0.1:${port}`).then(
          () => child.kill("SIGTERM"),
          (e: unknown) => {
            child.kill("SIGKILL");
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("production configuration (items 1 and 2)", () => {
  it("refuses to start without a strong SESSION_SECRET, and NODE_ENV unset means production", async () => {
    for (const env of [
      { NODE_ENV: "production", SESSION_SECRET: undefined },
      { NODE_ENV: "production", SESSION_SECRET: "dev-only-session-secret-change-me" },
      { NODE_ENV: undefined, SESSION_SECRET: undefined },
    ]) {
      const { code, output } = await runServer(env);
      expect(code, JSON.stringify(env)).toBe(1);
      expect(output).toMatch(/refusing to start: SESSION_SECRET/);
    }
  });

  it("refuses to serve as a database role that could rewrite the audit log (the owner, a superuser)", async () => {
    const { code, output } = await runServer({ NODE_ENV: "production", SESSION_SECRET: randomBytes(32).toString("base64"), APP_DATABASE_URL: process.env.DATABASE_URL });
    expect(code).toBe(1);
    expect(output).toMatch(/refusing to start: the app connects to the database as "postgres", which is a superuser/);
  });

  it("sends Secure __Host- cookies and HSTS in production, and plain HTTP only when asked, to localhost", async () => {
    const secret = randomBytes(32).toString("base64");
    const user = await person();
    const login = async (base: string) => {
      const res = await fetch(`${base}/login`, { method: "POST", headers: { Origin: base }, body: new URLSearchParams({ email: user.email, password: PASSWORD }), redirect: "manual" });
      return { res, cookie: res.headers.getSetCookie().find((c) => c.includes("af_session=")) ?? "" };
    };
    const secure = await runServer({ NODE_ENV: "production", SESSION_SECRET: secret }, async (base) => {
      const { res, cookie } = await login(base);
      expect(res.status).toBe(302);
      expect(cookie).toMatch(/^__Host-af_session=/);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=31536000/);
    });
    expect(secure.code).toBe(0);
    const plain = await runServer({ NODE_ENV: "production", SESSION_SECRET: secret, ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true" }, async (base) => {
      const { res, cookie } = await login(base);
      expect(res.status).toBe(302);
      expect(cookie).toMatch(/^af_session=/);
      expect(cookie).not.toMatch(/; Secure/i);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    });
    expect(plain.code).toBe(0);
  });
});
