-- migrate:up
CREATE TABLE legal_fields (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description   text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  display_order integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- The field list is shown in display order on every page that lists fields.
CREATE INDEX legal_fields_display_order_idx ON legal_fields (display_order, name);

-- migrate:down
DROP INDEX legal_fields_display_order_idx;
DROP TABLE legal_fields;
