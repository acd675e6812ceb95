import path from "node:path";
import { z } from "zod";
import { redisTopology } from "./redis-topology";

// Parsed once; web, workers and scripts all read configuration from here.
const EnvSchema = z.object({
  // Unset means production: a server started with `npm start` and no NODE_ENV gets every protection.
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().positive().default(3000),
  DATABASE_URL: z
    .string()
    .url()
    .default("postgresql://postgres@127.0.0.1:5432/accounting_factory"),
  /** One Redis server; with Sentinel or Cluster below, only its user, password, TLS (rediss://) and database. */
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379/0"),
  // ── Redis topology (issue 13, docs/decisions/026): neither set = the one server of REDIS_URL ──
  /** Sentinels to ask for the master, host:port,host:port (with REDIS_SENTINEL_NAME). */
  REDIS_SENTINELS: z.string().optional(),
  /** The master's name in the Sentinels' configuration. */
  REDIS_SENTINEL_NAME: z.string().optional(),
  /** The Sentinels' own password, when they have one (requirepass in sentinel.conf). */
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /** A Redis Cluster: some of its nodes, host:port,host:port (the rest are discovered). */
  REDIS_CLUSTER_NODES: z.string().optional(),
  /**
   * Reads that may lag (the board, scorecards, staffing, archive statistics) go to this streaming
   * replica when set; writes and read-your-writes always go to DATABASE_URL. Same user and database
   * names as the primary (docs/decisions/026).
   */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  /** Prefix for every BullMQ key, so tests and the demo never share queues. */
  QUEUE_PREFIX: z.string().min(1).default("af"),
  STORAGE_DIR: z.string().min(1).default(path.resolve(".data/storage")),
  // ── object storage (issue 13; README "Storage", docs/decisions/024) ──
  /** Where originals, derived images and tiles live: `local` (STORAGE_DIR, the default) or `s3` (any S3-API store). STORAGE_DIR stays the scratch area (upload temp files, renderings in progress) either way. */
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  /** The S3 API's endpoint (MinIO, Alibaba Cloud OSS, the tests' s3rver); unset: AWS S3 for S3_REGION. */
  S3_ENDPOINT: z.string().url().optional(),
  /** Where browsers reach the store, for presigned tile URLs (TILE_DELIVERY=redirect); default S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  /** Required when STORAGE_DRIVER=s3. */
  S3_BUCKET: z.string().min(3).optional(),
  /** Path-style URLs (endpoint/bucket/key): MinIO and s3rver need it; AWS and OSS take virtual-hosted style. */
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  /** Unset: the SDK's default chain (instance role, AWS_* variables, ~/.aws). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** How tiles reach a viewer in s3 mode, after the app's access check: `stream` through the app, or `redirect` (302) to a short-lived presigned URL. bench:tiles decides the default (README "Storage"). */
  TILE_DELIVERY: z.enum(["stream", "redirect"]).default("stream"),
  /** Presigned tile URLs are signed per window of this many seconds (stable within it, so browsers cache them) and valid for two windows. */
  TILE_URL_WINDOW_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  // ── security (issue 8) ──
  /** Signs the session cookie. Required in production (≥ 32 random bytes, checked when the web server starts); elsewhere a random one per process. */
  SESSION_SECRET: z.string().optional(),
  /** A session ends after this many idle minutes … */
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  /** … and this many hours after sign-in, however busy. */
  SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
  /** Production sends cookies only over HTTPS (Secure, HSTS) unless this is "true": plain HTTP, answered to this machine's own addresses only (the demo). */
  ALLOW_PLAIN_HTTP_ON_LOCALHOST: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  /** The origins the app is served from, comma-separated (e.g. https://ssc.example.com); when unset, the request's own host. */
  APP_ORIGIN: z.string().optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(150_000_000),
  IMAGING_CONCURRENCY: z.coerce.number().int().positive().default(2),
  /** BullMQ lock: how long a killed worker's job stays claimed before another worker takes it. */
  WORKER_LOCK_MS: z.coerce.number().int().positive().default(30_000),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(200),
  /** The audit sealer (runs with the relay) seals committed events this often while there are some; idle, it backs off to 10× (docs/decisions/037). */
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().positive().default(500),
  /** Test only (ignored when NODE_ENV=production): the imaging job waits this long before publishing its tiles, so a test can kill a worker mid-job. */
  IMAGING_TEST_DELAY_MS: z.coerce.number().int().min(0).default(0),
  // ── wall board streams (issue 8, item 11; board slice) ──
  /** Open board streams at most per signed-in user, and per board link (a TV counts against its link). */
  BOARD_STREAMS_PER_USER: z.coerce.number().int().positive().default(5),
  /** Open board streams at most per client address (a floor behind one NAT may run many TVs). */
  BOARD_STREAMS_PER_ADDRESS: z.coerce.number().int().positive().default(20),

  // ── issue 8, audit slice: the app's least-privilege database role (docs/decisions/010) ──
  /** What the app connects as. Unset: DATABASE_URL (the owner, for migrations) with the user af_app. */
  APP_DATABASE_URL: z.string().url().optional(),

  // ── uploads (issue 8, slice "uploads") ──
  /** Files one user may store in any hour (sliding window, counted in Postgres). */
  UPLOAD_FILES_PER_HOUR: z.coerce.number().int().positive().default(120),
  /** Bytes one user may store in any 24 hours. */
  UPLOAD_BYTES_PER_DAY: z.coerce.number().int().positive().default(500 * 1024 * 1024),
  /** PDFs with more pages are refused at upload (and failed by the imaging worker if one got through). */
  MAX_PDF_PAGES: z.coerce.number().int().positive().default(50),

  // ── the bank link (issue 10) ──
  /** The bank's host-to-host base URL (the sandbox bank in the demo and tests). Unset: no host-to-host link; runs are sent as files. */
  BANK_LINK_URL: z.string().url().optional(),
  /** How long one call to the bank may take; past it the answer is "unknown", never a reason to send again. */
  BANK_LINK_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** A run stuck in SENDING longer than this (a worker died mid-send) becomes UNKNOWN and is asked about. */
  BANK_LINK_SENDING_STALE_MS: z.coerce.number().int().positive().default(120_000),
  /** The sandbox bank's port (npm run sandbox-bank). */
  SANDBOX_BANK_PORT: z.coerce.number().int().positive().default(4700),
  /** 1: every response carries `Server-Timing: app;dur=<ms>` (the web process's time to the response head); the load bench reads it. */
  SERVER_TIMING: z.enum(["0", "1"]).default("0").transform((v) => v === "1"),
  /** 1: /bench/bare answers a constant (the load bench's baseline route); otherwise it is 404. Never in production. */
  BENCH_BARE_ROUTE: z.enum(["0", "1"]).default("0").transform((v) => v === "1"),

  // ── several instances (issue 13, docs/deploy.md) ──
  /** This process's name in the X-Instance response header and the logs (e.g. web-1). Unset: host:port. */
  INSTANCE_NAME: z.string().min(1).max(64).regex(/^[\w.:-]+$/).optional(),
}).superRefine((v, ctx) => {
  try {
    redisTopology(v);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: ["REDIS"], message: err instanceof Error ? err.message : String(err) });
  }
  if (v.STORAGE_DRIVER === "s3" && !v.S3_BUCKET) ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "required when STORAGE_DRIVER=s3" });
  if (Boolean(v.S3_ACCESS_KEY_ID) !== Boolean(v.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({ code: "custom", path: ["S3_SECRET_ACCESS_KEY"], message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together" });
  }
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
