-- The reference librarian role (Ask a Librarian): widen the staff role CHECK constraint.
-- @rebuilds-tables
-- @sqlite
CREATE TABLE staff_rebuilt (
  id @ID@,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('administrator', 'editor', 'counter', 'verifier', 'cataloguer', 'reference')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
INSERT INTO staff_rebuilt (id, username, display_name, role, password_hash, disabled, created_at)
  SELECT id, username, display_name, role, password_hash, disabled, created_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_rebuilt RENAME TO staff;
-- @end
-- @postgres
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check
  CHECK (role IN ('administrator', 'editor', 'counter', 'verifier', 'cataloguer', 'reference'));
-- @end
