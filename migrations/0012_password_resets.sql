-- Password reset links sent by email: the token is in the link, only its digest here. A link works once,
-- until it expires.
CREATE TABLE password_resets (
  token_digest TEXT PRIMARY KEY,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX password_resets_by_reader ON password_resets (reader_id);
