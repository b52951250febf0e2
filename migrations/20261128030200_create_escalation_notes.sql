-- migrate:up
CREATE TABLE escalation_notes (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  escalation_id uuid NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
  -- Internal: consultants and admins read these, the citizen never does.
  author_id     uuid REFERENCES staff_accounts (id) ON DELETE SET NULL,
  kind          text NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'event')),
  body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at    timestamptz NOT NULL DEFAULT now()
);
-- The conversation view lists a ticket's notes in order.
CREATE INDEX escalation_notes_escalation_idx ON escalation_notes (escalation_id, id);

-- migrate:down
DROP INDEX escalation_notes_escalation_idx;
DROP TABLE escalation_notes;
