/**
 * Issue 8, item 9: a database that already has audit events when the chain arrives gets them chained by
 * the migration (in id order), and new events continue the same chain.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { verifyAuditChainInDatabase } from "../scripts/audit-verify";
import { migrate } from "../scripts/migrate";
import { ensurePostgres } from "../scripts/services";
import { dropDatabase } from "./helpers";

describe("the chain migration over an existing log", () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = url.pathname.replace(/_test$/, "_chainmig_test");
  const databaseUrl = url.toString();

  afterAll(() => dropDatabase(databaseUrl));

  it("chains the events already there in id order, and new events after them", async () => {
    await ensurePostgres(databaseUrl);
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      await owner.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
      await migrate(databaseUrl, () => undefined, { until: "20261203090000_security_sessions_scope" });
      await owner.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ('co', 'CO', 'Co', '公司', 'CNY')`);
      await owner.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('dep', 'co', 'D', 'Dept', '部门')`);
      await owner.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id) VALUES ('u1', 'u1@test.example', 'U', 'x', '{EMPLOYEE}', 'co', 'dep')`);
      await owner.query(`INSERT INTO claim (id, number, claimant_id, company_id, department_id, purpose, updated_at) VALUES ('c1', 'EC1', 'u1', 'co', 'dep', 'Taxi', now())`);
      await owner.query(`
        INSERT INTO audit_event (claim_id, actor_id, type, from_status, to_status, data, at) VALUES
          ('c1', 'u1', 'claim.created', NULL, 'DRAFT', '{}', '2026-11-30T08:00:00.123Z'),
          ('c1', 'u1', 'claim.saved', NULL, NULL, '{"lines": 2, "名": "张伟"}', '2026-11-30T08:05:00Z'),
          (NULL, NULL, 'board.target_changed', NULL, NULL, '{"to": 0.22}', '2026-11-30T09:00:00Z')`);

      await migrate(databaseUrl, () => undefined);
      const { rows } = await owner.query<{ id: string; chain_seq: string }>(`SELECT id::text, chain_seq::text FROM audit_event ORDER BY id`);
      expect(rows.map((r) => r.chain_seq)).toEqual(["1", "2", "3"]);
      expect(await verifyAuditChainInDatabase(databaseUrl)).toMatchObject({ ok: true, events: 3, headSeq: "3" });

      const app = new pg.Client({ connectionString: appDatabaseUrl(databaseUrl) });
      await app.connect();
      try {
        await app.query(`INSERT INTO audit_event (claim_id, actor_id, type) VALUES ('c1', 'u1', 'claim.submitted')`);
      } finally {
        await app.end();
      }
      // The claim's history no longer hangs on the claim row.
      await owner.query(`DELETE FROM claim WHERE id = 'c1'`);
      expect((await owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE claim_id = 'c1'`)).rows[0].n).toBe(3);
      expect(await verifyAuditChainInDatabase(databaseUrl)).toMatchObject({ ok: true, events: 4, headSeq: "4" });
    } finally {
      await owner.end();
    }
  });
});
