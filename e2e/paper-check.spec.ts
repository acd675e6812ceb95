import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { login } from "./helpers";

// The e2e server's database and storage (scripts/e2e-server.sh).
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";
const STORAGE_DIR = process.env.E2E_STORAGE_DIR ?? `${process.cwd()}/.data/e2e-storage`;

type Person = { id: string; email: string; name: string };
type Claim = { id: string; number: string };
type World = { companyId: string; companyCode: string; archivist: Person; supervisor: Person; employee: Person; approved: Claim; submitted: Claim; overdue: Claim };

/** A fresh company paying on paper, its archive staff, claims with receipt images and originals (e2e/paper-check-world.ts). */
function world(): World {
  const out = execFileSync("npx", ["tsx", "e2e/paper-check-world.ts"], {
    env: { ...process.env, DATABASE_URL, STORAGE_DIR, NODE_ENV: "test" },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as World;
}

/** Every receipt thumbnail on the page was served and decoded (not a broken image). */
async function expectThumbnailsLoaded(page: Page, count: number) {
  await expect(page.getByTestId("paper-receipt")).toHaveCount(count);
  await expect(async () => {
    const widths = await page.locator('[data-testid="paper-receipt"] img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(widths).toHaveLength(count);
    for (const w of widths) expect(w).toBeGreaterThan(0);
  }).toPass({ timeout: 10_000 });
}

test("an archivist flags an original that differs; the supervisor sees the exception on the floor and resolves it (English)", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const w = world();
  await login(page, w.archivist.email, "en");
  await page.goto(`/archive/originals/${w.approved.id}`);
  await expect(page.locator("h1")).toHaveText(`Originals of ${w.approved.number}`);
  await expectThumbnailsLoaded(page, 2);
  await expect(page.getByTestId("paper-receipt").first()).toContainText("R1");
  await expect(page.getByTestId("paper-line").nth(1)).toContainText("R2");
  await expect(page.getByTestId("paper-status")).toContainText("Received");
  // Approved: past returning, only an exception is offered.
  await expect(page.getByTestId("only-exception")).toBeVisible();
  await expect(page.getByLabel("Return the claim to the claimant")).toHaveCount(0);

  await page.getByLabel("Missing stamp or seal").check();
  await page.getByLabel("Which receipts (e.g. R2)").fill("R2");
  await page.getByLabel("Details").fill("No seller's seal on the hotel invoice.");
  await page.screenshot({ path: "test-results/paper-check-en-1440.png", fullPage: true });
  await page.getByRole("button", { name: "Record the finding" }).click();
  await expect(page.getByTestId("paper-check-done")).toHaveText("Recorded: an exception is open for the company's supervisors.");
  const finding = page.getByTestId("paper-finding");
  await expect(finding).toHaveAttribute("data-open", "true");
  await expect(finding).toContainText("Missing stamp or seal");
  await expect(finding).toContainText("Exception");
  await expect(page.getByTestId("paper-status")).toContainText("Discrepancy");
  // The archivist raises; only a supervisor resolves.
  await expect(page.getByRole("button", { name: "Resolve exception" })).toHaveCount(0);

  // The supervisor's floor: the open exception and the overdue original of the company.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const sup = await context.newPage();
  await login(sup, w.supervisor.email, "en");
  await sup.goto("/queue");
  const exceptions = sup.getByTestId("paper-exceptions");
  await expect(exceptions.locator(`tr[data-claim="${w.approved.number}"]`)).toContainText("Missing stamp or seal");
  const overdue = sup.getByTestId("paper-overdue").locator(`tr[data-claim="${w.overdue.number}"]`);
  await expect(overdue).toContainText("4 days");
  await expect(overdue).toContainText(w.employee.name);
  await sup.screenshot({ path: "test-results/paper-floor-en-390.png", fullPage: true });
  await exceptions.getByRole("link", { name: w.approved.number }).click();
  await expect(sup).toHaveURL(new RegExp(`/archive/originals/${w.approved.id}$`));
  await sup.getByRole("button", { name: "Resolve exception" }).click();
  // An empty note is refused by the browser first; the server refuses it too (checked in the integration tests).
  await expect(sup.getByTestId("paper-finding")).toHaveAttribute("data-open", "true");
  await sup.getByLabel("Resolution").fill("Seal confirmed with the hotel by phone; accepted.");
  await sup.getByRole("button", { name: "Resolve exception" }).click();
  await expect(sup.getByTestId("paper-check-done")).toHaveText("Exception resolved.");
  await expect(sup.getByTestId("paper-finding")).toHaveAttribute("data-open", "false");
  await expect(sup.getByTestId("paper-finding")).toContainText("Seal confirmed with the hotel by phone; accepted.");
  await expect(sup.getByTestId("paper-status")).toContainText("Received");
  await sup.screenshot({ path: "test-results/paper-check-en-390.png", fullPage: true });
  await sup.goto("/queue");
  await expect(sup.getByTestId("paper-exceptions").locator(`tr[data-claim="${w.approved.number}"]`)).toHaveCount(0);
  await context.close();
});

test("an archivist returns a submitted claim whose original differs (Chinese)", async ({ page }) => {
  test.setTimeout(150_000);
  const w = world();
  await login(page, w.archivist.email, "zh-CN");
  await page.goto(`/archive/originals/${w.submitted.id}`);
  await expect(page.locator("h1")).toHaveText(`${w.submitted.number} 的原件`);
  await expectThumbnailsLoaded(page, 2);
  await expect(page.getByTestId("only-exception")).toHaveCount(0);
  // "Other" without words: refused with a message beside the field.
  await page.getByLabel("其他").check();
  await page.getByLabel("退回报销人").check();
  await page.getByLabel("详情").evaluate((el) => el.removeAttribute("required"));
  await page.getByRole("button", { name: "登记差异" }).click();
  await expect(page.getByTestId("error-note")).toHaveText("请说明不一致之处。");
  await page.getByLabel("金额不符").check();
  await page.getByLabel("退回报销人").check();
  await page.getByLabel("涉及票据（如 R2）").fill("R1");
  await page.getByLabel("详情").fill("原件金额为 98.00，影像为 88.00");
  await page.screenshot({ path: "test-results/paper-check-zh-1440.png", fullPage: true });
  await page.getByRole("button", { name: "登记差异" }).click();
  await expect(page.getByTestId("paper-check-done")).toHaveText("已登记：报销单已退回报销人，并已通知。");
  await expect(page.getByTestId("claim-status")).toContainText("已退回");
  await expect(page.getByTestId("paper-finding")).toContainText("已退回报销人");
  // A fresh form for the next finding.
  await expect(page.getByLabel("金额不符")).not.toBeChecked();
  await expect(page.getByLabel("详情")).toHaveValue("");
  // Returned: only an exception is left to offer.
  await expect(page.getByTestId("only-exception")).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/paper-check-zh-390.png", fullPage: true });
});

test("the board's paper tile counts expected, received today and overdue, and follows a finding live (English and Chinese)", async ({ page, browser }) => {
  // Two boards and an archivist's page on a shared 2-core machine.
  test.setTimeout(180_000);
  const w = world();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const board = await context.newPage();
  await login(board, w.supervisor.email, "en");
  await board.goto("/board");
  await expect(board.getByTestId("board-status")).toHaveAttribute("data-state", "live");
  const tile = board.getByTestId("kpi-paper");
  // This supervisor works for the world's company only: one awaited (overdue), two received today.
  await expect(board.getByTestId("paper-expected")).toHaveText("1 expected");
  await expect(board.getByTestId("paper-received-today")).toHaveText("2 received today");
  await expect(board.getByTestId("paper-overdue")).toHaveText("1 overdue");
  await expect(tile).toHaveAttribute("data-tone", "bad");

  // An archivist's finding in another page puts the approved claim's originals back among the expected.
  await login(page, w.archivist.email, "en");
  await page.goto(`/archive/originals/${w.approved.id}`);
  await page.getByLabel("Date differs").check();
  await page.getByRole("button", { name: "Record the finding" }).click();
  await expect(page.getByTestId("paper-check-done")).toBeVisible();
  await expect(board.getByTestId("paper-expected")).toHaveText("2 expected", { timeout: 5_000 });
  await board.screenshot({ path: "test-results/board-paper-en-1920.png" });

  await login(board, w.supervisor.email, "zh-CN");
  await board.goto("/board");
  await expect(tile).toContainText("纸质原件");
  await expect(board.getByTestId("paper-expected")).toHaveText("2 份待收");
  await expect(board.getByTestId("paper-received-today")).toHaveText("今日已收 2 份");
  await expect(board.getByTestId("paper-overdue")).toHaveText("逾期 1 份");
  await board.screenshot({ path: "test-results/board-paper-zh-1920.png" });
  await context.close();
});
