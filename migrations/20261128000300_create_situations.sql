-- migrate:up
CREATE TABLE situations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  field_id     integer NOT NULL REFERENCES legal_fields (id),
  question     text NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
  alternates   text[] NOT NULL DEFAULT '{}',
  answer       text NOT NULL CHECK (length(answer) BETWEEN 1 AND 20000),
  tags         text[] NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'archived')),
  needs_review boolean NOT NULL DEFAULT false,
  reviewed_at  date,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
-- The matcher loads every published situation at start, and admins list them per field.
CREATE INDEX situations_status_field_idx ON situations (status, field_id);
-- Tag filters in the admin console use array containment.
CREATE INDEX situations_tags_idx ON situations USING gin (tags);

-- migrate:down
DROP INDEX situations_tags_idx;
DROP INDEX situations_status_field_idx;
DROP TABLE situations;
