-- SIP2: the accounts self-service machines log in with (93), and readers' PINs.
-- A terminal account is bound to one library (where its loans and returns happen) and optionally to a list
-- of addresses it may connect from; its secret is stored as an argon2id hash, like staff passwords.
CREATE TABLE sip_accounts (
  id @ID@,
  username TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  library_id BIGINT NOT NULL REFERENCES libraries (id),
  -- What the machine is; its loans record it as their channel.
  kind TEXT NOT NULL DEFAULT 'self_check' CHECK (kind IN ('self_check', 'self_service_station', 'book_drop')),
  -- Space-separated IP addresses; empty: any address.
  allowed_addresses TEXT NOT NULL DEFAULT '',
  -- Address, e-mail, phone and birth date go to the terminal only when this is 1.
  send_personal_fields INTEGER NOT NULL DEFAULT 0 CHECK (send_personal_fields IN (0, 1)),
  -- 1: patron transactions need the reader's PIN (AD); 0: the card alone (book drops, staffed terminals).
  pin_required INTEGER NOT NULL DEFAULT 1 CHECK (pin_required IN (0, 1)),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at BIGINT NOT NULL
);

-- A reader's PIN for self-service machines (and later the web), as an argon2id hash. NULL: no PIN, so
-- PIN-protected SIP2 messages are refused for this reader.
ALTER TABLE readers ADD COLUMN pin_hash TEXT;
