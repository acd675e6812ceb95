-- Quality sampling settings (issue 4): one row of rates and "new accountant" limits, plus a high-amount
-- threshold per company currency. Rates are basis points (1/100 of a percent, 0..10000).
CREATE TABLE "qa_setting" (
    "id" TEXT NOT NULL DEFAULT 'qa',
    "base_rate_bp" INTEGER NOT NULL DEFAULT 500,
    "new_operator_rate_bp" INTEGER NOT NULL DEFAULT 2000,
    "high_amount_rate_bp" INTEGER NOT NULL DEFAULT 2500,
    "flagged_rate_bp" INTEGER NOT NULL DEFAULT 1500,
    "new_operator_days" INTEGER NOT NULL DEFAULT 30,
    "new_operator_reviews" INTEGER NOT NULL DEFAULT 200,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by_id" TEXT,
    CONSTRAINT "qa_setting_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "qa_setting_single_row" CHECK ("id" = 'qa'),
    CONSTRAINT "qa_setting_rates_range" CHECK (
        "base_rate_bp" BETWEEN 0 AND 10000 AND "new_operator_rate_bp" BETWEEN 0 AND 10000
        AND "high_amount_rate_bp" BETWEEN 0 AND 10000 AND "flagged_rate_bp" BETWEEN 0 AND 10000),
    CONSTRAINT "qa_setting_new_operator_range" CHECK ("new_operator_days" BETWEEN 0 AND 3650 AND "new_operator_reviews" BETWEEN 0 AND 100000)
);
ALTER TABLE "qa_setting" ADD CONSTRAINT "qa_setting_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
INSERT INTO "qa_setting" ("id") VALUES ('qa');

-- A claim whose total in company currency is at least min_minor (in that currency) is "high amount".
-- A company currency without a row has no high-amount stratum.
CREATE TABLE "qa_amount_threshold" (
    "currency" TEXT NOT NULL,
    "min_minor" BIGINT NOT NULL,
    CONSTRAINT "qa_amount_threshold_pkey" PRIMARY KEY ("currency"),
    CONSTRAINT "qa_amount_threshold_currency_code" CHECK ("currency" ~ '^[A-Z]{3}$'),
    CONSTRAINT "qa_amount_threshold_positive" CHECK ("min_minor" > 0)
);
INSERT INTO "qa_amount_threshold" ("currency", "min_minor") VALUES ('CNY', 1000000), ('HKD', 1100000);

-- QA "Next": the oldest open QA task, read in index order (as task_open_review_next_idx for reviews).
CREATE INDEX "task_open_qa_next_idx" ON "task"("created_at", "id") WHERE "status" = 'OPEN' AND "type" = 'QA';
