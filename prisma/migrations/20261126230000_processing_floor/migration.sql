-- The processing floor: tasks, routing rules, return reasons, approval delegation.

CREATE TYPE "TaskType" AS ENUM ('MANAGER_APPROVAL', 'REVIEW', 'QA', 'PAYMENT', 'ARCHIVE');
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'DONE', 'CANCELLED');
CREATE TYPE "SlaState" AS ENUM ('ON_TRACK', 'AT_RISK', 'BREACHED');

ALTER TABLE "company" ADD COLUMN "second_approval_minor" BIGINT, ADD COLUMN "calendar" JSONB;
ALTER TABLE "processing_group" ADD COLUMN "is_default" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "sla_minutes" INTEGER NOT NULL DEFAULT 480;
-- At most one default group.
CREATE UNIQUE INDEX "processing_group_one_default" ON "processing_group"("is_default") WHERE "is_default";
ALTER TABLE "claim" ADD COLUMN "group_id" TEXT;
ALTER TABLE "claim" ADD CONSTRAINT "claim_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "processing_group"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "task" (
    "id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "type" "TaskType" NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "step" INTEGER NOT NULL DEFAULT 1,
    "group_id" TEXT,
    "assignee_id" TEXT,
    "preferred_assignee_id" TEXT,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "complexity" TEXT NOT NULL DEFAULT 'S',
    "claim_version" INTEGER NOT NULL,
    "sla_minutes" INTEGER,
    "sla_due_at" TIMESTAMPTZ(3),
    "sla_state" "SlaState" NOT NULL DEFAULT 'ON_TRACK',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    CONSTRAINT "task_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "task_claim_id_idx" ON "task"("claim_id");
CREATE INDEX "task_assignee_id_status_idx" ON "task"("assignee_id", "status");
CREATE INDEX "task_group_id_status_idx" ON "task"("group_id", "status");
-- "Next": the highest-priority, oldest open review task of some groups, in one indexed scan
-- (a partial index matching the ORDER BY; see ../shared/STACK-NOTES.md).
CREATE INDEX "task_open_review_next_idx" ON "task"("priority" DESC, "created_at", "id") WHERE "status" = 'OPEN' AND "type" = 'REVIEW';
-- One open review per claim: routing twice can never queue the same claim twice.
CREATE UNIQUE INDEX "task_one_open_review_per_claim" ON "task"("claim_id") WHERE "type" = 'REVIEW' AND "status" IN ('OPEN', 'IN_PROGRESS');
ALTER TABLE "task" ADD CONSTRAINT "task_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "task" ADD CONSTRAINT "task_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "processing_group"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "task" ADD CONSTRAINT "task_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "routing_rule" (
    "id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "conditions" JSONB NOT NULL,
    "priority" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "routing_rule_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "routing_rule_position_idx" ON "routing_rule"("position");
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "processing_group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "return_reason" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "return_reason_pkey" PRIMARY KEY ("code")
);

CREATE TABLE "approval_delegation" (
    "id" TEXT NOT NULL,
    "manager_id" TEXT NOT NULL,
    "delegate_id" TEXT NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "approval_delegation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "approval_delegation_range" CHECK ("valid_from" <= "valid_to"),
    CONSTRAINT "approval_delegation_not_self" CHECK ("manager_id" <> "delegate_id")
);
CREATE INDEX "approval_delegation_delegate_id_valid_to_idx" ON "approval_delegation"("delegate_id", "valid_to");
ALTER TABLE "approval_delegation" ADD CONSTRAINT "approval_delegation_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "approval_delegation" ADD CONSTRAINT "approval_delegation_delegate_id_fkey" FOREIGN KEY ("delegate_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
