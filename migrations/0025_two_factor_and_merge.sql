-- Two-factor sign-in for staff (ADR 0022). Kept beside the staff table, not in it: the staff table is
-- rebuilt by other migrations (ADR 0013), and these rows are the staff member's second factor only.
-- The authenticator secret, sealed with the server secret (as registration data is, ADR 0012); confirmed once
-- the staff member has typed a first code; the last step accepted, so no code is accepted twice.
CREATE TABLE staff_totp (
  staff_id BIGINT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
  secret_key TEXT NOT NULL,
  secret_ciphertext TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT,
  last_used_step BIGINT
);
-- Single-use recovery codes, stored as keyed digests only.
CREATE TABLE staff_recovery_codes (
  staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  code_digest TEXT NOT NULL,
  used_at BIGINT,
  PRIMARY KEY (staff_id, code_digest)
);
-- Which roles must sign in with two factors; a role without a row does not.
CREATE TABLE staff_role_policies (
  role TEXT PRIMARY KEY,
  requires_two_factor INTEGER NOT NULL DEFAULT 0
);
-- Between the password and the code: the digest of the token in the sign-in cookie. Grants nothing but the
-- code form; a session is made only once the code is accepted.
CREATE TABLE staff_two_factor_challenges (
  id_digest TEXT PRIMARY KEY,
  staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL
);
CREATE INDEX staff_two_factor_challenges_by_created ON staff_two_factor_challenges (created_at);

-- Merging two records of one reader: the record merged away keeps its row (its card number stays taken, its
-- history points here) and names the record it went into. Its card stops working: status suspended, no
-- password or PIN, no sessions (app/reader_merge.cpp).
ALTER TABLE readers ADD COLUMN merged_into BIGINT REFERENCES readers (id);
ALTER TABLE readers ADD COLUMN merged_at BIGINT;
