import { randomInt, randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { coverSheetCode } from "../app/domain/paper-trail";
import { login, withDb } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh): the demo organisation and its archive locations, no claims.
type World = { companyId: string; companyCode: string; archivist: string; claims: { id: string; number: string }[] };

/** A fresh company with an archivist of it and two claims whose originals have been received. */
async function world(): Promise<World> {
  return withDb(async (db) => {
    const tag = randomUUID().slice(0, 5).toUpperCase();
    const companyId = randomUUID();
    const departmentId = randomUUID();
    const companyCode = `A${tag}`;
    await db.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ($1, $2, $3, $4, 'CNY')`, [companyId, companyCode, `Archive Co ${tag}`, `档案测试公司 ${tag}`]);
    await db.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'ADM', 'Administration', '行政部')`, [departmentId, companyId]);
    await db.query(`INSERT INTO expense_category (code, name, name_zh) VALUES ('TAXI', 'Taxi', '出租车') ON CONFLICT DO NOTHING`);
    const { rows } = await db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'manager@demo.af'`);
    const hash = rows[0]!.password_hash;
    const user = async (name: string, roles: string) => {
      const id = randomUUID();
      const email = `boxes-${id.slice(0, 8)}@test.example`;
      await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, locale) VALUES ($1, $2, $3, $4, $5, $6, $7, 'en')`, [id, email, name, hash, roles, companyId, departmentId]);
      await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [id, companyId]);
      return { id, email };
    };
    const archivist = await user("Archivist 档案员", "{EMPLOYEE,ARCHIVIST}");
    const claimant = await user("王小明", "{EMPLOYEE}");
    const submittedAt = new Date();
    const claims: { id: string; number: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const id = randomUUID();
      const number = `EC${submittedAt.getUTCFullYear()}${String(randomInt(0, 1e9)).padStart(9, "0")}${i}`;
      await db.query(`INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, submitted_at) VALUES ($1, $2, $3, $4, $5, 'Client visit', 'APPROVED', $6)`, [
        id,
        number,
        claimant.id,
        companyId,
        departmentId,
        submittedAt,
      ]);
      await db.query(`INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency) VALUES ($1, $2, 1, CURRENT_DATE, 'TAXI', 'Didi', 8800, 'CNY')`, [randomUUID(), id]);
      await db.query(`INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, received_at) VALUES ($1, $2, 'RECEIVED', 1, $3, CURRENT_DATE + 10, now())`, [id, companyId, submittedAt]);
      claims.push({ id, number });
    }
    return { companyId, companyCode, archivist: archivist.email, claims };
  });
}

/** Types a code into the filing station and presses Enter, as a keyboard-wedge scanner does. */
async function scan(page: Page, code: string) {
  const input = page.getByTestId("station-input");
  await expect(input).toBeFocused();
  await expect(input).toHaveValue("");
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
}

test.describe.serial("archive boxes", () => {
  let w: World;
  test.beforeAll(async () => {
    w = await world();
  });

  test("an archivist makes a box, files two originals by scanning, finds a claim's box, and the label PDF downloads (English)", async ({ page }) => {
    await login(page, w.archivist, "en");
    await page.goto("/archive/boxes");
    await expect(page.getByRole("heading", { name: "Archive boxes" })).toBeVisible();
    const create = page.getByTestId("create-box");
    await create.locator('select[name="companyId"]').selectOption(w.companyId);
    await create.getByRole("button", { name: "Make the box" }).click();
    const year = new Date().getUTCFullYear();
    const label = `${w.companyCode}-${year}-BX-B0001`;
    await expect(page.getByTestId("box-label")).toHaveText(label);
    await expect(page.getByTestId("box-location")).toContainText("SSC-A");

    // The filing station: keyboard only — the box label, then the cover sheets.
    await page.getByRole("link", { name: "File originals into this box" }).click();
    await expect(page.getByTestId("station-box")).toHaveText(label);
    await scan(page, label);
    await expect(page.getByTestId("station-result")).toContainText(`Box ${label} chosen.`);
    await scan(page, coverSheetCode(w.claims[0]!.number));
    await expect(page.getByTestId("station-result")).toHaveAttribute("data-ok", "true");
    await expect(page.getByTestId("station-result")).toContainText(`${label}-P001`);
    await scan(page, coverSheetCode(w.claims[1]!.number));
    await expect(page.getByTestId("station-result")).toContainText(`${label}-P002`);
    // Scanned again: refused, saying where it is.
    await scan(page, coverSheetCode(w.claims[0]!.number));
    await expect(page.getByTestId("station-result")).toHaveAttribute("data-ok", "false");
    await expect(page.getByTestId("station-result")).toContainText(`already filed: box ${label}, position ${label}-P001`);

    // Find the claim's box by its number.
    await page.goto("/archive/boxes");
    const find = page.getByTestId("find-claim-box");
    await find.getByLabel("Claim number").fill(w.claims[1]!.number);
    await find.getByRole("button", { name: "Find" }).click();
    await expect(page.getByTestId("find-result")).toContainText(`is in box ${label} at position ${label}-P002`);
    await page.getByTestId("find-open-box").click();
    await expect(page.getByTestId("box-contents")).toContainText(w.claims[1]!.number);

    // The box label PDF.
    const href = await page.getByTestId("print-label").getAttribute("href");
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect(pdf.headers()["content-disposition"]).toContain(`box-label-${label}.pdf`);
    expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");

    // The claim page says where the originals are.
    await page.goto(`/claims/${w.claims[1]!.id}`);
    await expect(page.getByTestId("paper-status")).toHaveAttribute("data-status", "ARCHIVED");
    await expect(page.getByTestId("paper-position")).toHaveText(`${label}-P002`);
  });

  test("在中文界面中查找报销单所在的档案盒 (Chinese)", async ({ page }) => {
    await login(page, w.archivist, "zh-CN");
    await page.goto("/archive/boxes");
    await expect(page.getByRole("heading", { level: 1, name: "档案盒" })).toBeVisible();
    const find = page.getByTestId("find-claim-box");
    await find.getByLabel("报销单号").fill(w.claims[0]!.number.toLowerCase());
    await find.getByRole("button", { name: "查找" }).click();
    const label = `${w.companyCode}-${new Date().getUTCFullYear()}-BX-B0001`;
    await expect(page.getByTestId("find-result")).toContainText(`位于档案盒 ${label},盒内位置 ${label}-P001,存放于SSC-A`);
    await page.getByTestId("find-open-box").click();
    await expect(page.getByTestId("box-contents")).toContainText(w.claims[0]!.number);
    const href = await page.getByTestId("print-label").getAttribute("href");
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
