-- The audit trail (issue 15): the auditor role, audit rows that cannot be changed or deleted by the
-- application, and indexes for what the audit page filters by (ADR 0023).
-- @rebuilds-tables
-- @sqlite
CREATE TABLE staff_rebuilt (
  id @ID@,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL
    CHECK (role IN ('administrator', 'editor', 'counter', 'verifier', 'cataloguer', 'reference', 'auditor')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  last_sign_in_at BIGINT
);
INSERT INTO staff_rebuilt (id, username, display_name, role, password_hash, disabled, created_at, version,
                           must_change_password, last_sign_in_at)
  SELECT id, username, display_name, role, password_hash, disabled, created_at, version, must_change_password,
         last_sign_in_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_rebuilt RENAME TO staff;
-- @end
-- @postgres
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check
  CHECK (role IN ('administrator', 'editor', 'counter', 'verifier', 'cataloguer', 'reference', 'auditor'));
-- @end

-- Newest first within each filter, and keyset paging on (at, id).
DROP INDEX audit_log_by_time;
CREATE INDEX audit_log_by_time ON audit_log (at, id);
CREATE INDEX audit_log_by_staff ON audit_log (staff_id, at, id);
CREATE INDEX audit_log_by_subject ON audit_log (subject, at, id);
CREATE INDEX audit_log_by_action ON audit_log (action, at, id);

-- The one way rows leave audit_log: the retention prune sets this row's cutoffs (unix seconds) in its own
-- transaction, deletes the rows older than them, and sets them back to 0 before it commits, so no other
-- transaction ever sees a cutoff. Reads of personal data (actions ending in ".view") and everything else
-- have their own retention periods.
CREATE TABLE audit_prune_window (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  changes_before BIGINT NOT NULL DEFAULT 0,
  views_before BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_prune_window (id, changes_before, views_before) VALUES (1, 0, 0);

-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log rows cannot be changed');
END;
CREATE TRIGGER audit_log_prune_only BEFORE DELETE ON audit_log
WHEN OLD.at >= (SELECT CASE WHEN OLD.action LIKE '%.view' THEN views_before ELSE changes_before END
                FROM audit_prune_window WHERE id = 1)
BEGIN
  SELECT RAISE(ABORT, 'audit_log rows cannot be deleted, except by the retention prune');
END;
-- @end
-- @postgres
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < (SELECT CASE WHEN OLD.action LIKE '%.view' THEN views_before
                                                ELSE changes_before END
                                    FROM audit_prune_window WHERE id = 1) THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit_log rows cannot be deleted, except by the retention prune'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'audit_log rows cannot be changed' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log cannot be truncated' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
-- @end
