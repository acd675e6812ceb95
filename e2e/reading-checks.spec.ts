/**
 * Issue 14, the accountant's side: the amount and date read off a line's receipt, checked against the
 * line (findings with the read value and how it was read), and the viewer window on the second monitor
 * outlining where the selected line's amount was read — or saying it came from e-invoice data. English
 * and Chinese; screenshots of the workstation and the viewer go to the test's output folder.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRoutedTimes } from "./helpers";
import { putReading, receiptsOf } from "./reading-world";

const STRINGS = {
  en: { amount: "The receipt reads CN¥48.50; the line says CN¥45.50", where: "shown in the viewer", data: "e-invoice data" },
  "zh-CN": { amount: "票据金额为 ¥48.50，明细金额为 ¥45.50", where: "已在查看器中标出", data: "电子发票数据" },
} as const;

for (const locale of ["en", "zh-CN"] as const) {
  test(`an accountant sees the amount read off a receipt differ from the line, and where it was read in the viewer (${locale})`, async ({ page, browser }, info) => {
    const s = STRINGS[locale];
    const dir = info.outputDir;
    fs.mkdirSync(dir, { recursive: true });
    await login(page, "employee@demo.af", locale);
    // Line 1: taxi CN¥45.50 on receipt-zh.jpg (which prints ¥48.50); line 2: hotel CN¥1,280.00 on a PDF.
    const claimUrl = await fileClaim(page, locale, locale === "en" ? "Reading checks" : "票据读取检查");
    const claimNumber = await claimNumberOf(page);
    const claimId = new URL(claimUrl).pathname.split("/")[2]!;
    const [photo, pdf] = await receiptsOf(claimId);
    // The photo read by OCR, with the place of its total on the upright image; the PDF's e-invoice data has no place.
    await putReading(photo!.sha256, "ocr", {
      total: { value: "4850", confidence: 0.97, region: { page: 1, x: 480, y: 538, width: 96, height: 44 } },
      currency: { value: "CNY", confidence: 0.95 },
      date: { value: "2026-11-02", confidence: 0.9 },
    });
    await putReading(pdf!.sha256, "pdf-xml", {
      total: { value: "130000", confidence: 1 },
      currency: { value: "CNY", confidence: 1 },
      date: { value: "2026-10-20", confidence: 1 },
    });
    await approveAsManager(browser, claimNumber, locale);
    await waitUntilRoutedTimes(page, 1);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const workstation = await context.newPage();
    await login(workstation, "accountant@demo.af", locale);
    await takeNextTask(workstation, claimNumber);
    await workstation.waitForLoadState("networkidle");

    const line1 = workstation.locator('[data-line-index="0"]');
    const line2 = workstation.locator('[data-line-index="1"]');
    const amount1 = line1.locator('[data-code="read_amount_differs"]');
    await expect(amount1).toContainText(s.amount);
    await expect(amount1).toContainText(s.where);
    await expect(amount1).toHaveClass(/finding-warning/);
    await expect(line1.locator('[data-code="read_date_differs"]')).toHaveCount(0);
    await expect(line2.locator('[data-code="read_amount_differs"]')).toContainText(s.data);
    await expect(line2.locator('[data-code="read_date_differs"]')).toHaveCount(1);
    await workstation.screenshot({ path: path.join(dir, `10-workstation-findings-${locale}.png`), fullPage: true });

    const viewer = await context.newPage();
    await viewer.goto(`/claims/${claimId}/viewer`);
    await viewer.waitForLoadState("networkidle");
    await expect(viewer.getByTestId("deep-zoom")).toHaveAttribute("data-ready", "true");
    await expect(viewer.getByTestId("reading-highlight")).toHaveCount(0);

    // Clicking the finding selects its line: the viewer outlines where the amount was read.
    await workstation.bringToFront();
    await amount1.click();
    await expect(line1).toHaveAttribute("aria-current", "true");
    const highlight = viewer.getByTestId("reading-highlight");
    await expect(highlight).toBeVisible();
    const box = (await highlight.boundingBox())!;
    expect(box.width).toBeGreaterThan(10);
    expect(box.height).toBeGreaterThan(5);
    await expect(viewer.getByTestId("viewer-mark-note")).toHaveCount(0);
    await viewer.waitForTimeout(800); // the pan to the region animates (0.5 s)
    await viewer.screenshot({ path: path.join(dir, `11-viewer-highlight-${locale}.png`) });

    // Line 2 (j): read from e-invoice data, nothing to outline, and the viewer says so.
    await workstation.bringToFront();
    await workstation.keyboard.press("j");
    await expect(line2).toHaveAttribute("aria-current", "true");
    await expect(viewer.getByTestId("viewer-mark-note")).toContainText(s.data);
    await expect(viewer.getByTestId("reading-highlight")).toHaveCount(0);
    await viewer.screenshot({ path: path.join(dir, `12-viewer-einvoice-${locale}.png`) });

    // Leave the queue empty for the next test: approve.
    const taskUrl = workstation.url();
    await workstation.getByTestId("approve").click();
    await expect(workstation).not.toHaveURL(taskUrl);
    await context.close();
  });
}
