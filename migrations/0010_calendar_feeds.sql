-- A reader's private calendar feed of due dates: the URL carries a random token, the table its digest. The
-- reader can revoke it (the row goes) and make a new one; one feed per reader.
CREATE TABLE calendar_feeds (
  reader_id BIGINT PRIMARY KEY REFERENCES readers (id),
  token_digest TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
