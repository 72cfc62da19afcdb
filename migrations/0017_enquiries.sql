-- Ask a Librarian: enquiries (a reader's, or a non-reader's with name and email until anonymised), what staff
-- did with them, and the published frequently asked questions. See docs/ask.md.

CREATE TABLE enquiries (
  id @ID@,
  reference TEXT NOT NULL UNIQUE,
  -- A reader deleted (a registration withdrawn) leaves the enquiry without an enquirer.
  reader_id BIGINT REFERENCES readers (id) ON DELETE SET NULL,
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL CHECK (subject IN ('library_services', 'borrowing', 'reference', 'hong_kong_studies',
                                           'e_resources', 'other')),
  language TEXT NOT NULL CHECK (language IN ('en', 'tc')),
  question TEXT NOT NULL,
  library_id BIGINT REFERENCES libraries (id),
  status TEXT NOT NULL CHECK (status IN ('new', 'claimed', 'answered', 'closed', 'transferred')),
  claimed_by BIGINT REFERENCES staff (id),
  claimed_at BIGINT,
  submitted_at BIGINT NOT NULL,
  answered_at BIGINT,
  closed_at BIGINT,
  updated_at BIGINT NOT NULL,
  anonymised_at BIGINT
);
CREATE INDEX enquiries_queue ON enquiries (status, submitted_at);
CREATE INDEX enquiries_by_library ON enquiries (library_id, submitted_at);
CREATE INDEX enquiries_by_reader ON enquiries (reader_id);
CREATE INDEX enquiries_to_anonymise ON enquiries (closed_at) WHERE status = 'closed' AND anonymised_at IS NULL;

CREATE TABLE enquiry_events (
  id @ID@,
  enquiry_id BIGINT NOT NULL REFERENCES enquiries (id),
  at BIGINT NOT NULL,
  staff_id BIGINT REFERENCES staff (id),
  kind TEXT NOT NULL CHECK (kind IN ('claim', 'reply', 'transfer', 'close')),
  body TEXT NOT NULL DEFAULT '',
  from_library_id BIGINT REFERENCES libraries (id),
  to_library_id BIGINT REFERENCES libraries (id)
);
CREATE INDEX enquiry_events_of_enquiry ON enquiry_events (enquiry_id, id);

CREATE TABLE faq_entries (
  id @ID@,
  enquiry_id BIGINT REFERENCES enquiries (id),
  question_en TEXT NOT NULL DEFAULT '',
  answer_en TEXT NOT NULL DEFAULT '',
  question_tc TEXT NOT NULL DEFAULT '',
  answer_tc TEXT NOT NULL DEFAULT '',
  published INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by BIGINT REFERENCES staff (id)
);
CREATE INDEX faq_entries_published ON faq_entries (published, created_at);
