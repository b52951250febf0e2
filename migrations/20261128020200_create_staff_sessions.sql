-- migrate:up
CREATE TABLE staff_sessions (
  -- SHA-256 (hex) of the random token in the hl_session cookie; the token itself is never stored.
  id           text PRIMARY KEY CHECK (length(id) = 64),
  staff_id     uuid NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
  -- Synchroniser token rendered into this session's forms (useless without the cookie).
  csrf_token   text NOT NULL CHECK (length(csrf_token) >= 32),
  user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  -- Sliding: pushed forward while the session is used.
  expires_at   timestamptz NOT NULL
);
-- A password reset or a deactivation revokes every session of one account.
CREATE INDEX staff_sessions_staff_idx ON staff_sessions (staff_id);
-- Expired sessions are purged by expiry time at each login.
CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);

-- migrate:down
DROP INDEX staff_sessions_expires_idx;
DROP INDEX staff_sessions_staff_idx;
DROP TABLE staff_sessions;
