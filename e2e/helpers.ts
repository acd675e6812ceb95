import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";
import pg from "pg";

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

type Strings = { create: string; submit: string; submitted: string; addLine: string };
const STRINGS: Record<"en" | "zh-CN", Strings> = {
  en: { create: "Create draft", submit: "Submit", submitted: "Submitted", addLine: "Add line" },
  "zh-CN": { create: "创建草稿", submit: "提交", submitted: "已提交", addLine: "添加明细" },
};

async function fillLine(page: Page, index: number, values: { date: string; category: string; merchant: string; amount: string }, receiptNumber: number) {
  const line = page.getByTestId("line-item").nth(index);
  await line.locator(`input[name="lines[${index}].spentOn"]`).fill(values.date);
  await line.locator(`select[name="lines[${index}].categoryCode"]`).selectOption(values.category);
  await line.locator(`input[name="lines[${index}].merchant"]`).fill(values.merchant);
  await line.locator(`input[name="lines[${index}].amount"]`).fill(values.amount);
  const chips = line.locator(`input[name="lines[${index}].receiptIds"]`);
  const count = await chips.count();
  for (let i = 0; i < count; i++) {
    const chip = chips.nth(i);
    const want = i === receiptNumber - 1;
    if ((await chip.isChecked()) !== want) await chip.setChecked(want);
  }
}

/** Files a claim with a JPEG (line 1, taxi) and a two-page PDF (line 2, hotel), submits it, and returns its URL. */
export async function fileClaim(page: Page, locale: "en" | "zh-CN", purpose: string): Promise<string> {
  const s = STRINGS[locale];
  await page.goto("/claims/new");
  await page.locator('input[name="purpose"]').fill(purpose);
  await page.getByRole("button", { name: s.create }).click();
  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+\/edit$/);

  await page.getByTestId("receipt-input").setInputFiles([path.join(FIXTURES, "receipt-zh.jpg"), path.join(FIXTURES, "two-page.pdf")]);
  await waitForReceiptsReady(page, 2);

  await page.getByTestId("add-line").click();
  await fillLine(page, 0, { date: "2026-11-02", category: "TAXI", merchant: "滴滴出行", amount: "45.50" }, 1);
  await page.getByTestId("add-line").click();
  await fillLine(page, 1, { date: "2026-11-03", category: "HOTEL", merchant: "如家酒店", amount: "1,280.00" }, 2);
  await page.getByRole("button", { name: s.submit, exact: true }).click();

  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+$/);
  await expect(page.locator(".page-head .badge")).toHaveText(s.submitted);
  return page.url();
}

/** Reloads the claim page until its history shows the routing worker sent it to a group. */
export async function waitUntilRouted(page: Page): Promise<void> {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("timeline")).toContainText("Sent to a processing group", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

/** On the queue page, presses Next and expects the workstation for `claimNumber`. */
export async function takeNextTask(page: Page, claimNumber: string): Promise<void> {
  await page.goto("/queue");
  await page.waitForLoadState("networkidle");
  await page.locator(".button-next").click();
  await expect(page).toHaveURL(/\/work\//);
  await expect(page.locator("h1")).toContainText(claimNumber);
}

/** The claim number shown in the claim page's heading. */
export async function claimNumberOf(page: Page): Promise<string> {
  return (await page.locator(".page-head h1 .mono").textContent())!.trim();
}

const ROUTED = /Sent to a processing group|已分派至处理组/;

/** Reloads the claim page until its history shows it was routed `times` times (a resubmitted claim is routed again). */
export async function waitUntilRoutedTimes(page: Page, times: number): Promise<void> {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("timeline").locator("li").filter({ hasText: ROUTED })).toHaveCount(times, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
}

/** The line manager approves `claimNumber` from the approvals inbox, in a context of their own. */
export async function approveAsManager(browser: Browser, claimNumber: string, locale: "en" | "zh-CN" = "en"): Promise<void> {
  const context = await browser.newContext();
  try {
    const manager = await context.newPage();
    await login(manager, "manager@demo.af", locale);
    await manager.goto("/approvals");
    const item = manager.getByTestId("approval-item").filter({ hasText: claimNumber });
    await expect(item).toBeVisible();
    await item.getByRole("button", { name: locale === "en" ? "Approve" : "同意" }).click();
    await expect(manager.getByTestId("approval-item").filter({ hasText: claimNumber })).toHaveCount(0);
  } finally {
    await context.close();
  }
}

/** The e2e server's database (the owner's URL, as the e2e server script sets it up). */
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";

/** A connection to the e2e database for the length of `fn` (test worlds and checks read and write it directly). */
export async function withDb<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}
