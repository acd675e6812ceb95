import fs from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

test("a finished review shows on the accountant's own statement, and the supervisor sees every operator and downloads the payroll CSV", async ({ page, browser }) => {
  // A real piece of work: filed, approved by the manager, routed, taken and approved by the accountant.
  await login(page, "employee@demo.af");
  const claimUrl = await fileClaim(page, "en", "Piece-rate check");
  const claimNumber = (await page.locator(".page-head h1 .mono").textContent())!.trim();
  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await login(manager, "manager@demo.af");
  await manager.goto("/approvals");
  await manager.getByTestId("approval-item").filter({ hasText: claimNumber }).getByRole("button", { name: "Approve" }).click();
  await expect(manager.getByTestId("approval-item").filter({ hasText: claimNumber })).toHaveCount(0);
  await managerContext.close();
  await page.goto(claimUrl);
  await waitUntilRouted(page);

  const accountantContext = await browser.newContext();
  const accountant = await accountantContext.newPage();
  await login(accountant, "accountant@demo.af");
  await takeNextTask(accountant, claimNumber);
  await accountant.getByTestId("approve").click();
  await expect(accountant).toHaveURL(/\/queue/);

  // The accountant sees only their own statement: one review, band M (2 lines, 3 pages) = 1.60 points × 3.00 CNY.
  await accountant.goto("/pay");
  await expect(accountant.locator("h1")).toHaveText("My piece-rate statement");
  const statement = accountant.getByTestId("statement");
  await expect(statement).toContainText("Review");
  await expect(statement.locator("tbody tr").first()).toContainText("1.60");
  await expect(accountant.getByTestId("statement-amount")).toContainText("4.80");
  await expect(accountant.getByTestId("pay-statements")).toHaveCount(0);
  await expect(accountant.getByTestId("download-csv")).toHaveCount(0);
  // …and is refused anyone else's, and the payroll export.
  await accountant.goto("/pay?operator=00000000-0000-4000-8000-000000000000");
  await expect(accountant.locator(".error-code")).toHaveText("403");
  expect((await accountant.request.get("/pay/export")).status()).toBe(403);
  await accountantContext.close();

  // The supervisor sees every operator, with the accountant's piece, in Chinese too.
  await login(page, "supervisor@demo.af", "zh-CN");
  await page.goto("/pay");
  await expect(page.locator("h1")).toHaveText("计件薪酬：全部作业人员");
  const rows = page.getByTestId("pay-row");
  expect(await rows.count()).toBeGreaterThan(3);
  const mine = rows.filter({ hasText: "accountant@demo.af" });
  await expect(mine).toContainText("1.60");
  await expect(mine).toContainText("4.80");
  await expect(page.getByTestId("period-status")).toContainText("本月进行中");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^payroll-\d{4}-\d{2}\.csv$/);
  const bytes = await fs.readFile(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("month,status,operator_email,operator_name,pieces,gross_points,deduction_points,net_points,amount,currency");
  expect(lines.length).toBe(1 + (await rows.count()));
  const row = lines.find((l) => l.includes("accountant@demo.af"))!;
  expect(row).toMatch(/,provisional,accountant@demo\.af,[^,]*[\u4e00-\u9fff][^,]*,1,1\.60,0\.00,1\.60,4\.80,CNY$/);

  // Scorecards: the accountant's review counts as one piece.
  await page.goto("/scorecards");
  await expect(page.getByTestId("scorecard-operator").first()).toContainText("1");
});
