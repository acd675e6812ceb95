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
--    statement, which a row trigger sees; see audit_chain_tail).
--  * AFTER INSERT, per statement: move the head to the last event, once.
-- Nothing an inserter supplies is trusted; every value still comes from the table, under the lock.
-- The last event this transaction appended. A transaction-local setting carries it from row to row
-- as a hint only: it is believed when the table agrees (that event exists with that hash, none follows
-- it, and it lies past the head), each check an equality lookup on the unique chain_seq index, so a
-- forged or stale hint is ignored. Without a usable hint the events past the head are looked up.
-- Index lookups whatever the statistics say (a freshly emptied log looks empty to the planner, which
-- would otherwise pick sequential scans and cache them for the session).
CREATE FUNCTION audit_chain_tail(head_seq BIGINT, OUT seq BIGINT, OUT hash CHAR(64)) LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
DECLARE
  hint TEXT := current_setting('audit_chain.tail', true);
  h_seq BIGINT;
  h_hash CHAR(64);
BEGIN
  IF hint ~ '^[0-9]{1,18}:[0-9a-f]{64}$' THEN
    h_seq := split_part(hint, ':', 1)::bigint;
    h_hash := split_part(hint, ':', 2);
    IF h_seq > head_seq
       AND EXISTS (SELECT 1 FROM "audit_event" e WHERE e."chain_seq" = h_seq AND e."hash" = h_hash)
       AND NOT EXISTS (SELECT 1 FROM "audit_event" e WHERE e."chain_seq" = h_seq + 1) THEN
      seq := h_seq;
      hash := h_hash;
      RETURN;
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM "audit_event" e WHERE e."chain_seq" = head_seq + 1) THEN
    SELECT e."chain_seq", e."hash" INTO seq, hash FROM "audit_event" e WHERE e."chain_seq" > head_seq ORDER BY e."chain_seq" DESC LIMIT 1;
  END IF;
END;
$$;

CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
  tail RECORD;
BEGIN
  SELECT h."last_seq", h."last_hash" INTO head FROM "audit_chain_head" h WHERE h."id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit log cannot be chained';
  END IF;
  tail := audit_chain_tail(head."last_seq");
  IF tail.seq IS NULL THEN
    NEW."chain_seq" := head."last_seq" + 1;
    NEW."prev_hash" := head."last_hash";
  ELSE
    NEW."chain_seq" := tail.seq + 1;
    NEW."prev_hash" := tail.hash;
  END IF;
  NEW."hash" := audit_event_hash(NEW."prev_hash", NEW);
  PERFORM set_config('audit_chain.tail', NEW."chain_seq"::text || ':' || NEW."hash", true);
  RETURN NEW;
END;
$$;

CREATE FUNCTION audit_chain_advance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tail RECORD;
BEGIN
  tail := audit_chain_tail((SELECT h."last_seq" FROM "audit_chain_head" h WHERE h."id" = 1));
  IF tail.seq IS NOT NULL THEN
    UPDATE "audit_chain_head" SET "last_seq" = tail.seq, "last_hash" = tail.hash WHERE "id" = 1;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "audit_event_zz_chain_advance" AFTER INSERT ON "audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_advance();

-- Matching by amount + account + date reads the open payments with the entries' amounts (one index
-- range per amount) instead of every payment.
CREATE INDEX "payment_open_amount_idx" ON "payment"("amount_minor") WHERE "status" IN ('SENT', 'ACCEPTED');
