-- migrate:up
-- The admins' dashboard reads messages by date range (questions per day, the bot's replies,
-- answers shown, clarify questions); without this index every view of it scans the whole table.
CREATE INDEX messages_created_idx ON messages (created_at);

-- migrate:down
DROP INDEX messages_created_idx;
