import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { login } from "./helpers";

// The e2e server's database and storage (scripts/e2e-server.sh).
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e";
const STORAGE_DIR = process.env.E2E_STORAGE_DIR ?? `${process.cwd()}/.data/e2e-storage`;

type Person = { id: string; email: string; name: string };
type World = {
  companyId: string;
  companyCode: string;
  archivist: Person;
  supervisor: Person;
  admin: Person;
  records: { id: string; claimNumber: string; packageDir: string }[];
  held: { id: string; claimNumber: string };
};

/** A fresh company with expired archive records and their packages (e2e/retention-world.ts). */
function world(): World {
  const out = execFileSync("npx", ["tsx", "e2e/retention-world.ts"], {
    env: { ...process.env, DATABASE_URL, STORAGE_DIR, REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2", NODE_ENV: "test" },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as World;
}

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/retention-${name}.png`, fullPage: true });
}

type Words = { reason: string; propose: string; proposed: string; approveSupervisor: string; approveAdmin: string; approved: string; destroy: string; destroyed: string; registerLink: string };

/** The appraisal → two approvals → destroy flow, in one language. */
async function destructionFlow(page: Page, w: World, locale: "en" | "zh-CN", t: Words, picks: number[]) {
  const chosen = picks.map((i) => w.records[i]!);
  // The archivist proposes the destruction of the chosen records.
  await login(page, w.archivist.email, locale);
  await page.goto("/archive/retention");
  const list = page.getByTestId("appraisal");
  for (const r of chosen) await expect(list).toContainText(r.claimNumber);
  await expect(list).not.toContainText(w.held.claimNumber);
  await shot(page, `appraisal-${locale}`);
  for (const r of chosen) await page.getByTestId(`due-${r.claimNumber}`).getByRole("checkbox").check();
  await page.locator('textarea[name="reason"]').fill(t.reason);
  await page.getByRole("button", { name: t.propose }).click();
  await expect(page).toHaveURL(/\/archive\/retention\/requests\//);
  const requestUrl = page.url();
  await expect(page.getByTestId("request-status")).toHaveText(t.proposed);
  // The requester may not approve their own proposal.
  await expect(page.getByTestId("cannot-approve")).toBeVisible();

  // One approval (the supervisor) is not enough.
  await login(page, w.supervisor.email, locale);
  await page.goto(requestUrl);
  await page.getByRole("button", { name: t.approveSupervisor }).click();
  await expect(page.getByTestId("done")).toBeVisible();
  await expect(page.getByTestId("request-status")).toHaveText(t.proposed);
  await expect(page.getByTestId("approvals")).toContainText(w.supervisor.name);
  await expect(page.getByRole("button", { name: t.destroy })).toHaveCount(0);
  await shot(page, `one-approval-${locale}`);

  // The admin's approval, in another role, makes it approved; the admin (an approver) destroys.
  await login(page, w.admin.email, locale);
  await page.goto(requestUrl);
  await page.getByRole("button", { name: t.approveAdmin }).click();
  await expect(page.getByTestId("request-status")).toHaveText(t.approved);
  for (const r of chosen) expect(await exists(`${r.packageDir}/claim.json`)).toBe(true);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: t.destroy }).click();
  await expect(page.getByTestId("request-status")).toHaveText(t.destroyed);
  await shot(page, `destroyed-${locale}`);
  for (const r of chosen) expect(await exists(r.packageDir)).toBe(false);

  // The register lists them with their digests.
  await page.getByRole("link", { name: t.registerLink }).click();
  for (const r of chosen) await expect(page.getByTestId(`register-${r.claimNumber}`)).toBeVisible();
  await shot(page, `register-${locale}`);
}

test.describe("retention and destruction", () => {
  let w: World;
  test.beforeAll(() => {
    w = world();
  });

  test("appraisal → two approvals of different roles → destroyed, in the register (English)", async ({ page }) => {
    await destructionFlow(
      page,
      w,
      "en",
      {
        reason: "Retention of 30 years over; appraised by the archive.",
        propose: "Propose destruction of the selected records",
        proposed: "Proposed",
        approveSupervisor: "Approve as Supervisor",
        approveAdmin: "Approve as Administrator",
        approved: "Approved",
        destroy: "Destroy now",
        destroyed: "Destroyed",
        registerLink: "See the destruction register",
      },
      [0, 1],
    );
    // The rest of the screens, for a look: legal holds, periods, and the appraisal list on a phone.
    await page.goto("/archive/retention/holds");
    await expect(page.getByTestId(`hold-${w.held.claimNumber}`)).toBeVisible();
    await shot(page, "holds-en");
    await page.goto("/archive/retention/settings");
    await page.locator('input[name="EXPENSE_CLAIM"]').fill("20");
    await page.getByRole("button", { name: "Save periods" }).click();
    await expect(page.getByTestId("refusal")).toContainText("cannot be kept shorter than the law's minimum of 30 years");
    await shot(page, "settings-refused-en");
  });

  test("the same flow in Chinese; the appraisal list on a phone", async ({ page }) => {
    await destructionFlow(
      page,
      w,
      "zh-CN",
      {
        reason: "保管期限 30 年已满，经鉴定无保存价值。",
        propose: "提议销毁所选档案",
        proposed: "已提议",
        approveSupervisor: "以主管身份批准",
        approveAdmin: "以管理员身份批准",
        approved: "已批准",
        destroy: "立即销毁",
        destroyed: "已销毁",
        registerLink: "查看销毁清册",
      },
      [2],
    );
    await page.goto("/archive/retention/settings");
    await shot(page, "settings-zh");
    await page.setViewportSize({ width: 390, height: 844 });
    await login(page, w.archivist.email, "zh-CN");
    await page.goto("/archive/retention");
    await expect(page.getByTestId(`due-${w.records[3]!.claimNumber}`)).toBeVisible();
    await shot(page, "appraisal-phone-zh");
  });
});
