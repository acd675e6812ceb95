-- Metrics and wall board (issue 4): rollups of task rows per hour and per day, backlog snapshots,
-- and the board's settings. Rollups are derived data: `npm run metrics:rebuild` recomputes them from
-- the task rows at any time (docs/decisions/007-metrics-rollups.md). Dimension columns use '' for
-- "none" (no group, no operator) so they can be part of the primary key; hence no foreign keys.

-- One row per local hour (SSC time zone) × task type × group × complexity band × operator.
-- Arrivals (created) are counted in the hour the task was created, under operator '';
-- everything else in the hour it finished (DONE or CANCELLED), under the task's assignee.
CREATE TABLE "metric_hourly" (
    "hour_start" TIMESTAMPTZ(3) NOT NULL,
    "day" DATE NOT NULL,
    "task_type" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "complexity" TEXT NOT NULL,
    "operator_id" TEXT NOT NULL,
    "created" INTEGER NOT NULL DEFAULT 0,
    "finished" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "approved" INTEGER NOT NULL DEFAULT 0,
    "returned" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "handled" INTEGER NOT NULL DEFAULT 0,
    "handling_ms" BIGINT NOT NULL DEFAULT 0,
    "waiting_ms" BIGINT NOT NULL DEFAULT 0,
    "sla_tracked" INTEGER NOT NULL DEFAULT 0,
    "sla_met" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "metric_hourly_pkey" PRIMARY KEY ("hour_start", "task_type", "group_id", "complexity", "operator_id")
);
CREATE INDEX "metric_hourly_day_idx" ON "metric_hourly"("day");

-- The same per local day: the sum of that day's hourly rows.
CREATE TABLE "metric_daily" (
    "day" DATE NOT NULL,
    "task_type" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "complexity" TEXT NOT NULL,
    "operator_id" TEXT NOT NULL,
    "created" INTEGER NOT NULL DEFAULT 0,
    "finished" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "approved" INTEGER NOT NULL DEFAULT 0,
    "returned" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "handled" INTEGER NOT NULL DEFAULT 0,
    "handling_ms" BIGINT NOT NULL DEFAULT 0,
    "waiting_ms" BIGINT NOT NULL DEFAULT 0,
    "sla_tracked" INTEGER NOT NULL DEFAULT 0,
    "sla_met" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "metric_daily_pkey" PRIMARY KEY ("day", "task_type", "group_id", "complexity", "operator_id")
);
CREATE INDEX "metric_daily_operator_id_day_idx" ON "metric_daily"("operator_id", "day");

-- Backlog per processing group at a point in time (hourly and daily job schedulers).
CREATE TABLE "backlog_snapshot" (
    "kind" TEXT NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "group_id" TEXT NOT NULL,
    "open" INTEGER NOT NULL,
    "in_progress" INTEGER NOT NULL,
    "on_track" INTEGER NOT NULL,
    "at_risk" INTEGER NOT NULL,
    "breached" INTEGER NOT NULL,
    "age_lt1h" INTEGER NOT NULL,
    "age_h1to4" INTEGER NOT NULL,
    "age_h4to8" INTEGER NOT NULL,
    "age_h8to24" INTEGER NOT NULL,
    "age_gt1d" INTEGER NOT NULL,
    "oldest_created_at" TIMESTAMPTZ(3),
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "backlog_snapshot_pkey" PRIMARY KEY ("kind", "taken_at", "group_id"),
    CONSTRAINT "backlog_snapshot_kind_check" CHECK ("kind" IN ('hourly', 'daily'))
);
ALTER TABLE "backlog_snapshot" ADD CONSTRAINT "backlog_snapshot_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "processing_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Wall board settings, one row per key (e.g. 'cycle_target_days').
CREATE TABLE "board_setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by_id" TEXT,
    CONSTRAINT "board_setting_pkey" PRIMARY KEY ("key")
);
ALTER TABLE "board_setting" ADD CONSTRAINT "board_setting_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Incremental rollups recompute the hour a task arrived in: arrivals are read by created_at.
CREATE INDEX "task_created_at_idx" ON "task"("created_at");
