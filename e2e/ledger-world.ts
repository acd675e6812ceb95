/**
 * The ledger browser test's world, made in the e2e database by the app's own code (run with tsx by
 * e2e/ledger.spec.ts, DATABASE_URL pointing at the e2e database; prints JSON): a company with the
 * realistic chart and mappings (setupLedger), an admin and an accountant of it, an approved claim the
 * accountant's group reviewed, its voucher posted by postClaimVoucher, and an open November with one voucher.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { postClaimVoucher } from "~/models/ledger-posting.server";
import { prisma } from "~/utils/db.server";
import { setupLedger } from "../fixtures/ledger";
import { claimVoucherLines, seedViewVoucher } from "../fixtures/ledger-views";

async function main() {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const companyId = randomUUID();
    const departmentId = randomUUID();
    await db.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ($1, $2, $3, $4, 'CNY')`, [companyId, `L${tag}`, `Ledger Co ${tag}`, `总账测试公司 ${tag}`]);
    await db.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'ADM', 'Administration', '行政部')`, [departmentId, companyId]);
    const { rows } = await db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'manager@demo.af'`);
    const hash = rows[0]!.password_hash;
    const user = async (name: string, roles: string, assigned: boolean) => {
      const id = randomUUID();
      const email = `ledger-${id.slice(0, 8)}@test.example`;
      await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, locale) VALUES ($1, $2, $3, $4, $5, $6, $7, 'en')`, [
        id,
        email,
        name,
        hash,
        roles,
        companyId,
        departmentId,
      ]);
      if (assigned) await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [id, companyId]);
      return { id, email, name };
    };
    const admin = await user("Ada Admin", "{EMPLOYEE,ADMIN}", true);
    const accountant = await user("陈会计", "{EMPLOYEE,ACCOUNTANT}", true);
    const employee = await user("王芳", "{EMPLOYEE}", false);

    // The accountant's group reviewed the claim: that is how an accountant may see it.
    const groupId = randomUUID();
    await db.query(`INSERT INTO processing_group (id, code, name, name_zh) VALUES ($1, $2, $3, $4)`, [groupId, `G${tag}`, `Ledger group ${tag}`, `总账组 ${tag}`]);
    await db.query(`INSERT INTO group_member (group_id, user_id) VALUES ($1, $2)`, [groupId, accountant.id]);
    const claimId = randomUUID();
    const number = `EC-LEDGER-${tag}`;
    await db.query(
      `INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, group_id, submitted_at) VALUES ($1, $2, $3, $4, $5, '上海客户拜访', 'APPROVED', 4, $6, now())`,
      [claimId, number, employee.id, companyId, departmentId, groupId],
    );
    await db.query(
      `INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency, invoice_kind, tax_minor) VALUES
         ($1, $3, 1, '2026-11-20', 'TAXI', '滴滴出行', 8800, 'CNY', 'NONE', NULL),
         ($2, $3, 2, '2026-11-21', 'HOTEL', '上海锦江饭店', 53000, 'CNY', 'SPECIAL_VAT', 3000)`,
      [randomUUID(), randomUUID(), claimId],
    );
    await db.query(
      `INSERT INTO task (id, claim_id, type, group_id, status, assignee_id, outcome, claim_version, started_at, finished_at) VALUES ($1, $2, 'REVIEW', $3, 'DONE', $4, 'approved', 3, now(), now())`,
      [randomUUID(), claimId, groupId, accountant.id],
    );

    await setupLedger(prisma, companyId);
    const posted = await postClaimVoucher(prisma, claimId);
    if (posted.status === "skipped") throw new Error(`the claim's voucher was not posted: ${posted.reason}`);

    // November, over and open, with one voucher: what the admin closes.
    const november = await seedViewVoucher(db, {
      companyId,
      date: "2026-11-27",
      description: "报销 EC-NOV 王芳 差旅",
      lines: claimVoucherLines({ netMinor: 25_000n, employeeId: employee.id, departmentId }),
    });
    console.log(JSON.stringify({ companyId, companyCode: `L${tag}`, admin, accountant, employee, claim: { id: claimId, number, totalMinor: "61800" }, voucherId: posted.voucherId, november }));
  } finally {
    await db.end();
    await prisma.$disconnect();
  }
}

await main();
