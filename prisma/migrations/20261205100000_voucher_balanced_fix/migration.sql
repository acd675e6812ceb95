-- voucher_balanced() as first written read NEW.voucher_id in a CASE; PL/pgSQL resolves every field of NEW
-- against the voucher row it fires on, so every voucher insert failed at commit with
-- 'record "new" has no field "voucher_id"'. The trigger fires on voucher only: the voucher's own id is the key.
CREATE OR REPLACE FUNCTION voucher_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d BIGINT; c BIGINT; n INTEGER; t BIGINT;
BEGIN
  SELECT COALESCE(SUM(debit_minor), 0), COALESCE(SUM(credit_minor), 0), COUNT(*) INTO d, c, n FROM voucher_line WHERE voucher_id = NEW.id;
  SELECT total_minor INTO t FROM voucher WHERE id = NEW.id;
  IF n < 2 OR d <> c OR d <> t THEN
    RAISE EXCEPTION 'voucher % does not balance: % lines, debit %, credit %, total %', NEW.id, n, d, c, t USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
