/**
 * Issue 14, the employee's side: lines proposed from what was read off the receipts, accepted with the
 * keyboard only (one Enter on the focused proposal), low confidence marked, a dismissed proposal gone,
 * and the capture gate's "retake" advice on a blurred photo and at the submit step. English and Chinese;
 * screenshots of each state (desktop and a 390 px phone) go to the test's output folder.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { FIXTURES, login, waitForReceiptsReady } from "./helpers";
import { eInvoiceXmlWithNumber } from "../fixtures/einvoices/index";
import { auditEvents, putReading, receiptsOf } from "./reading-world";

const STRINGS = {
  en: { create: "Create draft", readFrom: "Read from the receipt", low: "check: read with low confidence", retake: "Retake this photo:", taxi: "Taxi & ride-hailing", gone: "This proposal is no longer offered" },
  "zh-CN": { create: "创建草稿", readFrom: "从票据读取", low: "请核对：识别置信度低", retake: "请重拍此照片：", taxi: "出租车/网约车", gone: "此建议已不再提供" },
} as const;

/** A receipt photo with bytes of its own (a random corner pixel), upright; blurred when asked. */
async function freshPhoto(dir: string, name: string, blur?: number): Promise<string> {
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: Math.floor(Math.random() * 256), g: Math.floor(Math.random() * 256), b: Math.floor(Math.random() * 256) } } }).png().toBuffer();
  let img = sharp(path.join(FIXTURES, "receipt-zh.jpg")).rotate();
  if (blur) img = img.blur(blur);
  const file = path.join(dir, name);
  await img.composite([{ input: pixel, top: 0, left: 0 }]).jpeg({ quality: 90 }).toFile(file);
  return file;
}

async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`an employee accepts a line proposed from a receipt with the keyboard only; low confidence and blur are flagged (${locale})`, async ({ page }, info) => {
    const s = STRINGS[locale];
    const dir = info.outputDir;
    fs.mkdirSync(dir, { recursive: true });
    await login(page, "employee@demo.af", locale);
    await page.goto("/claims/new");
    await page.locator('input[name="purpose"]').fill(locale === "en" ? "Client visit, Beijing" : "北京客户拜访");
    await page.getByRole("button", { name: s.create }).click();
    await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+\/edit$/);
    const claimId = new URL(page.url()).pathname.split("/")[2]!;

    // Empty state: no receipts, no proposals, no advice.
    await expect(page.getByTestId("line-proposal")).toHaveCount(0);
    await shoot(page, dir, `01-empty-${locale}`);

    const sharpFile = await freshPhoto(dir, "taxi.jpg");
    const blurredFile = await freshPhoto(dir, "hotel-blurred.jpg", 4);
    await page.getByTestId("receipt-input").setInputFiles([sharpFile, blurredFile]);
    await waitForReceiptsReady(page, 2);
    const [taxi, hotel] = await receiptsOf(claimId);
    // What a reader found: the taxi receipt read surely, the blurred one unsurely.
    await putReading(taxi!.sha256, "ocr", {
      total: { value: "4850", confidence: 0.98, region: { page: 1, x: 480, y: 538, width: 96, height: 44 } },
      currency: { value: "CNY", confidence: 0.95 },
      date: { value: "2026-11-20", confidence: 0.95 },
      merchant: { value: "滴滴出行科技有限公司", confidence: 0.9 },
    });
    await putReading(hotel!.sha256, "ocr", {
      total: { value: "128000", confidence: 0.5 },
      currency: { value: "CNY", confidence: 0.9 },
      date: { value: "2026-11-21", confidence: 0.5 },
      merchant: { value: "如家快捷宾馆", confidence: 0.8 },
    });
    await page.reload();

    const proposals = page.getByTestId("line-proposal");
    await expect(proposals).toHaveCount(2);
    await expect(proposals.first()).toContainText(s.readFrom);
    await expect(proposals.first()).toContainText(s.taxi);
    await expect(proposals.first()).toContainText("48.50");
    await expect(proposals.first().locator('[data-origin="guessed"]')).toHaveCount(1);
    await expect(proposals.first().locator('[data-low="true"]')).toHaveCount(0);
    // The unsure one: amount and date marked for checking.
    await expect(proposals.nth(1)).toHaveAttribute("data-low", "true");
    await expect(proposals.nth(1).locator('[data-low="true"]')).toHaveCount(2);
    await expect(proposals.nth(1)).toContainText(s.low);
    // The capture gate: the blurred photo carries "retake" advice, and the submit step warns.
    const hotelItem = page.getByTestId("receipt-item").nth(1);
    await expect(hotelItem.getByTestId("capture-advice")).toHaveAttribute("data-problems", /blurred/);
    await expect(hotelItem.getByTestId("capture-advice")).toContainText(s.retake);
    await expect(page.getByTestId("receipt-item").first().getByTestId("capture-advice")).toHaveCount(0);
    await expect(page.getByTestId("capture-submit-warning")).toBeVisible();
    await shoot(page, dir, `02-proposals-${locale}`);

    // Keyboard only: Tab to the first proposal, then one Enter.
    await page.locator("body").focus();
    let focused = false;
    for (let i = 0; i < 80 && !focused; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "line-proposal");
    }
    expect(focused).toBe(true);
    await shoot(page, dir, `03-focused-${locale}`);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/added=/);
    await expect(page.getByTestId("proposal-added")).toBeVisible();
    const line = page.getByTestId("line-item");
    await expect(line).toHaveCount(1);
    await expect(line.locator('input[name="lines[0].amount"]')).toHaveValue("48.50");
    await expect(line.locator('input[name="lines[0].spentOn"]')).toHaveValue("2026-11-20");
    await expect(line.locator('select[name="lines[0].categoryCode"]')).toHaveValue("TAXI");
    await expect(line.locator('input[name="lines[0].merchant"]')).toHaveValue("滴滴出行科技有限公司");
    await expect(line.locator(`input[name="lines[0].receiptIds"][value="${taxi!.id}"]`)).toBeChecked();
    // Used: not offered again; the other one still is.
    await expect(proposals).toHaveCount(1);
    const saved = await auditEvents(claimId, "claim.saved");
    expect(saved.at(-1)!.data).toMatchObject({ lines: 1, lineFromReading: { receiptId: taxi!.id, source: "ocr", guessed: ["categoryCode"] } });
    await shoot(page, dir, `04-accepted-${locale}`);

    // A phone: the same page at 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, dir, `05-phone-${locale}`);
    await page.setViewportSize({ width: 1440, height: 900 });

    // Correct opens the line form prefilled (not saved until the claimant saves).
    await proposals.first().getByTestId("correct-proposal").click();
    await expect(line).toHaveCount(2);
    await expect(page.locator('input[name="lines[1].amount"]')).toHaveValue("1280.00");
    await expect(page.locator('select[name="lines[1].categoryCode"]')).toHaveValue("HOTEL");
    await expect(proposals).toHaveCount(0);
    await shoot(page, dir, `06-correcting-${locale}`);
    // Dismissed instead (after a reload the correction was never saved): gone for good.
    await page.reload();
    await expect(proposals).toHaveCount(1);
    const other = await page.context().newPage(); // a second tab still showing the proposal
    await other.goto(page.url());
    await expect(other.getByTestId("line-proposal")).toHaveCount(1);
    await proposals.first().getByTestId("dismiss-proposal").click();
    await expect(proposals).toHaveCount(0);
    await page.reload();
    await expect(proposals).toHaveCount(0);
    expect(await auditEvents(claimId, "receipt.proposal_dismissed")).toHaveLength(1);
    // The stale tab's Enter is refused with a message, and adds nothing.
    await other.getByTestId("line-proposal").focus();
    await other.keyboard.press("Enter");
    await expect(other.getByTestId("form-error")).toContainText(s.gone);
    await other.screenshot({ path: path.join(dir, `07-proposal-gone-${locale}.png`) });
    await other.close();
    await page.reload();
    await expect(page.getByTestId("line-item")).toHaveCount(1);
  });
}

test("a digital e-invoice uploaded as its XML shows as a drawn page and proposes its line, read by the real pipeline", async ({ page }, info) => {
  const dir = info.outputDir;
  fs.mkdirSync(dir, { recursive: true });
  await login(page, "employee@demo.af", "zh-CN");
  await page.goto("/claims/new");
  await page.locator('input[name="purpose"]').fill("北京出差住宿");
  await page.getByRole("button", { name: STRINGS["zh-CN"].create }).click();
  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+\/edit$/);
  const claimId = new URL(page.url()).pathname.split("/")[2]!;
  const number = `2644${String(Date.now()).slice(-10)}${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
  const file = path.join(dir, "hotel-einvoice.xml");
  fs.writeFileSync(file, eInvoiceXmlWithNumber(number, "digital-hotel"));
  await page.getByTestId("receipt-input").setInputFiles([file]);
  await waitForReceiptsReady(page, 1);
  // The reading job reads the XML exactly; the page polls only while imaging, so reload until it shows.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("line-proposal")).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const proposal = page.getByTestId("line-proposal");
  await expect(proposal).toContainText("电子发票数据");
  await expect(proposal).toContainText("1,300.00");
  await expect(proposal.locator('[data-low="true"]')).toHaveCount(0);
  await shoot(page, dir, "07-einvoice-xml-zh-CN");
  await page.goto(`/claims/${claimId}/viewer`);
  await expect(page.getByTestId("deep-zoom")).toHaveAttribute("data-ready", "true");
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(dir, "08-einvoice-xml-viewer.png") });
});
