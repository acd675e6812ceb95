import { randomUUID } from "node:crypto";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { camt053Text, seedSentRun, type SeededRun } from "../fixtures/treasury";
import { login, setLocale, withDb } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh): this spec adds its own company, payer account, run and treasury user.

/** A treasury user who signs in with the demo password (the hash of a demo user), assigned to `companyId` when given. */
async function treasuryUser(db: pg.Client, run: SeededRun, companyId: string | null): Promise<string> {
  const id = randomUUID();
  const email = `treasury-${id.slice(0, 8)}@test.example`;
  const { rows } = await db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'employee@demo.af'`);
  await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, locale) VALUES ($1, $2, $3, $4, '{EMPLOYEE,TREASURY}', $5, $6, 'en')`, [
    id,
    email,
    "Tessa Treasury",
    rows[0]!.password_hash,
    run.companyId,
    run.departmentId,
  ]);
  if (companyId) await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [id, companyId]);
  return email;
}

const shot = (page: Page, dir: string, name: string) => page.screenshot({ path: path.join(dir, `reconciliation-${name}.png`), fullPage: true });

test("treasury uploads a statement, sees it refused the second time, and matches the leftover entry by hand (English and Chinese)", async ({ page }, info) => {
  const { run, email, emptyEmail, statement } = await withDb(async (db) => {
    const run = await seedSentRun(db, { payments: [{ minor: 128_000n, holder: "Li Wei" }, { minor: 45_050n, holder: "王芳" }, { minor: 9_900n, holder: "Chen Jie" }] });
    const email = await treasuryUser(db, run, run.companyId);
    const emptyEmail = await treasuryUser(db, run, null);
    const statement = camt053Text({
      statementId: `E2E-${run.runId.slice(0, 8)}`,
      account: run.payerAccountNumber,
      openingMinor: 5_000_000n,
      lines: [
        { minor: 128_000n, sign: "DBIT", e2e: run.payments[0]!.endToEndId, counterparty: run.payments[0]!.account },
        // The bank dropped the reference and shows another account: only a person can tell.
        { minor: 45_050n, sign: "DBIT", counterparty: "6222000011112222333" },
      ],
    });
    return { run, email, emptyEmail, statement };
  });
  const file = { name: "statement.xml", mimeType: "application/xml", buffer: Buffer.from(statement) };
  const dir = info.outputDir;

  await login(page, email, "en");
  await page.getByRole("navigation", { name: "main" }).getByRole("link", { name: "Treasury" }).click();
  await page.getByRole("navigation", { name: "Treasury" }).getByRole("link", { name: "Reconciliation" }).click();
  await expect(page).toHaveURL(/\/treasury\/reconciliation$/);
  await expect(page.getByTestId("open-payment")).toHaveCount(3);

  await page.getByTestId("statement-input").setInputFiles(file);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("upload-result")).toContainText("2 entries, 1 paid, 0 returned, 1 unmatched");
  // Linked at once; the payment and its claim are settled by the settle-statement job, and the screen
  // refreshes itself until nothing waits ("… matched, being settled" meanwhile).
  await expect(page.getByTestId("settling")).toHaveCount(0);
  await expect(page.getByTestId("statement-settling")).toHaveCount(0);
  // The import's answer outlives the refreshes.
  await expect(page.getByTestId("upload-result")).toContainText("2 entries, 1 paid, 0 returned, 1 unmatched");
  // Paid payments stay listed for a while: a return may still come.
  await expect(page.getByTestId("open-payment").filter({ hasText: run.payments[0]!.claimNumber })).toContainText("Paid (a return may still come)");
  await expect(page.getByTestId("position-paid")).toContainText("1 payment");
  await expect(page.getByTestId("position-unknown")).toContainText("1 entry");
  await shot(page, dir, "en");

  // The same file again: refused, nothing changes.
  await page.getByTestId("statement-input").setInputFiles(file);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("upload-error")).toContainText("This file was imported already");
  await shot(page, dir, "en-refused");

  // The manual match: the leftover entry with Wang Fang's payment (the only open one of that amount).
  const entry = page.getByTestId("unmatched-entry");
  await expect(entry).toHaveCount(1);
  await entry.locator("select").selectOption(run.payments[1]!.id);
  await entry.getByRole("button", { name: "Match" }).click();
  await expect(page.getByTestId("match-done")).toContainText("Matched by hand: the payment is paid.");
  await expect(page.getByTestId("unmatched-entry")).toHaveCount(0);
  await expect(page.getByTestId("position-paid")).toContainText("2 payments");

  const { rows } = await withDb((db) =>
    db.query<{ status: string; matched_by: string; audit: string }>(
      `SELECT c.status::text AS status, e.matched_by,
              (SELECT string_agg(type, ',' ORDER BY a.id) FROM audit_event a WHERE a.claim_id = c.id AND a.type NOT LIKE 'archive.%') AS audit
         FROM payment p JOIN claim c ON c.id = p.claim_id JOIN statement_entry e ON e.payment_id = p.id WHERE p.id = $1`,
      [run.payments[1]!.id],
    ),
  );
  // The treasury's events (the archive files the paid claim in the background, with events of its own).
  expect(rows).toEqual([{ status: "PAID", matched_by: "manual", audit: "claim.paid,statement.manual_match" }]);

  // Chinese, and a phone.
  await setLocale(page, "zh-CN");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("银行对账");
  await expect(page.getByTestId("position-paid")).toContainText("2 笔付款");
  await shot(page, dir, "zh");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, dir, "zh-phone");

  // A treasury user who looks after no account sees why there is nothing.
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, emptyEmail, "en");
  await page.goto("/treasury/reconciliation");
  await expect(page.getByTestId("no-accounts")).toBeVisible();
  await shot(page, dir, "empty");
  // And another company's account is not found.
  const answer = await page.goto(`/treasury/reconciliation?account=${run.payerAccountId}`);
  expect(answer?.status()).toBe(404);
});
