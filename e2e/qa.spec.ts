import { expect, test, type Browser, type Page } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

const DEFAULT_RATES = { baseRate: "5", newOperatorRate: "20", highAmountRate: "25", flaggedRate: "15" };

async function setRates(browser: Browser, rates: Record<keyof typeof DEFAULT_RATES, string>): Promise<void> {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await login(admin, "admin@demo.af");
  await admin.goto("/qa/settings");
  for (const [name, value] of Object.entries(rates)) await admin.getByTestId(`setting-${name}`).fill(value);
  await admin.getByTestId("save-settings").click();
  await expect(admin.getByTestId("settings-saved")).toBeVisible();
  await context.close();
}

/** On /qa presses Next until the check of `claimNumber` is on the workstation; older checks left by other tests get a pass. */
async function takeQaCheckOf(page: Page, claimNumber: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await page.goto("/qa");
    await page.waitForLoadState("networkidle");
    await page.getByTestId("qa-next").click();
    await expect(page).toHaveURL(/\/work\//);
    // The URL changes before React has rendered the workstation (navigations render in a transition),
    // so read the number from the workstation's own heading, which waits until it is there.
    if ((await page.locator(".ws-head h1 .mono").textContent())?.trim() === claimNumber) return;
    await page.locator(".ws-andnext input").uncheck();
    await page.getByTestId("qa-pass").click();
    await expect(page).toHaveURL(/\/qa$/);
  }
  throw new Error(`no QA check of ${claimNumber} came with Next`);
}

test("an approved review drawn at 100 % is checked by QA and recorded as an error", async ({ page, browser }) => {
  // Five people in turn (admin, employee, manager, accountant, QA reviewer) on a shared, busy machine.
  test.setTimeout(300_000);
  // The admin's settings page refuses a rate above 100 % per field, then samples every review.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, "admin@demo.af");
  await admin.goto("/qa/settings");
  await admin.getByTestId("setting-baseRate").fill("150");
  await admin.getByTestId("save-settings").click();
  await expect(admin.getByTestId("setting-baseRate")).toHaveAttribute("aria-invalid", "true");
  await expect(admin.locator("#baseRate-error")).toHaveText("A percentage from 0 to 100, up to two decimals.");
  await adminContext.close();
  await setRates(browser, { baseRate: "100", newOperatorRate: "100", highAmountRate: "100", flaggedRate: "100" });

  try {
    await login(page, "employee@demo.af");
    await fileClaim(page, "en", "QA sampling check");
    const claimNumber = await claimNumberOf(page);

    await approveAsManager(browser, claimNumber);
    await waitUntilRouted(page);

    // The accountant approves it on the workstation.
    const accountantContext = await browser.newContext();
    const accountant = await accountantContext.newPage();
    await login(accountant, "accountant@demo.af");
    await takeNextTask(accountant, claimNumber);
    await accountant.locator(".ws-andnext input").uncheck();
    await accountant.getByTestId("approve").click();
    await expect(accountant).toHaveURL(/\/queue$/);
    await accountantContext.close();

    // The QA reviewer takes it with Next and sees the claim read-only with the decision under check.
    const qaContext = await browser.newContext();
    const qa = await qaContext.newPage();
    await login(qa, "qa@demo.af");
    await qa.goto("/qa");
    await expect(qa.getByTestId("qa-open")).not.toHaveText("0");
    await takeQaCheckOf(qa, claimNumber);
    await expect(qa.getByTestId("qa-original")).toContainText("Approved");
    await expect(qa.getByTestId("qa-original")).toContainText("Decided by");
    await expect(qa.getByTestId("approve")).toHaveCount(0);
    await expect(qa.locator(".ws-lines")).toBeVisible();
    await expect(qa.getByTestId("timeline")).toBeVisible();

    // X goes to the error type, as it goes to the reject comment on a review.
    await qa.waitForLoadState("networkidle");
    await qa.keyboard.press("x");
    await expect(qa.getByTestId("qa-error-type")).toBeFocused();
    // An error without severity and comment is refused field by field, nothing recorded.
    await qa.getByTestId("qa-error-type").selectOption("amount_mismatch");
    await qa.getByTestId("qa-record-error").click();
    await expect(qa.getByTestId("qa-error")).toContainText("Please correct the fields marked below.");
    await expect(qa.locator("#qa-severity-error")).toHaveText("Required.");
    await expect(qa.locator("#qa-comment-error")).toHaveText("Required.");

    await qa.getByTestId("qa-error-type").selectOption("amount_mismatch");
    await qa.getByTestId("qa-severity-major").check();
    await qa.getByTestId("qa-error-comment").fill("Hotel line is 1,280.00 but the folio says 1,180.00.");
    await qa.locator(".ws-andnext input").uncheck();
    await qa.getByTestId("qa-record-error").click();
    await expect(qa).toHaveURL(/\/qa$/);

    // The check shows as done, with its type and severity, on /qa and on the task itself.
    const row = qa.getByTestId("qa-check-row").filter({ hasText: claimNumber });
    await expect(row).toHaveAttribute("data-outcome", "error");
    await expect(row).toContainText("Amount does not match the receipt · Major");
    await row.getByRole("link", { name: claimNumber }).click();
    await expect(qa.getByTestId("qa-result")).toHaveAttribute("data-outcome", "error");
    await expect(qa.getByTestId("qa-result")).toContainText("Hotel line is 1,280.00 but the folio says 1,180.00.");
    await expect(qa.getByTestId("qa-record-error")).toHaveCount(0);
    await qaContext.close();
  } finally {
    await setRates(browser, DEFAULT_RATES);
  }
});
