-- The wall board's backlog (app/models/board-data.server.ts, backlogByGroup) counts the open reviews per group by
-- status, SLA state, due time, age and — for a board of some companies — company. The open reviews are a small
-- set scattered over the whole task table: in bench:load, 20,000 of 2,000,000 tasks on 9,600 heap pages, read on
-- every board load (EXPLAIN ANALYZE: 9,700 buffers, 76 ms mean over 466 loads, 260 ms cold; pg_stat_statements
-- ranked it first in Postgres's time). Everything it reads is in this index, so it is an index-only scan:
-- 190 buffers, 11 ms.
CREATE INDEX "task_open_review_board_idx" ON "task" ("group_id") INCLUDE ("status", "sla_state", "sla_due_at", "created_at", "company_id")
  WHERE "type" = 'REVIEW' AND "status" IN ('OPEN', 'IN_PROGRESS');

-- An index-only scan skips the heap only for pages the visibility map marks all-visible, which needs VACUUM after
-- the pages change. By default a table is vacuumed once 20 % of it changed (400,000 tasks of 2,000,000), so the map
-- would lag behind the open reviews all day. The task table is vacuumed after 2 % instead.
ALTER TABLE "task" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
