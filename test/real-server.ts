/**
 * The web app as it runs in production (server.ts over the Remix build), listening on a free loopback
 * port inside the test process, so a test goes through every Express middleware and the real routes.
 * Needs a build: scripts/verify.sh builds before the integration tests.
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";

export type RealServer = { base: string; close: () => Promise<void> };

export async function startRealServer(): Promise<RealServer> {
  if (!fs.existsSync(path.resolve("build/index.js"))) throw new Error("no build/index.js: run `NODE_ENV=production npx remix build` first");
  const { createApp } = await import("../server");
  const app = await createApp();
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Call = { status: number; location: string | null; setCookie: string[]; text: string; headers: Headers };

/** One request, redirects not followed; `origin: true` sends this server's own Origin like a browser would. */
export async function call(
  server: RealServer,
  pathname: string,
  { method = "GET", cookie, form, origin = true, headers = {} }: { method?: string; cookie?: string; form?: Record<string, string>; origin?: boolean | string; headers?: Record<string, string> } = {},
): Promise<Call> {
  const h: Record<string, string> = { Accept: "text/html", ...headers };
  if (cookie) h.Cookie = cookie;
  if (origin !== false && method !== "GET") h.Origin = origin === true ? server.base : origin;
  const res = await fetch(`${server.base}${pathname}`, { method, headers: h, body: form ? new URLSearchParams(form) : undefined, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), setCookie: res.headers.getSetCookie(), text: await res.text(), headers: res.headers };
}

/** The name=value part of the session cookie a response set. */
export function sessionFrom(c: Call): string | undefined {
  return c.setCookie.map((s) => s.split(";")[0]!).find((s) => /^(__Host-)?af_session=./.test(s));
}
