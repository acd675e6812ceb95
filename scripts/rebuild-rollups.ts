/**
 * `npm run metrics:rebuild`: recomputes every rollup (metric_hourly, metric_daily) from the task rows
 * in one transaction, then the live counters in Redis. Safe while workers run: they wait for it and
 * recompute their buckets from the same rows afterwards. Uses DATABASE_URL, REDIS_URL, QUEUE_PREFIX.
 */
import { rebuildEverything } from "~/models/rollups.server";
import { env } from "~/utils/env.server";
import { runShutdownHooks } from "~/utils/shutdown.server";

rebuildEverything({ prefix: env.QUEUE_PREFIX })
  .catch((err: unknown) => {
    console.error(`[metrics] rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => void runShutdownHooks());
