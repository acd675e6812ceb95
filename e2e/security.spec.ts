import { expect, test } from "@playwright/test";
import { login } from "./helpers";

// Issue 8, item 4, in a real browser: forms still work without JavaScript (a plain form post), and a page
// elsewhere cannot make a signed-in browser change anything here.

test("without JavaScript, signing in and switching the language still work (plain form posts pass the origin check)", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseURL}/login`);
  await page.locator('input[name="email"]').fill("employee2@demo.af");
  await page.locator('input[name="password"]').fill("demo1234");
  await page.locator('.auth-card button[type="submit"]').click();
  await expect(page).toHaveURL(/\/claims$/);
  await page.locator('.lang-switch button[value="en"]').click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await context.close();
});

test("a form on another site cannot sign a signed-in user out", async ({ page, baseURL }) => {
  await login(page, "employee2@demo.af");
  // A page that is not this app (about:blank has an opaque origin) posting into it, as a forged form would.
  const forged = await page.context().newPage();
  await forged.setContent(`<form method="post" action="${baseURL}/logout"><button>win a prize</button></form>`);
  const [response] = await Promise.all([forged.waitForResponse(`${baseURL}/logout`), forged.getByRole("button").click()]);
  expect(response.status()).toBe(403);
  await expect(forged.locator("body")).toContainText("did not come from this application");
  // Still signed in.
  await page.goto(`${baseURL}/claims`);
  await expect(page).toHaveURL(/\/claims$/);
});
