import { expect, test } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

test("the viewer window follows the line selected on the workstation", async ({ page, browser }) => {
  await login(page, "employee@demo.af");
  const claimUrl = await fileClaim(page, "en", "Viewer sync check");
  const claimNumber = await claimNumberOf(page);
  const claimId = new URL(claimUrl).pathname.split("/")[2]!;

  await approveAsManager(browser, claimNumber);
  await waitUntilRouted(page);

  // The accountant takes it with Next (the only routed claim waiting), then has the viewer open alongside.
  const context = await browser.newContext();
  const workstation = await context.newPage();
  await login(workstation, "accountant@demo.af");
  await takeNextTask(workstation, claimNumber);
  await workstation.waitForLoadState("networkidle");

  const viewer = await context.newPage();
  await viewer.goto(`/claims/${claimId}/viewer`);
  await viewer.waitForLoadState("networkidle");
  const app = viewer.locator(".viewer-app");
  await expect(viewer.getByTestId("receipt-index")).toContainText("Receipt 1 of 2");
  const firstReceipt = await app.getAttribute("data-receipt-id");
  expect(firstReceipt).toBeTruthy();

  // Line 1 (j), then line 2 (j): line 2's receipt is the second one.
  await workstation.bringToFront();
  await workstation.keyboard.press("j");
  await expect(workstation.locator('[data-line-index="0"]')).toHaveAttribute("aria-current", "true");
  await workstation.keyboard.press("j");
  await expect(workstation.locator('[data-line-index="1"]')).toHaveAttribute("aria-current", "true");

  await expect(app).not.toHaveAttribute("data-receipt-id", firstReceipt!, { timeout: 1_000 });
  await expect(viewer.getByTestId("receipt-index")).toContainText("Receipt 2 of 2", { timeout: 1_000 });
  // The URL follows the position (debounced 250 ms), so a reload of the viewer stays on line 2's receipt.
  // Not held to the second: the viewer is a background window here, whose timers Chromium throttles.
  const secondReceipt = (await app.getAttribute("data-receipt-id"))!;
  expect(secondReceipt).toBeTruthy();
  await expect
    .poll(() => new URL(viewer.url()).searchParams.get("receipt"), { timeout: 5_000, intervals: [50] })
    .toBe(secondReceipt);
  await expect(app).not.toHaveAttribute("data-highlight-line-ids", "");
  await expect(viewer.locator(".vt-chip-highlight")).toHaveCount(1);
  await context.close();
});
