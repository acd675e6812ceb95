import { expect, test } from "@playwright/test";
import { login, setLocale } from "./helpers";

test("an admin adds, corrects, edits and deletes a quality deduction; the page reads in Chinese", async ({ page }) => {
  await login(page, "admin@demo.af");
  await page.goto("/pay/rates");
  await expect(page.locator("h1")).toHaveText("Piece rates");
  const form = page.getByTestId("deduction-form");
  const rows = page.getByTestId("deductions").locator("tbody tr");

  // A bad number is refused at the field; what was typed stays.
  await form.locator('select[name="severity"]').selectOption("critical");
  await form.locator('input[name="points"]').fill("x");
  await form.locator('input[name="validFrom"]').fill("2030-01-01");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(form.getByTestId("error-points")).toHaveText("A number ≥ 0 with at most two decimals.");
  await expect(form.locator('input[name="validFrom"]')).toHaveValue("2030-01-01");
  await expect(form.locator('select[name="severity"]')).toHaveValue("critical");

  await form.locator('input[name="points"]').fill("4.5");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  const row = rows.filter({ hasText: "2030" }).filter({ hasText: "Critical" });
  await expect(row).toContainText("4.50");

  // Edit opens the row in the form; saving changes it in place.
  await row.getByRole("link", { name: "Edit" }).click();
  await expect(form.locator('input[name="points"]')).toHaveValue("4.50");
  await form.locator('input[name="points"]').fill("5");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(row).toContainText("5.00");

  // The same row again on the same date is a duplicate, reported at the date.
  await form.locator('select[name="severity"]').selectOption("critical");
  await form.locator('input[name="points"]').fill("6");
  await form.locator('input[name="validFrom"]').fill("2030-01-01");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "There is already a row for this from that date." })).toBeVisible();

  await row.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("status")).toHaveText("Deleted.");
  await expect(row).toHaveCount(0);

  await setLocale(page, "zh-CN");
  await expect(page.locator("h1")).toHaveText("计件费率");
  await expect(page.getByTestId("deduction-form").getByRole("button", { name: "添加" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "质量扣减" })).toBeVisible();
});

test("a supervisor sees the rates read-only", async ({ page }) => {
  await login(page, "supervisor@demo.af");
  await page.goto("/pay/rates");
  await expect(page.getByText("You can view the rates; only an administrator can change them.")).toBeVisible();
  await expect(page.getByTestId("piece-form")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
});
