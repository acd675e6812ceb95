import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { bankAccountFingerprint } from "../app/domain/bank-account";
import { login, withDb } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh): this spec makes its own company, so its runs hold only its claims.
type World = { treasurer: string; approver: string; employee: string; claims: { id: string; number: string }[] };

/** A company with two treasury users, a file-link payer account, and two employees whose approved claims wait for payment. */
async function world(): Promise<World> {
  return withDb(async (db) => {
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const companyId = randomUUID();
    const departmentId = randomUUID();
    await db.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ($1, $2, $3, $4, 'CNY')`, [companyId, `E${tag}`, `E2E Pay Co ${tag}`, `付款测试公司 ${tag}`]);
    await db.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'FIN', 'Finance', '财务部')`, [departmentId, companyId]);
    const { rows } = await db.query<{ password_hash: string; id: string }>(`SELECT id, password_hash FROM app_user WHERE email = 'manager@demo.af'`);
    const hash = rows[0]!.password_hash;
    const user = async (name: string, roles: string) => {
      const id = randomUUID();
      const email = `${roles.includes("TREASURY") ? "treasury" : "payee"}-${id.slice(0, 8)}@test.example`;
      await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, locale) VALUES ($1, $2, $3, $4, $5, $6, $7, 'en')`, [id, email, name, hash, roles, companyId, departmentId]);
      return { id, email, name };
    };
    const treasurer = await user("Tessa Treasury", "{EMPLOYEE,TREASURY}");
    const approver = await user("孙建国", "{EMPLOYEE,TREASURY}");
    for (const t of [treasurer, approver]) await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [t.id, companyId]);
    await db.query(
      `INSERT INTO payer_account (id, company_id, currency, name, kind, holder_name, account_number, bank_name, cnaps_code, connector, file_format)
       VALUES ($1, $2, 'CNY', '总部基本户', 'cn', $3, '11001016200053000888', '中国建设银行北京分行', '105100000017', 'file', 'pain001')`,
      [randomUUID(), companyId, `付款测试公司 ${tag}`],
    );
    const claims: { id: string; number: string }[] = [];
    const employees = [await user("王芳", "{EMPLOYEE}"), await user("Li Wei", "{EMPLOYEE}")];
    for (const [i, e] of employees.entries()) {
      const details = { kind: "cn" as const, holderName: e.name, accountNumber: `62220202${tag.replace(/\D/g, "7").padEnd(6, "7")}${i}001`, bankName: "中国工商银行北京分行", cnapsCode: "102100099996" };
      // The second employee's account became usable two days ago: the approver sees the payment flagged.
      const since = i === 1 ? "now() - interval '2 days'" : "now() - interval '200 days'";
      await db.query(
        `INSERT INTO bank_account (id, user_id, kind, holder_name, account_number, bank_name, cnaps_code, fingerprint, status, requested_by, requested_at, active_from)
         VALUES ($1, $2, 'cn', $3, $4, $5, $6, $7, 'ACTIVE', $2, ${since}, ${since})`,
        [randomUUID(), e.id, details.holderName, details.accountNumber, details.bankName, details.cnapsCode, bankAccountFingerprint(details)],
      );
      const id = randomUUID();
      const number = `E2E-PAY-${tag}-${i + 1}`;
      await db.query(`INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at) VALUES ($1, $2, $3, $4, $5, '客户拜访', 'APPROVED', 4, now())`, [
        id,
        number,
        e.id,
        companyId,
        departmentId,
      ]);
      await db.query(`INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency) VALUES ($1, $2, 1, '2026-11-20', 'TAXI', '滴滴出行', $3, 'CNY')`, [
        randomUUID(),
        id,
        String(12_345 + i * 50_000),
      ]);
      claims.push({ id, number });
    }
    return { treasurer: treasurer.email, approver: approver.email, employee: employees[0]!.email, claims };
  });
}

const shot = (page: Page, dir: string, name: string) => page.screenshot({ path: path.join(dir, `treasury-${name}.png`), fullPage: true });

test("one treasury user prepares a run, a second approves it (file kept with its digest) and marks it sent; the employee sees the payment scheduled", async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const w = await world();
  const dir = info.outputDir;

  // ---- The preparer (English): what is ready, then a run for the company's next payment day.
  await login(page, w.treasurer, "en");
  await page.goto("/treasury");
  await expect(page.getByTestId("ready")).toContainText("E2E Pay Co");
  await shot(page, dir, "runs-en");
  await page.getByRole("button", { name: "Prepare runs" }).click();
  await expect(page).toHaveURL(/\/treasury\/runs\/[0-9a-f-]+/);
  const runUrl = page.url().split("?")[0]!;
  await expect(page.getByTestId("run-status")).toHaveText("Waiting for approval");
  await expect(page.getByTestId("payments")).toContainText(w.claims[0]!.number);
  await expect(page.getByTestId("payments")).toContainText(w.claims[1]!.number);
  await expect(page.getByTestId("flag")).toHaveText(["⚑ Account changed recently"]);
  // Four eyes: no approve button for the preparer, and the page says why.
  await expect(page.getByTestId("own-run")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve the run" })).toHaveCount(0);

  // ---- The approver (Chinese) approves: the file is made, checked and its SHA-256 shown.
  const context = await browser.newContext();
  const other = await context.newPage();
  await login(other, w.approver, "zh-CN");
  await other.goto(runUrl);
  await expect(other.getByTestId("run-status")).toHaveText("待审批");
  await other.getByRole("button", { name: "审批批次" }).click();
  await expect(other.getByTestId("run-status")).toHaveText("已审批");
  // The page shows the digest's start; the whole value is on the element (hover title, copy button).
  const sha = (await other.getByTestId("sha256").getAttribute("data-value"))!;
  expect(sha).toMatch(/^[0-9a-f]{64}$/);
  await expect(other.getByTestId("sha256")).toHaveText(`${sha.slice(0, 16)}…`);
  await expect(other.getByTestId("sha256")).toHaveAttribute("title", sha);
  await shot(other, dir, "run-approved-zh");
  // The file downloads as approved: its digest is the one shown.
  const download = await other.request.get(`${runUrl}/file`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/attachment; filename="PR\d+\.xml"/);
  const body = await download.body();
  expect(createHash("sha256").update(body).digest("hex")).toBe(sha);
  expect(body.toString("utf8")).toContain("urn:iso:std:iso:20022:tech:xsd:pain.001.001.10");
  // Uploaded in e-banking by hand; marked as sent.
  await other.getByRole("button", { name: "标记为已发送" }).click();
  await expect(other.getByTestId("run-status")).toHaveText("已发出");
  await expect(other.getByTestId("transmission")).toContainText("已发送");
  await other.setViewportSize({ width: 390, height: 844 });
  await shot(other, dir, "run-released-zh-phone");
  await context.close();

  // ---- The employee sees when to expect the money.
  await login(page, w.employee, "en");
  await page.goto(`/claims/${w.claims[0]!.id}`);
  await expect(page.locator(".page-head .badge")).toHaveText("Payment scheduled");
  await expect(page.getByTestId("claim-payment")).toContainText("Scheduled for");
  await shot(page, dir, "claim-scheduled-en");
});
