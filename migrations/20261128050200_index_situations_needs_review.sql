-- migrate:up
-- The admins' review list and the matcher's withholding filter look for flagged situations,
-- which are few: a partial index holds only them.
CREATE INDEX situations_needs_review_idx ON situations (code) WHERE needs_review;

-- migrate:down
DROP INDEX situations_needs_review_idx;
