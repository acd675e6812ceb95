import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { login, setLocale } from "./helpers";

// The e2e server's database and storage (scripts/e2e-server.sh).
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";
const STORAGE_DIR = process.env.E2E_STORAGE_DIR ?? `${process.cwd()}/.data/e2e-storage`;

type Ref = { id: string; number: string };
type World = { archivist: { email: string }; good: Ref; damaged: Ref; rejected: Ref };

function world(): World {
  const out = execFileSync("npx", ["tsx", "e2e/archive-world.ts"], {
    env: { ...process.env, DATABASE_URL, STORAGE_DIR, REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2", NODE_ENV: "test" },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as World;
}

test("an archivist sees the fixity failure loudly, a record's files and its four checks, and runs them again", async ({ page }) => {
  const w = world();
  await login(page, w.archivist.email);
  await page.goto("/archive/records");
  const banner = page.getByTestId("fixity-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(w.damaged.number);
  await expect(page.getByTestId("archive-records")).toContainText(w.good.number);
  await page.screenshot({ path: "test-results/archive-records-en.png", fullPage: true });

  await page.getByRole("link", { name: w.good.number }).click();
  await expect(page).toHaveURL(new RegExp(`/archive/records/${w.good.id}$`));
  await expect(page.getByTestId("record-files")).toContainText("originals/R2.pdf");
  await expect(page.getByTestId("retention")).toContainText("30 years");
  for (const c of ["authenticity", "integrity", "usability", "security"]) await expect(page.getByTestId(`check-${c}`).first()).toContainText("Passed");
  await page.getByTestId("run-checks").click();
  await expect(page.getByTestId("action-done")).toBeVisible();
  await expect(page.getByTestId("check-report")).toHaveCount(2);
  await page.screenshot({ path: "test-results/archive-record-en.png", fullPage: true });

  // The damaged one: fixity failures listed, the authenticity check fails on demand.
  await page.goto(`/archive/records/${w.damaged.id}`);
  await expect(page.getByTestId("record-fixity-failed")).toBeVisible();
  await expect(page.getByTestId("fixity-failures")).toContainText("originals/R1.jpg");
  await page.getByTestId("run-checks").click();
  await expect(page.getByTestId("check-authenticity").first()).toContainText("Failed");
  await page.screenshot({ path: "test-results/archive-record-damaged-en.png", fullPage: true });

  await setLocale(page, "zh-CN");
  await page.goto("/archive/records");
  await expect(page.getByTestId("fixity-banner")).toContainText("固定性校验失败");
  await page.screenshot({ path: "test-results/archive-records-zh.png", fullPage: true });
  await page.goto(`/archive/records/${w.damaged.id}`);
  await expect(page.getByTestId("check-authenticity").first()).toContainText("真实性");
  await page.screenshot({ path: "test-results/archive-record-zh.png", fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/archive/records");
  await page.screenshot({ path: "test-results/archive-records-phone.png", fullPage: true });
  await page.goto(`/archive/records/${w.good.id}`);
  await page.screenshot({ path: "test-results/archive-record-phone.png", fullPage: true });
});
