-- Students' Study Room admission cards: application periods with their sessions, readers' applications (one
-- per reader and period), the recorded draw and the admission cards. See docs/study-room.md and ADR 0014.

CREATE TABLE study_room_periods (
  id @ID@,
  library_id BIGINT NOT NULL REFERENCES libraries (id),
  title_en TEXT NOT NULL,
  title_tc TEXT NOT NULL,
  -- Local date-times ("2027-02-10T09:00"), as the library's notices give them.
  opens_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  places INTEGER NOT NULL CHECK (places > 0),
  priority_rule TEXT NOT NULL CHECK (priority_rule IN ('exam_candidates_first', 'none')),
  -- The last draw: its seed (16 hex digits) and algorithm, so that anyone can re-run it (ADR 0014).
  draw_seed TEXT,
  draw_algorithm TEXT,
  allocated_at BIGINT,
  allocated_by BIGINT REFERENCES staff (id),
  published_at BIGINT,
  published_by BIGINT REFERENCES staff (id),
  created_at BIGINT NOT NULL,
  created_by BIGINT REFERENCES staff (id)
);
CREATE INDEX study_room_periods_by_library ON study_room_periods (library_id, closes_at);

CREATE TABLE study_room_sessions (
  id @ID@,
  period_id BIGINT NOT NULL REFERENCES study_room_periods (id),
  number INTEGER NOT NULL,
  weekday_start TEXT NOT NULL,
  weekday_end TEXT NOT NULL,
  weekend_start TEXT NOT NULL,
  weekend_end TEXT NOT NULL,
  UNIQUE (period_id, number)
);

CREATE TABLE study_room_applications (
  id @ID@,
  period_id BIGINT NOT NULL REFERENCES study_room_periods (id),
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  session_number INTEGER NOT NULL,
  exam_candidate INTEGER NOT NULL,
  private_candidate INTEGER NOT NULL DEFAULT 0,
  school_name TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT 'pending'
    CHECK (outcome IN ('pending', 'successful', 'waiting', 'declined', 'withdrawn')),
  applied_at BIGINT NOT NULL,
  withdrawn_at BIGINT,
  -- From the draw: the place in the session's order (places first, then the waiting list).
  draw_position INTEGER,
  in_priority_group INTEGER NOT NULL DEFAULT 0,
  card_number TEXT UNIQUE,
  -- Digest of the token in the card's QR code; the token itself is never stored.
  card_token_digest TEXT UNIQUE
);
-- One application per reader and period: simultaneous submissions make one application. A withdrawn
-- application does not count, so the reader may apply again before the deadline.
CREATE UNIQUE INDEX study_room_one_application ON study_room_applications (period_id, reader_id)
  WHERE outcome <> 'withdrawn';
CREATE INDEX study_room_applications_by_reader ON study_room_applications (reader_id);
