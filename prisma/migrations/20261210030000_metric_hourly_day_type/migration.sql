-- The live counters' per-hour pieces of a day (liveDayFromRollups: day = $1 AND task_type = ANY(pieces)) read
-- every hourly row of the day through (day) and dropped the managers' approvals after: at month-end ~3,700 rows
-- of which ~330 are pieces, 30 ms quiet and 0.3–0.7 s under load, once per rollup flush. (day, task_type) reads
-- the pieces only and still serves every query by day alone (docs/decisions/038).
DROP INDEX "metric_hourly_day_idx";
CREATE INDEX "metric_hourly_day_task_type_idx" ON "metric_hourly"("day", "task_type");
