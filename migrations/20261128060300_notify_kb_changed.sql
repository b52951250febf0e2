-- migrate:up
-- Every instance keeps the matcher's index in memory. Whoever changes situations (the admin
-- console, the kb CLI, a consultant's draft), one NOTIFY per statement names the changed codes
-- on channel kb_changed; PostgreSQL delivers it at commit, and only if the transaction commits.
-- Past NOTIFY's 8,000-byte payload limit the message is '*' (re-read everything).
CREATE FUNCTION notify_kb_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  codes text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT string_agg(DISTINCT code, ',') INTO codes FROM old_rows;
  ELSE
    SELECT string_agg(DISTINCT code, ',') INTO codes FROM new_rows;
  END IF;
  IF codes IS NOT NULL THEN
    PERFORM pg_notify('kb_changed', CASE WHEN octet_length(codes) > 7900 THEN '*' ELSE codes END);
  END IF;
  RETURN NULL;
END
$$;
-- One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER situations_kb_changed_insert AFTER INSERT ON situations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_kb_changed();
CREATE TRIGGER situations_kb_changed_update AFTER UPDATE ON situations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_kb_changed();
CREATE TRIGGER situations_kb_changed_delete AFTER DELETE ON situations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_kb_changed();

-- migrate:down
DROP TRIGGER situations_kb_changed_delete ON situations;
DROP TRIGGER situations_kb_changed_update ON situations;
DROP TRIGGER situations_kb_changed_insert ON situations;
DROP FUNCTION notify_kb_changed();
