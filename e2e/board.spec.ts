import { expect, test, type Page } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

/** The number on a board tile, read as the screen shows it ("1,234" → 1234). */
async function tileNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? "";
  return Number(text.replace(/[^\d]/g, ""));
}

test("a supervisor's board shows a task an accountant finishes in another page within 1 second", async ({ page, browser }) => {
  // A claim in the Travel group's queue: filed, approved by the manager, routed.
  await login(page, "employee@demo.af");
  await fileClaim(page, "en", "Board live check");
  const claimNumber = await claimNumberOf(page);
  await approveAsManager(browser, claimNumber);
  await waitUntilRouted(page);

  // The supervisor's board, live.
  const boardContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const board = await boardContext.newPage();
  await login(board, "supervisor@demo.af");
  await board.goto("/board");
  await expect(board.getByTestId("board-status")).toHaveAttribute("data-state", "live");
  const accountantContext = await browser.newContext();
  const accountant = await accountantContext.newPage();
  await login(accountant, "accountant@demo.af");
  await takeNextTask(accountant, claimNumber);
  // Let the "started" event settle, then read the board as it stands before the decision.
  await expect(async () => {
    const a = await tileNumber(board, "completed-tasks");
    await board.waitForTimeout(600);
    expect(await tileNumber(board, "completed-tasks")).toBe(a);
  }).toPass({ timeout: 10_000 });
  const tasksBefore = await tileNumber(board, "completed-tasks");
  const claimsBefore = await tileNumber(board, "completed-claims");

  // The board notes (by the browser's clock) when its "completed tasks" figure changes.
  await board.evaluate((before) => {
    const el = document.querySelector('[data-testid="completed-tasks"]')!;
    const w = window as unknown as { boardChangedAt?: number };
    new MutationObserver(() => {
      if (w.boardChangedAt === undefined && Number((el.textContent ?? "").replace(/[^\d]/g, "")) > before) w.boardChangedAt = Date.now();
    }).observe(el, { childList: true, characterData: true, subtree: true });
  }, tasksBefore);

  // The task is finished (committed) by the time the decision's response reaches the browser; from then on, 1 s.
  const [response] = await Promise.all([
    accountant.waitForResponse((r) => r.request().method() === "POST" && /\/work\//.test(r.url())),
    accountant.getByTestId("approve").click(),
  ]);
  expect(response.status()).toBeLessThan(400);
  const timing = response.request().timing();
  const decidedAt = timing.startTime + timing.responseStart;
  await expect(board.getByTestId("completed-tasks")).toHaveText(String(tasksBefore + 1), { timeout: 10_000 });
  const changedAt = await board.evaluate(() => (window as unknown as { boardChangedAt?: number }).boardChangedAt ?? NaN);
  const elapsed = changedAt - decidedAt;
  console.log(`[board e2e] decision response → board changed: ${Math.round(elapsed)} ms`);
  expect(elapsed).toBeLessThan(1_000);
  await expect(board.getByTestId("completed-claims")).toHaveText(String(claimsBefore + 1), { timeout: 1_000 });
  // The accountant (陈静 in the demo seed) is on the leaderboard with at least this piece.
  await expect(board.getByTestId("leader-row").filter({ hasText: "陈静" }).first()).toBeVisible();
  await board.screenshot({ path: "test-results/board-live-1920.png" });
  await accountantContext.close();
  await boardContext.close();
});

test("an employee is refused the board and its event stream", async ({ page }) => {
  await login(page, "employee@demo.af");
  const res = await page.goto("/board");
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId("board-error")).toContainText("403");
  await expect(page.getByTestId("board")).toHaveCount(0);
  const events = await page.request.get("/board/events", { headers: { Accept: "text/event-stream" } });
  expect(events.status()).toBe(403);
  const settings = await page.goto("/board/settings");
  expect(settings?.status()).toBe(403);
});

test("the board in Simplified Chinese", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await login(page, "supervisor@demo.af", "zh-CN");
  await page.goto("/board");
  await expect(page.locator("h1")).toHaveText("作业现场看板");
  await expect(page.getByTestId("board-status")).toHaveText("实时");
  await expect(page.getByTestId("kpi-paper")).toContainText("今日已收");
  await expect(page.getByRole("heading", { name: "各组积压" })).toBeVisible();
  await expect(page.getByTestId("backlog-row").first()).toBeVisible();
  // Full screen: nothing scrolls.
  const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  expect(overflow).toEqual([1280, 720]);
  await page.screenshot({ path: "test-results/board-zh-1280.png" });
  await context.close();
});

test("a board link works on a TV without signing in, and stops when revoked", async ({ page, browser }) => {
  await login(page, "supervisor@demo.af");
  await page.goto("/board/settings");
  await page.getByLabel("Screen name").fill("E2E floor TV");
  // The lifetime is chosen when the link is made: 1, 7, 30 or 90 days, never unlimited.
  const lifetime = page.getByLabel("Valid for");
  await expect(lifetime.locator("option")).toHaveText(["1 day", "7 days", "30 days", "90 days"]);
  await expect(lifetime).toHaveValue("7");
  await lifetime.selectOption("1");
  await page.getByRole("button", { name: "Create board link" }).click();
  const url = await page.getByTestId("new-token-url").inputValue();
  expect(url).toMatch(/\/board\?token=[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("new-token-expiry")).toContainText("It works until");
  // Listed with its companies (the supervisor's) and its expiry.
  const row = page.getByTestId("token-row").filter({ hasText: "E2E floor TV" });
  await expect(row.getByTestId("token-companies")).not.toHaveText("—");
  await expect(row.getByTestId("token-expires")).not.toBeEmpty();
  await expect(row).toHaveAttribute("data-state", "active");
  await page.screenshot({ path: "test-results/board-settings-en.png", fullPage: true });

  const tvContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const tv = await tvContext.newPage();
  await tv.goto(url);
  await expect(tv.getByTestId("board")).toBeVisible();
  await expect(tv.getByTestId("board-status")).toHaveAttribute("data-state", "live");
  // Nothing else of the app: no top bar, no settings link, and other pages still need a login.
  await expect(tv.locator(".topbar")).toHaveCount(0);
  await expect(tv.getByRole("link", { name: "Board settings" })).toHaveCount(0);
  const other = await tv.request.get("/queue", { maxRedirects: 0 });
  expect(other.status()).toBe(302);

  // Revoked: the open TV goes dark by itself, a reload is refused.
  await page.reload();
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("token-row").filter({ hasText: "E2E floor TV" }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "E2E floor TV" })).toHaveAttribute("data-revoked", "true");
  await expect(tv.getByTestId("board-status")).toHaveAttribute("data-state", "ended", { timeout: 35_000 });
  const again = await tv.goto(url);
  expect(again?.status()).toBe(403);
  await expect(tv.getByTestId("board-error")).toContainText("This board's access has ended");
  await tvContext.close();
});

test("board settings in Simplified Chinese and on a phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await login(page, "supervisor@demo.af", "zh-CN");
  await page.goto("/board/settings");
  await expect(page.getByRole("heading", { name: "电视看板链接" })).toBeVisible();
  const lifetime = page.getByLabel("有效期");
  await expect(lifetime.locator("option")).toHaveText(["1 天", "7 天", "30 天", "90 天"]);
  await page.getByLabel("屏幕名称").fill("三楼北墙");
  await lifetime.selectOption("30");
  await page.getByRole("button", { name: "创建看板链接" }).click();
  await expect(page.getByTestId("new-token-expiry")).toContainText("有效期至");
  await expect(page.getByTestId("token-row").filter({ hasText: "三楼北墙" })).toHaveAttribute("data-state", "active");
  // Nothing wider than the phone.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/board-settings-zh-390.png", fullPage: true });
  await context.close();
});
