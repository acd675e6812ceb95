/**
 * The arrival desk's browser test world, made in the e2e database (run with tsx by e2e/arrival-desk.spec.ts,
 * DATABASE_URL pointing at the e2e database; prints JSON): a company, its archivist, an employee with
 * submitted claims whose originals are awaited, a packet of three of them sent by the employee's own code
 * path (createPacket, addToPacket, sendPacket), and one more claim to pack in the browser.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { coverSheetCode } from "~/domain/paper-trail";
import { addToPacket, createPacket, sendPacket } from "~/models/paper-packets.server";
import { prisma } from "~/utils/db.server";

async function main() {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const companyId = randomUUID();
    const departmentId = randomUUID();
    await db.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ($1, $2, $3, $4, 'CNY')`, [companyId, `P${tag}`, `Paper Co ${tag}`, `纸件测试公司 ${tag}`]);
    await db.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'ADM', 'Administration', '行政部')`, [departmentId, companyId]);
    const { rows } = await db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'manager@demo.af'`);
    const hash = rows[0]!.password_hash;
    const user = async (name: string, roles: string, assigned: boolean) => {
      const id = randomUUID();
      const email = `paper-${id.slice(0, 8)}@test.example`;
      await db.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id, locale) VALUES ($1, $2, $3, $4, $5, $6, $7, 'en')`, [id, email, name, hash, roles, companyId, departmentId]);
      if (assigned) await db.query(`INSERT INTO user_company (user_id, company_id) VALUES ($1, $2)`, [id, companyId]);
      return { id, email, name, roles: roles.replace(/[{}]/g, "").split(",") as ("EMPLOYEE" | "ARCHIVIST")[], companyId };
    };
    const archivist = await user("何立新", "{EMPLOYEE,ARCHIVIST}", true);
    const employee = await user("王芳", "{EMPLOYEE}", false);
    const claims: { id: string; number: string; code: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const id = randomUUID();
      const number = `EC2026${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
      await db.query(
        `INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, status, version, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, 'SUBMITTED', 2, now())`,
        [id, number, employee.id, companyId, departmentId, `上海客户拜访 ${i + 1}`],
      );
      await db.query(
        `INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on) VALUES ($1, $2, 'AWAITING', 2, now(), current_date + 14)`,
        [id, companyId],
      );
      claims.push({ id, number, code: coverSheetCode(number) });
    }
    const packet = await createPacket({ viewer: employee, companyId, origin: "上海分公司 前台" });
    for (const c of claims.slice(0, 3)) await addToPacket({ viewer: employee, packetId: packet.id, entry: c.code });
    await sendPacket({ viewer: employee, packetId: packet.id, carrier: "顺丰速运 SF Express", trackingNumber: `SF${tag}` });
    console.log(JSON.stringify({ companyId, companyCode: `P${tag}`, archivist, employee, claims, packet }));
  } finally {
    await db.end();
    await prisma.$disconnect();
  }
}

await main();
