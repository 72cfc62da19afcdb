-- Finding a reader at the staff desk (ADR 0020). Each reader's name keys: the folded words of the English
-- name and every suffix of the Chinese name, so that a search is a range scan of an index whatever part of the
-- name is typed. Kept by store::index_reader_names wherever a reader's names are written; the rows that exist
-- when this migration runs are filled in by the same function right after it (store/migrations.cpp).
-- @sqlite
CREATE TABLE reader_name_keys (
  name_key TEXT NOT NULL,
  reader_id BIGINT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
  PRIMARY KEY (name_key, reader_id)
) WITHOUT ROWID;
-- @end
-- @postgres
CREATE TABLE reader_name_keys (
  name_key TEXT COLLATE "C" NOT NULL,
  reader_id BIGINT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
  PRIMARY KEY (name_key, reader_id)
);
-- @end
CREATE INDEX reader_name_keys_by_reader ON reader_name_keys (reader_id, name_key);
-- Emails are stored with the case of their local part as typed; staff search them case-insensitively.
CREATE INDEX readers_by_email ON readers (lower(email)) WHERE email <> '';
CREATE INDEX readers_by_mobile ON readers (mobile) WHERE mobile <> '';
