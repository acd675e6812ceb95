-- Addenda to filed archive records (issue 12): a claim filed as PAID whose payment the bank then sent back
-- (and later paid again) gets, for each such turn, an addendum package inside its record's package
-- (addenda/<seq>/: its own manifest, the claim as it stands, the audit events since) — the filed package
-- itself is never rewritten. Each addendum's files are archive_file rows of the record, so fixity, the four
-- checks and destruction cover them as they cover the rest.

-- The last audit event (chain_seq) the original package holds; addenda take the events after it.
ALTER TABLE "archive_record" ADD COLUMN "audit_through_seq" BIGINT;
UPDATE "archive_record" r
   SET "audit_through_seq" = (
     SELECT max(e.chain_seq) FROM "audit_event" e
      WHERE e.claim_id = r.claim_id
        AND e.chain_seq < COALESCE((SELECT min(f.chain_seq) FROM "audit_event" f
                                     WHERE f.claim_id = r.claim_id AND f.type = 'archive.filed'), 9223372036854775807));

CREATE TABLE "archive_addendum" (
    "record_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    -- PAYMENT_RETURNED, PAID_AGAIN or STATUS_CHANGED (app/domain/archive-addendum.ts).
    "reason" TEXT NOT NULL,
    -- The claim's status when the addendum was filed.
    "claim_status" TEXT NOT NULL,
    "audit_from_seq" BIGINT NOT NULL,
    "audit_through_seq" BIGINT NOT NULL,
    -- How many of the claim's events it holds (the chain is the whole log's: the range has others').
    "audit_event_count" INTEGER NOT NULL,
    "manifest_sha256" CHAR(64) NOT NULL,
    "previous_manifest_sha256" CHAR(64) NOT NULL,
    "file_count" INTEGER NOT NULL,
    "total_bytes" BIGINT NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "archive_addendum_pkey" PRIMARY KEY ("record_id", "seq"),
    CONSTRAINT "archive_addendum_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "archive_record"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "archive_addendum_seq_check" CHECK ("seq" >= 1),
    CONSTRAINT "archive_addendum_reason_check" CHECK ("reason" IN ('PAYMENT_RETURNED', 'PAID_AGAIN', 'STATUS_CHANGED')),
    CONSTRAINT "archive_addendum_range_check" CHECK ("audit_from_seq" <= "audit_through_seq")
);

-- Insert-only, like the package it describes (TRUNCATE stays the owner's: test and seed resets).
CREATE FUNCTION archive_addendum_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'archive_addendum is insert-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER "archive_addendum_insert_only" BEFORE UPDATE OR DELETE ON "archive_addendum"
  FOR EACH STATEMENT EXECUTE FUNCTION archive_addendum_insert_only();
