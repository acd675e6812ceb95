-- Issue 14: what was read off each stored file (by its digest, so reading again is a no-op), and which
-- claim holds each invoice (one invoice, one payment, across the group).

CREATE TABLE "receipt_reading" (
    "file_sha256" CHAR(64) NOT NULL,
    -- xml | pdf-xml | ofd-xml | qr | ocr; 'none' when nothing could be read (notes say what was tried).
    "source" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "invoice_key" TEXT,
    "qr_region" JSONB,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "notes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "reader_version" INTEGER NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "receipt_reading_pkey" PRIMARY KEY ("file_sha256"),
    CONSTRAINT "receipt_reading_file_sha256_fkey" FOREIGN KEY ("file_sha256") REFERENCES "stored_file"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "receipt_reading_source_check" CHECK ("source" IN ('xml', 'pdf-xml', 'ofd-xml', 'qr', 'ocr', 'none'))
);
CREATE INDEX "receipt_reading_invoice_key_idx" ON "receipt_reading"("invoice_key") WHERE "invoice_key" IS NOT NULL;

-- Insert-only: a reading is evidence of what the file said; a better reader adds a new version elsewhere, never edits.
CREATE FUNCTION receipt_reading_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'receipt_reading is insert-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "receipt_reading_insert_only" BEFORE UPDATE ON "receipt_reading"
  FOR EACH STATEMENT EXECUTE FUNCTION receipt_reading_insert_only();

-- The invoice's one holder: the primary key is the unique index two simultaneous submissions meet on.
-- A withdrawn or rejected claim's rows are released by the next submission that wants the invoice.
CREATE TABLE "invoice_claim" (
    "invoice_key" TEXT NOT NULL,
    "claim_id" TEXT NOT NULL,
    "receipt_id" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "invoice_claim_pkey" PRIMARY KEY ("invoice_key"),
    CONSTRAINT "invoice_claim_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "invoice_claim_claim_id_idx" ON "invoice_claim"("claim_id");
