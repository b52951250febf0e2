-- migrate:up
CREATE TABLE conversations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- SHA-256 of the citizen's bearer token; the token itself is never stored.
  token_hash      text NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'waiting', 'with_consultant', 'closed')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now()
);
-- Retention jobs and analytics scan conversations by age.
CREATE INDEX conversations_last_message_idx ON conversations (last_message_at);

-- migrate:down
DROP INDEX conversations_last_message_idx;
DROP TABLE conversations;
