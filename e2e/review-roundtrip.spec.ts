/**
 * The processing floor end to end, in English and in Simplified Chinese: manager approval → the
 * accountant takes Next → the viewer window (a second page of the same browser context) follows line
 * selection, survives reloads of either window and follows Next to a new claim → return with two coded
 * reasons and a comment → the employee sees them, fixes a line and resubmits → the manager approves
 * again → the same accountant's Next gets it first (preferred, although an older task waits) → approved.
 */
import { expect, test, type Page } from "@playwright/test";
import { approveAsManager, claimNumberOf, fileClaim, login, takeNextTask, waitUntilRoutedTimes } from "./helpers";

const L = {
  en: {
    linesTitle: "Lines and checks",
    approve: "Approve",
    submitReturn: "Return",
    andNext: "and take next",
    receipt: (i: number, n: number) => `Receipt ${i} of ${n}`,
    reasons: ["Amount differs from the receipt", "Explanation needed"],
    comment: "Taxi amount does not match the receipt; please explain the hotel nights.",
    returned: "Returned",
    submitted: "Submitted",
    approved: "Approved",
    resubmit: "Resubmit",
  },
  "zh-CN": {
    linesTitle: "明细与检查",
    approve: "通过",
    submitReturn: "退回",
    andNext: "并领取下一单",
    receipt: (i: number, n: number) => `第 ${i} 张，共 ${n} 张`,
    reasons: ["金额与票据不符", "需补充说明"],
    comment: "出租车金额与票据不符，请说明住宿天数。",
    returned: "已退回",
    submitted: "已提交",
    approved: "已审核通过",
    resubmit: "重新提交",
  },
} as const;

/** Starts recording, inside the viewer page, when it first shows `claimNumber` at receipt 1 and when its tiles are drawn. */
async function watchViewerFor(viewer: Page, claimNumber: string): Promise<void> {
  await viewer.evaluate((number) => {
    const w = window as unknown as { __shown?: number; __tiles?: number; __told?: number };
    delete w.__shown;
    delete w.__tiles;
    delete w.__told;
    const now = () => performance.timeOrigin + performance.now();
    // When the workstation first tells this window about the new claim (the same channel the viewer listens on).
    const channel = new BroadcastChannel("af-workstation");
    channel.onmessage = (event: MessageEvent<{ type?: string }>) => {
      if (event.data?.type !== "claim" || w.__told !== undefined) return;
      w.__told = now();
      channel.close();
    };
    const check = () => {
      const app = document.querySelector(".viewer-app");
      const onClaim = document.querySelector(".vt-claim-number")?.textContent?.trim() === number;
      const first = /^(Receipt 1 of|第 1 张)/.test(document.querySelector(".vt-receipt-index")?.textContent?.trim() ?? "");
      if (w.__shown === undefined && onClaim && first && app?.getAttribute("data-receipt-id")) w.__shown = now();
      if (w.__shown !== undefined && w.__tiles === undefined && document.querySelector('[data-testid="deep-zoom"][data-ready="true"]')) w.__tiles = now();
      if (w.__tiles !== undefined) observer.disconnect();
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, claimNumber);
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`return with reasons, fix and resubmit, preferred accountant approves; viewer in step (${locale})`, async ({ page, browser }, testInfo) => {
    test.setTimeout(420_000);
    const s = L[locale];

    // ---- Employee files three claims; the manager approves A and B (C waits for later).
    await login(page, "employee@demo.af", locale);
    const urlA = await fileClaim(page, locale, `${locale} roundtrip A`);
    const numberA = await claimNumberOf(page);
    const urlB = await fileClaim(page, locale, `${locale} roundtrip B`);
    const numberB = await claimNumberOf(page);
    const urlC = await fileClaim(page, locale, `${locale} roundtrip C`);
    const numberC = await claimNumberOf(page);
    const claimIdA = new URL(urlA).pathname.split("/")[2]!;

    await approveAsManager(browser, numberA, locale);
    await page.goto(urlA);
    await waitUntilRoutedTimes(page, 1);
    await approveAsManager(browser, numberB, locale);
    await page.goto(urlB);
    await waitUntilRoutedTimes(page, 1);

    // ---- The accountant takes Next (A, the older) and opens the viewer as a second window of the same context.
    const context = await browser.newContext();
    const workstation = await context.newPage();
    await login(workstation, "accountant@demo.af", locale);
    await takeNextTask(workstation, numberA);
    const taskUrlA = workstation.url();
    await workstation.waitForLoadState("networkidle");
    await expect(workstation.getByRole("heading", { name: s.linesTitle })).toBeVisible();
    await expect(workstation.getByTestId("approve")).toContainText(s.approve);
    await expect(workstation.locator("html")).toHaveAttribute("lang", locale);

    const viewer = await context.newPage();
    await viewer.goto(`/claims/${claimIdA}/viewer`);
    await viewer.waitForLoadState("networkidle");
    const app = viewer.locator(".viewer-app");
    const index = viewer.getByTestId("receipt-index");
    await expect(index).toContainText(s.receipt(1, 2));
    // Drawn tiles mean the page is hydrated and listening on the channel.
    await expect(viewer.getByTestId("deep-zoom")).toHaveAttribute("data-ready", "true");
    const receiptA1 = (await app.getAttribute("data-receipt-id"))!;

    // Line selection: j, j → line 2's receipt (the second one), its line highlighted.
    await workstation.bringToFront();
    await workstation.keyboard.press("j");
    await expect(workstation.locator('[data-line-index="0"]')).toHaveAttribute("aria-current", "true");
    await workstation.keyboard.press("j");
    await expect(workstation.locator('[data-line-index="1"]')).toHaveAttribute("aria-current", "true");
    await expect(index).toContainText(s.receipt(2, 2), { timeout: 3_000 });
    const receiptA2 = (await app.getAttribute("data-receipt-id"))!;
    expect(receiptA2).not.toBe(receiptA1);
    await expect(viewer.locator(".vt-chip-highlight")).toHaveCount(1);

    // Reloading the viewer re-syncs: stepped back to receipt 1 by hand (URL follows), the reload comes
    // back on the workstation's line 2 receipt, not on the URL's.
    await viewer.bringToFront();
    await viewer.keyboard.press("p");
    await expect(index).toContainText(s.receipt(1, 2));
    await expect.poll(() => new URL(viewer.url()).searchParams.get("receipt"), { timeout: 10_000 }).toBe(receiptA1);
    await viewer.reload();
    await expect(app).toHaveAttribute("data-receipt-id", receiptA2);
    await expect(index).toContainText(s.receipt(2, 2));
    await expect(viewer.locator(".vt-chip-highlight")).toHaveCount(1);

    // Reloading the workstation re-syncs the other way: it picks up the line the viewer shows.
    await workstation.bringToFront();
    await workstation.reload();
    await expect(workstation.locator('[data-line-index="1"]')).toHaveAttribute("aria-current", "true");
    await expect(app).toHaveAttribute("data-receipt-id", receiptA2);

    // ---- Next (N) takes B; the viewer follows to B's first receipt. Timed from the key press.
    await workstation.waitForLoadState("networkidle");
    await watchViewerFor(viewer, numberB);
    await workstation.evaluate((number) => {
      const w = window as unknown as { __pressed?: number; __wsShown?: number };
      const now = () => performance.timeOrigin + performance.now();
      window.addEventListener("keydown", () => (w.__pressed ??= now()), { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (document.querySelector(".ws-head h1 .mono")?.textContent?.trim() !== number) return;
        w.__wsShown = now();
        observer.disconnect();
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    }, numberB);
    await workstation.keyboard.press("n");
    await expect(workstation.locator("h1")).toContainText(numberB);
    await expect(viewer.locator(".vt-claim-number")).toHaveText(numberB, { timeout: 2_000 });
    await expect(index).toContainText(s.receipt(1, 2));
    await expect(viewer.getByTestId("deep-zoom")).toHaveAttribute("data-ready", "true");
    const { pressed, wsShown } = await workstation.evaluate(() => {
      const w = window as unknown as { __pressed?: number; __wsShown?: number };
      return { pressed: w.__pressed, wsShown: w.__wsShown };
    });
    const { shown, tiles, told } = await viewer.evaluate(() => {
      const w = window as unknown as { __shown?: number; __tiles?: number; __told?: number };
      return { shown: w.__shown, tiles: w.__tiles, told: w.__told };
    });
    expect(pressed).toBeDefined();
    expect(shown).toBeDefined();
    const nextToViewer = shown! - pressed!;
    const nextToTiles = tiles === undefined ? null : tiles - pressed!;
    const nextToWorkstation = wsShown === undefined ? null : wsShown - pressed!;
    console.log(
      `[${locale}] Next → viewer told: ${told === undefined ? "?" : (told - pressed!).toFixed(0)} ms; ` +
        `workstation shows ${numberB}: ${nextToWorkstation?.toFixed(0) ?? "?"} ms; viewer shows its receipt 1: ` +
        `${nextToViewer.toFixed(0)} ms; viewer tiles drawn: ${nextToTiles?.toFixed(0) ?? "?"} ms`,
    );
    testInfo.annotations.push({ type: "next-to-viewer-ms", description: nextToViewer.toFixed(0) });
    // The target is 200 ms. From the key press that is two server round trips in a row (Next,
    // then the viewer's data for the new claim), so on a shared, loaded 2-core machine (load average ~20 here) the bound is 3 s;
    // the viewer itself must not lag the workstation (it starts loading from Next's redirect).
    expect(nextToViewer).toBeLessThan(3_000);
    expect(nextToWorkstation).not.toBeNull();
    expect(nextToViewer - nextToWorkstation!).toBeLessThan(1_000);
    const taskUrlB = workstation.url();

    // ---- Return B with two coded reasons and a comment (without taking another task).
    const returnPanel = workstation.locator(".ws-return");
    for (const reason of s.reasons) await returnPanel.getByLabel(reason).check();
    await returnPanel.locator('textarea[name="comment"]').fill(s.comment);
    await workstation.getByLabel(s.andNext).uncheck();
    await returnPanel.getByRole("button", { name: s.submitReturn, exact: true }).click();
    await expect(workstation).toHaveURL(/\/queue$/);

    // A is still the accountant's: finish it (the viewer follows back to A).
    await workstation.goto(taskUrlA);
    await expect(viewer.locator(".vt-claim-number")).toHaveText(numberA);
    await workstation.getByLabel(s.andNext).uncheck();
    await workstation.getByTestId("approve").click();
    await expect(workstation).toHaveURL(/\/queue$/);

    // ---- Meanwhile C is approved and routed: an older task than B's coming resubmission.
    await approveAsManager(browser, numberC, locale);
    await page.goto(urlC);
    await waitUntilRoutedTimes(page, 1);

    // ---- The employee sees the reasons and the comment, fixes line 1 and resubmits.
    await page.goto(urlB);
    await expect(page.locator(".page-head .badge")).toHaveText(s.returned);
    const notice = page.getByTestId("returned-notice");
    await expect(notice).toBeVisible();
    await expect(notice.getByTestId("return-reasons").locator("li")).toHaveText([...s.reasons]);
    await expect(notice.getByTestId("return-comment")).toHaveText(s.comment);
    await page.screenshot({ path: `test-results/roundtrip-returned-${locale}.png`, fullPage: true });
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `test-results/roundtrip-returned-phone-${locale}.png`, fullPage: true });
    if (desktop) await page.setViewportSize(desktop);
    await notice.getByTestId("fix-claim").click();
    await expect(page).toHaveURL(/\/edit$/);
    await expect(page.getByTestId("returned-notice").getByTestId("return-reasons").locator("li")).toHaveCount(2);
    await page.locator('input[name="lines[0].amount"]').fill("48.00");
    await page.getByRole("button", { name: s.resubmit, exact: true }).click();
    await expect(page).toHaveURL(/\/claims\/[0-9a-f-]+$/);
    await expect(page.locator(".page-head .badge")).toHaveText(s.submitted);
    await expect(page.getByTestId("claim-totals")).toContainText("1,328.00");

    await approveAsManager(browser, numberB, locale);
    await waitUntilRoutedTimes(page, 2);

    // ---- The same accountant's Next gets B first (preferred), although C has waited longer.
    await takeNextTask(workstation, numberB);
    expect(workstation.url()).not.toBe(taskUrlB); // a new review task
    await expect(viewer.locator(".vt-claim-number")).toHaveText(numberB);
    await expect(workstation.getByTestId("claim-totals")).toContainText("1,328.00");
    // What was asked for last time is in the history, reasons named.
    for (const reason of s.reasons) await expect(workstation.getByTestId("history-reasons")).toContainText(reason);
    await workstation.screenshot({ path: `test-results/roundtrip-workstation-${locale}.png`, fullPage: true });
    await workstation.getByLabel(s.andNext).uncheck();
    await workstation.getByTestId("approve").click();
    await expect(workstation).toHaveURL(/\/queue$/);
    await page.reload();
    await expect(page.locator(".page-head .badge")).toHaveText(s.approved);

    // C was waiting all along; Next now gets it (and leaves the queue empty for the next test).
    await takeNextTask(workstation, numberC);
    await workstation.getByLabel(s.andNext).uncheck();
    await workstation.getByTestId("approve").click();
    await expect(workstation).toHaveURL(/\/queue$/);
    await context.close();
  });
}
