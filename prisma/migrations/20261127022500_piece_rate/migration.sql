-- Piece-rate pay (issue 4): dated rates per paid task type and complexity band, quality deductions per
-- error severity, the money value of a point, and the pay periods (months) closed with their statements.
-- Points are integer hundredths (150 = 1.50 points); money is integer minor units + ISO 4217 code.

CREATE TABLE "piece_rate" (
    "id" TEXT NOT NULL,
    "task_type" TEXT NOT NULL,
    "band" TEXT NOT NULL,
    "points_hundredths" INTEGER NOT NULL,
    "valid_from" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "piece_rate_pkey" PRIMARY KEY ("id"),
    -- Only the SSC operators' own work is paid by the piece (docs/decisions/008).
    CONSTRAINT "piece_rate_task_type_check" CHECK ("task_type" IN ('REVIEW', 'QA')),
    CONSTRAINT "piece_rate_band_check" CHECK ("band" IN ('S', 'M', 'L', 'XL')),
    CONSTRAINT "piece_rate_points_check" CHECK ("points_hundredths" BETWEEN 0 AND 100000)
);
CREATE UNIQUE INDEX "piece_rate_task_type_band_valid_from_key" ON "piece_rate"("task_type", "band", "valid_from");

CREATE TABLE "quality_deduction" (
    "id" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "points_hundredths" INTEGER NOT NULL,
    "valid_from" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "quality_deduction_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "quality_deduction_severity_check" CHECK ("severity" IN ('minor', 'major', 'critical')),
    CONSTRAINT "quality_deduction_points_check" CHECK ("points_hundredths" BETWEEN 0 AND 1000000)
);
CREATE UNIQUE INDEX "quality_deduction_severity_valid_from_key" ON "quality_deduction"("severity", "valid_from");

CREATE TABLE "point_value" (
    "id" TEXT NOT NULL,
    -- Money for one whole point (100 hundredths), in minor units of the currency.
    "minor_per_point" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "valid_from" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "point_value_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "point_value_minor_check" CHECK ("minor_per_point" BETWEEN 0 AND 100000000)
);
CREATE UNIQUE INDEX "point_value_valid_from_key" ON "point_value"("valid_from");

CREATE TABLE "pay_period" (
    "month" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_by" TEXT NOT NULL,
    CONSTRAINT "pay_period_pkey" PRIMARY KEY ("month"),
    CONSTRAINT "pay_period_month_check" CHECK ("month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);
ALTER TABLE "pay_period" ADD CONSTRAINT "pay_period_closed_by_fkey" FOREIGN KEY ("closed_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What was paid: one row per operator per closed month, with its lines as JSON (the statement as computed).
CREATE TABLE "pay_statement" (
    "id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "operator_id" TEXT NOT NULL,
    "pieces" INTEGER NOT NULL,
    "gross_points_hundredths" BIGINT NOT NULL,
    "deduction_points_hundredths" BIGINT NOT NULL,
    "net_points_hundredths" BIGINT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "lines" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "pay_statement_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pay_statement_amount_check" CHECK ("amount_minor" >= 0)
);
CREATE UNIQUE INDEX "pay_statement_month_operator_id_key" ON "pay_statement"("month", "operator_id");
ALTER TABLE "pay_statement" ADD CONSTRAINT "pay_statement_month_fkey" FOREIGN KEY ("month") REFERENCES "pay_period"("month") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "pay_statement" ADD CONSTRAINT "pay_statement_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Statements read an operator's finished work by time.
CREATE INDEX "task_assignee_id_finished_at_idx" ON "task"("assignee_id", "finished_at") WHERE "status" = 'DONE';
