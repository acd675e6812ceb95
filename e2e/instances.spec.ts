/**
 * Several instances (issue 13): two web processes behind HAProxy and two worker processes, started by
 * this test on free ports (scripts/instances.ts) next to the e2e server, sharing its database, Redis and
 * store. A claim goes from upload to approval with requests landing on both web instances (X-Instance
 * on the responses); the wall board stays open on one instance while the decisions go through the other;
 * the accountant presses Next from both instances at once. Nothing lost (both claims approved), nothing
 * doubled (one review task each, one review start each), the board live (its figures move by push).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startInstances, type Instances } from "../scripts/instances";
import { freePort } from "../scripts/lib/processes";
import { claimNumberOf, E2E_DATABASE_URL, fileClaim, login, waitUntilRouted, withDb } from "./helpers";

let cluster: Instances | undefined;
let dir = "";

/** The environment scripts/e2e-server.sh gives its own processes: the same deployment, more instances. */
function e2eEnv(): NodeJS.ProcessEnv {
  const port = Number(process.env.E2E_PORT ?? 3100);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: E2E_DATABASE_URL,
    REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2",
    QUEUE_PREFIX: process.env.E2E_QUEUE_PREFIX ?? "afe",
    STORAGE_DIR: process.env.E2E_STORAGE_DIR ?? path.resolve(".data/e2e-storage"),
    SESSION_SECRET: fs.readFileSync(".data/e2e-session-secret", "utf8").trim(),
    ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true",
    BANK_LINK_URL: `http://127.0.0.1:${process.env.E2E_SANDBOX_BANK_PORT ?? port + 1000}`,
  };
  delete env.APP_DATABASE_URL;
  return env;
}

/** Every instance that answered this context's requests to the app (documents, data, streams). */
function instancesSeenBy(context: BrowserContext): Set<string> {
  const seen = new Set<string>();
  context.on("response", (r) => {
    const name = r.headers()["x-instance"];
    if (name) seen.add(name);
  });
  return seen;
}

async function signedIn(browser: Browser, baseURL: string, email: string): Promise<{ context: BrowserContext; page: Page; seen: Set<string> }> {
  const context = await browser.newContext({ baseURL });
  const seen = instancesSeenBy(context);
  const page = await context.newPage();
  await login(page, email);
  return { context, page, seen };
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-instances-"));
  const [port, p1, p2] = [await freePort(), await freePort(), await freePort()];
  cluster = await startInstances({ port, webPorts: [p1, p2], web: 2, workers: 2, dir, env: e2eEnv(), log: (l) => console.log(`[instances e2e] ${l}`) });
});

test.afterAll(async () => {
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("a claim from upload to approval across two web instances; board live on one while the other decides; Next from both", async ({ browser }) => {
  // Generous for a busy 2-core box; on a quiet one it takes about a minute once the instances are up.
  test.setTimeout(480_000);
  const c = cluster!;
  const direct = (name: string) => `http://127.0.0.1:${c.webs.get(name)!.port}`;

  // ---- The employee, through the balancer: two claims filed, receipts uploaded and imaged, submitted.
  const employee = await signedIn(browser, c.base, "employee@demo.af");
  await fileClaim(employee.page, "en", "Instances A");
  const numberA = await claimNumberOf(employee.page);
  const urlA = employee.page.url();
  await fileClaim(employee.page, "en", "Instances B");
  const numberB = await claimNumberOf(employee.page);
  expect([...employee.seen].sort(), "the balancer sent the employee's requests to both instances").toEqual(["web-1", "web-2"]);

  // ---- The manager approves both, through the balancer.
  const manager = await signedIn(browser, c.base, "manager@demo.af");
  await manager.page.goto("/approvals");
  for (const number of [numberA, numberB]) {
    const item = manager.page.getByTestId("approval-item").filter({ hasText: number });
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(manager.page.getByTestId("approval-item").filter({ hasText: number })).toHaveCount(0);
  }
  await employee.page.goto(urlA);
  await waitUntilRouted(employee.page);

  // ---- The supervisor's wall board, through the balancer: which instance holds its event stream?
  const supervisor = await signedIn(browser, c.base, "supervisor@demo.af");
  const [stream] = await Promise.all([
    supervisor.page.waitForResponse((r) => new URL(r.url()).pathname === "/board/events" && r.status() === 200),
    supervisor.page.goto("/board"),
  ]);
  const boardOn = stream.headers()["x-instance"]!;
  const other = boardOn === "web-1" ? "web-2" : "web-1";
  const board = supervisor.page;
  await expect(board.getByTestId("board-status")).toHaveAttribute("data-state", "live");
  const completed = async () => Number(((await board.getByTestId("completed-tasks").textContent()) ?? "").replace(/[^\d]/g, ""));
  await board.waitForTimeout(800);
  const before = await completed();

  // ---- The accountant presses Next on both instances at once (two windows, one on each).
  const on1 = await signedIn(browser, direct("web-1"), "accountant@demo.af");
  const on2 = await signedIn(browser, direct("web-2"), "accountant@demo.af");
  for (const w of [on1, on2]) {
    await w.page.goto("/queue");
    await w.page.waitForLoadState("networkidle");
  }
  await Promise.all([on1.page.locator(".button-next").click(), on2.page.locator(".button-next").click()]);
  // The URL changes before React has drawn the workstation (Remix renders navigations in a transition),
  // so wait for the workstation's heading, not only the address, before reading which claim it shows.
  const eitherClaim = new RegExp(`${numberA}|${numberB}`);
  for (const w of [on1, on2]) {
    await expect(w.page).toHaveURL(/\/work\//);
    await expect(w.page.locator("h1")).toHaveText(eitherClaim);
  }
  const taken = [await on1.page.locator("h1").textContent(), await on2.page.locator("h1").textContent()].map((t) => [numberA, numberB].find((n) => t?.includes(n)));
  expect(taken.sort(), "each Next took one of the two claims, never the same one twice").toEqual([numberA, numberB].sort());
  expect(on1.seen).toEqual(new Set(["web-1"]));
  expect(on2.seen).toEqual(new Set(["web-2"]));

  // ---- Both decisions go through the instance that does not hold the board; the board moves by itself.
  const decider = other === "web-1" ? on1 : on2;
  const elsewhere = other === "web-1" ? on2 : on1;
  const elsewhereTask = new URL(elsewhere.page.url()).pathname;
  await decider.page.getByTestId("approve").click();
  await expect(decider.page).not.toHaveURL(/\/work\//);
  await decider.page.goto(elsewhereTask);
  await decider.page.getByTestId("approve").click();
  await expect(decider.page).not.toHaveURL(new RegExp(elsewhereTask));
  await expect(board.getByTestId("completed-tasks")).toHaveText(new Intl.NumberFormat("en").format(before + 2), { timeout: 15_000 });
  await expect(board.getByTestId("board-status")).toHaveAttribute("data-state", "live");
  expect(decider.seen.has(boardOn), "the decisions never touched the board's instance").toBe(false);
  await board.screenshot({ path: "test-results/instances-board.png" });

  // ---- Nothing lost, nothing doubled.
  await employee.page.goto(urlA);
  await expect(employee.page.locator(".page-head .badge")).toHaveText("Approved");
  await withDb(async (db) => {
    const { rows } = await db.query<{ number: string; status: string; reviews: string; done: string; started: string }>(
      `SELECT c.number, c.status::text AS status,
              (SELECT count(*) FROM task t WHERE t.claim_id = c.id AND t.type = 'REVIEW') AS reviews,
              (SELECT count(*) FROM task t WHERE t.claim_id = c.id AND t.type = 'REVIEW' AND t.status = 'DONE') AS done,
              (SELECT count(*) FROM audit_event a WHERE a.claim_id = c.id AND a.type = 'claim.review_started') AS started
         FROM claim c WHERE c.number = ANY($1) ORDER BY c.number`,
      [[numberA, numberB]],
    );
    expect(rows).toEqual(
      [numberA, numberB].sort().map((number) => ({ number, status: expect.stringMatching(/^(APPROVED|SCHEDULED|PAID)$/) as unknown as string, reviews: "1", done: "1", started: "1" })),
    );
  });
  for (const w of [employee, manager, supervisor, on1, on2]) await w.context.close();
});
