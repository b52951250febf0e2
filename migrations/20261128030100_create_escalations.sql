-- migrate:up
CREATE TABLE escalations (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- Short code the citizen keeps to read the reply later (no 0/O/1/I to misread).
  ticket_code       text NOT NULL UNIQUE CHECK (ticket_code ~ '^[A-HJ-NP-Z2-9]{8}$'),
  status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'assigned', 'closed', 'cancelled')),
  -- Left while nobody could take it live: answered later, in the widget, by ticket code or email.
  offline           boolean NOT NULL DEFAULT false,
  question          text NOT NULL CHECK (length(question) <= 2000),
  field_slugs       text[] NOT NULL DEFAULT '{}',
  candidates        jsonb NOT NULL DEFAULT '[]'::jsonb,
  contact_name      text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 120),
  contact_phone     text NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 30),
  contact_email     text NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
  consent_at        timestamptz,
  assigned_to       uuid REFERENCES staff_accounts (id) ON DELETE SET NULL,
  assigned_at       timestamptz,
  -- Set while the consultant is disconnected: after this moment the ticket goes back to the queue.
  release_at        timestamptz,
  first_response_at timestamptz,
  closed_at         timestamptz,
  resolution        text CHECK (resolution IS NULL OR resolution IN ('answered', 'referred', 'not_legal', 'cancelled')),
  queued_at         timestamptz NOT NULL DEFAULT now(),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- One open escalation per conversation.
CREATE UNIQUE INDEX escalations_open_conversation_key ON escalations (conversation_id) WHERE status IN ('queued', 'assigned');
-- The queue: waiting tickets, oldest first.
CREATE INDEX escalations_queue_idx ON escalations (queued_at) WHERE status = 'queued';
-- A consultant's current conversations (capacity, "my conversations").
CREATE INDEX escalations_assigned_idx ON escalations (assigned_to) WHERE status = 'assigned';

-- migrate:down
DROP INDEX escalations_assigned_idx;
DROP INDEX escalations_queue_idx;
DROP INDEX escalations_open_conversation_key;
DROP TABLE escalations;
