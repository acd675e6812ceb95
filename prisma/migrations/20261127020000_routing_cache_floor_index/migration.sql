-- 1. Routing workers cache the routing rules and processing groups in memory (app/jobs/route-claim.ts).
-- This one-row table says which transaction last changed either table; a worker compares it with the
-- value it read together with its cached copy, in the same statement as each claim's own read.
-- Triggers keep it current for every writer (admin page, seed, SQL by hand), and the value is the
-- changing transaction's id, so it never repeats — not even after a TRUNCATE of every table.
CREATE TABLE "routing_config_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL,
    CONSTRAINT "routing_config_version_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "routing_config_version_one_row" CHECK ("id" = 1)
);
INSERT INTO "routing_config_version" ("id", "version") VALUES (1, txid_current());

CREATE FUNCTION "bump_routing_config_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "routing_config_version" ("id", "version") VALUES (1, txid_current())
    ON CONFLICT ("id") DO UPDATE SET "version" = EXCLUDED."version";
    RETURN NULL;
END
$$;

CREATE TRIGGER "routing_rule_bumps_config_version"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "routing_rule"
    FOR EACH STATEMENT EXECUTE FUNCTION "bump_routing_config_version"();
CREATE TRIGGER "processing_group_bumps_config_version"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "processing_group"
    FOR EACH STATEMENT EXECUTE FUNCTION "bump_routing_config_version"();

-- 2. The supervisor's floor view (app/models/floor-tasks.server.ts): a group's open and in-progress review
-- tasks, breached first, then at risk, then by priority and age, a page at a time. This index is that
-- ORDER BY, so a page is read straight off it however long the queue is; with status included, the
-- page's counts (open, in progress, at risk, breached) are an index-only scan too.
CREATE INDEX "task_floor_review_idx" ON "task" ("group_id", "sla_state" DESC, "priority" DESC, "created_at", "id") INCLUDE ("status")
    WHERE "type" = 'REVIEW' AND "status" IN ('OPEN', 'IN_PROGRESS');
