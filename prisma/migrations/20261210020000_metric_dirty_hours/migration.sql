-- Task events no longer recompute their rollup buckets one by one: each marks the hours its task belongs
-- to here (in the transaction that marks its outbox row done), and the metrics worker's flusher recomputes
-- every marked hour once, however many events marked it meanwhile (docs/decisions/038-metrics-marked-then-flushed.md).
-- A row is an hour whose metric_hourly rows (and its day's metric_daily rows) may not yet say what the task
-- rows say. It is deleted by the transaction that recomputes the hour.
CREATE TABLE "metric_dirty_hour" (
    "hour_start" TIMESTAMPTZ(3) NOT NULL,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "metric_dirty_hour_pkey" PRIMARY KEY ("hour_start")
);
