-- Archive search (app/models/archive-search.server.ts), measured on 1,000,000 records (bench/archive-search.ts).

-- Keyset pages in (filed_at DESC, id DESC) per company: each company's branch of the search walks this
-- index and stops after a page, whatever the filters (no sort of the whole scope).
CREATE INDEX "archive_record_company_filed_id_idx" ON "archive_record"("company_id", "filed_at" DESC, "id" DESC);

-- "Spent between": records whose spending period overlaps the dates asked for. A B-tree on spent_from alone
-- reads every record that started before the end date; a GiST index on the range answers the overlap.
CREATE INDEX "archive_record_spent_range_idx" ON "archive_record" USING gist (daterange("spent_from", "spent_to", '[]'));
