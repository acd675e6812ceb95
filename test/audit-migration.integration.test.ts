/**
 * Issue 8, item 9: a database that already has audit events when the chain arrives gets them chained by
 * the migration (in id order), and new events continue the same chain.
 * Issue 13 (decision 037): a database whose events were chained at insert keeps that chain when sealing
 * after commit arrives; new events are sealed after it.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { sealAllAuditEvents, verifyAuditChainInDatabase } from "../scripts/audit-verify";
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
      // Sealed after commit since migration 20261210010000.
      expect(await verifyAuditChainInDatabase(databaseUrl)).toMatchObject({ ok: true, events: 3, headSeq: "3", unsealed: { count: 1 } });
      expect(await sealAllAuditEvents(databaseUrl)).toBe(1);
      expect(await verifyAuditChainInDatabase(databaseUrl)).toMatchObject({ ok: true, events: 4, headSeq: "4", unsealed: { count: 0 } });
    } finally {
      await owner.end();
    }
  });
});

describe("the seal-after-commit migration over a chained log", () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = url.pathname.replace(/_test$/, "_sealmig_test");
  const databaseUrl = url.toString();

  afterAll(() => dropDatabase(databaseUrl));

  it("keeps the chain written at insert verifiable, and seals new events after it", async () => {
    await ensurePostgres(databaseUrl);
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      await owner.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
      await migrate(databaseUrl, () => undefined, { until: "20261209020000_reading_pdf_text" });
      await owner.query(`INSERT INTO company (id, code, name, name_zh, currency) VALUES ('co', 'CO', 'Co', '公司', 'CNY')`);
      await owner.query(`INSERT INTO department (id, company_id, code, name, name_zh) VALUES ('dep', 'co', 'D', 'Dept', '部门')`);
      await owner.query(`INSERT INTO app_user (id, email, name, password_hash, roles, company_id, department_id) VALUES ('u1', 'u1@test.example', 'U', 'x', '{EMPLOYEE}', 'co', 'dep')`);
      const app = new pg.Client({ connectionString: appDatabaseUrl(databaseUrl) });
      await app.connect();
      try {
        // History chained by the insert trigger of migration 20261203100000 (one statement and single rows).
        await app.query(`INSERT INTO audit_event (claim_id, actor_id, type, data) SELECT 'c' || n, 'u1', 'claim.created', jsonb_build_object('n', n) FROM generate_series(1, 50) n`);
        await app.query(`INSERT INTO audit_event (claim_id, actor_id, type, to_status, data) VALUES ('c1', 'u1', 'claim.submitted', 'SUBMITTED', '{"名": "张伟"}')`);
        const before = await verifyAuditChainInDatabase(databaseUrl);
        expect(before).toMatchObject({ ok: true, events: 51, headSeq: "51" });
        const oldHead = before.ok ? before.headHash : "";

        await migrate(databaseUrl, () => undefined);
        // The old chain verifies as it was, up to the same head (written down earlier: --expect-head).
        expect(await verifyAuditChainInDatabase(databaseUrl, { expectedHead: oldHead })).toMatchObject({ ok: true, events: 51, headSeq: "51", headHash: oldHead, unsealed: { count: 0 } });

        await app.query(`INSERT INTO audit_event (claim_id, actor_id, type) VALUES ('c1', 'u1', 'claim.approved'), ('c2', 'u1', 'claim.approved')`);
        const { rows: fresh } = await app.query<{ chain_seq: string | null }>(`SELECT chain_seq::text FROM audit_event WHERE type = 'claim.approved'`);
        expect(fresh.map((r) => r.chain_seq)).toEqual([null, null]);
        // The app seals through audit_seal(); the new links continue the old chain.
        expect((await app.query<{ n: number }>(`SELECT audit_seal(10) AS n`)).rows[0]!.n).toBe(2);
        const { rows: linked } = await owner.query<{ chain_seq: string; prev_hash: string }>(`SELECT chain_seq::text, prev_hash FROM audit_event WHERE type = 'claim.approved' ORDER BY chain_seq`);
        expect(linked).toEqual([{ chain_seq: "52", prev_hash: oldHead }, { chain_seq: "53", prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
        expect(await verifyAuditChainInDatabase(databaseUrl, { expectedHead: oldHead })).toMatchObject({ ok: true, events: 53, headSeq: "53" });
      } finally {
        await app.end();
      }
    } finally {
      await owner.end();
    }
  });
});
