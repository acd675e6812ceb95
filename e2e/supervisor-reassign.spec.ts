import { expect, test } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

/**
 * A supervisor re-assigns an open review task to accountant B from the floor view; B presses Next and
 * gets exactly that claim, although it is the newest task in the Travel queue.
 */
test("a supervisor re-assigns an open task to accountant B, whose Next takes exactly that claim", async ({ page, browser }) => {
  // Two claims: the older one would be everybody's Next; the newer one is the one re-assigned.
  await login(page, "employee@demo.af");
  await fileClaim(page, "en", "Reassign check: older");
  const olderNumber = await claimNumberOf(page);
  await fileClaim(page, "en", "Reassign check: newer");
  const claimNumber = await claimNumberOf(page);

  for (const number of [olderNumber, claimNumber]) await approveAsManager(browser, number);
  await waitUntilRouted(page);

  // B: the second Travel accountant. Their name, as the reassign list shows it.
  const bContext = await browser.newContext();
  const b = await bContext.newPage();
  await login(b, "acct.travel2@demo.af");
  const bName = (await b.locator(".whoami").textContent())!.trim();

  const supervisorContext = await browser.newContext();
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor@demo.af");
  await supervisor.goto("/queue");
  await supervisor.getByRole("link", { name: "Tasks by group" }).click();
  await expect(supervisor).toHaveURL(/\/queue\/tasks/);
  await supervisor.locator(".floor-group", { hasText: "Travel" }).click();
  await expect(supervisor.locator('.floor-group[aria-current="page"]')).toContainText("Travel");
  await supervisor.getByLabel("Find a claim in this group").fill(claimNumber);
  await supervisor.getByRole("button", { name: "Find", exact: true }).click();
  const row = supervisor.locator(`[data-testid="floor-task"][data-claim="${claimNumber}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("Waiting");
  await row.getByLabel(`Reassign claim ${claimNumber} to`).selectOption({ label: bName });
  await row.getByRole("button", { name: "Reassign" }).click();
  await expect(supervisor.locator('p.notice[role="status"]')).toContainText("gets this task first");
  await expect(row).toContainText(`${bName} (preferred)`);
  await supervisorContext.close();

  await takeNextTask(b, claimNumber);

  // Leave the Travel queue as we found it: B decides both claims (the older one is B's next Next).
  // (With "and take next" on, the workstation goes straight to the next task; otherwise to the queue.)
  const reassignedUrl = b.url();
  await b.getByTestId("approve").click();
  await expect(b).not.toHaveURL(reassignedUrl);
  if (b.url().includes("/queue")) await takeNextTask(b, olderNumber);
  else await expect(b.locator("h1")).toContainText(olderNumber);
  const olderUrl = b.url();
  await b.getByTestId("approve").click();
  await expect(b).not.toHaveURL(olderUrl);
  await bContext.close();
});
