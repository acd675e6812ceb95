import path from "node:path";
import { appDatabaseUrl } from "../app/utils/database-roles.server";

/**
 * The environment integration tests run in. Values already set (scripts/verify.sh exports them) win,
 * but only when they point at test resources: a shell that still has the demo's DATABASE_URL or Redis
 * db 0 exported falls back to the test defaults instead of letting the setup TRUNCATE the demo.
 */
export const TEST_DEFAULTS = {
  NODE_ENV: "test",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/accounting_factory_test",
  REDIS_URL: "redis://127.0.0.1:6379/1",
  QUEUE_PREFIX: "aft",
  STORAGE_DIR: path.resolve(import.meta.dirname, "../.data/test-storage"),
  SESSION_SECRET: "test-session-secret-0123456789",
} as const;

export function isTestDatabaseUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    return /_test$/.test(decodeURIComponent(new URL(url).pathname.replace(/^\//, "")));
  } catch {
    return false;
  }
}

export function isTestRedisUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const db = Number(new URL(url).pathname.replace(/^\//, "") || "0");
    return Number.isInteger(db) && db > 0;
  } catch {
    return false;
  }
}

/** DATABASE_URL is the owner (migrations, resets, tests that lift guards); the app code under test connects as APP_DATABASE_URL. */
export type IntegrationEnv = { NODE_ENV: "test"; APP_DATABASE_URL: string } & Record<Exclude<keyof typeof TEST_DEFAULTS, "NODE_ENV">, string>;

export function resolveIntegrationEnv(source: NodeJS.ProcessEnv = process.env): IntegrationEnv {
  const database = source.TEST_DATABASE_URL ?? source.DATABASE_URL;
  const redis = source.TEST_REDIS_URL ?? source.REDIS_URL;
  const storage = source.STORAGE_DIR;
  const databaseUrl = isTestDatabaseUrl(database) ? database : TEST_DEFAULTS.DATABASE_URL;
  return {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    // Always derived from the test database (never an APP_DATABASE_URL left in the shell for the demo).
    APP_DATABASE_URL: appDatabaseUrl(databaseUrl),
    REDIS_URL: isTestRedisUrl(redis) ? redis : TEST_DEFAULTS.REDIS_URL,
    QUEUE_PREFIX: source.QUEUE_PREFIX && source.QUEUE_PREFIX !== "af" ? source.QUEUE_PREFIX : TEST_DEFAULTS.QUEUE_PREFIX,
    STORAGE_DIR: storage && /test/i.test(storage) ? path.resolve(storage) : TEST_DEFAULTS.STORAGE_DIR,
    SESSION_SECRET: source.SESSION_SECRET ?? TEST_DEFAULTS.SESSION_SECRET,
  };
}
