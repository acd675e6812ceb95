-- Archive search by claimant (app/models/archive-search.server.ts), measured on 1,000,000 records
-- (bench/archive-search.ts).
--
-- A substring of a name ("wang wei", "李", "王芳") is first matched against the distinct names filed per
-- company (a small table: one row per company and name, however many records it has), with the number of
-- records each has. The search then knows, company by company, how many records it is after: none → that
-- company is not read at all; few → their ids come from the index below (index-only: the name, company,
-- filing order and id are all in it) and are sorted; many → they are dense, and walking the company's
-- filing order stops after a page. One- and two-character fragments
-- (most Chinese names are two or three characters) work the same way: they have no trigrams, but the
-- table of names is small enough to scan.

CREATE TABLE "archive_claimant_name" (
    "company_id" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "records" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "archive_claimant_name_pkey" PRIMARY KEY ("company_id", "name_key"),
    CONSTRAINT "archive_claimant_name_records_check" CHECK ("records" >= 0)
);

INSERT INTO "archive_claimant_name" ("company_id", "name_key", "records")
SELECT "company_id", lower("claimant_name"), count(*)::int FROM "archive_record" GROUP BY 1, 2;

-- Kept by the database as records are filed (archive records are never deleted: a destroyed record keeps
-- its row, so the counts only grow).
CREATE FUNCTION archive_claimant_name_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "archive_claimant_name" ("company_id", "name_key", "records") VALUES (NEW."company_id", lower(NEW."claimant_name"), 1)
  ON CONFLICT ("company_id", "name_key") DO UPDATE SET "records" = "archive_claimant_name"."records" + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER "archive_record_claimant_name" AFTER INSERT ON "archive_record"
  FOR EACH ROW EXECUTE FUNCTION archive_claimant_name_count();

-- The names' records in filing order, with everything a page needs to pick its ids (INCLUDE the name itself
-- so the planner can answer from the index alone).
CREATE INDEX "archive_record_claimant_filed_idx" ON "archive_record" (lower("claimant_name"), "company_id", "filed_at" DESC, "id" DESC) INCLUDE ("claimant_name");
-- The plain expression index is now a prefix of the one above.
DROP INDEX IF EXISTS "archive_record_claimant_name_idx";

-- Substrings of three characters or more find their names through trigrams where the server has pg_trgm.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX "archive_claimant_name_trgm_idx" ON "archive_claimant_name" USING gin ("name_key" gin_trgm_ops);
  END IF;
END $$;
DROP INDEX IF EXISTS "archive_record_claimant_name_trgm_idx";
