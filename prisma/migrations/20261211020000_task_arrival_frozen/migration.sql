-- A task's arrival facts are fixed at creation (docs/decisions/038-metrics-marked-then-flushed.md, "Later").
-- The rollups' arrival row of a task (app/models/rollups.server.ts, eventsSql) is its creation hour
-- (created_at), type, group_id and complexity, and only the task's `created` event marks that hour for
-- recomputation. Until now the rule that nothing changes them afterwards was a comment: a change would leave
-- metric_hourly / metric_daily counting the task where it no longer is until `npm run metrics:rebuild`.
-- Now the database refuses it, for every role. Nothing in the app, workers, seeds or benches changes them.
-- The claim-side routing writes claim.group_id, and reassignment moves assignee_id or preferred_assignee_id,
-- never the task's group_id. The rest of the row (status, assignee, times started and finished, outcome, SLA,
-- priority) stays free.
-- The RI actions of task_group_id_fkey (ON DELETE SET NULL, ON UPDATE CASCADE) are updates of group_id
-- too. Deleting or renaming a processing group that has tasks is therefore refused (nothing does either).
-- No escape hatch for the app role. A deliberate data fix is the owner's: ALTER TABLE task DISABLE TRIGGER
-- task_arrival_frozen inside the fix's transaction (DDL is transactional), then `npm run metrics:rebuild`.
CREATE FUNCTION task_arrival_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed TEXT[] := '{}';
BEGIN
  IF NEW."created_at" IS DISTINCT FROM OLD."created_at" THEN changed := changed || 'created_at'::text; END IF;
  IF NEW."type" IS DISTINCT FROM OLD."type" THEN changed := changed || 'type'::text; END IF;
  IF NEW."group_id" IS DISTINCT FROM OLD."group_id" THEN changed := changed || 'group_id'::text; END IF;
  IF NEW."complexity" IS DISTINCT FROM OLD."complexity" THEN changed := changed || 'complexity'::text; END IF;
  RAISE EXCEPTION 'task % keeps the arrival facts it was created with (decision 038: created_at, type, group_id and complexity make its arrival row in the rollups); UPDATE of % refused', OLD."id", array_to_string(changed, ', ')
    USING ERRCODE = 'check_violation';
END;
$$;
-- WHEN: an update that leaves the four alone (every update the app makes) never enters the function.
CREATE TRIGGER "task_arrival_frozen" BEFORE UPDATE ON "task"
  FOR EACH ROW
  WHEN ((NEW."created_at", NEW."type", NEW."group_id", NEW."complexity") IS DISTINCT FROM (OLD."created_at", OLD."type", OLD."group_id", OLD."complexity"))
  EXECUTE FUNCTION task_arrival_frozen();
