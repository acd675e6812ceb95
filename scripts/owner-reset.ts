/**
 * The ONE way to empty the append-only audit log: test setup, the seed's --reset and the benches start
 * over with it. Owner only (lifting a trigger is ALTER TABLE, which only the owner may do; the app's
 * role cannot), and only where starting over is the point: a database named *_test or *_e2e, the
 * demo seed's reset, a bench. The guards are lifted inside one transaction for this TRUNCATE alone:
 * every other session waits on the table lock and never sees the log unguarded.
 */
import pg from "pg";
import { GENESIS_HASH } from "../app/domain/audit-chain";

export type OwnerResetCaller = "test" | "seed-reset" | "bench";

export class OwnerResetRefused extends Error {}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function ownerResetAllowed(databaseName: string, caller: OwnerResetCaller): boolean {
  if (caller === "seed-reset" || caller === "bench") return true;
  return /_(test|e2e)$/.test(databaseName);
}

/**
 * TRUNCATE `tables` (RESTART IDENTITY CASCADE) together with audit_event (and the destruction register,
 * kept permanently by the same kind of guard), and start a new chain.
 * `owner` is a connection as the owner of the schema (DATABASE_URL), or a URL to open one.
 */
export async function truncateWithAuditLogAsOwner(owner: pg.ClientBase | string, tables: readonly string[], caller: OwnerResetCaller): Promise<void> {
  const own = typeof owner === "string" ? new pg.Client({ connectionString: owner }) : null;
  const client: pg.ClientBase = own ?? (owner as pg.ClientBase);
  if (own) await own.connect();
  try {
    const { rows } = await client.query<{ db: string }>(`SELECT current_database() AS db`);
    const db = rows[0]!.db;
    if (!ownerResetAllowed(db, caller)) {
      throw new OwnerResetRefused(`refusing to empty the audit log of ${db}: only *_test/*_e2e databases, the seed's --reset and the benches may`);
    }
    const list = [...new Set([...tables, "audit_event", "audit_chain_head", "destruction_register"])].map(ident).join(", ");
    await client.query("BEGIN");
    try {
      await client.query(`ALTER TABLE "audit_event" DISABLE TRIGGER "audit_event_append_only"`);
      await client.query(`ALTER TABLE "audit_chain_head" DISABLE TRIGGER "audit_chain_head_guard", DISABLE TRIGGER "audit_chain_head_no_truncate"`);
      // The destruction register is kept permanently like the audit log; it starts over with it.
      await client.query(`ALTER TABLE "destruction_register" DISABLE TRIGGER "destruction_register_permanent"`);
      await client.query(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
      await client.query(`INSERT INTO "audit_chain_head" ("id", "last_seq", "last_hash") VALUES (1, 0, $1)`, [GENESIS_HASH]);
      await client.query(`ALTER TABLE "audit_chain_head" ENABLE TRIGGER "audit_chain_head_guard", ENABLE TRIGGER "audit_chain_head_no_truncate"`);
      await client.query(`ALTER TABLE "destruction_register" ENABLE TRIGGER "destruction_register_permanent"`);
      await client.query(`ALTER TABLE "audit_event" ENABLE TRIGGER "audit_event_append_only"`);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK");
      throw err;
    }
  } finally {
    if (own) await own.end();
  }
}
