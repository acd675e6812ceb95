/**
 * Outages (issue 13): a web instance whose Postgres and Redis are away answers pages with a 503 "try
 * again" page (Retry-After, en + zh, no stack trace), health says it lives and readiness says why it is
 * not ready; the same server with its dependencies up is ready and names itself in X-Instance.
 * The dead dependencies are free local ports nobody listens on. Needs a build (verify.sh makes one).
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { createCookie } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startProcess, stopProcess, waitForHttp, type Proc } from "../scripts/lib/processes";
import { call, startRealServer, type RealServer } from "./real-server";

let web: Proc | undefined;
let base = "";
let logDir = "";
let up: RealServer;
/** A well-signed session cookie (the token is nobody's): reading it needs the database. */
let session = "";

beforeAll(async () => {
  up = await startRealServer();
  session = (await createCookie("af_session", { secrets: [process.env.SESSION_SECRET!] }).serialize("n".repeat(43))).split(";")[0]!;
  const [port, deadPg, deadRedis] = [await freePort(), await freePort(), await freePort()];
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-outage-"));
  web = startProcess("web-outage", process.execPath, ["--import", "tsx", "server.ts"], {
    logDir,
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      INSTANCE_NAME: "web-outage",
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${deadPg}/af_gone_test`,
      APP_DATABASE_URL: `postgresql://af_app@127.0.0.1:${deadPg}/af_gone_test`,
      REDIS_URL: `redis://127.0.0.1:${deadRedis}/1`,
    },
  });
  base = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core CI box a cold `node --import tsx server.ts` has taken 40 s.
  await waitForHttp(`${base}/healthz`, { proc: web, timeoutMs: 120_000 });
}, 150_000);

afterAll(async () => {
  await up?.close();
  if (web) await stopProcess(web, 5_000);
  if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
});

describe("a web instance whose database and Redis are away", () => {
  it("answers a page with 503, Retry-After and a 'try again' page in English, never a stack trace", async () => {
    const res = await fetch(`${base}/claims`, { headers: { Accept: "text/html", "Accept-Language": "en-US,en;q=0.9", Cookie: session }, redirect: "manual" });
    const html = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("x-instance")).toBe("web-outage");
    expect(html).toContain("Temporarily unavailable");
    expect(html).toContain("Try again in a few seconds");
    expect(html).not.toMatch(/\bat \S+ \(|node_modules|PrismaClient|ECONNREFUSED|Can't reach database/);
  });

  it("speaks Chinese to a Chinese browser", async () => {
    const res = await fetch(`${base}/claims/new`, { headers: { Accept: "text/html", "Accept-Language": "zh-CN,zh;q=0.9", Cookie: session }, redirect: "manual" });
    const html = await res.text();
    expect(res.status).toBe(503);
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain("暂时无法访问");
    expect(html).toContain("请几秒后重试");
  });

  it("refuses a form post with 503 too (nothing half-done to report)", async () => {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      headers: { Accept: "text/html", Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "someone@example.com", password: "x" }),
      redirect: "manual",
    });
    expect(res.status).toBe(503);
    expect(await res.text()).not.toMatch(/\bat \S+ \(|node_modules/);
  });

  it("is alive for the balancer (/healthz 200) but not ready (/readyz 503: postgres down, redis down)", async () => {
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok", instance: "web-outage" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, status: "unavailable", postgres: "down", redis: "down" });
  });
});

describe("the same server with its dependencies up", () => {
  it("is ready, and names the instance that answered", async () => {
    const ready = await call(up, "/readyz");
    expect(ready.status, ready.text).toBe(200);
    expect(JSON.parse(ready.text), ready.text).toMatchObject({ ready: true, status: "ok", postgres: "up", redis: "up" });
    expect(ready.headers.get("x-instance")).toBeTruthy();
    const page = await call(up, "/login");
    expect(page.status).toBe(200);
    expect(page.headers.get("x-instance")).toBe(ready.headers.get("x-instance"));
  });
});
