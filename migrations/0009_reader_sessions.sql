-- Readers' sessions on the web (My Account), apart from staff sessions: a reader's session grants only the
-- reader's own account. The cookie carries a random token; only its digest is stored.
CREATE TABLE reader_sessions (
  id_digest TEXT PRIMARY KEY,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX reader_sessions_by_last_seen ON reader_sessions (last_seen_at);
CREATE INDEX reader_sessions_by_reader ON reader_sessions (reader_id);
