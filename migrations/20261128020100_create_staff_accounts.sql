-- migrate:up
CREATE TABLE staff_accounts (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored lower-cased: one person, one account, however the address is typed.
  email                text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
  display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
  role                 text NOT NULL CHECK (role IN ('consultant', 'admin')),
  -- argon2id PHC string; there is no default password.
  password_hash        text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  -- Set for a generated (one-time) password: the holder must choose their own before working.
  must_change_password boolean NOT NULL DEFAULT false,
  active               boolean NOT NULL DEFAULT true,
  -- Legal-field slugs the consultant knows best, for routing escalations later.
  field_slugs          text[] NOT NULL DEFAULT '{}',
  -- How many conversations the consultant takes at once.
  capacity             integer NOT NULL DEFAULT 3 CHECK (capacity BETWEEN 0 AND 50),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
-- Login finds an account by email, and two accounts must not differ only by letter case.
CREATE UNIQUE INDEX staff_accounts_email_key ON staff_accounts (lower(email));

-- migrate:down
DROP INDEX staff_accounts_email_key;
DROP TABLE staff_accounts;
