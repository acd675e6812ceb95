-- Foundation: org, users, claims, receipts, audit log, outbox.

CREATE TYPE "Role" AS ENUM ('EMPLOYEE', 'MANAGER', 'ACCOUNTANT', 'QA', 'ARCHIVIST', 'SUPERVISOR', 'ADMIN');
CREATE TYPE "ClaimStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'MANAGER_APPROVED', 'IN_REVIEW', 'APPROVED', 'SCHEDULED', 'PAID', 'RETURNED', 'REJECTED');
CREATE TYPE "FileStatus" AS ENUM ('PROCESSING', 'READY', 'FAILED');
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'DONE');

CREATE TABLE "company" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    CONSTRAINT "company_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "company_code_key" ON "company"("code");

CREATE TABLE "department" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "head_id" TEXT,
    CONSTRAINT "department_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "department_company_id_code_key" ON "department"("company_id", "code");

CREATE TABLE "app_user" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "roles" "Role"[],
    "company_id" TEXT NOT NULL,
    "department_id" TEXT NOT NULL,
    "manager_id" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "time_zone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");
CREATE INDEX "app_user_manager_id_idx" ON "app_user"("manager_id");

CREATE TABLE "processing_group" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    CONSTRAINT "processing_group_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "processing_group_code_key" ON "processing_group"("code");

CREATE TABLE "group_member" (
    "group_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    CONSTRAINT "group_member_pkey" PRIMARY KEY ("group_id", "user_id")
);

CREATE TABLE "expense_category" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "limit_minor" BIGINT,
    "limit_currency" CHAR(3),
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "expense_category_pkey" PRIMARY KEY ("code")
);

CREATE TABLE "exchange_rate" (
    "base" CHAR(3) NOT NULL,
    "quote" CHAR(3) NOT NULL,
    "valid_on" DATE NOT NULL,
    "rate" DECIMAL(18,8) NOT NULL,
    CONSTRAINT "exchange_rate_pkey" PRIMARY KEY ("base", "quote", "valid_on")
);

CREATE TABLE "claim" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "claimant_id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "department_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "status" "ClaimStatus" NOT NULL DEFAULT 'DRAFT',
    "version" INTEGER NOT NULL DEFAULT 1,
    "submitted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "claim_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "claim_number_key" ON "claim"("number");
CREATE INDEX "claim_claimant_id_status_idx" ON "claim"("claimant_id", "status");
CREATE INDEX "claim_status_idx" ON "claim"("status");

CREATE TABLE "claim_line" (
    "id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "spent_on" DATE NOT NULL,
    "category_code" TEXT NOT NULL,
    "merchant" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "claim_line_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "claim_line_claim_id_idx" ON "claim_line"("claim_id");

CREATE TABLE "stored_file" (
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "mime_type" TEXT NOT NULL,
    "status" "FileStatus" NOT NULL DEFAULT 'PROCESSING',
    "failure_reason" TEXT,
    "page_count" INTEGER,
    "pages" JSONB,
    "phash" CHAR(16),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ready_at" TIMESTAMPTZ(3),
    CONSTRAINT "stored_file_pkey" PRIMARY KEY ("sha256")
);
CREATE INDEX "stored_file_phash_idx" ON "stored_file"("phash");

CREATE TABLE "receipt" (
    "id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "file_sha256" CHAR(64) NOT NULL,
    "file_name" TEXT NOT NULL,
    "uploaded_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "receipt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "receipt_claim_id_idx" ON "receipt"("claim_id");
CREATE INDEX "receipt_file_sha256_idx" ON "receipt"("file_sha256");

CREATE TABLE "line_receipt" (
    "line_id" TEXT NOT NULL,
    "receipt_id" TEXT NOT NULL,
    CONSTRAINT "line_receipt_pkey" PRIMARY KEY ("line_id", "receipt_id")
);
CREATE INDEX "line_receipt_receipt_id_idx" ON "line_receipt"("receipt_id");

CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "claim_id" TEXT,
    "actor_id" TEXT,
    "type" TEXT NOT NULL,
    "from_status" "ClaimStatus",
    "to_status" "ClaimStatus",
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_event_claim_id_at_idx" ON "audit_event"("claim_id", "at");

CREATE TABLE "outbox_event" (
    "id" BIGSERIAL NOT NULL,
    "queue" TEXT NOT NULL,
    "job_name" TEXT NOT NULL,
    "job_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enqueued_at" TIMESTAMPTZ(3),
    "done_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_event_job_key_key" ON "outbox_event"("job_key");
CREATE INDEX "outbox_event_status_id_idx" ON "outbox_event"("status", "id");

ALTER TABLE "department" ADD CONSTRAINT "department_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "department" ADD CONSTRAINT "department_head_id_fkey" FOREIGN KEY ("head_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "group_member" ADD CONSTRAINT "group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "processing_group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "group_member" ADD CONSTRAINT "group_member_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "claim" ADD CONSTRAINT "claim_claimant_id_fkey" FOREIGN KEY ("claimant_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "claim" ADD CONSTRAINT "claim_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "claim" ADD CONSTRAINT "claim_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_category_code_fkey" FOREIGN KEY ("category_code") REFERENCES "expense_category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "receipt" ADD CONSTRAINT "receipt_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "receipt" ADD CONSTRAINT "receipt_file_sha256_fkey" FOREIGN KEY ("file_sha256") REFERENCES "stored_file"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "receipt" ADD CONSTRAINT "receipt_uploaded_by_id_fkey" FOREIGN KEY ("uploaded_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "line_receipt" ADD CONSTRAINT "line_receipt_line_id_fkey" FOREIGN KEY ("line_id") REFERENCES "claim_line"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "line_receipt" ADD CONSTRAINT "line_receipt_receipt_id_fkey" FOREIGN KEY ("receipt_id") REFERENCES "receipt"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit log is append-only.
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

-- Claim numbers (EC2026000123) come from a sequence: unique without a lock on the claim table.
CREATE SEQUENCE "claim_number_seq" START 1;
