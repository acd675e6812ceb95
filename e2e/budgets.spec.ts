import { expect, test } from "@playwright/test";
import { createBudgetWorld, today, type BudgetWorld } from "../fixtures/budgets";
import { login, setLocale } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh): each test makes its own company and budgets.
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";

async function fillLine(page: import("@playwright/test").Page, values: { category: string; amount: string }) {
  const line = page.getByTestId("line-item").first();
  await line.locator('input[name="lines[0].spentOn"]').fill(today().date);
  await line.locator('select[name="lines[0].categoryCode"]').selectOption(values.category);
  await line.locator('input[name="lines[0].merchant"]').fill("全聚德");
  await line.locator('input[name="lines[0].amount"]').fill(values.amount);
}

test.describe("budgets", () => {
  let w: BudgetWorld;
  test.beforeEach(async () => {
    // Budget 10,000.00 this month, 6,000.00 of it consumed: 4,000.00 remain; bands 80 / 100 / 110 %.
    w = await createBudgetWorld(DATABASE_URL, { budgetMinor: 1_000_000n, consumedMinor: 600_000n });
  });

  test("an employee sees the remaining budget live on the claim form, the bands before submitting, and the hard stop on submit", async ({ page }) => {
    await login(page, w.employee.email, "en");
    await page.goto(`/claims/${w.draftClaimId}/edit`);
    await page.getByTestId("add-line").click();
    await fillLine(page, { category: "TAXI", amount: "1000" });
    const note = page.getByTestId("budget-note").first();
    await expect(note).toContainText(`Budget remaining CN¥4,000.00 of CN¥10,000.00 (Sales · ${w.period} · All categories)`);
    await expect(note).toHaveAttribute("data-band", "ok");

    // 4,500.00 more takes the cell to 105 %: past the approval level, said before submitting.
    await page.locator('input[name="lines[0].amount"]').fill("4500");
    await expect(note).toHaveAttribute("data-band", "approval");
    await expect(note).toContainText("the budget owner will approve it");

    // A category with a cell of its own uses that cell; in Chinese.
    await setLocale(page, "zh-CN");
    await page.locator('select[name="lines[0].categoryCode"]').selectOption("MEAL");
    await page.locator('input[name="lines[0].amount"]').fill("100");
    await expect(note).toContainText(`预算可用 ¥300.00 / ¥300.00（销售部 · ${w.period} · 差旅餐费）`);

    // Beyond the hard stop (6,000.00 of 4,000.00 left: 120 %): the form warns, and the submission is refused with the numbers.
    await page.locator('select[name="lines[0].categoryCode"]').selectOption("TAXI");
    await page.locator('input[name="lines[0].amount"]').fill("6000");
    await expect(note).toHaveAttribute("data-band", "stop");
    await expect(note).toContainText("提交会被拒绝");
    await page.locator('input[name="lines[0].receiptIds"]').first().setChecked(true);
    await page.getByRole("button", { name: "提交" }).click();
    const refusal = page.getByTestId("budget-exceeded");
    await expect(refusal).toContainText("提交被拒绝：将超出预算。");
    await expect(refusal.getByTestId("budget-exceeded-cell")).toContainText("预算 ¥10,000.00");
    await expect(refusal.getByTestId("budget-exceeded-cell")).toContainText("本单 ¥6,000.00");
  });

  test("a manager sees their department's budgets with the chart per month, in Chinese", async ({ page }) => {
    await login(page, w.manager.email, "zh-CN");
    await page.getByRole("link", { name: "预算", exact: true }).first().click();
    await expect(page).toHaveURL(/\/budgets$/);
    const rows = page.getByTestId("budget-cell");
    await expect(rows).toHaveCount(w.period.endsWith("-01") ? 2 : 3);
    const main = rows.filter({ hasText: w.period }).filter({ hasText: "全部类别" });
    await expect(main).toContainText("¥10,000.00");
    await expect(main).toContainText("¥4,000.00");
    await expect(main.locator(".badge")).toHaveText("60 %");
    await expect(page.getByTestId("budget-chart")).toBeVisible();
    await expect(page.getByRole("heading", { name: /销售部 · \d{4} 年按月/ })).toBeVisible();
    // The chart is drawn (Chart.js sizes the canvas once it has rendered).
    await expect.poll(async () => page.getByTestId("budget-chart").evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0);
  });

  for (const locale of ["en", "zh-CN"] as const) {
    test(`an admin imports a budget CSV: the bad row is shown with its error, nothing is written, the fixed file imports (${locale})`, async ({ page }) => {
      const next = Number(w.period.slice(0, 4)) + 1;
      const csv = [
        "company,department,period,category,amount,owner email",
        `${w.companyCode},SALES,${next}-01,,12000,${w.manager.email}`,
        `${w.companyCode},NOPE,${next}-01,,5000,`,
        `${w.companyCode},SALES,${next}-01,MEAL,"1,500.50",`,
      ].join("\r\n");
      await login(page, w.admin.email, locale);
      await page.goto("/budgets/manage");
      await page.getByTestId("import-file").setInputFiles({ name: "budget.csv", mimeType: "text/csv", buffer: Buffer.from(`\uFEFF${csv}`, "utf8") });
      await expect(page.getByTestId("import-text")).toHaveValue(/NOPE/);
      const strings = locale === "en"
        ? { preview: "Preview", summary: "3 rows, 1 with errors.", error: "Unknown department of this company.", commit: "Import 2 rows", done: "Imported 2 rows; 2 budgets changed." }
        : { preview: "预览", summary: "共 3 行，其中 1 行有错误。", error: "该公司没有此部门。", commit: "导入 2 行", done: "已导入 2 行，2 个预算有变化。" };
      await page.getByRole("button", { name: strings.preview }).click();
      await expect(page.getByTestId("import-summary")).toHaveText(strings.summary);
      const bad = page.getByTestId("import-row").filter({ hasText: "NOPE" });
      await expect(bad.getByTestId("import-row-problems")).toHaveText(strings.error);
      await expect(page.getByRole("button", { name: /Import \d+ rows|导入 \d+ 行/ })).toHaveCount(0);

      // Remove the bad row and preview again: all good, and it imports.
      await page.getByTestId("import-text").fill(csv.split("\r\n").filter((l) => !l.includes("NOPE")).join("\n"));
      await page.getByRole("button", { name: strings.preview }).click();
      await page.getByRole("button", { name: strings.commit }).click();
      await expect(page.getByTestId("import-done")).toHaveText(strings.done);

      await page.goto(`/budgets?year=${next}`);
      await expect(page.getByTestId("budget-cell")).toHaveCount(2);
      await expect(page.getByTestId("budget-cells")).toContainText("¥12,000.00");
      await expect(page.getByTestId("budget-cells")).toContainText("¥1,500.50");
    });
  }
});
