-- migrate:up
-- Files an admin uploaded for import, kept between the dry run and the commit (in the database,
-- so that the commit may reach another instance than the dry run did).
CREATE TABLE import_uploads (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  staff_id   uuid NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
  file_name  text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  format     text NOT NULL CHECK (format IN ('jsonl', 'csv', 'xlsx')),
  content    bytea NOT NULL,
  options    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
-- Each new upload purges the expired ones.
CREATE INDEX import_uploads_expires_idx ON import_uploads (expires_at);

-- migrate:down
DROP INDEX import_uploads_expires_idx;
DROP TABLE import_uploads;
