/**
 * Vitest globalSetup for the "integration" project: makes sure Postgres and Redis are up, applies the
 * migrations, and starts from empty tables, an empty Redis db and an empty storage dir. It never drops
 * the database (migrations are applied, not replayed) and refuses to touch anything not meant for tests.
 */
import fs from "node:fs/promises";
import { Redis } from "ioredis";
import pg from "pg";
import { migrate } from "../scripts/migrate";
import { truncateWithAuditLogAsOwner } from "../scripts/owner-reset";
import { ensureServices } from "../scripts/services";
import { isTestDatabaseUrl, isTestRedisUrl, resolveIntegrationEnv } from "./test-env";

export default async function setup(): Promise<void> {
  const env = resolveIntegrationEnv(process.env);
  Object.assign(process.env, env);
  if (!isTestDatabaseUrl(env.DATABASE_URL) || !isTestRedisUrl(env.REDIS_URL)) {
    throw new Error("integration tests need a *_test database and a Redis db other than 0");
  }
  await ensureServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
  await migrate(env.DATABASE_URL, () => undefined);
  await truncateAppTables(env.DATABASE_URL);
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb(); // this db only: the demo may be using db 0 of the same server
  } finally {
    redis.disconnect();
  }
  await fs.rm(env.STORAGE_DIR, { recursive: true, force: true });
  await fs.mkdir(env.STORAGE_DIR, { recursive: true });
}

/**
 * Empties every app table (not the migrations record), the audit log included; also for a test file that
 * needs an empty database. `databaseUrl` is the owner's (DATABASE_URL): the app's role may not truncate.
 */
export async function truncateAppTables(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
    );
    await truncateWithAuditLogAsOwner(client, rows.map((r) => r.tablename), "test");
  } finally {
    await client.end();
  }
}
