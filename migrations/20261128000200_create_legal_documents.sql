-- migrate:up
CREATE TABLE legal_documents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number         text NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 100),
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  doc_type       text NOT NULL DEFAULT 'other'
                 CHECK (doc_type IN ('constitution', 'code', 'law', 'ordinance', 'resolution', 'decree',
                                     'decision', 'circular', 'joint_circular', 'other')),
  issuer         text NOT NULL DEFAULT '' CHECK (length(issuer) <= 200),
  issued_date    date,
  effective_date date,
  status         text NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force', 'amended', 'repealed')),
  replaced_by_id uuid REFERENCES legal_documents (id) ON DELETE SET NULL,
  amended_by     text[] NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (replaced_by_id IS NULL OR replaced_by_id <> id)
);
-- Admins filter the registry by status to find what needs attention after a law changes.
CREATE INDEX legal_documents_status_idx ON legal_documents (status);

-- migrate:down
DROP INDEX legal_documents_status_idx;
DROP TABLE legal_documents;
