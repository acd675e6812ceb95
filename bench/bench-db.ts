/**
 * A bench's own database: a *_bench database (it is emptied by the seed), created if missing,
 * migrated like any other, seeded by the bench's bulk SQL and analysed.
 */
import pg from "pg";
import { migrate } from "../scripts/migrate";
import { truncateWithAuditLogAsOwner } from "../scripts/owner-reset";
import { ensurePostgres } from "../scripts/services";

/**
 * Migrates `url`, empties `truncate` (and the audit log, through the one owner-only reset that may) and
 * seeds it; returns an open admin (owner) connection and how long the seed took.
 */
export async function seedBenchDatabase(url: string, seedSql: string, truncate: readonly string[]): Promise<{ admin: pg.Client; seededSeconds: number }> {
  if (!/_bench$/.test(new URL(url).pathname)) throw new Error("BENCH_DATABASE_URL must name a *_bench database: the bench empties it");
  await ensurePostgres(url);
  await migrate(url, () => undefined);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const t0 = performance.now();
  await truncateWithAuditLogAsOwner(admin, truncate, "bench");
  await admin.query(seedSql);
  await admin.query("VACUUM ANALYZE");
  return { admin, seededSeconds: Math.round((performance.now() - t0) / 100) / 10 };
}
