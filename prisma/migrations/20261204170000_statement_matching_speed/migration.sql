-- Issue 10 (statement import speed). 1. The audit chain head is written once per INSERT statement, not once per row.
--
-- Before, the chain trigger updated the single audit_chain_head row for every event. Inside one
-- transaction those row versions cannot be pruned (their writer is still running), so each later
-- `SELECT … FOR UPDATE` of the head walked every version left so far: a statement that settles 5,000
-- claims wrote 5,000 head versions and read ~12.5 million. The chain itself is unchanged (same
-- positions, same canonical form, same hashes; scripts/audit-verify.ts verifies it as before):
--  * BEFORE INSERT, per row: take the head's row lock (held to commit, as before: writers are still
--    serialised and the chain still follows commit order) and chain to the later of the head and the
--    last event this transaction appended since the head was written (earlier rows of the same
--    statement, which a row trigger sees; found on the unique chain_seq index).
--  * AFTER INSERT, per statement: move the head to the last event, once.
-- Nothing an inserter supplies is trusted; every value still comes from the table, under the lock.
CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
  v_seq BIGINT;
  v_hash CHAR(64);
BEGIN
  SELECT h."last_seq", h."last_hash" INTO head FROM "audit_chain_head" h WHERE h."id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit log cannot be chained';
  END IF;
  v_seq := head."last_seq";
  v_hash := head."last_hash";
  SELECT e."chain_seq", e."hash" INTO v_seq, v_hash
    FROM "audit_event" e WHERE e."chain_seq" > head."last_seq" ORDER BY e."chain_seq" DESC LIMIT 1;
  IF NOT FOUND THEN
    v_seq := head."last_seq";
    v_hash := head."last_hash";
  END IF;
  NEW."chain_seq" := v_seq + 1;
  NEW."prev_hash" := v_hash;
  NEW."hash" := audit_event_hash(v_hash, NEW);
  RETURN NEW;
END;
$$;

CREATE FUNCTION audit_chain_advance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tail RECORD;
BEGIN
  SELECT e."chain_seq", e."hash" INTO tail
    FROM "audit_event" e
   WHERE e."chain_seq" > (SELECT h."last_seq" FROM "audit_chain_head" h WHERE h."id" = 1)
   ORDER BY e."chain_seq" DESC LIMIT 1;
  IF FOUND THEN
    UPDATE "audit_chain_head" SET "last_seq" = tail."chain_seq", "last_hash" = tail."hash" WHERE "id" = 1;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "audit_event_zz_chain_advance" AFTER INSERT ON "audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_advance();

-- Matching by amount + account + date reads the open payments with the entries' amounts (one index
-- range per amount) instead of every payment.
CREATE INDEX "payment_open_amount_idx" ON "payment"("amount_minor") WHERE "status" IN ('SENT', 'ACCEPTED');
