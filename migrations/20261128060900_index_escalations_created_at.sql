-- migrate:up
-- The dashboard's queue figures and the list of questions to write select consultation tickets
-- by the date they were created; the existing indexes cover only open tickets.
CREATE INDEX escalations_created_idx ON escalations (created_at);

-- migrate:down
DROP INDEX escalations_created_idx;
