/**
 * Issue 8, item 12: the demo seed refuses a database that has real users (its --reset would empty it, and
 * its 217 users share a published password) unless asked with --allow-real-users.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { migrate } from "../scripts/migrate";
import { ensurePostgres } from "../scripts/services";
import { dropDatabase } from "./helpers";

const run = promisify(execFile);

describe("the demo seed", () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = url.pathname.replace(/_test$/, "_seedguard_test");
  const databaseUrl = url.toString();

  beforeAll(async () => {
    await ensurePostgres(databaseUrl);
    await migrate(databaseUrl, () => undefined);
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      const co = randomUUID();
      const dep = randomUUID();
      await owner.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ($1, $2, 'Real Co', '真实公司', 'CNY')`, [co, `R${co.slice(0, 6)}`]);
      await owner.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ($1, $2, 'FIN', 'Finance', '财务')`, [dep, co]);
      await owner.query(
        `INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id) VALUES ($1, 'li.na@real-group.cn', 'Li Na', 'x', '{EMPLOYEE}', $2, $3)`,
        [randomUUID(), co, dep],
      );
    } finally {
      await owner.end();
    }
  });

  afterAll(() => dropDatabase(databaseUrl));

  it("refuses, in one line naming --allow-real-users, a database with real users, and leaves them be", async () => {
    const env = { ...process.env, DATABASE_URL: databaseUrl, APP_DATABASE_URL: appDatabaseUrl(databaseUrl), SEED_CLAIMS: "0" };
    const result = await run("npx", ["tsx", "prisma/seed.ts", "--reset", "--phase", "data"], { env }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n").filter((l) => l.startsWith("[seed]"))).toEqual([
      expect.stringMatching(/^\[seed\] refusing to seed: this database has 1 real user .*li\.na@real-group\.cn.*--allow-real-users/),
    ]);
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ email: string }>(`SELECT email FROM app_user`);
      expect(rows.map((r) => r.email)).toEqual(["li.na@real-group.cn"]);
    } finally {
      await owner.end();
    }
  });
});
