-- Issue 13 (Next ≤ 1.5×): the audit chain leaves the writers' path (docs/decisions/037-audit-sealed-after-commit.md).
-- Before, every INSERT into audit_event took the single audit_chain_head row's lock and held it to commit,
-- so every audit-writing transaction of the app passed one at a time. Now:
--  * an INSERT only appends: the row is "unsealed" (chain_seq, prev_hash, hash NULL; values an inserter
--    supplies are overwritten with NULL) and touches no shared row;
--  * sealing gives committed rows their chain position, previous hash and hash, in batches, under the head's
--    lock: audit_seal(max_rows) (the workers' sealer, audit:verify --seal, archive filing, seeds). Same hash
--    function, same canonical form: the chain already in a database continues unchanged;
--  * sealing is the ONLY update audit_event ever allows, for every role: a row-level guard refuses an UPDATE
--    of a sealed row, a content change, or an UPDATE that leaves the chain columns empty; a statement-level
--    check (over the rows the statement sealed) refuses chain values that are not exactly the next links
--    after the head, then moves the head. DELETE and TRUNCATE stay refused. The app's role has no UPDATE on
--    the table at all: it seals only through audit_seal (SECURITY DEFINER), whose arguments choose nothing
--    but how many rows.

-- 1. Inserts no longer chain.
DROP TRIGGER "audit_event_zz_chain" ON "audit_event";
DROP TRIGGER "audit_event_zz_chain_advance" ON "audit_event";
DROP FUNCTION audit_event_chain();
DROP FUNCTION audit_chain_advance();
DROP FUNCTION audit_chain_tail(BIGINT);

ALTER TABLE "audit_event" ALTER COLUMN "chain_seq" DROP NOT NULL, ALTER COLUMN "prev_hash" DROP NOT NULL, ALTER COLUMN "hash" DROP NOT NULL;

CREATE FUNCTION audit_event_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only sealing chains a row: whatever an inserter says about its place in the chain is ignored.
  NEW."chain_seq" := NULL;
  NEW."prev_hash" := NULL;
  NEW."hash" := NULL;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_event_zz_unsealed" BEFORE INSERT ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION audit_event_unsealed();

-- The sealer's work list: small (only rows waiting), so finding the oldest unsealed rows is an index range.
CREATE INDEX "audit_event_unsealed_idx" ON "audit_event"("id") WHERE "chain_seq" IS NULL;

-- 2. Append-only, sealing excepted. DELETE and TRUNCATE: refused by the statement-level trigger, as before
--    (same name: scripts/owner-reset.ts lifts it for test and demo resets).
DROP TRIGGER "audit_event_append_only" ON "audit_event";
CREATE TRIGGER "audit_event_append_only" BEFORE DELETE OR TRUNCATE ON "audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- UPDATE, per row: only an unsealed row, only its chain columns, only to values (checked below).
CREATE FUNCTION audit_event_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."chain_seq" IS NOT NULL OR OLD."prev_hash" IS NOT NULL OR OLD."hash" IS NOT NULL THEN
    RAISE EXCEPTION 'audit_event is append-only: UPDATE refused (event % is sealed)', OLD."id" USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Compared as the hash reads them: data as jsonb's text ('1.0' and '1' are equal jsonb, not equal text).
  IF (NEW."id", NEW."claim_id", NEW."actor_id", NEW."type", NEW."from_status", NEW."to_status", NEW."data"::text, NEW."at")
     IS DISTINCT FROM (OLD."id", OLD."claim_id", OLD."actor_id", OLD."type", OLD."from_status", OLD."to_status", OLD."data"::text, OLD."at") THEN
    RAISE EXCEPTION 'audit_event is append-only: UPDATE refused (sealing may not change the content of event %)', OLD."id" USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW."chain_seq" IS NULL OR NEW."prev_hash" IS NULL OR NEW."hash" IS NULL THEN
    RAISE EXCEPTION 'audit_event is append-only: UPDATE refused (the only update is sealing, by audit_seal())' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_event_seal_only" BEFORE UPDATE ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION audit_event_seal_only();

-- UPDATE, per statement: the rows it sealed must be exactly the next links after the head, in chain_seq
-- order, each hash recomputed here; then the head moves to the last one (once per statement). Values
-- anyone chose by hand that are not those are refused, whoever runs the statement.
CREATE FUNCTION audit_event_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
  r "audit_event";
  seq BIGINT;
  prev CHAR(64);
BEGIN
  IF NOT EXISTS (SELECT 1 FROM sealed) THEN
    RETURN NULL;
  END IF;
  SELECT h."last_seq", h."last_hash" INTO head FROM "audit_chain_head" h WHERE h."id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit log cannot be sealed';
  END IF;
  seq := head."last_seq";
  prev := head."last_hash";
  FOR r IN SELECT * FROM sealed ORDER BY "chain_seq" LOOP
    seq := seq + 1;
    IF r."chain_seq" <> seq OR r."prev_hash" <> prev OR r."hash" <> audit_event_hash(prev, r) THEN
      RAISE EXCEPTION 'audit_event is append-only: UPDATE refused (event % was given chain position % and a hash that are not the next link; only audit_seal() seals)', r."id", r."chain_seq"
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    prev := r."hash";
  END LOOP;
  UPDATE "audit_chain_head" SET "last_seq" = seq, "last_hash" = prev WHERE "id" = 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "audit_event_zz_sealed" AFTER UPDATE ON "audit_event"
  REFERENCING NEW TABLE AS sealed
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_sealed();

-- The head is written by that check only (depth 2: a statement's trigger); the guard's message says so.
CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'audit_chain_head is written by the audit_event seal trigger only (% refused)', TG_OP;
  END IF;
  RETURN NEW;
END;
$$;

-- 3. Sealing: up to max_rows unsealed rows this transaction can see (committed ones, and its own), oldest
--    id first, under the head's row lock (taken first: two sealers queue, the second then reads what the
--    first sealed, so the chain never forks or skips; the unique index on chain_seq backs that up).
--    Chain order is sealing order: a row committed late, with a lower id than rows already sealed, is
--    sealed after them. A claim's own events are written under its row lock, one transaction after the
--    other, so they still take increasing ids and chain positions in time order.
--    SECURITY DEFINER: the app's role may seal but has no UPDATE on audit_event (nor on the head) to do it
--    itself; the function computes every value and the triggers above check it again.
CREATE FUNCTION audit_seal(max_rows INTEGER) RETURNS INTEGER
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  head RECORD;
  r "audit_event";
  seq BIGINT;
  prev CHAR(64);
  ids BIGINT[] := '{}';
  seqs BIGINT[] := '{}';
  prevs TEXT[] := '{}';
  hashes TEXT[] := '{}';
  n INTEGER;
BEGIN
  IF max_rows IS NULL OR max_rows < 1 THEN
    RETURN 0;
  END IF;
  -- Nothing waiting: no lock (the sealer polls).
  IF NOT EXISTS (SELECT 1 FROM "audit_event" e WHERE e."chain_seq" IS NULL) THEN
    RETURN 0;
  END IF;
  SELECT h."last_seq", h."last_hash" INTO head FROM "audit_chain_head" h WHERE h."id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit log cannot be sealed';
  END IF;
  seq := head."last_seq";
  prev := head."last_hash";
  -- A new snapshot (READ COMMITTED): sees what a sealer that held the lock before us committed.
  FOR r IN SELECT * FROM "audit_event" e WHERE e."chain_seq" IS NULL ORDER BY e."id" LIMIT max_rows LOOP
    seq := seq + 1;
    r."chain_seq" := seq;
    r."prev_hash" := prev;
    r."hash" := audit_event_hash(prev, r);
    ids := ids || r."id";
    seqs := seqs || seq;
    prevs := prevs || prev::text;
    hashes := hashes || r."hash"::text;
    prev := r."hash";
  END LOOP;
  IF cardinality(ids) = 0 THEN
    RETURN 0;
  END IF;
  UPDATE "audit_event" e SET "chain_seq" = v.seq, "prev_hash" = v.prev, "hash" = v.hash
    FROM unnest(ids, seqs, prevs, hashes) AS v(id, seq, prev, hash)
   WHERE e."id" = v.id AND e."chain_seq" IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n <> cardinality(ids) THEN
    RAISE EXCEPTION 'audit_seal: % of % events could not be sealed (changed under the lock)', cardinality(ids) - n, cardinality(ids);
  END IF;
  RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION audit_seal(INTEGER) FROM PUBLIC;
