-- Issue 11: budgets that hold money from submission to approval, and a ledger of balanced vouchers for
-- the ERP. (docs/decisions/021-budgets-and-ledger.md)

-- A claimant may take back a claim that nobody has decided yet (or one returned to them); its reservation
-- is released. Only added here: nothing in this migration uses the value.
ALTER TYPE "ClaimStatus" ADD VALUE IF NOT EXISTS 'WITHDRAWN';

-- Budget controls per company, as percentages of a cell's budget used once the claim is counted:
-- at the alert band the claimant and the manager are warned; at the approval band the budget owner
-- approves as an extra step; above the hard stop the submission is refused. Cells are per month or year.
ALTER TABLE "company"
  ADD COLUMN "budget_alert_pct" INTEGER NOT NULL DEFAULT 80,
  ADD COLUMN "budget_approval_pct" INTEGER NOT NULL DEFAULT 100,
  ADD COLUMN "budget_stop_pct" INTEGER NOT NULL DEFAULT 110,
  ADD COLUMN "budget_period" TEXT NOT NULL DEFAULT 'MONTH';
ALTER TABLE "company" ADD CONSTRAINT "company_budget_bands_check"
  CHECK ("budget_alert_pct" BETWEEN 1 AND 1000 AND "budget_alert_pct" <= "budget_approval_pct" AND "budget_approval_pct" <= "budget_stop_pct" AND "budget_stop_pct" <= 1000);
ALTER TABLE "company" ADD CONSTRAINT "company_budget_period_check" CHECK ("budget_period" IN ('MONTH', 'YEAR'));

-- A claim may name a project (a voucher dimension); the budget owners who must approve it as an extra
-- step are fixed when it is submitted (the cells it pushed past the approval band).
ALTER TABLE "claim"
  ADD COLUMN "project_code" TEXT,
  ADD COLUMN "budget_approver_ids" TEXT[] NOT NULL DEFAULT '{}';

-- A line's invoice: its kind, the tax printed on it, and for a passenger ticket the mode of transport
-- (the deemed input-VAT rate depends on it). The accountant may approve less than claimed (line currency).
ALTER TABLE "claim_line"
  ADD COLUMN "invoice_kind" TEXT NOT NULL DEFAULT 'NONE',
  ADD COLUMN "tax_minor" BIGINT,
  ADD COLUMN "transport_mode" TEXT,
  ADD COLUMN "approved_minor" BIGINT;
ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_invoice_kind_check"
  CHECK ("invoice_kind" IN ('SPECIAL_VAT', 'ORDINARY_E', 'TRANSPORT_TICKET', 'NONE'));
ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_transport_mode_check"
  CHECK ("transport_mode" IS NULL OR "transport_mode" IN ('AIR', 'RAIL', 'ROAD', 'WATER'));
ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_tax_check"
  CHECK ("tax_minor" IS NULL OR ("tax_minor" >= 0 AND "tax_minor" <= "amount_minor"));
ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_approved_check"
  CHECK ("approved_minor" IS NULL OR ("approved_minor" >= 0 AND "approved_minor" <= "amount_minor"));

-- ---------------------------------------------------------------------------------------------------
-- Budgets
-- ---------------------------------------------------------------------------------------------------

-- A budget cell: company × department × period ('2026-12' or '2026') × optionally a category, in the
-- company's currency. The three totals are kept by a trigger from budget_entry, never written otherwise;
-- budget_drift() proves they equal the ledger.
CREATE TABLE "budget_cell" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "department_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "category_code" TEXT,
    "currency" CHAR(3) NOT NULL,
    -- Who approves claims past the approval band; null = the department head.
    "owner_id" TEXT,
    "budget_minor" BIGINT NOT NULL DEFAULT 0,
    "reserved_minor" BIGINT NOT NULL DEFAULT 0,
    "consumed_minor" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "budget_cell_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "budget_cell_period_check" CHECK ("period" ~ '^[0-9]{4}(-(0[1-9]|1[0-2]))?$')
);
ALTER TABLE "budget_cell" ADD CONSTRAINT "budget_cell_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_cell" ADD CONSTRAINT "budget_cell_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_cell" ADD CONSTRAINT "budget_cell_category_code_fkey" FOREIGN KEY ("category_code") REFERENCES "expense_category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_cell" ADD CONSTRAINT "budget_cell_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "budget_cell_key" ON "budget_cell"("company_id", "department_id", "period", COALESCE("category_code", ''));

-- A request to move budget from one cell to another of the same company; a second person approves it.
CREATE TABLE "budget_transfer" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "from_cell_id" TEXT NOT NULL,
    "to_cell_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "budget_transfer_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "budget_transfer_amount_check" CHECK ("amount_minor" > 0),
    CONSTRAINT "budget_transfer_cells_check" CHECK ("from_cell_id" <> "to_cell_id"),
    CONSTRAINT "budget_transfer_status_check" CHECK ("status" IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED')),
    CONSTRAINT "budget_transfer_four_eyes_check" CHECK ("decided_by" IS NULL OR "status" = 'CANCELLED' OR "decided_by" <> "requested_by")
);
ALTER TABLE "budget_transfer" ADD CONSTRAINT "budget_transfer_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_transfer" ADD CONSTRAINT "budget_transfer_from_cell_id_fkey" FOREIGN KEY ("from_cell_id") REFERENCES "budget_cell"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_transfer" ADD CONSTRAINT "budget_transfer_to_cell_id_fkey" FOREIGN KEY ("to_cell_id") REFERENCES "budget_cell"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_transfer" ADD CONSTRAINT "budget_transfer_requested_by_fkey" FOREIGN KEY ("requested_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_transfer" ADD CONSTRAINT "budget_transfer_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "budget_transfer_company_status_idx" ON "budget_transfer"("company_id", "status");

-- The budget ledger, append-only: every change of a cell's budget, reservation or consumption is one row.
--  BUDGET        budget set or changed by an admin (entry or CSV import): budget_delta
--  TRANSFER_OUT / TRANSFER_IN   an approved transfer: budget_delta −/+
--  RESERVE       a claim line submitted: reserved_delta +
--  ADJUST        the accountant approved less (or more, never above the claimed amount): reserved_delta ±
--  RELEASE       returned, rejected or withdrawn: reserved_delta − (what the line still holds)
--  CONSUME       approved for payment: reserved_delta −, consumed_delta +
-- idempotency_key (e.g. 'RESERVE:<line>:v<claim version>') makes a retried command count once.
CREATE TABLE "budget_entry" (
    "id" BIGSERIAL NOT NULL,
    "cell_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "budget_delta" BIGINT NOT NULL DEFAULT 0,
    "reserved_delta" BIGINT NOT NULL DEFAULT 0,
    "consumed_delta" BIGINT NOT NULL DEFAULT 0,
    "claim_id" TEXT,
    -- No foreign key: a returned claim's lines are rewritten; the entry keeps the id it counted.
    "claim_line_id" TEXT,
    "claim_version" INTEGER,
    "transfer_id" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "actor_id" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "budget_entry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "budget_entry_kind_check" CHECK ("kind" IN ('BUDGET', 'TRANSFER_OUT', 'TRANSFER_IN', 'RESERVE', 'ADJUST', 'RELEASE', 'CONSUME')),
    CONSTRAINT "budget_entry_claim_check" CHECK (("kind" IN ('RESERVE', 'ADJUST', 'RELEASE', 'CONSUME')) = ("claim_id" IS NOT NULL AND "claim_line_id" IS NOT NULL AND "claim_version" IS NOT NULL))
);
ALTER TABLE "budget_entry" ADD CONSTRAINT "budget_entry_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "budget_cell"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_entry" ADD CONSTRAINT "budget_entry_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "budget_entry" ADD CONSTRAINT "budget_entry_transfer_id_fkey" FOREIGN KEY ("transfer_id") REFERENCES "budget_transfer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "budget_entry_idempotency_key" ON "budget_entry"("idempotency_key");
CREATE INDEX "budget_entry_cell_idx" ON "budget_entry"("cell_id", "id");
CREATE INDEX "budget_entry_claim_idx" ON "budget_entry"("claim_id") WHERE "claim_id" IS NOT NULL;

-- The cell's totals follow its entries, in the inserting statement: no code path can forget them.
CREATE FUNCTION budget_entry_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE budget_cell
     SET budget_minor = budget_minor + NEW.budget_delta,
         reserved_minor = reserved_minor + NEW.reserved_delta,
         consumed_minor = consumed_minor + NEW.consumed_delta
   WHERE id = NEW.cell_id;
  RETURN NULL;
END $$;
CREATE TRIGGER budget_entry_apply AFTER INSERT ON "budget_entry" FOR EACH ROW EXECUTE FUNCTION budget_entry_apply();

-- Cells whose stored totals differ from the sums of their entries (empty when all is well).
CREATE FUNCTION budget_drift() RETURNS TABLE (cell_id TEXT, stored_budget BIGINT, ledger_budget BIGINT, stored_reserved BIGINT, ledger_reserved BIGINT, stored_consumed BIGINT, ledger_consumed BIGINT)
LANGUAGE sql STABLE AS $$
  SELECT c.id, c.budget_minor, COALESCE(e.b, 0)::bigint, c.reserved_minor, COALESCE(e.r, 0)::bigint, c.consumed_minor, COALESCE(e.c, 0)::bigint
    FROM budget_cell c
    LEFT JOIN (SELECT be.cell_id, SUM(be.budget_delta) AS b, SUM(be.reserved_delta) AS r, SUM(be.consumed_delta) AS c FROM budget_entry be GROUP BY be.cell_id) e ON e.cell_id = c.id
   WHERE c.budget_minor <> COALESCE(e.b, 0) OR c.reserved_minor <> COALESCE(e.r, 0) OR c.consumed_minor <> COALESCE(e.c, 0)
$$;

-- ---------------------------------------------------------------------------------------------------
-- The ledger
-- ---------------------------------------------------------------------------------------------------

-- A company's chart of accounts.
CREATE TABLE "gl_account" (
    "company_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "gl_account_pkey" PRIMARY KEY ("company_id", "code"),
    CONSTRAINT "gl_account_kind_check" CHECK ("kind" IN ('ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE')),
    CONSTRAINT "gl_account_code_check" CHECK ("code" ~ '^[0-9A-Za-z._-]{1,40}$')
);
ALTER TABLE "gl_account" ADD CONSTRAINT "gl_account_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Which account a posting goes to. EXPENSE per category (a department-specific row wins over the
-- company-wide one); INPUT_VAT and EMPLOYEE_PAYABLE once per company; BANK_CLEARING per payer account.
CREATE TABLE "gl_mapping" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "category_code" TEXT,
    "department_id" TEXT,
    "payer_account_id" TEXT,
    "account_code" TEXT NOT NULL,
    CONSTRAINT "gl_mapping_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gl_mapping_purpose_check" CHECK (
      ("purpose" = 'EXPENSE' AND "category_code" IS NOT NULL AND "payer_account_id" IS NULL)
      OR ("purpose" IN ('INPUT_VAT', 'EMPLOYEE_PAYABLE') AND "category_code" IS NULL AND "department_id" IS NULL AND "payer_account_id" IS NULL)
      OR ("purpose" = 'BANK_CLEARING' AND "payer_account_id" IS NOT NULL AND "category_code" IS NULL AND "department_id" IS NULL))
);
ALTER TABLE "gl_mapping" ADD CONSTRAINT "gl_mapping_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gl_mapping" ADD CONSTRAINT "gl_mapping_account_fkey" FOREIGN KEY ("company_id", "account_code") REFERENCES "gl_account"("company_id", "code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gl_mapping" ADD CONSTRAINT "gl_mapping_category_code_fkey" FOREIGN KEY ("category_code") REFERENCES "expense_category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gl_mapping" ADD CONSTRAINT "gl_mapping_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "gl_mapping" ADD CONSTRAINT "gl_mapping_payer_account_id_fkey" FOREIGN KEY ("payer_account_id") REFERENCES "payer_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "gl_mapping_key" ON "gl_mapping"("company_id", "purpose", COALESCE("category_code", ''), COALESCE("department_id", ''), COALESCE("payer_account_id", ''));

-- An accounting period (month) of a company: vouchers are numbered in it without gaps
-- (next_voucher_number moves in the posting transaction, so a rollback gives the number back) and it is
-- locked for good once CLOSED.
CREATE TABLE "accounting_period" (
    "company_id" TEXT NOT NULL,
    "period" CHAR(7) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "next_voucher_number" INTEGER NOT NULL DEFAULT 1,
    "closed_at" TIMESTAMPTZ(3),
    "closed_by" TEXT,
    CONSTRAINT "accounting_period_pkey" PRIMARY KEY ("company_id", "period"),
    CONSTRAINT "accounting_period_period_check" CHECK ("period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT "accounting_period_status_check" CHECK ("status" IN ('OPEN', 'CLOSED')),
    CONSTRAINT "accounting_period_closed_check" CHECK (("status" = 'CLOSED') = ("closed_at" IS NOT NULL AND "closed_by" IS NOT NULL))
);
ALTER TABLE "accounting_period" ADD CONSTRAINT "accounting_period_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "accounting_period" ADD CONSTRAINT "accounting_period_closed_by_fkey" FOREIGN KEY ("closed_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A closed period stays closed, and its numbering stops.
CREATE FUNCTION accounting_period_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'CLOSED' THEN
    RAISE EXCEPTION 'accounting period % of company % is closed', OLD.period, OLD.company_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accounting_period_locked BEFORE UPDATE ON "accounting_period" FOR EACH ROW EXECUTE FUNCTION accounting_period_locked();

-- A journal voucher (记账凭证), never edited: a correction is a red reversal voucher (reverses_id) with
-- the original's lines negated. source_key ('claim:<id>', 'payment:<id>', 'reversal:<voucher id>') makes
-- posting idempotent.
CREATE TABLE "voucher" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "period" CHAR(7) NOT NULL,
    "number" INTEGER NOT NULL,
    "voucher_type" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "voucher_date" DATE NOT NULL,
    "description" TEXT NOT NULL,
    "attachment_count" INTEGER NOT NULL DEFAULT 0,
    "currency" CHAR(3) NOT NULL,
    "total_minor" BIGINT NOT NULL,
    "claim_id" TEXT,
    "payment_id" TEXT,
    "reverses_id" TEXT,
    "source_key" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "voucher_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "voucher_kind_check" CHECK ("kind" IN ('CLAIM', 'PAYMENT', 'REVERSAL')),
    CONSTRAINT "voucher_reversal_check" CHECK (("kind" = 'REVERSAL') = ("reverses_id" IS NOT NULL)),
    CONSTRAINT "voucher_number_check" CHECK ("number" > 0 AND "attachment_count" >= 0),
    CONSTRAINT "voucher_period_date_check" CHECK ("period" = lpad(extract(year FROM "voucher_date")::text, 4, '0') || '-' || lpad(extract(month FROM "voucher_date")::text, 2, '0'))
);
ALTER TABLE "voucher" ADD CONSTRAINT "voucher_period_fkey" FOREIGN KEY ("company_id", "period") REFERENCES "accounting_period"("company_id", "period") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher" ADD CONSTRAINT "voucher_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher" ADD CONSTRAINT "voucher_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher" ADD CONSTRAINT "voucher_reverses_id_fkey" FOREIGN KEY ("reverses_id") REFERENCES "voucher"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher" ADD CONSTRAINT "voucher_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "voucher_number_key" ON "voucher"("company_id", "period", "number");
CREATE UNIQUE INDEX "voucher_source_key" ON "voucher"("source_key");
CREATE UNIQUE INDEX "voucher_one_reversal" ON "voucher"("reverses_id") WHERE "reverses_id" IS NOT NULL;
CREATE INDEX "voucher_claim_idx" ON "voucher"("claim_id") WHERE "claim_id" IS NOT NULL;
CREATE INDEX "voucher_payment_idx" ON "voucher"("payment_id") WHERE "payment_id" IS NOT NULL;
CREATE INDEX "voucher_company_date_idx" ON "voucher"("company_id", "voucher_date", "number");

-- A voucher line: one side only (a red reversal carries negative amounts), the amount in the company's
-- currency and, for a foreign-currency line, the original amount and the rate used. external_id is
-- stable forever: the ERP books a line it has seen once.
CREATE TABLE "voucher_line" (
    "voucher_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "company_id" TEXT NOT NULL,
    "account_code" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "debit_minor" BIGINT NOT NULL DEFAULT 0,
    "credit_minor" BIGINT NOT NULL DEFAULT 0,
    "currency" CHAR(3) NOT NULL,
    "original_minor" BIGINT NOT NULL,
    "rate" TEXT NOT NULL DEFAULT '1',
    "department_id" TEXT,
    "employee_id" TEXT,
    "project_code" TEXT,
    "external_id" TEXT NOT NULL,
    CONSTRAINT "voucher_line_pkey" PRIMARY KEY ("voucher_id", "position"),
    CONSTRAINT "voucher_line_one_side_check" CHECK ("debit_minor" = 0 OR "credit_minor" = 0)
);
ALTER TABLE "voucher_line" ADD CONSTRAINT "voucher_line_voucher_id_fkey" FOREIGN KEY ("voucher_id") REFERENCES "voucher"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher_line" ADD CONSTRAINT "voucher_line_account_fkey" FOREIGN KEY ("company_id", "account_code") REFERENCES "gl_account"("company_id", "code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher_line" ADD CONSTRAINT "voucher_line_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher_line" ADD CONSTRAINT "voucher_line_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "voucher_line_external_id_key" ON "voucher_line"("external_id");

-- No voucher into a closed period, whatever inserts it.
CREATE FUNCTION voucher_open_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM accounting_period p WHERE p.company_id = NEW.company_id AND p.period = NEW.period AND p.status = 'CLOSED') THEN
    RAISE EXCEPTION 'accounting period % of company % is closed', NEW.period, NEW.company_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER voucher_open_period BEFORE INSERT ON "voucher" FOR EACH ROW EXECUTE FUNCTION voucher_open_period();

-- Every voucher balances, checked at commit (its lines are inserted after it): debits = credits = total.
CREATE FUNCTION voucher_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v_id TEXT; d BIGINT; c BIGINT; n INTEGER; t BIGINT;
BEGIN
  v_id := CASE WHEN TG_TABLE_NAME = 'voucher' THEN NEW.id ELSE NEW.voucher_id END;
  SELECT COALESCE(SUM(debit_minor), 0), COALESCE(SUM(credit_minor), 0), COUNT(*) INTO d, c, n FROM voucher_line WHERE voucher_id = v_id;
  SELECT total_minor INTO t FROM voucher WHERE id = v_id;
  IF n < 2 OR d <> c OR d <> t THEN
    RAISE EXCEPTION 'voucher % does not balance: % lines, debit %, credit %, total %', v_id, n, d, c, t USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER voucher_balanced AFTER INSERT ON "voucher" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION voucher_balanced();

-- The ERP's own voucher number, written back once per voucher (insert-only).
CREATE TABLE "voucher_erp_ref" (
    "voucher_id" TEXT NOT NULL,
    "erp_system" TEXT NOT NULL,
    "erp_number" TEXT NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "voucher_erp_ref_pkey" PRIMARY KEY ("voucher_id")
);
ALTER TABLE "voucher_erp_ref" ADD CONSTRAINT "voucher_erp_ref_voucher_id_fkey" FOREIGN KEY ("voucher_id") REFERENCES "voucher"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher_erp_ref" ADD CONSTRAINT "voucher_erp_ref_recorded_by_fkey" FOREIGN KEY ("recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- An export for the ERP: which vouchers it held, in which layout, and the digest of the bytes handed out.
CREATE TABLE "voucher_export" (
    "id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "voucher_count" INTEGER NOT NULL,
    "line_count" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "voucher_export_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "voucher_export_format_check" CHECK ("format" IN ('csv', 'json', 'kingdee'))
);
ALTER TABLE "voucher_export" ADD CONSTRAINT "voucher_export_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher_export" ADD CONSTRAINT "voucher_export_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "voucher_export_item" (
    "export_id" TEXT NOT NULL,
    "voucher_id" TEXT NOT NULL,
    CONSTRAINT "voucher_export_item_pkey" PRIMARY KEY ("export_id", "voucher_id")
);
ALTER TABLE "voucher_export_item" ADD CONSTRAINT "voucher_export_item_export_id_fkey" FOREIGN KEY ("export_id") REFERENCES "voucher_export"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "voucher_export_item" ADD CONSTRAINT "voucher_export_item_voucher_id_fkey" FOREIGN KEY ("voucher_id") REFERENCES "voucher"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "voucher_export_item_voucher_idx" ON "voucher_export_item"("voucher_id");
