import { expect, test, type Page } from "@playwright/test";
import { login } from "./helpers";

/** Screenshots for a person to look at, when SCREENSHOTS_DIR is set (they prove nothing by themselves). */
async function shot(page: Page, name: string) {
  const dir = process.env.SCREENSHOTS_DIR;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

test("an employee changes their bank account (a bad IBAN first) and sees it held; a second treasury user confirms it", async ({ page, browser }) => {
  await login(page, "employee@demo.af", "en");
  await page.goto("/account");
  await page.getByTestId("bank-account-link").click();
  await expect(page).toHaveURL(/\/account\/bank$/);
  await expect(page.getByTestId("current-masked")).toBeVisible();
  const before = await page.getByTestId("current-masked").textContent();

  // Abroad: an IBAN with a typing mistake is refused beside the field, saying exactly what is wrong.
  await page.getByTestId("kind-iban").check();
  await page.getByTestId("field-holderName").fill("Zhang Wei");
  await page.getByTestId("field-iban").fill("DE88 3704 0044 0532 0130 00");
  await page.getByTestId("field-bic").fill("COBADEFFXXX");
  await page.getByTestId("request-change").click();
  await expect(page.getByTestId("error-iban")).toHaveText("The IBAN's check digits are wrong: look for a typing mistake.");
  await shot(page, "bank-en-error");

  await page.getByTestId("field-iban").fill("DE89 3704 0044 0532 0130 00");
  await page.getByTestId("request-change").click();
  await expect(page.getByTestId("bank-done")).toContainText("held until it is confirmed");
  await expect(page.getByTestId("pending-masked")).toHaveText("DE ····3000 (COBADEFFXXX)");
  await expect(page.getByTestId("pending-wait")).toHaveText("Waiting for a second person in finance to confirm it.");
  // Until then the payments go to the account in use.
  await expect(page.getByTestId("current-masked")).toHaveText(before!);
  await expect(page.locator('[data-testid="notification"][data-kind="bank_account.change_requested"]').first()).toContainText("DE ····3000");
  await shot(page, "bank-en-held");

  // Treasury sees the full new details and confirms.
  const treasuryContext = await browser.newContext();
  const treasury = await treasuryContext.newPage();
  await login(treasury, "treasury@demo.af", "en");
  await treasury.goto("/treasury/bank-changes");
  const change = treasury.locator('[data-testid="held-change"][data-owner="employee@demo.af"]');
  await expect(change).toContainText("DE89370400440532013000");
  // "Zhang Wei" is not how the employee's name (张伟) is written: finance is told to look twice.
  await expect(change.getByTestId("holder-differs")).toHaveText("Holder is not the employee's name");
  await shot(treasury, "treasury-en-held");
  await change.getByTestId("confirm-held").click();
  await expect(treasury.getByTestId("decision-done")).toHaveText("Confirmed: the new account is now in use.");
  await expect(treasury.locator('[data-testid="held-change"][data-owner="employee@demo.af"]')).toHaveCount(0);
  await treasuryContext.close();

  await page.reload();
  await expect(page.getByTestId("current-masked")).toHaveText("DE ····3000 (COBADEFFXXX)");
  await expect(page.getByTestId("pending-change")).toHaveCount(0);
  await expect(page.locator('[data-testid="notification"][data-kind="bank_account.change_confirmed"]')).toHaveCount(1);
});

test("in Chinese: a wrong CNAPS code is refused, the change is held, and the treasury user may not decide their own", async ({ page, browser }) => {
  await login(page, "employee2@demo.af", "zh-CN");
  await page.goto("/account/bank");
  await expect(page.locator("h1")).toHaveText("我的银行账户");
  // The seed left a change of theirs waiting for finance.
  await expect(page.getByTestId("pending-wait")).toHaveText("等待财务另一位同事确认。");

  await page.getByTestId("kind-cn").check();
  await page.getByTestId("field-holderName").fill("李娜");
  await page.getByTestId("field-accountNumber").fill("6222 0210 0104 5678 901");
  await page.getByTestId("field-bankName").fill("中国工商银行深圳分行");
  await page.getByTestId("field-cnapsCode").fill("10258400001");
  await page.getByTestId("request-change").click();
  await expect(page.getByTestId("error-cnapsCode")).toHaveText("联行号必须是 12 位数字。");
  await shot(page, "bank-zh-error");
  await page.getByTestId("field-cnapsCode").fill("102584000011");
  await page.getByTestId("request-change").click();
  await expect(page.getByTestId("bank-done")).toContainText("新账户已提交");
  await expect(page.getByTestId("pending-masked")).toHaveText("中国工商银行深圳分行 ····8901");
  await expect(page.getByTestId("pending-wait")).toHaveText("等待财务另一位同事确认。");
  // The request replaced the one the seed left.
  await expect(page.getByTestId("bank-history")).toContainText("已取消");
  await shot(page, "bank-zh-held");

  // A treasury user asks for a change of their own account: their colleague sees it, they cannot decide it.
  const own = await browser.newContext();
  const t1 = await own.newPage();
  await login(t1, "treasury@demo.af", "zh-CN");
  await t1.goto("/account/bank");
  await t1.getByTestId("kind-cn").check();
  await t1.getByTestId("field-holderName").fill("孙丽华");
  await t1.getByTestId("field-accountNumber").fill("6217000010012345678");
  await t1.getByTestId("field-bankName").fill("中国建设银行上海分行");
  await t1.getByTestId("field-cnapsCode").fill("105290000017");
  await t1.getByTestId("request-change").click();
  await expect(t1.getByTestId("pending-wait")).toBeVisible();
  await t1.goto("/treasury/bank-changes");
  await expect(t1.locator('[data-testid="held-change"][data-owner="treasury@demo.af"]').getByTestId("cannot-decide")).toHaveText("这是您本人的账户，须由资金部另一位同事处理。");
  await shot(t1, "treasury-zh-own");

  const other = await browser.newContext();
  const t2 = await other.newPage();
  await login(t2, "treasury2@demo.af", "zh-CN");
  await t2.goto("/treasury/bank-changes");
  const change = t2.locator('[data-testid="held-change"][data-owner="employee2@demo.af"]');
  await change.getByTestId("reject-held").click();
  await expect(change.getByTestId("error-note")).toHaveText("请填写此项。");
  await change.getByTestId("reject-note").fill("户名与员工不符");
  await change.getByTestId("reject-held").click();
  await expect(t2.getByTestId("decision-done")).toHaveText("已驳回：已通知员工。");
  await own.close();
  await other.close();

  await page.reload();
  await expect(page.getByTestId("pending-change")).toHaveCount(0);
  await expect(page.locator('[data-testid="notification"][data-kind="bank_account.change_rejected"]')).toContainText("户名与员工不符");
});

test("where the company lets employees confirm: a wrong password is refused, then the change waits out the cooling-off", async ({ page }) => {
  // The Hong Kong company (seed): EMPLOYEE_CONFIRM with 48 hours' cooling-off.
  await login(page, "staff175@demo.af", "en");
  await page.goto("/account/bank");
  await page.getByTestId("kind-iban").check();
  await page.getByTestId("field-holderName").fill("Test Holder");
  await page.getByTestId("field-iban").fill("GB29 NWBK 6016 1331 9268 19");
  await page.getByTestId("field-bic").fill("NWBKGB2L");
  await page.getByTestId("request-change").click();
  await expect(page.getByTestId("pending-wait")).toHaveText("Waiting for your confirmation: enter your password below.");

  await page.getByTestId("confirm-password").fill("not-my-password");
  await page.getByTestId("confirm-change").click();
  await expect(page.getByTestId("error-password")).toHaveText("That is not your password.");
  await page.getByTestId("confirm-password").fill("demo1234");
  await page.getByTestId("confirm-change").click();
  await expect(page.getByTestId("bank-done")).toHaveText("Confirmed. The new account becomes usable after the cooling-off period.");
  await expect(page.getByTestId("pending-wait")).toContainText("usable from");
  await shot(page, "bank-en-cooling");
});
