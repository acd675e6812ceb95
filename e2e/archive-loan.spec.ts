import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { login } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh).
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";
const SHOTS = process.env.E2E_SHOTS_DIR;

type Person = { id: string; email: string; name: string };
type World = { archivist: Person; auditor: Person; boxes: string[]; claimNumber: string; recordId: string; overdue: { requestId: string; box: string; daysLate: number } };

function world(): World {
  const out = execFileSync("npx", ["tsx", "e2e/archive-loan-world.ts"], {
    env: { ...process.env, DATABASE_URL, REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2", NODE_ENV: "test" },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as World;
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

type Words = { send: string; approve: string; lend: string; returnBox: string; onLoan: string; returned: string; approved: string; borrow: string };
const WORDS: Record<"en" | "zh-CN", Words> = {
  en: { send: "Send request", approve: "Approve", lend: "Hand out the box", returnBox: "Record the return", onLoan: "On loan", returned: "Returned", approved: "Approved", borrow: "Borrow a box" },
  "zh-CN": { send: "提交申请", approve: "批准", lend: "借出档案盒", returnBox: "登记归还", onLoan: "借出中", returned: "已归还", approved: "已批准", borrow: "借阅档案盒" },
};

async function loanThroughToReturn(page: Page, w: World, box: string, locale: "en" | "zh-CN") {
  const words = WORDS[locale];
  // The auditor asks to borrow the box.
  await login(page, w.auditor.email, locale);
  await page.goto("/archive/requests/new");
  await page.getByLabel(words.borrow).check();
  await page.locator('input[name="boxLabel"]').fill(box.toLowerCase());
  await page.locator('select[name="purposeKind"]').selectOption("AUDIT");
  await page.locator('textarea[name="purpose"]').fill(locale === "en" ? "Year-end audit sample" : "年度审计抽样");
  await shot(page, `request-new-${locale}`);
  await page.getByRole("button", { name: words.send }).click();
  await expect(page).toHaveURL(/\/archive\/requests\/[^/]+\?created=1$/);
  const requestPath = new URL(page.url()).pathname;
  await expect(page.getByTestId("target")).toHaveText(box);
  await expect(page.getByTestId("request-status")).toHaveAttribute("data-status", "REQUESTED");

  // The archivist approves, hands it out, and takes it back.
  await login(page, w.archivist.email, locale);
  await page.goto("/archive/requests");
  await expect(page.getByTestId("to-handle")).toContainText(box);
  await shot(page, `requests-${locale}`);
  await page.getByTestId("to-handle").getByRole("link", { name: box }).click();
  await expect(page).toHaveURL(new RegExp(`${requestPath}$`));
  await page.getByRole("button", { name: words.approve }).click();
  await expect(page.getByTestId("request-status")).toHaveText(words.approved);
  await page.locator('input[name="borrowerName"]').fill(locale === "en" ? "Audrey Auditor (KPMG)" : "审计师 王芳");
  await shot(page, `request-lend-${locale}`);
  await page.getByRole("button", { name: words.lend }).click();
  await expect(page.getByTestId("request-status")).toHaveText(words.onLoan);
  await expect(page.getByTestId("borrower")).toContainText(locale === "en" ? "KPMG" : "王芳");
  await page.getByRole("button", { name: words.returnBox }).click();
  await expect(page.getByTestId("request-status")).toHaveText(words.returned);
  await expect(page.getByTestId("returned")).toContainText(w.archivist.name);
  await shot(page, `request-returned-${locale}`);
}

type OverdueWords = { filter: RegExp; since: string; days: string; reminded: RegExp; bringBack: string; chase: string; youOverdue: string };
const OVERDUE: Record<"en" | "zh-CN", OverdueWords> = {
  en: { filter: /^Overdue loans \(\d+\)$/, since: "Overdue since", days: "(3 days)", reminded: /reminded on/i, bringBack: "bring box", chase: "Chase", youOverdue: "overdue" },
  "zh-CN": { filter: /^逾期未还（\d+）$/, since: "起逾期", days: "（3 天）", reminded: /催还/, bringBack: "归还档案室", chase: "催还档案盒", youOverdue: "逾期未还" },
};

/** An overdue loan where the archive and the borrower work: the list's line and filter, the request's callout. */
async function overdueOnTheLoanScreens(page: Page, w: World, locale: "en" | "zh-CN") {
  const words = OVERDUE[locale];
  const box = w.overdue.box;
  await login(page, w.archivist.email, locale);
  await page.goto("/archive/requests");
  // The one archive navigation marks the loans page.
  await expect(page.getByTestId("archive-nav").locator('a[aria-current="page"]')).toHaveAttribute("href", "/archive/requests");
  const row = page.getByTestId("to-handle").getByTestId("request-row").filter({ has: page.getByRole("link", { name: box }) });
  await expect(row.getByTestId("request-status")).toHaveAttribute("data-status", "OVERDUE");
  await expect(row.getByTestId("loan-line")).toHaveAttribute("data-state", "overdue");
  await expect(row.getByTestId("loan-line")).toContainText(words.since);
  await expect(row.getByTestId("loan-line")).toContainText(words.days);
  await expect(row.getByTestId("loan-line")).toContainText(words.reminded);
  // The filter, by keyboard: only overdue loans, this one among them.
  const filter = page.getByTestId("filter-overdue");
  await expect(filter).toHaveText(words.filter);
  await filter.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/archive\/requests\?loans=overdue$/);
  await expect(page.getByTestId("filter-overdue")).toHaveAttribute("aria-current", "page");
  const shown = page.getByTestId("to-handle").getByTestId("request-status");
  await expect(shown.first()).toBeVisible();
  for (const status of await shown.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))) expect(status).toBe("OVERDUE");
  await expect(page.getByTestId("to-handle").getByRole("link", { name: box })).toBeVisible();
  await shot(page, `requests-overdue-${locale}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `requests-overdue-phone-${locale}`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
  // The request's page says it plainly, with what the archive does next.
  await page.getByTestId("to-handle").getByRole("link", { name: box }).click();
  const callout = page.getByTestId("loan-callout");
  await expect(callout).toHaveAttribute("data-state", "overdue");
  await expect(callout.getByRole("heading")).toContainText(words.since);
  await expect(callout.getByRole("heading")).toContainText(String(w.overdue.daysLate));
  await expect(callout.getByTestId("loan-reminded")).toContainText(words.reminded);
  await expect(callout).toContainText(words.chase);
  await shot(page, `request-overdue-archivist-${locale}`);

  // The borrower: told on the list, and on the request what to do.
  await login(page, w.auditor.email, locale);
  await page.goto("/archive/requests");
  await expect(page.getByTestId("my-overdue")).toContainText(words.youOverdue);
  await page.getByTestId("my-requests").getByRole("link", { name: box }).click();
  await expect(page.getByTestId("loan-callout")).toHaveAttribute("data-state", "overdue");
  await expect(page.getByTestId("loan-callout")).toContainText(box);
  await expect(page.getByTestId("loan-callout")).toContainText(words.bringBack);
  await shot(page, `request-overdue-borrower-${locale}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `request-overdue-borrower-phone-${locale}`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

test.describe("archive loans and search", () => {
  let w: World;
  test.beforeAll(() => {
    w = world();
  });

  test("a box loan from request to return (English)", async ({ page }) => {
    await loanThroughToReturn(page, w, w.boxes[0]!, "en");
  });

  test("a box loan from request to return (Chinese)", async ({ page }) => {
    await loanThroughToReturn(page, w, w.boxes[1]!, "zh-CN");
  });

  test("an overdue loan on the loan screens: the line, the filter and the request's callout (English)", async ({ page }) => {
    await overdueOnTheLoanScreens(page, w, "en");
  });

  test("an overdue loan on the loan screens: the line, the filter and the request's callout (Chinese)", async ({ page }) => {
    await overdueOnTheLoanScreens(page, w, "zh-CN");
  });

  test("the archivist finds a claim's box by its claim number, then by the claimant", async ({ page }) => {
    await login(page, w.archivist.email);
    await page.goto("/archive");
    await page.locator('input[name="claimNumber"]').fill(w.claimNumber.slice(0, -2).toLowerCase());
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const row = page.locator(`[data-testid="search-result"][data-claim="${w.claimNumber}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId("result-box")).toContainText(w.boxes[0]!);
    await expect(row.getByTestId("result-box")).toContainText("12");
    await expect(row.getByRole("link", { name: w.claimNumber })).toHaveAttribute("href", `/archive/records/${w.recordId}`);
    await shot(page, "search-en");
    await page.goto(`/archive?claimant=${encodeURIComponent("王芳")}&box=${encodeURIComponent(w.boxes[0]!)}`);
    await expect(row).toBeVisible();
    await page.goto(`/archive?claimNumber=NO-SUCH-${w.claimNumber}`);
    await expect(page.getByTestId("search-empty")).toBeVisible();
    if (SHOTS) {
      await login(page, w.archivist.email, "zh-CN");
      await page.goto(`/archive?claimNumber=${w.claimNumber}`);
      await shot(page, "search-zh");
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, "search-phone");
      await page.goto("/archive/stats");
      await shot(page, "stats-phone-zh");
      await page.setViewportSize({ width: 1440, height: 900 });
      await shot(page, "stats-zh");
      await login(page, "archivist@demo.af");
      await page.goto("/archive/stats");
      await page.waitForTimeout(800);
      await shot(page, "stats-demo-en");
      await page.goto("/archive/requests");
      await shot(page, "requests-demo-en");
      await login(page, "employee@demo.af", "zh-CN");
      await page.goto("/archive/requests");
      await shot(page, "requests-employee-zh");
      const approved = page.locator('[data-testid="my-requests"] [data-testid="request-row"]').filter({ has: page.locator('[data-status="APPROVED"]') });
      await approved.first().getByRole("link").click();
      await shot(page, "request-view-zh");
      await page.getByTestId("open-record").click();
      await expect(page.getByTestId("read-only")).toBeVisible();
      await shot(page, "record-view-zh");
    }
  });
});
