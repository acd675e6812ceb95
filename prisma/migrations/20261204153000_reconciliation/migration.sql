-- Issue 10, reconciliation: a statement is streamed in, so its file's SHA-256 and its entry count are
-- known only after its last entry. bank_statement is append-only for the app's role (no UPDATE), so
-- the statement row is written last, in the same transaction as its entries: their foreign key is
-- checked at commit instead of at each insert.
ALTER TABLE "statement_entry" ALTER CONSTRAINT "statement_entry_statement_id_fkey" DEFERRABLE INITIALLY DEFERRED;
