import path from "node:path";
import { z } from "zod";

// Parsed once; web, workers and scripts all read configuration from here.
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().positive().default(3000),
  DATABASE_URL: z
    .string()
    .url()
    .default("postgresql://postgres@127.0.0.1:5432/accounting_factory"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379/0"),
  /** Prefix for every BullMQ key, so tests and the demo never share queues. */
  QUEUE_PREFIX: z.string().min(1).default("af"),
  STORAGE_DIR: z.string().min(1).default(path.resolve(".data/storage")),
  SESSION_SECRET: z.string().min(16).default("dev-only-session-secret-change-me"),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(150_000_000),
  IMAGING_CONCURRENCY: z.coerce.number().int().positive().default(2),
  /** BullMQ lock: how long a killed worker's job stays claimed before another worker takes it. */
  WORKER_LOCK_MS: z.coerce.number().int().positive().default(30_000),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(200),
  /** Test only (ignored when NODE_ENV=production): the imaging job waits this long before publishing its tiles, so a test can kill a worker mid-job. */
  IMAGING_TEST_DELAY_MS: z.coerce.number().int().min(0).default(0),

  // ── uploads (issue 8, slice "uploads") ──
  /** Files one user may store in any hour (sliding window, counted in Postgres). */
  UPLOAD_FILES_PER_HOUR: z.coerce.number().int().positive().default(120),
  /** Bytes one user may store in any 24 hours. */
  UPLOAD_BYTES_PER_DAY: z.coerce.number().int().positive().default(500 * 1024 * 1024),
  /** PDFs with more pages are refused at upload (and failed by the imaging worker if one got through). */
  MAX_PDF_PAGES: z.coerce.number().int().positive().default(50),
});

export type Env = z.infer<typeof EnvSchema>;

function parseEnv(): Env {
  const result = EnvSchema.safeParse(process.env);
  if (!result.success) {
    const issue = result.error.issues[0];
    // One clear line, then stop: a bad configuration must not half-start.
    console.error(`Invalid environment: ${issue?.path.join(".")}: ${issue?.message}`);
    process.exit(1);
  }
  return result.data;
}

export const env: Env = parseEnv();
