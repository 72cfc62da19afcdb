-- Reservations (holds): title-level or copy-level, with a pick-up library and an expiry date. One active
-- reservation per reader and title, and one active reservation per copy it has been filled with, are
-- constraints, so racing requests cannot break them.

CREATE TABLE reservations (
  id @ID@,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  title_key TEXT NOT NULL,
  item_id BIGINT REFERENCES items (id),
  pickup_library_id BIGINT NOT NULL REFERENCES libraries (id),
  placed_at BIGINT NOT NULL,
  expires_on TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'in_transit', 'ready', 'collected', 'cancelled', 'expired')),
  filled_item_id BIGINT REFERENCES items (id),
  ready_on TEXT,
  collect_by TEXT,
  ended_at BIGINT
);
CREATE INDEX reservations_by_title ON reservations (title_key, status, placed_at);
CREATE INDEX reservations_by_reader ON reservations (reader_id, status);
CREATE UNIQUE INDEX reservations_one_active_per_reader_title ON reservations (reader_id, title_key)
  WHERE status IN ('waiting', 'in_transit', 'ready');
CREATE UNIQUE INDEX reservations_one_active_per_copy ON reservations (filled_item_id)
  WHERE status IN ('in_transit', 'ready');
