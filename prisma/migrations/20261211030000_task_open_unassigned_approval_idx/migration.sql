-- The admin's branch of listApprovals (app/models/approval.server.ts): open manager approvals that nobody
-- can approve (assignee_id NULL). Its only index was (assignee_id, status), which for NULL + OPEN holds every
-- open unassigned task. At month-end those are the 20,000 open reviews, read and discarded one by one
-- (240 ms on the 1M-claim bench database) to find the few approvals among them. This partial index holds only
-- the rows the branch wants, and its predicate is the branch's predicate, word for word. It is kept in order
-- of the page (created_at, id). SQL only, like the schema's other partial indexes
-- (docs/decisions/039-month-end-pages-under-250ms.md, "Later").
CREATE INDEX "task_open_unassigned_approval_idx" ON "task"("created_at", "id")
  WHERE "type" = 'MANAGER_APPROVAL' AND "status" = 'OPEN' AND "assignee_id" IS NULL;
