-- voucher_balanced() as first written referred to NEW.voucher_id in a CASE branch for voucher_line rows;
-- PL/pgSQL resolves every field of NEW against the firing table's row type, so on "voucher" (the only
-- table the trigger is on) every insert failed with 'record "new" has no field "voucher_id"'. The trigger
-- fires per voucher at commit and sums that voucher's lines, so NEW.id is all it needs.
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
