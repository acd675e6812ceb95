import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRouted } from "./helpers";

type PayrollRow = { pieces: number; grossHundredths: number; amountMinor: number };

/** The payroll CSV row of one operator (zeros when they have no statement yet), read with the supervisor's session. */
async function payrollRow(page: Page, email: string): Promise<PayrollRow> {
  const response = await page.request.get("/pay/export");
  expect(response.status()).toBe(200);
  const text = (await response.body()).subarray(3).toString("utf8");
  const line = text.trimEnd().split("\r\n").find((l) => l.includes(`,${email},`));
  if (!line) return { pieces: 0, grossHundredths: 0, amountMinor: 0 };
  const cols = line.split(",");
  const hundredths = (v: string) => Math.round(Number(v) * 100);
  // …,pieces,gross_points,deduction_points,net_points,amount,currency (the name may hold anything, so count from the end).
  return { pieces: Number(cols.at(-6)), grossHundredths: hundredths(cols.at(-5)!), amountMinor: hundredths(cols.at(-2)!) };
}

test("a finished review shows on the accountant's own statement, and the supervisor sees every operator and downloads the payroll CSV", async ({ page, browser }) => {
  // Other specs have the same accountant work too: measure this review as a difference.
  const supervisorContext = await browser.newContext();
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor@demo.af");
  const before = await payrollRow(supervisor, "accountant@demo.af");

  // A real piece of work: filed, approved by the manager, routed, taken and approved by the accountant.
  await login(page, "employee@demo.af");
  const claimUrl = await fileClaim(page, "en", "Piece-rate check");
  const claimNumber = await claimNumberOf(page);
  await approveAsManager(browser, claimNumber);
  await page.goto(claimUrl);
  await waitUntilRouted(page);

  const accountantContext = await browser.newContext();
  const accountant = await accountantContext.newPage();
  await login(accountant, "accountant@demo.af");
  await takeNextTask(accountant, claimNumber);
  await accountant.getByTestId("approve").click();
  await expect(accountant).toHaveURL(/\/queue/);

  // This review, band M (2 lines, 3 pages), is worth 1.60 points × 3.00 CNY.
  const after = await payrollRow(supervisor, "accountant@demo.af");
  expect(after).toEqual({ pieces: before.pieces + 1, grossHundredths: before.grossHundredths + 160, amountMinor: before.amountMinor + 480 });
  await supervisorContext.close();

  // The accountant sees only their own statement, with the amount payroll gets.
  await accountant.goto("/pay");
  await expect(accountant.locator("h1")).toHaveText("My piece-rate statement");
  const statement = accountant.getByTestId("statement");
  await expect(statement).toContainText("Review");
  await expect(accountant.getByTestId("statement-amount")).toContainText((after.amountMinor / 100).toFixed(2));
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
  await expect(mine).toContainText((after.grossHundredths / 100).toFixed(2));
  await expect(mine).toContainText((after.amountMinor / 100).toFixed(2));
  await expect(page.getByTestId("period-status")).toContainText("本月进行中");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^payroll-\d{4}-\d{2}\.csv$/);
  const bytes = await fs.readFile(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("month,status,operator_email,operator_name,pieces,gross_points,deduction_points,net_points,amount,currency");
  expect(lines.length).toBe(1 + (await rows.count()));
  const row = lines.find((l) => l.includes("accountant@demo.af"))!;
  const gross = (after.grossHundredths / 100).toFixed(2).replace(".", "\\.");
  expect(row).toMatch(new RegExp(`,provisional,accountant@demo\\.af,[^,]*[\u4e00-\u9fff][^,]*,${after.pieces},${gross},`));
  expect(row).toMatch(new RegExp(`,${(after.amountMinor / 100).toFixed(2).replace(".", "\\.")},CNY$`));

  // Scorecards: the accountant's review counts as one piece.
  await page.goto("/scorecards");
  await expect(page.getByTestId("scorecard-operator").first()).toContainText("1");
});
