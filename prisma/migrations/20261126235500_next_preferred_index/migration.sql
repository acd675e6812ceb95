-- "Next" first looks for tasks returned earlier by the same accountant (preferred assignee).
-- Without an index that look-up walks the whole open queue: ~37 ms per call over 100,000 open
-- tasks, a quarter of Next's throughput (bench/next.ts measured it).
CREATE INDEX "task_open_review_preferred_idx" ON "task"("preferred_assignee_id", "priority" DESC, "created_at", "id")
  WHERE "status" = 'OPEN' AND "type" = 'REVIEW' AND "preferred_assignee_id" IS NOT NULL;
