-- Quality sampling (issue 4): a finished review task drawn for a QA re-check, and its result.
-- One row per sampled review task; the QA task (task.type = 'QA') is the queue item the QA reviewer takes.
CREATE TABLE "qa_check" (
    "id" TEXT NOT NULL,
    "qa_task_id" TEXT NOT NULL,
    "review_task_id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "operator_id" TEXT NOT NULL,
    "stratum" TEXT NOT NULL,
    "sample_rate_bp" INTEGER NOT NULL,
    "reviewer_id" TEXT,
    "outcome" TEXT,
    "error_type" TEXT,
    "severity" TEXT,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_at" TIMESTAMPTZ(3),
    CONSTRAINT "qa_check_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "qa_check_outcome_check" CHECK ("outcome" IS NULL OR "outcome" IN ('pass', 'error')),
    CONSTRAINT "qa_check_severity_check" CHECK ("severity" IS NULL OR "severity" IN ('minor', 'major', 'critical')),
    CONSTRAINT "qa_check_error_has_type" CHECK ("outcome" IS DISTINCT FROM 'error' OR ("error_type" IS NOT NULL AND "severity" IS NOT NULL))
);
CREATE UNIQUE INDEX "qa_check_qa_task_id_key" ON "qa_check"("qa_task_id");
CREATE UNIQUE INDEX "qa_check_review_task_id_key" ON "qa_check"("review_task_id");
CREATE INDEX "qa_check_operator_id_checked_at_idx" ON "qa_check"("operator_id", "checked_at");
CREATE INDEX "qa_check_checked_at_idx" ON "qa_check"("checked_at");
ALTER TABLE "qa_check" ADD CONSTRAINT "qa_check_qa_task_id_fkey" FOREIGN KEY ("qa_task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "qa_check" ADD CONSTRAINT "qa_check_review_task_id_fkey" FOREIGN KEY ("review_task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "qa_check" ADD CONSTRAINT "qa_check_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "qa_check" ADD CONSTRAINT "qa_check_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "qa_check" ADD CONSTRAINT "qa_check_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The metrics worker reads finished tasks by time; rebuilds and statements scan by finished_at.
CREATE INDEX "task_finished_at_idx" ON "task"("finished_at") WHERE "finished_at" IS NOT NULL;
