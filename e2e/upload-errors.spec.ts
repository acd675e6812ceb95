import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { simplePdf } from "../test/imaging-inputs";
import { FIXTURES, login, waitForReceiptsReady, withDb } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh), to give the employee a full hour of uploads.
const FILES_PER_HOUR = Number(process.env.UPLOAD_FILES_PER_HOUR ?? 120);
// Marks the rows this spec inserts so it removes exactly those.
const MARK = "e".repeat(64);

const STRINGS = {
  en: { create: "Create draft", rejectedEncrypted: /password-protected/, rejectedPages: /300 pages/, quota: /Upload limit reached/, heic: /Most Compatible/ },
  "zh-CN": { create: "创建草稿", rejectedEncrypted: /打开密码/, rejectedPages: /300 页/, quota: /已达到上传上限/, heic: /兼容性最佳/ },
} as const;

async function newDraft(page: Page, locale: "en" | "zh-CN"): Promise<void> {
  await page.goto("/claims/new");
  await page.locator('input[name="purpose"]').fill(locale === "en" ? "Upload checks" : "上传检查");
  await page.getByRole("button", { name: STRINGS[locale].create }).click();
  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+\/edit$/);
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`upload errors on the claim edit screen: refused PDFs, a converted and a broken iPhone photo, the upload limit (${locale})`, async ({ page }, info) => {
    const s = STRINGS[locale];
    const dir = info.outputDir;
    fs.mkdirSync(dir, { recursive: true });
    const thick = path.join(dir, "statement-300-pages.pdf");
    fs.writeFileSync(thick, simplePdf(Array.from({ length: 300 }, (_, i) => `Statement page ${i + 1}`)));
    const heic = fs.readFileSync(path.join(FIXTURES, "receipt-iphone.heic"));
    const brokenHeic = path.join(dir, "IMG_0099.HEIC");
    fs.writeFileSync(brokenHeic, heic.subarray(0, Math.floor(heic.length * 0.6)));

    await login(page, "employee@demo.af", locale);
    await newDraft(page, locale);

    // Refused at upload, each with its reason.
    await page.getByTestId("receipt-input").setInputFiles([path.join(FIXTURES, "encrypted.pdf"), thick, path.join(FIXTURES, "not-an-image.jpg")]);
    const errors = page.locator(".upload-errors li");
    await expect(errors).toHaveCount(3);
    await expect(errors.nth(0)).toContainText(s.rejectedEncrypted);
    await expect(errors.nth(1)).toContainText(s.rejectedPages);

    // An iPhone photo is converted and shown; a broken one says what to do on the phone.
    await page.getByTestId("receipt-input").setInputFiles([path.join(FIXTURES, "receipt-iphone.heic")]);
    await waitForReceiptsReady(page, 1);
    await page.getByTestId("receipt-input").setInputFiles([brokenHeic]);
    await expect(page.locator('[data-testid="receipt-item"][data-status="FAILED"]')).toHaveCount(1, { timeout: 60_000 });
    await expect(page.getByTestId("receipt-failed")).toContainText(s.heic);
    await page.getByTestId("receipt-input").setInputFiles([path.join(FIXTURES, "encrypted.pdf"), thick]);
    await expect(errors).toHaveCount(2);
    await page.screenshot({ path: `test-results/upload-errors-${locale}.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // In the middle of the screen: the sticky action bar covers the bottom of a phone's viewport.
    await page.locator(".upload-errors").evaluate((el) => el.scrollIntoView({ block: "center" }));
    await page.screenshot({ path: `test-results/upload-errors-${locale}-phone.png` });

    // A full hour of uploads: the next file is refused with the limit and the time it frees up.
    await withDb((db) =>
      db.query(
        `INSERT INTO upload_usage (user_id, sha256, size_bytes, created_at)
         SELECT id, $2, 1000, now() - interval '30 minutes' FROM app_user, generate_series(1, $3) WHERE email = $1`,
        ["employee@demo.af", MARK, FILES_PER_HOUR],
      ),
    );
    try {
      await page.getByTestId("receipt-input").setInputFiles([path.join(FIXTURES, "receipt-dated.jpg")]);
      await expect(page.getByTestId("upload-quota")).toContainText(s.quota);
      await expect(page.getByTestId("receipt-item")).toHaveCount(2);
      await page.getByTestId("upload-quota").evaluate((el) => el.scrollIntoView({ block: "center" }));
      await page.screenshot({ path: `test-results/upload-quota-${locale}-phone.png` });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.screenshot({ path: `test-results/upload-quota-${locale}.png`, fullPage: true });
    } finally {
      await withDb((db) => db.query(`DELETE FROM upload_usage WHERE sha256 = $1`, [MARK]));
    }
  });
}
