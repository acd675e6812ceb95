-- Two facts on the task row so that the hot reads stop probing the claim (docs/decisions/041-task-company-and-sla-check.md).

-- 1. The claim's company, copied onto each task when it is created. The wall board of some companies counts
--    the open reviews of those companies: until now an EXISTS probe of the claim per open task (260–1,020 ms
--    over the 20,000-task backlog of bench:load under load). The trigger fills it from the claim on every insert,
--    whatever path writes the task (routing, approvals, QA sampling, seeds, benches), so no writer can get it
--    wrong; it never changes afterwards (a claim's company is fixed once it has been submitted, and a task
--    exists only from then on).
ALTER TABLE "task" ADD COLUMN "company_id" TEXT;

UPDATE "task" t SET "company_id" = c."company_id" FROM "claim" c WHERE c."id" = t."claim_id";

ALTER TABLE "task" ALTER COLUMN "company_id" SET NOT NULL;
ALTER TABLE "task" ADD CONSTRAINT "task_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

CREATE FUNCTION task_company_from_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c."company_id" INTO NEW."company_id" FROM "claim" c WHERE c."id" = NEW."claim_id";
  IF NOT FOUND THEN
    RAISE EXCEPTION 'task % refers to claim %, which does not exist', NEW."id", NEW."claim_id" USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "task_company_from_claim" BEFORE INSERT ON "task" FOR EACH ROW EXECUTE FUNCTION task_company_from_claim();

CREATE FUNCTION task_company_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'task % keeps the company of its claim at creation (%); UPDATE to % refused', OLD."id", OLD."company_id", NEW."company_id"
    USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER "task_company_frozen" BEFORE UPDATE ON "task"
  FOR EACH ROW WHEN (NEW."company_id" IS DISTINCT FROM OLD."company_id") EXECUTE FUNCTION task_company_frozen();

-- 2. When the SLA sweep must look at an open review again: the instant its state can next change (the start of
--    its last quarter of working minutes, then its due time), computed by the sweep the first time it reads the
--    task. NULL = not yet computed. The sweep used to read every open review due within 14 days, with its claim
--    and company, every minute (0.5–0.9 s over 20,000 open reviews); now it reads the ones whose time has come.
ALTER TABLE "task" ADD COLUMN "sla_check_at" TIMESTAMPTZ(3);

CREATE INDEX "task_sla_check_idx" ON "task" ("sla_check_at")
  WHERE "type" = 'REVIEW' AND "status" IN ('OPEN', 'IN_PROGRESS') AND "sla_state" <> 'BREACHED' AND "sla_due_at" IS NOT NULL;

-- The check time is derived from the due time, the SLA's minutes and the company's calendar: a change of any of
-- them makes the sweep compute it again.
CREATE FUNCTION task_sla_check_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."sla_check_at" := NULL;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "task_sla_check_reset" BEFORE UPDATE ON "task"
  FOR EACH ROW WHEN ((NEW."sla_due_at", NEW."sla_minutes") IS DISTINCT FROM (OLD."sla_due_at", OLD."sla_minutes"))
  EXECUTE FUNCTION task_sla_check_reset();

CREATE FUNCTION company_calendar_resets_sla_checks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "task" SET "sla_check_at" = NULL
   WHERE "company_id" = NEW."id" AND "type" = 'REVIEW' AND "status" IN ('OPEN', 'IN_PROGRESS')
     AND "sla_state" <> 'BREACHED' AND "sla_due_at" IS NOT NULL AND "sla_check_at" IS NOT NULL;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "company_calendar_resets_sla_checks" AFTER UPDATE ON "company"
  FOR EACH ROW WHEN (NEW."calendar" IS DISTINCT FROM OLD."calendar") EXECUTE FUNCTION company_calendar_resets_sla_checks();
