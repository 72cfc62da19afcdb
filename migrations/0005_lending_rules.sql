-- Lending rules as data, editable by administrators: a rule picks a loan policy by reader category x item
-- type x collection x library (NULL = any); the most specific match wins, ties going to the lower id.
-- Seeded with the published HKPL rules, the same as domain::default_policies() (a store test compares them).
-- One rule per combination (the expression index), and the catch-all rule is never deleted (app/ refuses).
CREATE TABLE lending_rules (
  id @ID@,
  reader_category TEXT,
  item_type TEXT,
  collection TEXT,
  library_id BIGINT REFERENCES libraries (id) ON DELETE CASCADE,
  loanable INTEGER NOT NULL CHECK (loanable IN (0, 1)),
  reservable INTEGER NOT NULL CHECK (reservable IN (0, 1)),
  loan_days INTEGER NOT NULL CHECK (loan_days BETWEEN 1 AND 366),
  max_renewals INTEGER NOT NULL CHECK (max_renewals BETWEEN 0 AND 99),
  renewal_days INTEGER NOT NULL CHECK (renewal_days BETWEEN 1 AND 366),
  fine_per_day_cents BIGINT NOT NULL CHECK (fine_per_day_cents >= 0)
);
CREATE UNIQUE INDEX lending_rules_one_per_match ON lending_rules
  (COALESCE(reader_category, ''), COALESCE(item_type, ''), COALESCE(collection, ''), COALESCE(library_id, 0));

INSERT INTO lending_rules (reader_category, item_type, collection, library_id, loanable, reservable, loan_days,
                           max_renewals, renewal_days, fine_per_day_cents) VALUES
  (NULL, NULL, NULL, NULL, 1, 1, 14, 5, 14, 150),
  (NULL, NULL, 'young_adult', NULL, 1, 1, 14, 5, 14, 50),
  (NULL, NULL, 'children', NULL, 1, 1, 14, 5, 14, 50),
  (NULL, NULL, 'reference', NULL, 0, 0, 14, 5, 14, 150),
  (NULL, NULL, 'not_for_loan', NULL, 0, 0, 14, 5, 14, 150),
  (NULL, 'audio_visual', NULL, NULL, 1, 0, 14, 5, 14, 150),
  ('e_account', NULL, NULL, NULL, 0, 0, 14, 5, 14, 150),
  (NULL, 'e_book', NULL, NULL, 1, 1, 14, 5, 14, 0),
  ('e_account', 'e_book', NULL, NULL, 1, 1, 14, 5, 14, 0),
  (NULL, 'audio_visual', 'young_adult', NULL, 1, 0, 14, 5, 14, 50),
  (NULL, 'e_book', 'young_adult', NULL, 1, 1, 14, 5, 14, 0),
  ('e_account', 'e_book', 'young_adult', NULL, 1, 1, 14, 5, 14, 0),
  (NULL, 'audio_visual', 'children', NULL, 1, 0, 14, 5, 14, 50),
  (NULL, 'e_book', 'children', NULL, 1, 1, 14, 5, 14, 0),
  ('e_account', 'e_book', 'children', NULL, 1, 1, 14, 5, 14, 0);

-- The reader-wide limits: one row.
CREATE TABLE reader_limits (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_loans INTEGER NOT NULL,
  max_periodical_loans INTEGER NOT NULL,
  max_reservations INTEGER NOT NULL,
  reservation_fee_cents BIGINT NOT NULL,
  hold_shelf_days INTEGER NOT NULL,
  max_reservation_days INTEGER NOT NULL,
  fines_ceiling_cents BIGINT NOT NULL,
  block_when_overdue INTEGER NOT NULL CHECK (block_when_overdue IN (0, 1))
);
INSERT INTO reader_limits VALUES (1, 10, 20, 10, 330, 7, 365, 13000, 1);
