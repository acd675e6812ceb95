import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { claimNumberOf, FIXTURES, fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

/** Zooms into the current receipt page and waits until a tile deeper than the fitted view has been drawn. */
async function zoomInViewer(page: Page) {
  const viewer = page.getByTestId("deep-zoom");
  const level = async () => Number(await viewer.getAttribute("data-max-level-loaded"));
  await expect(viewer).toHaveAttribute("data-ready", "true");
  await expect.poll(level).toBeGreaterThanOrEqual(0);
  const fitted = await level();
  for (let i = 0; i < 3; i++) await page.keyboard.press("+");
  await expect.poll(level).toBeGreaterThan(fitted);
  // The deeper tile came from the server (the tile route), not from anywhere else.
  const deeper = await level();
  const fetched = await page.evaluate(
    (lvl) => performance.getEntriesByType("resource").some((e) => new RegExp(`/files/receipts/[^/]+/p\\d+_files/${lvl}/\\d+_\\d+\\.jpg$`).test(e.name)),
    deeper,
  );
  expect(fetched).toBe(true);
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`employee files a claim with a JPEG and a two-page PDF, submits, and zooms into a receipt (${locale})`, async ({ page }) => {
    await login(page, "employee@demo.af", locale);
    const claimUrl = await fileClaim(page, locale, locale === "en" ? "Customer visit, Shenzhen" : "赴深圳拜访客户");

    // Totals per currency and in company currency; history from the audit log.
    await expect(page.getByTestId("claim-totals")).toContainText(locale === "en" ? "1,325.50" : "1,325.50");
    await expect(page.getByTestId("line-row")).toHaveCount(2);
    await expect(page.getByTestId("timeline").locator("li")).toHaveCount(5); // created, 2 receipts, saved, submitted

    await page.getByTestId("open-viewer").click();
    await expect(page).toHaveURL(/\/viewer/);
    await expect(page.getByTestId("deep-zoom")).toHaveAttribute("data-ready", "true");

    // The second receipt is the A4 PDF: zoom into it, then its second page renders too.
    await page.keyboard.press("n");
    await expect(page.getByTestId("receipt-index")).toContainText(/Receipt 2 of 2|第 2 张/);
    await zoomInViewer(page);
    await page.keyboard.press("PageDown");
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByTestId("deep-zoom")).toHaveAttribute("data-ready", "true");
    await page.screenshot({ path: `test-results/viewer-${locale}.png` });
    await page.goto(claimUrl);
    await page.screenshot({ path: `test-results/claim-${locale}.png`, fullPage: true });
  });
}

test("another employee gets 404 on the claim page, its viewer and its tiles", async ({ page, browser }) => {
  await login(page, "employee@demo.af");
  const claimUrl = await fileClaim(page, "en", "Private claim");
  const claimPath = new URL(claimUrl).pathname;
  await page.getByTestId("open-viewer").click();
  const viewer = page.getByTestId("deep-zoom");
  await expect(viewer).toHaveAttribute("data-ready", "true");
  // "Ready" means the viewer opened the image; its first tile request may still be on its way.
  const firstTile = () => page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).find((n) => /_files\/\d+\/\d+_\d+\.jpe?g$/.test(n)));
  await expect.poll(firstTile, { timeout: 10_000 }).toBeTruthy();
  const tileUrl = await firstTile();
  const receiptPath = new URL(tileUrl!).pathname;
  const ownerTile = await page.request.get(receiptPath);
  expect(ownerTile.status()).toBe(200);
  expect(ownerTile.headers()["cache-control"]).toContain("immutable");

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await login(otherPage, "employee2@demo.af");
  for (const p of [claimPath, `${claimPath}/viewer`, `${claimPath}/edit`]) {
    const res = await otherPage.goto(p);
    expect([403, 404]).toContain(res?.status());
  }
  await expect(otherPage.locator(".error-page")).toBeVisible();
  const tile = await otherPage.request.get(receiptPath);
  expect([403, 404]).toContain(tile.status());
  const original = await otherPage.request.get(receiptPath.replace(/p\d+_files\/.*$/, "original"));
  expect([403, 404]).toContain(original.status());
  // Signed out: no tiles either.
  const anonymous = await browser.newContext();
  const anon = await anonymous.request.get(`http://localhost:${process.env.E2E_PORT ?? 3100}${receiptPath}`, { maxRedirects: 0 });
  expect([401, 403, 404]).toContain(anon.status());
  await other.close();
  await anonymous.close();
});

test("submission is refused with field-level messages, and hostile files are refused or marked failed", async ({ page }) => {
  await login(page, "employee@demo.af");
  await page.goto("/claims/new");
  await page.locator('input[name="purpose"]').fill("Validation check");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/edit$/);

  // No lines at all.
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await expect(page.getByTestId("form-error")).toBeVisible();
  await expect(page.getByText("A claim needs at least one line.")).toBeVisible();

  // A line with a zero amount and no receipt.
  await page.getByTestId("add-line").click();
  const line = page.getByTestId("line-item").first();
  await line.locator('input[name="lines[0].merchant"]').fill("Starbucks");
  await line.locator('select[name="lines[0].categoryCode"]').selectOption("MEAL");
  await line.locator('input[name="lines[0].amount"]').fill("0");
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await expect(page.getByText("The amount must be more than zero.")).toBeVisible();
  await expect(page.getByText("Every line needs at least one receipt.")).toBeVisible();
  // Nothing typed was lost.
  await expect(page.locator('input[name="lines[0].merchant"]')).toHaveValue("Starbucks");

  // Hostile files: refused by content at upload, or marked failed by the imaging worker; the good one is kept.
  await page.getByTestId("receipt-input").setInputFiles([
    path.join(FIXTURES, "not-an-image.jpg"),
    path.join(FIXTURES, "huge-pixels.png"),
    path.join(FIXTURES, "corrupt.jpg"),
    path.join(FIXTURES, "encrypted.pdf"),
    path.join(FIXTURES, "receipt.webp"),
  ]);
  await expect(page.getByText("not-an-image.jpg was not added: it is not a JPEG, PNG, WebP, HEIC, PDF or e-invoice XML file")).toBeVisible();
  await expect(page.getByText(/huge-pixels\.png was not added: the image has more than 150 megapixels/)).toBeVisible();
  // A password-protected PDF is refused at upload, saying what to do (issue 8, item 10).
  await expect(page.getByText(/encrypted\.pdf was not added: the PDF is password-protected/)).toBeVisible();
  await expect(page.getByTestId("receipt-item")).toHaveCount(2);
  await expect(page.locator('[data-testid="receipt-item"][data-status="FAILED"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.locator('[data-testid="receipt-item"][data-status="READY"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByText("The image data is damaged and cannot be read.")).toBeVisible();
  await page.screenshot({ path: "test-results/validation-en.png", fullPage: true });
});

test("my claims on a phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await login(page, "employee@demo.af", "zh-CN");
  await expect(page.locator("h1")).toHaveText("我的报销单");
  await page.screenshot({ path: "test-results/my-claims-phone-zh.png", fullPage: true });
  await context.close();
});

test("the line manager approves from the approvals inbox and the claim is routed to a processing group", async ({ page, browser }) => {
  await login(page, "employee@demo.af");
  const claimUrl = await fileClaim(page, "en", "Approval flow check");
  const claimNumber = await claimNumberOf(page);

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await login(manager, "manager@demo.af", "zh-CN");
  await manager.goto("/approvals");
  const item = manager.getByTestId("approval-item").filter({ hasText: claimNumber });
  await expect(item).toBeVisible();
  await manager.screenshot({ path: "test-results/approvals-zh.png", fullPage: true });
  await item.getByRole("button", { name: "同意" }).click();
  await expect(manager.getByRole("status")).toContainText(claimNumber);
  await expect(manager.getByTestId("approval-item").filter({ hasText: claimNumber })).toHaveCount(0);
  await managerContext.close();

  // The routing worker picks it up through the outbox: the history shows it within seconds.
  await page.goto(claimUrl);
  await expect(page.locator(".page-head .badge")).toHaveText("Manager approved");
  await waitUntilRouted(page);

  // An accountant of the Travel group (taxi and hotel lines) takes it with Next — the only routed
  // claim in this run — and approves it on the workstation.
  const accountantContext = await browser.newContext();
  const accountant = await accountantContext.newPage();
  await login(accountant, "accountant@demo.af");
  await takeNextTask(accountant, claimNumber);
  await accountant.screenshot({ path: "test-results/workstation-en.png", fullPage: true });
  // Approving less: more than claimed is refused at the line, then 40.00 of the taxi's 45.50 is approved.
  const approved = accountant.getByTestId("approved-amount");
  await expect(approved).toHaveCount(2);
  await expect(approved.first()).toHaveValue("45.50");
  await accountant.getByLabel("and take next").uncheck();
  await approved.first().fill("46.00");
  await accountant.getByTestId("approve").click();
  await expect(accountant.getByTestId("decision-error")).toContainText("An approved amount needs fixing");
  await expect(accountant.locator(".ws-approved .field-error").first()).toHaveText("At most the claimed amount.");
  await approved.first().fill("40.00");
  await accountant.getByTestId("approve").click();
  await expect(accountant).toHaveURL(/\/queue/);
  await accountantContext.close();
  await page.reload();
  await expect(page.locator(".page-head .badge")).toHaveText("Approved");
  await expect(page.getByTestId("line-approved")).toHaveCount(1);
  await expect(page.getByTestId("line-approved")).toContainText("approved: CN¥40.00");
});

test("the claimant withdraws a submitted claim: its approval is gone from the manager's inbox (zh-CN)", async ({ page, browser }) => {
  await login(page, "employee@demo.af", "zh-CN");
  await fileClaim(page, "zh-CN", "撤回测试");
  const claimNumber = await claimNumberOf(page);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("withdraw-claim").click();
  await expect(page.locator(".page-head .badge")).toHaveText("已撤回");
  await expect(page.getByTestId("withdrawn-notice")).toBeVisible();
  await expect(page.getByTestId("timeline")).toContainText("申请人已撤回");
  await expect(page.getByTestId("withdraw-claim")).toHaveCount(0);

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await login(manager, "manager@demo.af", "zh-CN");
  await manager.goto("/approvals");
  await expect(manager.getByTestId("approval-item").filter({ hasText: claimNumber })).toHaveCount(0);
  await managerContext.close();
});
