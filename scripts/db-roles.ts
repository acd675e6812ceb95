/**
 * Creates the app's least-privilege role (cluster-wide, once) and grants it, in this database, exactly what
 * the app needs: ordinary DML on the app's tables, only SELECT and INSERT on the audit log (sealing only through
 * audit_seal()), USAGE on the sequences, nothing on `_prisma_migrations`, no TRUNCATE, no DDL. Run by scripts/migrate.ts after every
 * migration run, as the owner, so a new table is granted as soon as it exists. Idempotent.
 */
import type pg from "pg";
import { appRoleOf } from "../app/utils/database-roles.server";

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Tables the app may read and insert into but never change. */
export const APPEND_ONLY_TABLES = [
  "audit_event",
  "payment_file",
  "bank_statement",
  "budget_entry",
  "voucher",
  "voucher_line",
  "voucher_erp_ref",
  "voucher_export",
  "voucher_export_item",
  "archive_box_movement",
  "archive_file",
  "fixity_failure",
  "archive_check_report",
  "destruction_register",
  "archive_view",
] as const;
/**
 * The chain head: read only. It is moved by the seal trigger inside audit_seal(), which runs as the owner
 * (SECURITY DEFINER), so the app needs no UPDATE on it nor on audit_event (docs/decisions/037).
 */
const CHAIN_HEAD = "audit_chain_head";
/** Functions the app may call (EXECUTE is revoked from PUBLIC by their migration). */
const APP_FUNCTIONS = ["audit_seal(integer)"];
const OWNER_ONLY_TABLES = ["_prisma_migrations"];

export async function ensureAppRole(owner: pg.ClientBase, appUrl: string): Promise<string> {
  const { role, password } = appRoleOf(appUrl);
  const { rows: me } = await owner.query<{ user: string }>(`SELECT current_user AS user`);
  if (me[0]!.user === role) throw new Error(`the app's role (${role}) must not be the owner that runs migrations; set APP_DATABASE_URL to another role`);
  const existing = await owner.query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolbypassrls: boolean }>(
    `SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  if (existing.rowCount === 0) {
    try {
      await owner.query(`CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${password ? ` PASSWORD ${literal(password)}` : ""}`);
    } catch (err) {
      // Roles are cluster-wide: another database's migration may have created it a moment ago.
      const code = (err as { code?: string }).code;
      if (code !== "42710" && code !== "23505") throw err;
    }
  } else {
    const r = existing.rows[0]!;
    if (r.rolsuper || r.rolcreaterole || r.rolcreatedb || r.rolbypassrls) {
      throw new Error(`the app's role ${role} has SUPERUSER, CREATEROLE, CREATEDB or BYPASSRLS; it must have none of them`);
    }
  }
  const { rows: tables } = await owner.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const { rows: db } = await owner.query<{ name: string }>(`SELECT current_database() AS name`);
  const r = ident(role);
  await owner.query("BEGIN");
  try {
    // Start from nothing each time, so a privilege granted by hand or by an older version does not linger.
    await owner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`);
    await owner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${r}`);
    await owner.query(`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM ${r}`);
    await owner.query(`REVOKE ALL ON SCHEMA public FROM ${r}`);
    // Nobody but the owner creates objects here (PostgreSQL 15 does this already; older servers do not).
    await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await owner.query(`GRANT CONNECT ON DATABASE ${ident(db[0]!.name)} TO ${r}`);
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    // A database migrated only up to a migration before 20261210010000 still chains at insert (the trigger,
    // as the inserting role, updates the head): there the app keeps UPDATE on it.
    const { rows: sealing } = await owner.query<{ yes: boolean }>(`SELECT to_regprocedure('audit_seal(integer)') IS NOT NULL AS yes`);
    const headPrivileges = sealing[0]!.yes ? "SELECT" : "SELECT, UPDATE";
    for (const { tablename } of tables) {
      if (OWNER_ONLY_TABLES.includes(tablename)) continue;
      const privileges = (APPEND_ONLY_TABLES as readonly string[]).includes(tablename)
        ? "SELECT, INSERT"
        : tablename === CHAIN_HEAD
          ? headPrivileges
          : "SELECT, INSERT, UPDATE, DELETE";
      await owner.query(`GRANT ${privileges} ON ${ident(tablename)} TO ${r}`);
    }
    // nextval() for serial ids and the claim number; not setval (UPDATE), not ALTER.
    await owner.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    const { rows: fns } = await owner.query<{ fn: string | null }>(
      `SELECT to_regprocedure(f)::text AS fn FROM unnest($1::text[]) AS f`,
      [APP_FUNCTIONS],
    );
    // Each exists once its migration has run (a database migrated only part of the way has fewer).
    for (const { fn } of fns) if (fn) await owner.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${r}`);
    await owner.query("COMMIT");
  } catch (err) {
    await owner.query("ROLLBACK");
    throw err;
  }
  return role;
}
