-- migrate:up
CREATE TABLE messages (
  -- Increasing server id: a client resumes with "everything after the last id I saw".
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- The citizen's client-generated id: a resend with the same id is not stored twice.
  client_id       text CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 64),
  sender          text NOT NULL CHECK (sender IN ('citizen', 'bot', 'consultant', 'system')),
  kind            text NOT NULL CHECK (kind IN ('text', 'answer', 'clarify', 'escalate', 'small_talk', 'choice', 'notice')),
  body            text NOT NULL CHECK (length(body) <= 20000),
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- The message this one answers (a bot reply points to the citizen's question).
  reply_to        bigint REFERENCES messages (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, client_id)
);
-- Resuming replays a conversation's messages in id order after a given id.
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
-- A resent question finds the bot reply already given to it.
CREATE INDEX messages_reply_to_idx ON messages (reply_to);

-- migrate:down
DROP INDEX messages_reply_to_idx;
DROP INDEX messages_conversation_idx;
DROP TABLE messages;
