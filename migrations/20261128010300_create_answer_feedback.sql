-- migrate:up
CREATE TABLE answer_feedback (
  -- One rating per bot answer; rating again replaces it.
  message_id      bigint PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  situation_code  text NOT NULL,
  helpful         boolean NOT NULL,
  comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- Helpful rate per situation for the admins' dashboard.
CREATE INDEX answer_feedback_situation_idx ON answer_feedback (situation_code);

-- migrate:down
DROP INDEX answer_feedback_situation_idx;
DROP TABLE answer_feedback;
