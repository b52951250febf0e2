-- migrate:up
CREATE TABLE clarify_picks (
  -- The clarify question the citizen answered; one pick each.
  message_id        bigint PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  situation_code    text NOT NULL,
  answer_message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  created_at        timestamptz NOT NULL DEFAULT now()
);
-- Which phrasing meant which situation: grouped by the situation picked.
CREATE INDEX clarify_picks_situation_idx ON clarify_picks (situation_code);

-- migrate:down
DROP INDEX clarify_picks_situation_idx;
DROP TABLE clarify_picks;
