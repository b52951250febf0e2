-- migrate:up
CREATE TABLE situation_citations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  situation_id uuid NOT NULL REFERENCES situations (id) ON DELETE CASCADE,
  position     integer NOT NULL CHECK (position >= 0),
  -- The registered document, when the citation names one we know.
  document_id  uuid REFERENCES legal_documents (id) ON DELETE RESTRICT,
  -- What the source said, kept verbatim so that nothing is lost when no document matches.
  document_ref text NOT NULL DEFAULT '' CHECK (length(document_ref) <= 500),
  title        text NOT NULL DEFAULT '' CHECK (length(title) <= 500),
  article      text NOT NULL DEFAULT '' CHECK (length(article) <= 100),
  clause       text NOT NULL DEFAULT '' CHECK (length(clause) <= 100),
  UNIQUE (situation_id, position)
);
-- When a document is amended or repealed, every situation citing it is found through this index.
CREATE INDEX situation_citations_document_idx ON situation_citations (document_id);

-- migrate:down
DROP INDEX situation_citations_document_idx;
DROP TABLE situation_citations;
