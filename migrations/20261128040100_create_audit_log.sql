-- migrate:up
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The staff member who acted (null for the system, e.g. a scheduled job).
  actor_id    uuid REFERENCES staff_accounts (id) ON DELETE SET NULL,
  actor_email text NOT NULL DEFAULT '' CHECK (length(actor_email) <= 254),
  action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  entity_type text NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 50),
  entity_id   text NOT NULL DEFAULT '' CHECK (length(entity_id) <= 200),
  before      jsonb,
  after       jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- Admins browse the log newest first, filtered by actor, entity or action.
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC);

-- migrate:down
DROP INDEX audit_log_actor_idx;
DROP INDEX audit_log_entity_idx;
DROP INDEX audit_log_created_idx;
DROP TABLE audit_log;
