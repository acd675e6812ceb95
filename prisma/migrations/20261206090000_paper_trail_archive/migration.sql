-- Issue 12: the paper trail (originals mailed in packets, received at the arrival desk, filed into boxes)
-- and the accounting archive (electronic packages with digests, fixity, retention, destruction, loans).
-- Domain rules: app/domain/paper-trail.ts, archive-numbering.ts, retention.ts.

-- Per company: may payment go ahead on the image (default) or wait for the originals; how many working
-- days after submission the originals are due, and after a discrepancy the resend; the archive's
-- numbering scheme (null = DEFAULT_ARCHIVE_SCHEME) and retention periods it lengthens (null = the law's).
ALTER TABLE "company"
  ADD COLUMN "pay_on_paper" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "originals_due_working_days" INTEGER NOT NULL DEFAULT 10,
  ADD COLUMN "resend_working_days" INTEGER NOT NULL DEFAULT 5,
  ADD COLUMN "archive_box_scheme" TEXT,
  ADD COLUMN "archive_position_scheme" TEXT,
  ADD COLUMN "retention_overrides" JSONB;
ALTER TABLE "company" ADD CONSTRAINT "company_paper_days_check"
  CHECK ("originals_due_working_days" BETWEEN 1 AND 120 AND "resend_working_days" BETWEEN 1 AND 60);

-- ---------------------------------------------------------------------------------------------------
-- Paper originals
-- ---------------------------------------------------------------------------------------------------

-- Archive locations (the SSC's shelves, an off-site store).
CREATE TABLE "archive_location" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "archive_location_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_location_kind_check" CHECK ("kind" IN ('SHELF', 'OFFSITE'))
);
CREATE UNIQUE INDEX "archive_location_code_key" ON "archive_location"("code");

-- An archive box: company / year / document type / box number, labelled by the company's scheme.
-- OPEN boxes take originals; a CLOSED box is full and its contents list is final.
CREATE TABLE "archive_box" (
    "id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "doc_type" TEXT NOT NULL,
    "box_no" INTEGER NOT NULL,
    "capacity" INTEGER NOT NULL DEFAULT 200,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "location_id" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),
    CONSTRAINT "archive_box_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_box_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_box_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "archive_location"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_box_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_box_doc_type_check" CHECK ("doc_type" IN ('BX', 'BS')),
    CONSTRAINT "archive_box_status_check" CHECK ("status" IN ('OPEN', 'CLOSED')),
    CONSTRAINT "archive_box_numbers_check" CHECK ("box_no" >= 1 AND "year" BETWEEN 1990 AND 2200 AND "capacity" BETWEEN 1 AND 10000)
);
CREATE UNIQUE INDEX "archive_box_label_key" ON "archive_box"("label");
CREATE UNIQUE INDEX "archive_box_company_id_year_doc_type_box_no_key" ON "archive_box"("company_id", "year", "doc_type", "box_no");
CREATE INDEX "archive_box_location_id_idx" ON "archive_box"("location_id");

-- Every move of a box between locations. Insert-only.
CREATE TABLE "archive_box_movement" (
    "id" TEXT NOT NULL,
    "box_id" TEXT NOT NULL,
    "from_location_id" TEXT,
    "to_location_id" TEXT NOT NULL,
    "moved_by_id" TEXT NOT NULL,
    "moved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "archive_box_movement_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_box_movement_box_id_fkey" FOREIGN KEY ("box_id") REFERENCES "archive_box"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_box_movement_from_fkey" FOREIGN KEY ("from_location_id") REFERENCES "archive_location"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_box_movement_to_fkey" FOREIGN KEY ("to_location_id") REFERENCES "archive_location"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_box_movement_moved_by_id_fkey" FOREIGN KEY ("moved_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "archive_box_movement_box_id_moved_at_idx" ON "archive_box_movement"("box_id", "moved_at");

-- A packet of originals mailed to the SSC: OPEN while being filled, SENT with a carrier, RECEIVING once the
-- arrival desk has scanned it, CLOSED when the desk closes it (missing and extra items become discrepancies).
CREATE SEQUENCE "paper_packet_serial_seq" START 1;
CREATE TABLE "paper_packet" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "serial" INTEGER NOT NULL,
    "company_id" TEXT NOT NULL,
    "origin" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "carrier" TEXT,
    "tracking_number" TEXT,
    "sent_by_id" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "receiving_at" TIMESTAMPTZ(3),
    "closed_by_id" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    CONSTRAINT "paper_packet_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "paper_packet_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_packet_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_packet_sent_by_id_fkey" FOREIGN KEY ("sent_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_packet_closed_by_id_fkey" FOREIGN KEY ("closed_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_packet_status_check" CHECK ("status" IN ('OPEN', 'SENT', 'RECEIVING', 'CLOSED')),
    CONSTRAINT "paper_packet_sent_check" CHECK ("status" = 'OPEN' OR ("sent_at" IS NOT NULL AND "carrier" IS NOT NULL AND "tracking_number" IS NOT NULL) OR "receiving_at" IS NOT NULL)
);
CREATE UNIQUE INDEX "paper_packet_code_key" ON "paper_packet"("code");
CREATE UNIQUE INDEX "paper_packet_serial_key" ON "paper_packet"("serial");
CREATE INDEX "paper_packet_status_idx" ON "paper_packet"("status");

-- The packet's manifest: the claims whose cover sheets and originals it holds.
CREATE TABLE "paper_packet_item" (
    "packet_id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "paper_packet_item_pkey" PRIMARY KEY ("packet_id", "claim_id"),
    CONSTRAINT "paper_packet_item_packet_id_fkey" FOREIGN KEY ("packet_id") REFERENCES "paper_packet"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "paper_packet_item_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "paper_packet_item_claim_id_idx" ON "paper_packet_item"("claim_id");

-- One row per submitted claim: where its paper originals are. Status per app/domain/paper-trail.ts;
-- every change is one transaction with its audit event.
CREATE TABLE "paper_original" (
    "claim_id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'AWAITING',
    "receipt_count" INTEGER NOT NULL,
    "expected_since" TIMESTAMPTZ(3) NOT NULL,
    "due_on" DATE NOT NULL,
    "packet_id" TEXT,
    "received_at" TIMESTAMPTZ(3),
    "received_by_id" TEXT,
    "resend_due_on" DATE,
    "box_id" TEXT,
    "position" INTEGER,
    "filed_at" TIMESTAMPTZ(3),
    "filed_by_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "paper_original_pkey" PRIMARY KEY ("claim_id"),
    CONSTRAINT "paper_original_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_original_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_original_packet_id_fkey" FOREIGN KEY ("packet_id") REFERENCES "paper_packet"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "paper_original_received_by_id_fkey" FOREIGN KEY ("received_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_original_box_id_fkey" FOREIGN KEY ("box_id") REFERENCES "archive_box"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_original_filed_by_id_fkey" FOREIGN KEY ("filed_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_original_status_check" CHECK ("status" IN ('AWAITING', 'RECEIVED', 'ARCHIVED', 'DISCREPANCY')),
    CONSTRAINT "paper_original_box_check" CHECK (("box_id" IS NULL) = ("position" IS NULL) AND ("status" <> 'ARCHIVED' OR "box_id" IS NOT NULL))
);
CREATE UNIQUE INDEX "paper_original_box_id_position_key" ON "paper_original"("box_id", "position");
CREATE INDEX "paper_original_status_due_on_idx" ON "paper_original"("status", "due_on");
CREATE INDEX "paper_original_company_id_status_idx" ON "paper_original"("company_id", "status");

-- One row per scan at the arrival desk (the desk's log; the verdict as app/domain/paper-trail.ts judged it).
CREATE TABLE "paper_scan" (
    "id" TEXT NOT NULL,
    "packet_id" TEXT,
    "claim_id" TEXT,
    "raw" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "scanned_by_id" TEXT NOT NULL,
    "scanned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "paper_scan_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "paper_scan_packet_id_fkey" FOREIGN KEY ("packet_id") REFERENCES "paper_packet"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_scan_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_scan_scanned_by_id_fkey" FOREIGN KEY ("scanned_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "paper_scan_packet_id_scanned_at_idx" ON "paper_scan"("packet_id", "scanned_at");
CREATE INDEX "paper_scan_claim_id_idx" ON "paper_scan"("claim_id");

-- What did not arrive as expected: MISSING (on the manifest, not in the packet), EXTRA (in the packet, not
-- on its manifest), RECEIPTS (cover sheet arrived without some numbered originals), DIFFERS (the original
-- differs from the image — a scan-to-paper finding with a reason; outcome RETURNED or EXCEPTION).
CREATE TABLE "paper_discrepancy" (
    "id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "packet_id" TEXT,
    "kind" TEXT NOT NULL,
    "missing_receipts" INTEGER[] NOT NULL DEFAULT '{}',
    "reason" TEXT NOT NULL DEFAULT '',
    "outcome" TEXT,
    "raised_by_id" TEXT NOT NULL,
    "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resend_due_on" DATE,
    "resolved_by_id" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution" TEXT,
    CONSTRAINT "paper_discrepancy_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "paper_discrepancy_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_discrepancy_packet_id_fkey" FOREIGN KEY ("packet_id") REFERENCES "paper_packet"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_discrepancy_raised_by_id_fkey" FOREIGN KEY ("raised_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_discrepancy_resolved_by_id_fkey" FOREIGN KEY ("resolved_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "paper_discrepancy_kind_check" CHECK ("kind" IN ('MISSING', 'EXTRA', 'RECEIPTS', 'DIFFERS')),
    CONSTRAINT "paper_discrepancy_outcome_check" CHECK ("outcome" IS NULL OR "outcome" IN ('RETURNED', 'EXCEPTION'))
);
CREATE INDEX "paper_discrepancy_claim_id_idx" ON "paper_discrepancy"("claim_id");
CREATE INDEX "paper_discrepancy_open_idx" ON "paper_discrepancy"("resolved_at", "raised_at");

-- ---------------------------------------------------------------------------------------------------
-- The electronic archive
-- ---------------------------------------------------------------------------------------------------

-- One archive record per paid (or finally rejected) claim: a package of files under the archive store with
-- a manifest of SHA-256 digests. The searchable facts are copied here when filed. The package is immutable;
-- only legal hold and destruction change this row, each with its audit event.
CREATE TABLE "archive_record" (
    "id" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "claim_number" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "claimant_id" TEXT NOT NULL,
    "claimant_name" TEXT NOT NULL,
    "department_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "total_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "merchants" TEXT NOT NULL DEFAULT '',
    "spent_from" DATE NOT NULL,
    "spent_to" DATE NOT NULL,
    "doc_type" TEXT NOT NULL DEFAULT 'EXPENSE_CLAIM',
    "closed_on" DATE NOT NULL,
    "retention_years" INTEGER,
    "retention_ends_on" DATE,
    "package_path" TEXT NOT NULL,
    "manifest_sha256" CHAR(64) NOT NULL,
    "file_count" INTEGER NOT NULL,
    "total_bytes" BIGINT NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_fixity_at" TIMESTAMPTZ(3),
    "last_fixity_ok" BOOLEAN,
    "legal_hold" BOOLEAN NOT NULL DEFAULT false,
    "legal_hold_reason" TEXT,
    "legal_hold_by_id" TEXT,
    "legal_hold_at" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL DEFAULT 'FILED',
    "destroyed_at" TIMESTAMPTZ(3),
    CONSTRAINT "archive_record_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_record_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_record_legal_hold_by_id_fkey" FOREIGN KEY ("legal_hold_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_record_outcome_check" CHECK ("outcome" IN ('PAID', 'REJECTED')),
    CONSTRAINT "archive_record_status_check" CHECK ("status" IN ('FILED', 'DESTROYED')),
    CONSTRAINT "archive_record_destroyed_check" CHECK (("status" = 'DESTROYED') = ("destroyed_at" IS NOT NULL) AND NOT ("status" = 'DESTROYED' AND "legal_hold"))
);
CREATE UNIQUE INDEX "archive_record_claim_id_key" ON "archive_record"("claim_id");
CREATE INDEX "archive_record_claim_number_idx" ON "archive_record"("claim_number");
CREATE INDEX "archive_record_company_id_filed_at_idx" ON "archive_record"("company_id", "filed_at");
CREATE INDEX "archive_record_claimant_name_idx" ON "archive_record"(lower("claimant_name"));
CREATE INDEX "archive_record_total_minor_idx" ON "archive_record"("total_minor");
CREATE INDEX "archive_record_spent_from_idx" ON "archive_record"("spent_from");
CREATE INDEX "archive_record_retention_ends_on_idx" ON "archive_record"("retention_ends_on") WHERE "status" = 'FILED' AND NOT "legal_hold";
CREATE INDEX "archive_record_fixity_idx" ON "archive_record"("last_fixity_at" NULLS FIRST) WHERE "status" = 'FILED';

-- Merchant and claimant search by substring: trigram indexes where the server has pg_trgm (it ships with
-- PostgreSQL's contrib); without it the search still works, only slower.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX "archive_record_merchants_trgm_idx" ON "archive_record" USING gin (lower("merchants") gin_trgm_ops);
  CREATE INDEX "archive_record_claimant_name_trgm_idx" ON "archive_record" USING gin (lower("claimant_name") gin_trgm_ops);
EXCEPTION WHEN undefined_file OR feature_not_supported OR insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm is not available: archive search by merchant scans';
END $$;

-- Every file of a package with its digest (kept after destruction). Insert-only.
CREATE TABLE "archive_file" (
    "record_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    CONSTRAINT "archive_file_pkey" PRIMARY KEY ("record_id", "path"),
    CONSTRAINT "archive_file_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_file_role_check" CHECK ("role" IN ('DATA', 'ORIGINAL', 'DERIVED', 'HISTORY', 'AUDIT', 'MANIFEST'))
);

-- A fixity run: NIGHTLY (a sample plus the cycle's share), FULL (everything) or ON_DEMAND.
CREATE TABLE "fixity_run" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "packages_checked" INTEGER NOT NULL DEFAULT 0,
    "files_checked" INTEGER NOT NULL DEFAULT 0,
    "bytes_checked" BIGINT NOT NULL DEFAULT 0,
    "mismatches" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "fixity_run_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "fixity_run_kind_check" CHECK ("kind" IN ('NIGHTLY', 'FULL', 'ON_DEMAND'))
);

-- Each file a fixity run found wrong: MISSING or MISMATCH (expected vs actual digest). Insert-only.
CREATE TABLE "fixity_failure" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "expected_sha256" CHAR(64) NOT NULL,
    "actual_sha256" CHAR(64),
    "found_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "fixity_failure_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "fixity_failure_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "fixity_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "fixity_failure_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "fixity_failure_problem_check" CHECK ("problem" IN ('MISSING', 'MISMATCH'))
);
CREATE INDEX "fixity_failure_record_id_idx" ON "fixity_failure"("record_id");

-- The four checks of an electronic accounting record, per package: on filing and on demand. Insert-only.
CREATE TABLE "archive_check_report" (
    "id" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requested_by_id" TEXT,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "authenticity_ok" BOOLEAN NOT NULL,
    "integrity_ok" BOOLEAN NOT NULL,
    "usability_ok" BOOLEAN NOT NULL,
    "security_ok" BOOLEAN NOT NULL,
    "details" JSONB NOT NULL,
    CONSTRAINT "archive_check_report_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_check_report_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_check_report_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_check_report_trigger_check" CHECK ("trigger" IN ('FILING', 'ON_DEMAND'))
);
CREATE INDEX "archive_check_report_record_id_checked_at_idx" ON "archive_check_report"("record_id", "checked_at");

-- ---------------------------------------------------------------------------------------------------
-- Retention and destruction
-- ---------------------------------------------------------------------------------------------------

-- A destruction proposal from the appraisal list: PROPOSED, APPROVED (two approvers of different roles,
-- neither the requester), EXECUTED (files removed, register written) or CANCELLED.
CREATE TABLE "destruction_request" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PROPOSED',
    "requested_by_id" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "executed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    CONSTRAINT "destruction_request_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "destruction_request_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "destruction_request_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "destruction_request_status_check" CHECK ("status" IN ('PROPOSED', 'APPROVED', 'EXECUTED', 'CANCELLED'))
);

CREATE TABLE "destruction_item" (
    "request_id" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    CONSTRAINT "destruction_item_pkey" PRIMARY KEY ("request_id", "record_id"),
    CONSTRAINT "destruction_item_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "destruction_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "destruction_item_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "destruction_item_record_id_idx" ON "destruction_item"("record_id");

CREATE TABLE "destruction_approval" (
    "request_id" TEXT NOT NULL,
    "approver_id" TEXT NOT NULL,
    "as_role" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "approved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "destruction_approval_pkey" PRIMARY KEY ("request_id", "approver_id"),
    CONSTRAINT "destruction_approval_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "destruction_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "destruction_approval_approver_id_fkey" FOREIGN KEY ("approver_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "destruction_approval_role_check" CHECK ("as_role" IN ('ARCHIVIST', 'SUPERVISOR', 'ADMIN'))
);
CREATE UNIQUE INDEX "destruction_approval_request_id_as_role_key" ON "destruction_approval"("request_id", "as_role");

-- The destruction register (销毁清册): what was destroyed, why, who approved, when, and the digests of
-- every file removed. Kept permanently: insert-only, and a trigger refuses UPDATE/DELETE/TRUNCATE for
-- every role, the owner included.
CREATE TABLE "destruction_register" (
    "id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "claim_number" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "doc_type" TEXT NOT NULL,
    "closed_on" DATE NOT NULL,
    "retention_years" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "approvals" JSONB NOT NULL,
    "manifest_sha256" CHAR(64) NOT NULL,
    "files" JSONB NOT NULL,
    "paper_box_label" TEXT,
    "destroyed_by_id" TEXT NOT NULL,
    "destroyed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "destruction_register_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "destruction_register_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "destruction_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "destruction_register_record_id_key" ON "destruction_register"("record_id");
CREATE FUNCTION destruction_register_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'destruction_register is kept permanently: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "destruction_register_permanent" BEFORE UPDATE OR DELETE OR TRUNCATE ON "destruction_register"
  FOR EACH STATEMENT EXECUTE FUNCTION destruction_register_permanent();

-- ---------------------------------------------------------------------------------------------------
-- Loans and access
-- ---------------------------------------------------------------------------------------------------

-- A request to see an archived claim (VIEW: electronic access for the period) or borrow a box (BORROW:
-- a physical loan). REQUESTED → APPROVED | REFUSED; a loan APPROVED → ON_LOAN → RETURNED; access ends
-- by date (EXPIRED is derived) or is REVOKED.
CREATE TABLE "archive_request" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "requester_id" TEXT NOT NULL,
    "record_id" TEXT,
    "box_id" TEXT,
    "purpose_kind" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "from_on" DATE NOT NULL,
    "to_on" DATE NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'REQUESTED',
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "lent_by_id" TEXT,
    "lent_at" TIMESTAMPTZ(3),
    "borrower_name" TEXT,
    "due_on" DATE,
    "returned_to_id" TEXT,
    "returned_at" TIMESTAMPTZ(3),
    "last_reminder_at" TIMESTAMPTZ(3),
    "reminders_sent" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "archive_request_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_request_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_request_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_request_box_id_fkey" FOREIGN KEY ("box_id") REFERENCES "archive_box"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_request_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_request_lent_by_id_fkey" FOREIGN KEY ("lent_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_request_returned_to_id_fkey" FOREIGN KEY ("returned_to_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_request_kind_check" CHECK ("kind" IN ('VIEW', 'BORROW')),
    CONSTRAINT "archive_request_target_check" CHECK (("kind" = 'VIEW' AND "record_id" IS NOT NULL) OR ("kind" = 'BORROW' AND "box_id" IS NOT NULL)),
    CONSTRAINT "archive_request_purpose_kind_check" CHECK ("purpose_kind" IN ('AUDIT', 'TAX', 'LITIGATION', 'INTERNAL', 'OTHER')),
    CONSTRAINT "archive_request_status_check" CHECK ("status" IN ('REQUESTED', 'APPROVED', 'REFUSED', 'ON_LOAN', 'RETURNED', 'REVOKED')),
    CONSTRAINT "archive_request_period_check" CHECK ("to_on" >= "from_on")
);
CREATE INDEX "archive_request_status_idx" ON "archive_request"("status");
CREATE INDEX "archive_request_requester_id_idx" ON "archive_request"("requester_id");
CREATE INDEX "archive_request_requested_at_idx" ON "archive_request"("requested_at");

-- Every view of an archived record under an access grant. Insert-only.
CREATE TABLE "archive_view" (
    "id" TEXT NOT NULL,
    "request_id" TEXT,
    "record_id" TEXT NOT NULL,
    "viewer_id" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "viewed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "archive_view_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "archive_view_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "archive_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_view_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_view_viewer_id_fkey" FOREIGN KEY ("viewer_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "archive_view_record_id_viewed_at_idx" ON "archive_view"("record_id", "viewed_at");
CREATE INDEX "archive_view_request_id_idx" ON "archive_view"("request_id");
