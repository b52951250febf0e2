-- migrate:up
-- Which consultants are connected to which instance (server/ops/presence-sync.ts). Each instance
-- keeps its own rows and refreshes seen_at every few seconds; rows of an instance that stopped
-- refreshing (killed, frozen) count as gone and start the consultants' grace period.
CREATE TABLE consultant_presence (
  instance_id text NOT NULL,
  staff_id    uuid NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
  sockets     integer NOT NULL CHECK (sockets > 0),
  away        boolean NOT NULL DEFAULT false,
  seen_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (instance_id, staff_id)
);
-- "Is this consultant connected anywhere?" looks rows up by staff member.
CREATE INDEX consultant_presence_staff_idx ON consultant_presence (staff_id);

-- migrate:down
DROP INDEX consultant_presence_staff_idx;
DROP TABLE consultant_presence;
