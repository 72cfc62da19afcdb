-- Circulation: readers, items, loans, charges, fine suspension periods, lending rules, idempotency keys.
-- Invariants that concurrency could break live here: one open loan per item (a partial unique index),
-- one card number per reader, one barcode per item.

CREATE TABLE readers (
  id @ID@,
  card_number TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('adult', 'young_adult', 'child', 'temporary', 'e_account', 'staff')),
  status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'suspended', 'card_reported_lost', 'expired')),
  expires_on TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE items (
  id @ID@,
  barcode TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  title_key TEXT NOT NULL,
  item_type TEXT NOT NULL,
  collection TEXT NOT NULL,
  home_library_id BIGINT NOT NULL REFERENCES libraries (id),
  current_library_id BIGINT REFERENCES libraries (id),
  status TEXT NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'on_loan', 'in_transit', 'on_hold_shelf', 'missing', 'lost', 'withdrawn')),
  transit_to_library_id BIGINT REFERENCES libraries (id),
  call_number TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX items_by_title ON items (title_key);

CREATE TABLE loans (
  id @ID@,
  item_id BIGINT NOT NULL REFERENCES items (id),
  reader_id BIGINT REFERENCES readers (id),
  library_id BIGINT NOT NULL REFERENCES libraries (id),
  channel TEXT NOT NULL,
  checked_out_at BIGINT NOT NULL,
  due_on TEXT NOT NULL,
  times_renewed INTEGER NOT NULL DEFAULT 0,
  returned_at BIGINT,
  returned_library_id BIGINT REFERENCES libraries (id)
);
CREATE UNIQUE INDEX loans_one_open_per_item ON loans (item_id) WHERE returned_at IS NULL;
CREATE INDEX loans_open_by_reader ON loans (reader_id) WHERE returned_at IS NULL;

-- Every renewal gets a row; its id is the transaction reference number given to the reader.
CREATE TABLE loan_events (
  id @ID@,
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  kind TEXT NOT NULL CHECK (kind IN ('check_out', 'renew', 'check_in')),
  at BIGINT NOT NULL,
  due_on TEXT,
  staff_id BIGINT,
  override_reason TEXT
);

CREATE TABLE charges (
  id @ID@,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  loan_id BIGINT REFERENCES loans (id),
  kind TEXT NOT NULL CHECK (kind IN ('overdue', 'reservation_fee', 'replacement_card')),
  amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
  settled_cents BIGINT NOT NULL DEFAULT 0,
  explanation TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX charges_by_reader ON charges (reader_id);

CREATE TABLE fine_suspensions (
  id @ID@,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  library_ids TEXT NOT NULL DEFAULT '',
  library_kinds TEXT NOT NULL DEFAULT '',
  excluded_kinds TEXT NOT NULL DEFAULT '',
  borrowed_before TEXT,
  reason_en TEXT NOT NULL,
  reason_tc TEXT NOT NULL,
  CHECK (first_day <= last_day)
);

-- A retried request (a self-check machine resending, a double-clicked form) is answered from here.
CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  operation TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
