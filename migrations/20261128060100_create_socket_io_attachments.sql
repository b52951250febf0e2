-- migrate:up
-- socket.io's PostgreSQL adapter (server/ops/cluster.ts) sends events between instances with
-- NOTIFY; a payload over 8,000 bytes travels through this table instead (rows are deleted after
-- 30 s by the adapter). Unused with the embedded PGlite (one instance only).
CREATE TABLE socket_io_attachments (
  id         bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload    bytea
);

-- migrate:down
DROP TABLE socket_io_attachments;
