-- Issue 10, the treasury: employees' bank accounts with held changes, payer accounts, payment runs with
-- four eyes and frozen files, payments that leave exactly once, bank statements and their matches.
-- (docs/decisions/018-treasury.md)

-- New values are only added here; nothing in this migration uses them (PostgreSQL refuses that inside
-- the transaction that adds them).
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'TREASURY';
ALTER TYPE "ClaimStatus" ADD VALUE IF NOT EXISTS 'PAYMENT_FAILED';

-- Per company: how a changed bank account becomes usable, how long a new account is flagged, and the
-- weekdays (ISO: 1 Monday … 7 Sunday) on which runs are prepared by schedule.
ALTER TABLE "company"
  ADD COLUMN "bank_change_policy" TEXT NOT NULL DEFAULT 'SECOND_PERSON',
  ADD COLUMN "bank_change_cooling_hours" INTEGER NOT NULL DEFAULT 72,
  ADD COLUMN "bank_change_flag_days" INTEGER NOT NULL DEFAULT 30,
  ADD COLUMN "payment_weekdays" INTEGER[] NOT NULL DEFAULT '{2,4}';
ALTER TABLE "company" ADD CONSTRAINT "company_bank_change_policy_check"
  CHECK ("bank_change_policy" IN ('SECOND_PERSON', 'EMPLOYEE_CONFIRM'));
ALTER TABLE "company" ADD CONSTRAINT "company_bank_change_numbers_check"
  CHECK ("bank_change_cooling_hours" BETWEEN 0 AND 720 AND "bank_change_flag_days" BETWEEN 0 AND 365);

-- An employee's bank account. Never edited in place: a change is a new row, PENDING until confirmed;
-- the row it replaces becomes SUPERSEDED. At most one ACTIVE and one PENDING per employee.
CREATE TABLE "bank_account" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "holder_name" TEXT NOT NULL,
    "account_number" TEXT,
    "bank_name" TEXT,
    "cnaps_code" TEXT,
    "iban" TEXT,
    "bic" TEXT,
    -- SHA-256 of the canonical account details: what a frozen run compares.
    "fingerprint" CHAR(64) NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "employee_confirmed_at" TIMESTAMPTZ(3),
    "usable_after" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT NOT NULL DEFAULT '',
    "active_from" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    CONSTRAINT "bank_account_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bank_account_kind_check" CHECK (
      ("kind" = 'cn' AND "account_number" IS NOT NULL AND "bank_name" IS NOT NULL AND "cnaps_code" ~ '^[0-9]{12}$' AND "iban" IS NULL AND "bic" IS NULL)
      OR ("kind" = 'iban' AND "iban" IS NOT NULL AND "bic" IS NOT NULL AND "account_number" IS NULL AND "cnaps_code" IS NULL)),
    CONSTRAINT "bank_account_status_check" CHECK ("status" IN ('PENDING', 'ACTIVE', 'SUPERSEDED', 'REJECTED', 'CANCELLED')),
    CONSTRAINT "bank_account_active_check" CHECK (("status" IN ('ACTIVE', 'SUPERSEDED')) = ("active_from" IS NOT NULL))
);
ALTER TABLE "bank_account" ADD CONSTRAINT "bank_account_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bank_account" ADD CONSTRAINT "bank_account_requested_by_fkey" FOREIGN KEY ("requested_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bank_account" ADD CONSTRAINT "bank_account_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "bank_account_one_active" ON "bank_account"("user_id") WHERE "status" = 'ACTIVE';
CREATE UNIQUE INDEX "bank_account_one_pending" ON "bank_account"("user_id") WHERE "status" = 'PENDING';
CREATE INDEX "bank_account_pending_idx" ON "bank_account"("status", "requested_at") WHERE "status" = 'PENDING';

-- What a person is told (the employee about every change of their bank account, a claimant about a failed payment).
CREATE TABLE "notification" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "notification" ADD CONSTRAINT "notification_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "notification_user_idx" ON "notification"("user_id", "created_at");

-- The head-office accounts payments leave from, per company and currency; one default per pair.
CREATE TABLE "payer_account" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "holder_name" TEXT NOT NULL,
    "account_number" TEXT,
    "bank_name" TEXT,
    "cnaps_code" TEXT,
    "iban" TEXT,
    "bic" TEXT,
    "connector" TEXT NOT NULL DEFAULT 'file',
    "file_format" TEXT NOT NULL DEFAULT 'pain001',
    "is_default" BOOLEAN NOT NULL DEFAULT true,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "payer_account_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "payer_account_kind_check" CHECK (
      ("kind" = 'cn' AND "account_number" IS NOT NULL AND "bank_name" IS NOT NULL AND "cnaps_code" ~ '^[0-9]{12}$')
      OR ("kind" = 'iban' AND "iban" IS NOT NULL AND "bic" IS NOT NULL)),
    CONSTRAINT "payer_account_connector_check" CHECK ("connector" IN ('file', 'host-to-host')),
    CONSTRAINT "payer_account_format_check" CHECK ("file_format" IN ('pain001', 'cn-batch-csv')),
    -- The bank link sends XML only.
    CONSTRAINT "payer_account_h2h_xml_check" CHECK ("connector" = 'file' OR "file_format" = 'pain001')
);
ALTER TABLE "payer_account" ADD CONSTRAINT "payer_account_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "payer_account_one_default" ON "payer_account"("company_id", "currency") WHERE "is_default" AND "active";

CREATE SEQUENCE "payment_run_number_seq" START 1;

-- A payment run: prepared by one treasury user, approved by another (the file is made and its digest
-- kept then), released (claims SCHEDULED) and transmitted once.
CREATE TABLE "payment_run" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "payer_account_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "value_date" DATE NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PREPARED',
    "transmission" TEXT NOT NULL DEFAULT 'NOT_SENT',
    "file_format" TEXT NOT NULL,
    "connector" TEXT NOT NULL,
    "payment_count" INTEGER NOT NULL,
    "total_minor" BIGINT NOT NULL,
    "prepared_by" TEXT NOT NULL,
    "prepared_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "released_by" TEXT,
    "released_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "status_checked_at" TIMESTAMPTZ(3),
    "status_checks" INTEGER NOT NULL DEFAULT 0,
    "bank_reference" TEXT,
    "bank_status" TEXT,
    "blocked_reason" JSONB,
    "cancelled_by" TEXT,
    "cancelled_at" TIMESTAMPTZ(3),
    CONSTRAINT "payment_run_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "payment_run_status_check" CHECK ("status" IN ('PREPARED', 'APPROVED', 'BLOCKED', 'RELEASED', 'DONE', 'CANCELLED')),
    CONSTRAINT "payment_run_transmission_check" CHECK ("transmission" IN ('NOT_SENT', 'SENDING', 'SENT', 'UNKNOWN', 'ACCEPTED', 'PARTIALLY_ACCEPTED', 'REJECTED')),
    -- Four eyes, whatever path writes the row.
    CONSTRAINT "payment_run_four_eyes_check" CHECK ("approved_by" IS NULL OR "approved_by" <> "prepared_by"),
    CONSTRAINT "payment_run_approved_check" CHECK ("status" IN ('PREPARED', 'CANCELLED') OR ("approved_by" IS NOT NULL AND "approved_at" IS NOT NULL)),
    CONSTRAINT "payment_run_sent_check" CHECK ("transmission" = 'NOT_SENT' OR "status" IN ('RELEASED', 'DONE'))
);
CREATE UNIQUE INDEX "payment_run_number_key" ON "payment_run"("number");
CREATE INDEX "payment_run_status_idx" ON "payment_run"("status", "value_date");
CREATE INDEX "payment_run_transmission_idx" ON "payment_run"("transmission") WHERE "transmission" IN ('SENDING', 'SENT', 'UNKNOWN');
ALTER TABLE "payment_run" ADD CONSTRAINT "payment_run_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payment_run" ADD CONSTRAINT "payment_run_payer_account_id_fkey" FOREIGN KEY ("payer_account_id") REFERENCES "payer_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payment_run" ADD CONSTRAINT "payment_run_prepared_by_fkey" FOREIGN KEY ("prepared_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payment_run" ADD CONSTRAINT "payment_run_approved_by_fkey" FOREIGN KEY ("approved_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payment_run" ADD CONSTRAINT "payment_run_released_by_fkey" FOREIGN KEY ("released_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The file made when a run is approved: kept as made, with its digest, never replaced.
CREATE TABLE "payment_file" (
    "run_id" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "schema" TEXT,
    "schema_valid" BOOLEAN NOT NULL,
    "message_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "payment_file_pkey" PRIMARY KEY ("run_id")
);
CREATE UNIQUE INDEX "payment_file_message_id_key" ON "payment_file"("message_id");
ALTER TABLE "payment_file" ADD CONSTRAINT "payment_file_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "payment_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One payment per claim per run, with its end-to-end id (unique everywhere, forever) and what it was
-- frozen on: the claim's version and amount, the bank account and its fingerprint.
CREATE TABLE "payment" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "end_to_end_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "claim_version" INTEGER NOT NULL,
    "bank_account_id" TEXT NOT NULL,
    "account_fingerprint" CHAR(64) NOT NULL,
    "flags" TEXT[] NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'PLANNED',
    "status_reason" TEXT,
    "status_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "payment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "payment_amount_check" CHECK ("amount_minor" > 0),
    CONSTRAINT "payment_status_check" CHECK ("status" IN ('PLANNED', 'SENT', 'ACCEPTED', 'PAID', 'RETURNED', 'REJECTED', 'CANCELLED'))
);
CREATE UNIQUE INDEX "payment_end_to_end_id_key" ON "payment"("end_to_end_id");
CREATE UNIQUE INDEX "payment_run_position_key" ON "payment"("run_id", "position");
-- Never two live payments for one claim: only a returned, rejected or cancelled one may be followed by another.
CREATE UNIQUE INDEX "payment_one_live_per_claim" ON "payment"("claim_id") WHERE "status" NOT IN ('RETURNED', 'REJECTED', 'CANCELLED');
CREATE INDEX "payment_claim_idx" ON "payment"("claim_id");
CREATE INDEX "payment_open_idx" ON "payment"("status") WHERE "status" IN ('SENT', 'ACCEPTED');
ALTER TABLE "payment" ADD CONSTRAINT "payment_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "payment_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payment" ADD CONSTRAINT "payment_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payment" ADD CONSTRAINT "payment_bank_account_id_fkey" FOREIGN KEY ("bank_account_id") REFERENCES "bank_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A bank statement, imported once (same account and statement id, or same file bytes: refused).
CREATE TABLE "bank_statement" (
    "id" TEXT NOT NULL,
    "payer_account_id" TEXT,
    "account_ref" TEXT NOT NULL,
    "statement_ref" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "opening_minor" BIGINT NOT NULL,
    "closing_minor" BIGINT NOT NULL,
    "entry_count" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "file_sha256" CHAR(64) NOT NULL,
    "imported_by" TEXT,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "bank_statement_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bank_statement_source_check" CHECK ("source" IN ('camt053', 'csv', 'bank-link'))
);
CREATE UNIQUE INDEX "bank_statement_ref_key" ON "bank_statement"("account_ref", "statement_ref");
CREATE UNIQUE INDEX "bank_statement_file_key" ON "bank_statement"("file_sha256");
ALTER TABLE "bank_statement" ADD CONSTRAINT "bank_statement_payer_account_id_fkey" FOREIGN KEY ("payer_account_id") REFERENCES "payer_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bank_statement" ADD CONSTRAINT "bank_statement_imported_by_fkey" FOREIGN KEY ("imported_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "statement_entry" (
    "id" TEXT NOT NULL,
    "statement_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "direction" TEXT NOT NULL,
    "booking_date" DATE NOT NULL,
    "end_to_end_id" TEXT,
    "counterparty_account" TEXT,
    "return_reason" TEXT,
    "payment_id" TEXT,
    "match_kind" TEXT,
    "matched_by" TEXT,
    "matched_by_user" TEXT,
    "matched_at" TIMESTAMPTZ(3),
    CONSTRAINT "statement_entry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "statement_entry_direction_check" CHECK ("direction" IN ('DBIT', 'CRDT')),
    CONSTRAINT "statement_entry_match_check" CHECK (
      ("payment_id" IS NULL AND "match_kind" IS NULL AND "matched_by" IS NULL)
      OR ("payment_id" IS NOT NULL AND "match_kind" IN ('paid', 'returned') AND "matched_by" IN ('end_to_end_id', 'amount_account_date', 'manual') AND "matched_at" IS NOT NULL)),
    CONSTRAINT "statement_entry_manual_check" CHECK (("matched_by" = 'manual') = ("matched_by_user" IS NOT NULL))
);
CREATE UNIQUE INDEX "statement_entry_position_key" ON "statement_entry"("statement_id", "position");
-- A payment is paid by one entry and returned by at most one.
CREATE UNIQUE INDEX "statement_entry_one_match" ON "statement_entry"("payment_id", "match_kind") WHERE "payment_id" IS NOT NULL;
CREATE INDEX "statement_entry_unmatched_idx" ON "statement_entry"("booking_date") WHERE "payment_id" IS NULL;
ALTER TABLE "statement_entry" ADD CONSTRAINT "statement_entry_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "bank_statement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "statement_entry" ADD CONSTRAINT "statement_entry_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "statement_entry" ADD CONSTRAINT "statement_entry_matched_by_user_fkey" FOREIGN KEY ("matched_by_user") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
