-- Issue 8 (audit slice): an audit log nobody can rewrite (docs/decisions/010-audit-log-and-app-role.md).
--  1. Nothing reaches into audit_event from another table: a claim's history outlives a discarded draft.
--  2. UPDATE, DELETE and TRUNCATE on audit_event are refused for every role, the owner included.
--  3. Every event carries a SHA-256 hash chained to the previous event's; the position in the chain
--     (chain_seq) is gapless and given under one row lock, so the chain follows commit order.

-- 1. The claim is a plain indexed column now (audit_event_claim_id_at_idx stays); the actor keeps its
--    foreign key, but neither a deleted nor a renamed user may change a logged row.
ALTER TABLE "audit_event" DROP CONSTRAINT "audit_event_claim_id_fkey";
ALTER TABLE "audit_event" DROP CONSTRAINT "audit_event_actor_id_fkey";
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- 3. The chain. The canonical form is length-prefixed fields (byte length, ':', value; '-' for null),
--    so no two different rows read the same; scripts/audit-verify.ts rebuilds it independently in
--    TypeScript from the columns, so a changed function here is caught too.
ALTER TABLE "audit_event" ADD COLUMN "chain_seq" BIGINT, ADD COLUMN "prev_hash" CHAR(64), ADD COLUMN "hash" CHAR(64);

CREATE FUNCTION audit_chain_field(v TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END || ';'
$$;

CREATE FUNCTION audit_event_hash(prev_hash TEXT, e "audit_event") RETURNS CHAR(64) LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(
    prev_hash
    || audit_chain_field(e."chain_seq"::text)
    || audit_chain_field(e."id"::text)
    || audit_chain_field(e."claim_id")
    || audit_chain_field(e."actor_id")
    || audit_chain_field(e."type")
    || audit_chain_field(e."from_status"::text)
    || audit_chain_field(e."to_status"::text)
    || audit_chain_field(e."data"::text)
    || audit_chain_field(to_char(e."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    'UTF8')), 'hex')
$$;

-- The last link. One row, written only by the chain trigger below (a guard refuses anything else).
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "last_seq" BIGINT NOT NULL,
    "last_hash" CHAR(64) NOT NULL,
    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_chain_head_one_row" CHECK ("id" = 1)
);

-- Existing events (a database migrated with history) are chained in id order. The old row-level
-- UPDATE guard goes first (this transaction holds the table; the new guard is created below).
DROP TRIGGER "audit_event_no_update" ON "audit_event";
DO $$
DECLARE
  r "audit_event";
  seq BIGINT := 0;
  prev CHAR(64) := repeat('0', 64);
BEGIN
  FOR r IN SELECT * FROM "audit_event" ORDER BY "id" LOOP
    seq := seq + 1;
    r."chain_seq" := seq;
    r."prev_hash" := prev;
    r."hash" := audit_event_hash(prev, r);
    UPDATE "audit_event" SET "chain_seq" = r."chain_seq", "prev_hash" = r."prev_hash", "hash" = r."hash" WHERE "id" = r."id";
    prev := r."hash";
  END LOOP;
  INSERT INTO "audit_chain_head" ("id", "last_seq", "last_hash") VALUES (1, seq, prev);
END;
$$;

ALTER TABLE "audit_event" ALTER COLUMN "chain_seq" SET NOT NULL, ALTER COLUMN "prev_hash" SET NOT NULL, ALTER COLUMN "hash" SET NOT NULL;
CREATE UNIQUE INDEX "audit_event_chain_seq_key" ON "audit_event"("chain_seq");

-- Every insert, whatever code path writes it, takes the next position under the head's row lock
-- (held to commit, so the next writer waits and then reads this one's committed head). Values an
-- inserter supplies for the chain columns are overwritten. Named to fire after any other BEFORE trigger.
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
BEGIN
  SELECT "last_seq", "last_hash" INTO head FROM "audit_chain_head" WHERE "id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit log cannot be chained';
  END IF;
  NEW."chain_seq" := head."last_seq" + 1;
  NEW."prev_hash" := head."last_hash";
  NEW."hash" := audit_event_hash(head."last_hash", NEW);
  UPDATE "audit_chain_head" SET "last_seq" = NEW."chain_seq", "last_hash" = NEW."hash" WHERE "id" = 1;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_event_zz_chain" BEFORE INSERT ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Depth 1 is a statement someone typed; the chain trigger's own UPDATE runs at depth 2.
  IF TG_OP <> 'UPDATE' OR pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'audit_chain_head is written by the audit_event chain trigger only (% refused)', TG_OP;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_chain_head_guard" BEFORE INSERT OR UPDATE OR DELETE ON "audit_chain_head"
  FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();
CREATE TRIGGER "audit_chain_head_no_truncate" BEFORE TRUNCATE ON "audit_chain_head"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard();

-- 2. Append-only for every role: one statement-level trigger refuses UPDATE, DELETE and TRUNCATE
--    (also a TRUNCATE that reaches the log through CASCADE). Only the owner can lift it, inside one
--    transaction, through scripts/owner-reset.ts (test and demo resets); the app's role owns nothing.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_event_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
