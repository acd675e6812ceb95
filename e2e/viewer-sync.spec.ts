import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { FIXTURES, login, waitForReceiptsReady } from "./helpers";

/** Files a claim whose line 1 uses receipt 1 (JPEG) and line 2 receipt 2 (PDF), and submits it. */
async function fileClaim(page: Page, purpose: string): Promise<string> {
  await page.goto("/claims/new");
  await page.locator('input[name="purpose"]').fill(purpose);
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+\/edit$/);
  await page.getByTestId("receipt-input").setInputFiles([path.join(FIXTURES, "receipt-zh.jpg"), path.join(FIXTURES, "two-page.pdf")]);
  await waitForReceiptsReady(page, 2);
  const lines = [
    { date: "2026-11-02", category: "TAXI", merchant: "滴滴出行", amount: "45.50" },
    { date: "2026-11-03", category: "HOTEL", merchant: "如家酒店", amount: "1,280.00" },
  ];
  for (const [index, values] of lines.entries()) {
    await page.getByTestId("add-line").click();
    const line = page.getByTestId("line-item").nth(index);
    await line.locator(`input[name="lines[${index}].spentOn"]`).fill(values.date);
    await line.locator(`select[name="lines[${index}].categoryCode"]`).selectOption(values.category);
    await line.locator(`input[name="lines[${index}].merchant"]`).fill(values.merchant);
    await line.locator(`input[name="lines[${index}].amount"]`).fill(values.amount);
    const chips = line.locator(`input[name="lines[${index}].receiptIds"]`);
    const count = await chips.count();
    for (let i = 0; i < count; i++) {
      const chip = chips.nth(i);
      if ((await chip.isChecked()) !== (i === index)) await chip.setChecked(i === index);
    }
  }
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+$/);
  await expect(page.locator(".page-head .badge")).toHaveText("Submitted");
  return page.url();
}

test("the viewer window follows the line selected on the workstation", async ({ page, browser }) => {
  await login(page, "employee@demo.af");
  const claimUrl = await fileClaim(page, "Viewer sync check");
  const claimNumber = (await page.locator(".page-head h1 .mono").textContent())!.trim();
  const claimId = new URL(claimUrl).pathname.split("/")[2]!;

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await login(manager, "manager@demo.af");
  await manager.goto("/approvals");
  const item = manager.getByTestId("approval-item").filter({ hasText: claimNumber });
  await expect(item).toBeVisible();
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(manager.getByTestId("approval-item").filter({ hasText: claimNumber })).toHaveCount(0);
  await managerContext.close();

  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("timeline")).toContainText("Sent to a processing group", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  // The accountant takes it with Next (the only routed claim waiting), then has the viewer open alongside.
  const context = await browser.newContext();
  const workstation = await context.newPage();
  await login(workstation, "accountant@demo.af");
  await workstation.goto("/queue");
  await workstation.waitForLoadState("networkidle");
  await workstation.locator(".button-next").click();
  await expect(workstation).toHaveURL(/\/work\//);
  await expect(workstation.locator("h1")).toContainText(claimNumber);
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
  const secondReceipt = (await app.getAttribute("data-receipt-id"))!;
  expect(secondReceipt).toBeTruthy();
  await expect
    .poll(() => new URL(viewer.url()).searchParams.get("receipt"), { timeout: 1_000, intervals: [50] })
    .toBe(secondReceipt);
  await expect(app).not.toHaveAttribute("data-highlight-line-ids", "");
  await expect(viewer.locator(".vt-chip-highlight")).toHaveCount(1);
  await context.close();
});
