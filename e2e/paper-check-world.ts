/**
 * The scan-to-paper browser test's world, in the e2e database (run with tsx by e2e/paper-check.spec.ts,
 * DATABASE_URL and STORAGE_DIR pointing at the e2e server's; prints JSON): a company paying on paper with an
 * archivist and a supervisor of it, an approved claim and a submitted one (each two lines, two receipt images
 * with thumbnails on disk, originals received), and an awaited original overdue by four days.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import sharp from "sharp";
import { localDay } from "~/domain/metrics";
import { originalPath, thumbPath } from "~/utils/storage.server";

async function receiptImage(label: string, amount: string): Promise<{ sha: string; jpeg: Buffer }> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><rect width="300" height="400" fill="#fffdf5"/>
    <text x="20" y="60" font-size="36" font-family="sans-serif">${label}</text>
    <text x="20" y="140" font-size="28" font-family="sans-serif">TOTAL ${amount}</text>
    <text x="20" y="200" font-size="18" font-family="sans-serif">${randomUUID().slice(0, 8)}</text></svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg().toBuffer();
  return { sha: createHash("sha256").update(jpeg).digest("hex"), jpeg };
}

async function main() {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const companyId = randomUUID();
    const departmentId = randomUUID();
    await db.query(`INSERT INTO company (id, code, name, name_zh, currency, pay_on_paper) VALUES ($1, $2, $3, $4, 'CNY', true)`, [companyId, `P${tag}`, `Paper Co ${tag}`, `原件测试公司 ${tag}`]);
    await db.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'ADM', 'Administration', '行政部')`, [departmentId, companyId]);
    const { rows } = await db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'manager@demo.af'`);
    const hash = rows[0]!.password_hash;
    const user = async (name: string, roles: string, assigned: boolean) => {
      const id = randomUUID();
      const email = `paper-${id.slice(0, 8)}@test.example`;
      await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, locale) VALUES ($1, $2, $3, $4, $5, $6, $7, 'en')`, [id, email, name, hash, roles, companyId, departmentId]);
      if (assigned) await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [id, companyId]);
      return { id, email, name };
    };
    const archivist = await user("何档案", "{EMPLOYEE,ARCHIVIST}", true);
    const supervisor = await user("Sam Supervisor", "{EMPLOYEE,SUPERVISOR}", true);
    const manager = await user("Mia Manager", "{EMPLOYEE,MANAGER}", false);
    const employee = await user("王芳", "{EMPLOYEE}", false);
    await db.query(`UPDATE app_user SET manager_id = $1 WHERE id = $2`, [manager.id, employee.id]);

    const claim = async (suffix: string, status: string, version: number) => {
      const id = randomUUID();
      const number = `EC-PAPER-${tag}-${suffix}`;
      await db.query(`INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at) VALUES ($1, $2, $3, $4, $5, '上海客户拜访', $6, $7, now() - interval '2 days')`, [
        id,
        number,
        employee.id,
        companyId,
        departmentId,
        status,
        version,
      ]);
      const lines: [string, string, number, string][] = [
        ["2026-11-20", "滴滴出行", 8800, "88.00"],
        ["2026-11-21", "上海锦江饭店", 53000, "530.00"],
      ];
      for (const [i, [day, merchant, minor, text]] of lines.entries()) {
        const lineId = randomUUID();
        await db.query(`INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency) VALUES ($1, $2, $3, $4, 'TAXI', $5, $6, 'CNY')`, [lineId, id, i + 1, day, merchant, minor]);
        const { sha, jpeg } = await receiptImage(`R${i + 1}`, text);
        for (const file of [originalPath(sha), thumbPath(sha, 1)]) {
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.writeFile(file, jpeg);
        }
        await db.query(
          `INSERT INTO stored_file (sha256, size_bytes, mime_type, status, page_count, pages, ready_at) VALUES ($1, $2, 'image/jpeg', 'READY', 1, '[{"width":300,"height":400}]', now()) ON CONFLICT DO NOTHING`,
          [sha, jpeg.length],
        );
        const receiptId = randomUUID();
        await db.query(`INSERT INTO receipt (id, claim_id, file_sha256, file_name, uploaded_by_id, created_at) VALUES ($1, $2, $3, $4, $5, now() + ($6 || ' seconds')::interval)`, [receiptId, id, sha, `receipt-${i + 1}.jpg`, employee.id, String(i)]);
        await db.query(`INSERT INTO line_receipt (line_id, receipt_id) VALUES ($1, $2)`, [lineId, receiptId]);
      }
      return { id, number };
    };
    const approved = await claim("A", "APPROVED", 5);
    const submitted = await claim("S", "SUBMITTED", 2);
    await db.query(`INSERT INTO task (id, claim_id, type, status, assignee_id, claim_version) VALUES ($1, $2, 'MANAGER_APPROVAL', 'OPEN', $3, 2)`, [randomUUID(), submitted.id, manager.id]);
    const overdue = await claim("O", "MANAGER_APPROVED", 3);
    // Due dates count from the SSC's day (as the app does), not the database session's UTC date: between
    // 16:00 and 24:00 UTC the two differ by one.
    const sscToday = localDay(new Date());
    for (const c of [approved, submitted]) {
      await db.query(
        `INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, received_at, received_by_id) VALUES ($1, $2, 'RECEIVED', 2, now() - interval '2 days', $4::date + 5, now() - interval '1 minute', $3)`,
        [c.id, companyId, archivist.id, sscToday],
      );
    }
    await db.query(`INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on) VALUES ($1, $2, 'AWAITING', 2, now() - interval '9 days', $3::date - 4)`, [overdue.id, companyId, sscToday]);
    console.log(JSON.stringify({ companyId, companyCode: `P${tag}`, archivist, supervisor, employee, approved, submitted, overdue }));
  } finally {
    await db.end();
  }
}

await main();
