-- migrate:up
CREATE TABLE email_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  escalation_id   uuid REFERENCES escalations (id) ON DELETE CASCADE,
  to_address      text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
  subject         text NOT NULL CHECK (length(subject) <= 300),
  body            text NOT NULL CHECK (length(body) <= 50000),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text NOT NULL DEFAULT '',
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- The sender picks unsent mail whose retry time has come.
CREATE INDEX email_outbox_pending_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;

-- migrate:down
DROP INDEX email_outbox_pending_idx;
DROP TABLE email_outbox;
