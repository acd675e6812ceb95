-- The chain head's row lock, with its "missing head" error, was written out twice by 20261210010000 (in the
-- seal check audit_event_sealed and in audit_seal). It is now one function both call; behaviour is unchanged
-- (docs/decisions/037-audit-sealed-after-commit.md, "Later").
--  * audit_chain_head_locked() runs as its caller (SECURITY INVOKER, like the code it replaces): inside
--    audit_seal that is the owner; in the seal check, the role running the UPDATE on audit_event, which the
--    app's role may not. EXECUTE is revoked from PUBLIC: only the owner (and so the two functions) calls it;
--    scripts/db-roles.ts grants the app role no more than audit_seal(integer).
--  * CREATE OR REPLACE keeps each function's owner and grants; the attributes a replacement resets
--    (SECURITY DEFINER, SET search_path, volatility) are written again as 20261210010000 wrote them.

CREATE FUNCTION audit_chain_head_locked(OUT last_seq BIGINT, OUT last_hash CHAR(64))
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- Held to commit: sealers queue here, so the chain never forks or skips.
  SELECT h."last_seq", h."last_hash" INTO last_seq, last_hash FROM "audit_chain_head" h WHERE h."id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit log cannot be sealed';
  END IF;
END;
$$;
REVOKE ALL ON FUNCTION audit_chain_head_locked() FROM PUBLIC;

CREATE OR REPLACE FUNCTION audit_event_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
  r "audit_event";
  seq BIGINT;
  prev CHAR(64);
BEGIN
  IF NOT EXISTS (SELECT 1 FROM sealed) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO head FROM audit_chain_head_locked();
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

CREATE OR REPLACE FUNCTION audit_seal(max_rows INTEGER) RETURNS INTEGER
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
  SELECT * INTO head FROM audit_chain_head_locked();
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
