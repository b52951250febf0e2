-- migrate:up
CREATE TABLE situation_revisions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  situation_id uuid NOT NULL REFERENCES situations (id) ON DELETE CASCADE,
  version      integer NOT NULL,
  action       text NOT NULL CHECK (action IN ('create', 'update', 'archive', 'restore', 'status')),
  actor        text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  source       text NOT NULL DEFAULT '' CHECK (length(source) <= 500),
  before       jsonb,
  after        jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (situation_id, version)
);
-- The history page of one situation lists its revisions newest first (the unique index serves it).

-- migrate:down
DROP TABLE situation_revisions;
