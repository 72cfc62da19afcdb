-- Catalogue: bibliographic records (MARC21) and their copies, and the change feed search nodes follow.
--
-- Storage choice (docs/adr/0010-catalogue-records-stored-as-marcxml.md): the record is kept whole, as one
-- MARCXML <record> element in UTF-8 (leader/09 'a'), so that nothing a cataloguer entered is lost, export and
-- Z39.50/SRU can hand it out as it is, and YAZ or any MARC tool can read it. What readers see
-- (domain::Bibliographic) is NOT stored as a JSON copy: it is derived from the MARC by the pure function
-- domain::extract_bibliographic() when a record is read (microseconds a record), so improving the
-- extraction never needs a data migration and the two can never disagree. Only what SQL itself must
-- filter or sort on is a column: title, format, audience, language, year.
CREATE TABLE bib_records (
  id @ID@,
  control_number TEXT NOT NULL UNIQUE,  -- 001; re-importing a record with the same 001 replaces it
  marc TEXT NOT NULL,                   -- MARCXML <record xmlns="http://www.loc.gov/MARC21/slim">, UTF-8
  title TEXT NOT NULL,                  -- 245 as readers see it (romanised form)
  format TEXT NOT NULL CHECK (format IN ('book', 'periodical', 'audio_visual', 'music_score', 'map', 'e_book',
                                         'other')),
  audience TEXT NOT NULL CHECK (audience IN ('adult', 'young_adult', 'children', 'unknown')),
  language TEXT NOT NULL DEFAULT '',    -- MARC language code ("eng", "chi"), or empty
  year INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

-- Copies belong to a record (NULL for copies entered before the catalogue existed, such as demo items).
ALTER TABLE items ADD COLUMN record_id BIGINT REFERENCES bib_records (id);
-- What the library paid or would charge to replace the copy, in cents; NULL when unknown.
ALTER TABLE items ADD COLUMN price_cents BIGINT CHECK (price_cents IS NULL OR price_cents >= 0);
CREATE INDEX items_by_record ON items (record_id);

-- Every insert or update of a record or of one of its copies appends a row here, in the same transaction.
-- Search nodes remember the last `position` they applied and read `WHERE position > ? ORDER BY position`.
-- `position` comes from the counter 'catalogue_feed', incremented by an UPDATE whose row lock is held to the
-- end of the transaction: positions are therefore handed out in commit order with no gaps, which identity
-- ids on PostgreSQL do not promise (a follower reading ids could skip one that commits late).
-- Loans and returns do not append: availability is read live from the items table.
CREATE TABLE catalogue_changes (
  id @ID@,
  position BIGINT NOT NULL UNIQUE,
  record_id BIGINT NOT NULL REFERENCES bib_records (id),
  changed_at BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('catalogue_feed', 0);
