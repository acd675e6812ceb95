import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import { createHash } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { E2E_DATABASE_URL, login, withDb } from "./helpers";

type Person = { id: string; email: string; name: string };
type World = {
  companyId: string;
  companyCode: string;
  admin: Person;
  accountant: Person;
  employee: Person;
  claim: { id: string; number: string; totalMinor: string };
  voucherId: string;
  november: { id: string; number: number; period: string };
};

/** A fresh company with its chart, mappings and an approved claim posted by the ledger's own code (e2e/ledger-world.ts). */
function world(): World {
  const out = execFileSync("npx", ["tsx", "e2e/ledger-world.ts"], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2", NODE_ENV: "test" },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as World;
}

/** Reads a money cell ("CN¥618.00", "¥618.00") as minor units. */
const minorOf = (text: string) => Math.round(Number(text.replace(/[^\d.-]/g, "")) * 100);

async function openVoucherFromClaim(page: Page, w: World) {
  await page.goto(`/claims/${w.claim.id}`);
  const panel = page.getByTestId("claim-vouchers");
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("记-0001");
  await panel.getByRole("link", { name: "记-0001" }).click();
  await expect(page).toHaveURL(new RegExp(`/ledger/vouchers/${w.voucherId}$`));
  // The lines balance, and the payable is the claim's total.
  const debit = minorOf(await page.getByTestId("total-debit").innerText());
  const credit = minorOf(await page.getByTestId("total-credit").innerText());
  expect(debit).toBe(credit);
  expect(debit).toBe(Number(w.claim.totalMinor));
  const lines = page.getByTestId("voucher-line");
  await expect(lines).toHaveCount(4); // taxi, hotel net, hotel input VAT, the employee payable
  await expect(page.getByTestId("voucher-lines")).toContainText("22210101");
  await expect(page.getByTestId("voucher-lines")).toContainText("224101");
}

test.describe("the ledger", () => {
  let w: World;
  test.beforeAll(() => {
    w = world();
  });

  test("an accountant opens the approved claim's voucher from the claim page; it balances (English)", async ({ page }) => {
    await login(page, w.accountant.email);
    await openVoucherFromClaim(page, w);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Voucher 记-0001");
    await expect(page.getByTestId("voucher")).toContainText("Debits equal credits.");
    await expect(page.getByTestId("voucher-lines")).toContainText("Administrative expenses - travel");
    // Accountants read; only an admin reverses.
    await expect(page.getByText("Reverse this voucher")).toHaveCount(0);
    // The voucher is in the list, found by its claim number.
    await page.goto(`/ledger?q=${encodeURIComponent(w.claim.number)}`);
    await expect(page.getByTestId("vouchers").locator("tbody tr")).toHaveCount(1);
    await expect(page.getByTestId("vouchers")).toContainText("记-0001");
  });

  test("the same in Chinese", async ({ page }) => {
    await login(page, w.accountant.email, "zh-CN");
    await openVoucherFromClaim(page, w);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("凭证 记-0001");
    await expect(page.getByTestId("voucher")).toContainText("借贷平衡。");
    await expect(page.getByTestId("voucher-lines")).toContainText("管理费用-差旅费");
    await expect(page.getByTestId("voucher-lines")).toContainText("借方金额");
  });

  test("an admin closes November; the refusal of an unfinished month is shown in words", async ({ page }) => {
    await login(page, w.admin.email);
    await page.goto("/ledger/periods");
    const section = page.getByTestId(`periods-${w.companyCode}`);
    await expect(section.getByTestId("period-2026-11")).toContainText("Open");
    page.on("dialog", (d) => void d.accept());

    // December is the current month: refused, and said why.
    await section.getByTestId("period-2026-12").getByRole("button").click();
    await expect(page.getByTestId("close-refusal")).toContainText("The month is not over yet");
    await expect(section.getByTestId("period-2026-12")).toContainText("Open");

    await section.getByTestId("period-2026-11").getByRole("button").click();
    await expect(page.getByRole("status")).toContainText("Period 2026-11 closed.");
    await expect(section.getByTestId("period-2026-11")).toContainText("Locked");
    await expect(section.getByTestId("period-2026-11").getByRole("button")).toHaveCount(0);

    await withDb(async (db) => {
      const { rows } = await db.query(`SELECT status, closed_by FROM accounting_period WHERE company_id = $1 AND period = '2026-11'`, [w.companyId]);
      expect(rows[0]).toEqual({ status: "CLOSED", closed_by: w.admin.id });
    });
  });

  test("an export downloads, and its digest is the one recorded", async ({ page }) => {
    await login(page, w.admin.email);
    await page.goto("/ledger/exports");
    await expect(page.getByTestId("exports-empty").or(page.getByTestId("exports"))).toBeVisible();
    const form = page.getByTestId("export-form");
    await form.locator('select[name="companyId"]').selectOption(w.companyId);
    await form.locator('select[name="format"]').selectOption("kingdee");
    const [download] = await Promise.all([page.waitForEvent("download"), form.getByRole("button").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^vouchers-${w.companyCode}-kingdee-.*\\.csv$`));
    const body = await fs.readFile((await download.path())!);
    const text = body.toString("utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff); // UTF-8 with BOM, as Kingdee's import expects
    expect(text).toContain("凭证字");
    expect(text).toContain(`AF-${w.voucherId}-`);

    await withDb(async (db) => {
      const { rows } = await db.query<{ sha256: string; voucher_count: number }>(`SELECT sha256, voucher_count FROM voucher_export WHERE company_id = $1`, [w.companyId]);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.sha256).toBe(createHash("sha256").update(body).digest("hex"));
      expect(rows[0]!.voucher_count).toBe(2);
    });
    await page.goto("/ledger/exports");
    await expect(page.getByTestId("exports")).toContainText(w.companyCode);
  });

  test("an admin reverses the claim's voucher: a red voucher in December, linked both ways", async ({ page }) => {
    await login(page, w.admin.email);
    await page.goto(`/ledger/vouchers/${w.voucherId}`);
    page.on("dialog", (d) => void d.accept());
    await page.getByText("Reverse this voucher").click();
    await page.getByLabel("Reason").fill("Wrong department");
    await page.getByRole("button", { name: "Post the reversal" }).click();
    await expect(page.getByRole("status")).toContainText("Reversal 记-0002 posted.");
    await expect(page.getByTestId("voucher")).toContainText("Reversal");
    await expect(page.getByTestId("reverses")).toHaveText("记-0001");
    // Red: every amount negated, and still balanced.
    expect(minorOf(await page.getByTestId("total-debit").innerText())).toBe(-Number(w.claim.totalMinor));
    expect(minorOf(await page.getByTestId("total-credit").innerText())).toBe(-Number(w.claim.totalMinor));
    await page.getByTestId("reverses").click();
    await expect(page.getByTestId("reversed-by")).toHaveText("记-0002");
    await expect(page.getByText("This voucher has been reversed.")).toBeVisible();
  });
});
