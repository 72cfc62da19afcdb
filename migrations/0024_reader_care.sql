-- Looking after a reader (staff, issue 15; ADR 0021): a version every staff change raises (two staff editing
-- one reader: the second is told), blocks staff put on an account with an optional last day (they lift
-- themselves by the date), internal notes and notes to the reader (shown until acknowledged), each change of
-- status with who made it and why, and the guarantor of a reader registered under 18. The expiry reminder is
-- recorded once per reader and expiry date in reader_notices_sent (kind 'membership_expiring').
ALTER TABLE readers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE reader_blocks (
  id @ID@,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  reason TEXT NOT NULL CHECK (reason IN ('unpaid_replacement', 'misconduct', 'damaged_items', 'other')),
  note TEXT NOT NULL DEFAULT '',
  starts_on TEXT NOT NULL,
  ends_on TEXT,
  created_by BIGINT REFERENCES staff (id),
  created_at BIGINT NOT NULL,
  lifted_by BIGINT REFERENCES staff (id),
  lifted_at BIGINT
);
CREATE INDEX reader_blocks_by_reader ON reader_blocks (reader_id);

CREATE TABLE reader_notes (
  id @ID@,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  kind TEXT NOT NULL CHECK (kind IN ('internal', 'to_reader')),
  body TEXT NOT NULL,
  created_by BIGINT REFERENCES staff (id),
  created_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by BIGINT REFERENCES staff (id)  -- null when the reader acknowledged it in My Account
);
CREATE INDEX reader_notes_by_reader ON reader_notes (reader_id);

CREATE TABLE reader_status_history (
  id @ID@,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  staff_id BIGINT REFERENCES staff (id),
  at BIGINT NOT NULL
);
CREATE INDEX reader_status_history_by_reader ON reader_status_history (reader_id);

CREATE TABLE reader_guarantors (
  reader_id BIGINT PRIMARY KEY REFERENCES readers (id),
  name TEXT NOT NULL,
  relationship TEXT NOT NULL CHECK (relationship IN ('parent', 'guardian')),
  phone TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
);

CREATE INDEX readers_by_expiry ON readers (expires_on);
