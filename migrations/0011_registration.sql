-- Online registration: applications (the applicant's form sealed with its own key), their documents
-- (re-encoded images, sealed), the record that remains when a document is destroyed, readers' identity and
-- contact details, and the outbox of messages to applicants and readers. See ADR 0012.

ALTER TABLE readers ADD COLUMN hkid_digest TEXT;
ALTER TABLE readers ADD COLUMN hkid_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE readers ADD COLUMN password_hash TEXT;
ALTER TABLE readers ADD COLUMN name_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE readers ADD COLUMN date_of_birth TEXT;
ALTER TABLE readers ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE readers ADD COLUMN mobile TEXT NOT NULL DEFAULT '';
ALTER TABLE readers ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE readers ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
-- Set when the reader's smart identity card is registered for library use (only its date of issue is kept:
-- the number is the HKID, known by its digest).
ALTER TABLE readers ADD COLUMN smart_id_issued_on TEXT;
-- One person, one account.
CREATE UNIQUE INDEX readers_one_per_hkid ON readers (hkid_digest) WHERE hkid_digest IS NOT NULL;

CREATE TABLE registration_applications (
  id @ID@,
  reference TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('e_account', 'library_card')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'verified', 'completed', 'rejected', 'expired')),
  -- Digest of the token in the applicant's cookie while the application is a draft.
  draft_digest TEXT UNIQUE,
  form_key TEXT,
  form_sealed TEXT,
  name_en TEXT NOT NULL DEFAULT '',
  name_zh TEXT NOT NULL DEFAULT '',
  name_key TEXT NOT NULL DEFAULT '',
  hkid_digest TEXT NOT NULL DEFAULT '',
  hkid_masked TEXT NOT NULL DEFAULT '',
  library_id BIGINT REFERENCES libraries (id),
  language TEXT NOT NULL DEFAULT 'en',
  terms_version TEXT NOT NULL DEFAULT '',
  terms_accepted_at BIGINT,
  details_valid INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  submitted_at BIGINT,
  decided_at BIGINT,
  decided_by BIGINT REFERENCES staff (id),
  decision TEXT NOT NULL DEFAULT '',
  reader_id BIGINT REFERENCES readers (id)
);
-- One application in progress per HKID: 20 simultaneous submissions make one application.
CREATE UNIQUE INDEX applications_one_in_progress ON registration_applications (hkid_digest)
  WHERE status IN ('submitted', 'verified');
CREATE INDEX applications_queue ON registration_applications (status, submitted_at);
CREATE INDEX applications_by_hkid ON registration_applications (hkid_digest);
CREATE INDEX applications_by_name ON registration_applications (name_key);
CREATE INDEX applications_by_update ON registration_applications (updated_at) WHERE status = 'draft';

CREATE TABLE registration_documents (
  id @ID@,
  application_id BIGINT NOT NULL REFERENCES registration_applications (id),
  kind TEXT NOT NULL CHECK (kind IN ('identity', 'address')),
  media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png')),
  byte_count BIGINT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  content_key TEXT NOT NULL,
  content TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  UNIQUE (application_id, kind)
);

CREATE TABLE registration_document_deletions (
  id @ID@,
  application_id BIGINT NOT NULL REFERENCES registration_applications (id),
  kind TEXT NOT NULL,
  media_type TEXT NOT NULL,
  byte_count BIGINT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  deleted_at BIGINT NOT NULL,
  decision TEXT NOT NULL,
  staff_id BIGINT
);
CREATE INDEX document_deletions_by_application ON registration_document_deletions (application_id);

CREATE TABLE outbound_messages (
  id @ID@,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  language TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  sent_at BIGINT,
  failed_at BIGINT,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbound_due ON outbound_messages (channel, next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbound_by_recipient ON outbound_messages (recipient);
