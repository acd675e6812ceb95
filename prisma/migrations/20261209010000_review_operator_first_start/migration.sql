-- The QA draw of every review decision reads when the deciding accountant first started a review
-- (min(started_at) of their review tasks, app/models/qa-sampling.server.ts). Through (assignee_id, status)
-- that visited every review task the accountant ever had: ~24,000 heap pages and ~110-330 ms per
-- decision for an accountant of the month-end bench (1,000,000 claims, 40 accountants). With this index
-- it is one index probe (docs/decisions/034-decisions-in-few-statements.md).
CREATE INDEX "task_review_assignee_started_idx" ON "task" ("assignee_id", "started_at") WHERE "type" = 'REVIEW';
