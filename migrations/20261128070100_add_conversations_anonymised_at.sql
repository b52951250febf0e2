-- migrate:up
-- Set when a conversation was erased (by the citizen, by an admin, or by the retention job): its
-- messages are gone or blanked, its token no longer resumes it, and only counts and timings stay.
ALTER TABLE conversations ADD COLUMN anonymised_at timestamptz;
-- The retention job looks for conversations idle past RETENTION_DAYS that are not erased yet;
-- erased ones pile up over the years and the partial index never visits them.
CREATE INDEX conversations_retention_idx ON conversations (last_message_at) WHERE anonymised_at IS NULL;

-- migrate:down
DROP INDEX conversations_retention_idx;
ALTER TABLE conversations DROP COLUMN anonymised_at;
