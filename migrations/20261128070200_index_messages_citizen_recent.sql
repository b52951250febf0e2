-- migrate:up
-- The per-conversation message limit (CHAT_MESSAGES_PER_MINUTE) counts the citizen's messages of
-- the last minute before each insert, on every instance; without this index each count walks the
-- whole conversation (bot and consultant replies included) through messages_conversation_idx.
CREATE INDEX messages_citizen_recent_idx ON messages (conversation_id, created_at) WHERE sender = 'citizen';

-- migrate:down
DROP INDEX messages_citizen_recent_idx;
