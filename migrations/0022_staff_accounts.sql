-- Staff accounts administered on the web: a version for edits by two administrators at once, a flag that
-- sends the staff member to change their password at the next sign-in, and when they last signed in.
ALTER TABLE staff ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN last_sign_in_at BIGINT;
