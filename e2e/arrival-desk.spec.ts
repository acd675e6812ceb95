import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { coverSheetCode } from "../app/domain/paper-trail";
import { login, setLocale } from "./helpers";

// The e2e server's database (scripts/e2e-server.sh).
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";

type Person = { id: string; email: string; name: string };
type World = { companyCode: string; archivist: Person; employee: Person; claims: { id: string; number: string; code: string }[]; packet: { id: string; code: string } };

/** A fresh company with an archivist, an employee's submitted claims and a packet of three sent (e2e/paper-world.ts). */
function world(): World {
  const out = execFileSync("npx", ["tsx", "e2e/paper-world.ts"], {
    env: { ...process.env, DATABASE_URL, REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2", NODE_ENV: "test" },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as World;
}

const WORDS = {
  en: { opened: "opened", received: "received", duplicate: "already scanned", unknown: "Unknown claim", closed: "Packet closed", missing: "Missing", count: (r: number, e: number) => `${r} of ${e} received` },
  "zh-CN": { opened: "已打开邮包", received: "已签收", duplicate: "重复扫描", unknown: "未知报销单", closed: "邮包已关闭", missing: "缺失", count: (r: number, e: number) => `应到 ${e}，已到 ${r}` },
} as const;

/** What a keyboard-wedge scanner does: types the code and presses Enter. */
async function scan(page: Page, code: string) {
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
}

async function expectVerdict(page: Page, verdict: string, ok: boolean, text?: string) {
  const box = page.getByTestId("desk-verdict");
  await expect(box).toHaveAttribute("data-verdict", verdict);
  await expect(box).toHaveAttribute("data-ok", String(ok));
  if (text) await expect(box).toContainText(text);
  // The one field keeps the focus after every answer: the next scan lands there.
  await expect(page.getByTestId("desk-input")).toBeFocused();
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`the arrival desk, by typed scans only (${locale})`, async ({ page }) => {
    const w = world();
    const words = WORDS[locale];
    // Counts the desk's tones (Web Audio oscillators): one high beep per good scan, two low buzzes per problem.
    await page.addInitScript(() => {
      const tones: number[] = [];
      (window as unknown as { __tones: number[] }).__tones = tones;
      const original = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        const osc = original.call(this);
        const start = osc.start.bind(osc);
        osc.start = (when?: number) => {
          tones.push(osc.frequency.value);
          start(when);
        };
        return osc;
      };
    });
    await login(page, w.archivist.email, locale);
    await page.goto("/archive/arrivals");
    await expect(page.getByTestId("desk-input")).toBeFocused();
    const tones = () => page.evaluate(() => (window as unknown as { __tones: number[] }).__tones.slice());

    // From here on: the keyboard only.
    await scan(page, w.packet.code);
    await expectVerdict(page, "packet_opened", true, words.opened);
    await expect(page.getByTestId("desk-count")).toHaveText(words.count(0, 3));
    await expect(page.getByTestId("desk-hint")).toContainText("CLOSE");

    const [a, b, missing, unlisted] = w.claims;
    await scan(page, a!.code);
    await expectVerdict(page, "expected", true, a!.number);
    await expect(page.getByTestId(`desk-item-${a!.number}`)).toHaveAttribute("data-state", "received");
    await expect(page.getByTestId("differs-link")).toHaveAttribute("href", `/archive/originals/${a!.id}`);

    await scan(page, a!.code);
    await expectVerdict(page, "duplicate", false, words.duplicate);

    await scan(page, b!.code.toLowerCase());
    await expectVerdict(page, "expected", true, b!.number);
    await scan(page, "-R2");
    await expectVerdict(page, "receipts_missing", true, "R2");

    const stranger = coverSheetCode(`EC2026${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`);
    await scan(page, stranger);
    await expectVerdict(page, "unknown", false, words.unknown);

    // A claim that is not on this packet's manifest: received, but flagged as an extra.
    await scan(page, unlisted!.code);
    await expectVerdict(page, "not_expected", false, unlisted!.number);
    await expect(page.getByTestId("desk-count")).toHaveText(words.count(2, 3));
    await expect(page.getByTestId(`desk-item-${missing!.number}`)).toHaveAttribute("data-state", "waiting");
    await page.screenshot({ path: `test-results/arrival-desk-${locale}.png`, fullPage: true });

    await scan(page, "close");
    await expectVerdict(page, "closed", true, words.closed);
    const closed = page.getByTestId("desk-closed");
    await expect(closed).toContainText(missing!.number);
    await expect(closed).toContainText(`${b!.number} (R2)`);
    await expect(closed).toContainText(unlisted!.number);
    await page.screenshot({ path: `test-results/arrival-desk-closed-${locale}.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `test-results/arrival-desk-closed-${locale}-390.png`, fullPage: true });

    // Sounds: high beeps for the good scans, low double buzzes for the duplicate, the unknown code and the extra.
    const heard = await tones();
    expect(heard.filter((f) => f > 1000)).toHaveLength(5);
    expect(heard.filter((f) => f < 300)).toHaveLength(6);

    // The packet's page shows what the close found.
    await page.goto(`/archive/packets/${w.packet.id}`);
    const found = page.getByTestId("packet-discrepancies");
    await expect(found).toContainText(missing!.number);
    await expect(found).toContainText(words.missing);
    await expect(found).toContainText("R2");
  });
}

test("an employee packs a packet, marks it sent and downloads its manifest PDF", async ({ page }) => {
  const w = world();
  await login(page, w.employee.email, "en");
  await page.goto("/archive/packets");
  await expect(page.getByTestId(`packet-${w.packet.code}`)).toContainText("In transit");
  await page.getByTestId("new-packet").locator('input[name="origin"]').fill("Shanghai branch, reception");
  await page.getByTestId("new-packet").getByRole("button").click();
  await expect(page).toHaveURL(/\/archive\/packets\/[0-9a-f-]+$/);
  const entry = page.getByTestId("packet-entry");
  await expect(entry).toBeFocused();
  // The fourth claim is owed and in no packet; the first already travels in the sent one.
  await page.keyboard.type(w.claims[3]!.code);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId(`item-${w.claims[3]!.number}`)).toBeVisible();
  await expect(entry).toBeFocused();
  await page.keyboard.type(w.claims[0]!.number);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("add-refusal")).toContainText(`already in packet ${w.packet.code}`);
  await page.screenshot({ path: "test-results/packet-packing-en.png", fullPage: true });

  const send = page.getByTestId("send-packet");
  await send.getByRole("button").click();
  await expect(send).toContainText("Required.");
  await send.locator('input[name="carrier"]').fill("EMS");
  await send.locator('input[name="trackingNumber"]').fill("EK123456789CN");
  await send.getByRole("button").click();
  await expect(page.getByTestId("packet-carrier")).toContainText("EMS · EK123456789CN");
  await expect(page.getByTestId("send-packet")).toHaveCount(0);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("manifest-pdf").click()]);
  expect(download.suggestedFilename()).toMatch(/^packet-PK\d{9}[A-Z]\.pdf$/);
  const pdf = readFileSync((await download.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(2_000);
  await page.screenshot({ path: "test-results/packet-sent-en.png", fullPage: true });

  // The list in Chinese, on a phone.
  await setLocale(page, "zh-CN");
  await page.goto("/archive/packets");
  await expect(page.getByTestId(`packet-${w.packet.code}`)).toContainText("运输中");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/packets-zh-CN-390.png", fullPage: true });
});
