import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = "demo1234";
export const FIXTURES = path.resolve("test/fixtures");

export async function login(page: Page, email: string, locale: "en" | "zh-CN" = "en"): Promise<void> {
  await page.context().clearCookies();
  await page.goto("/login");
  await setLocale(page, locale);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('.auth-card button[type="submit"]').click();
  await expect(page).toHaveURL(/\/claims/);
}

/** Uses the language switch in the top bar, as a person would (the choice outlasts sign-in). */
export async function setLocale(page: Page, locale: "en" | "zh-CN"): Promise<void> {
  await page.locator(`.lang-switch button[value="${locale}"]`).click();
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
}

/** Reloads until every receipt on the page has been imaged (the page also polls by itself). */
export async function waitForReceiptsReady(page: Page, count: number): Promise<void> {
  await expect(page.getByTestId("receipt-item")).toHaveCount(count);
  await expect(page.locator('[data-testid="receipt-item"][data-status="READY"]')).toHaveCount(count, { timeout: 60_000 });
}
