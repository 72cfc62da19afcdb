-- The foundation: the library directory, notices, staff accounts, sessions, login throttling, audit log.
-- Portable SQL for SQLite and PostgreSQL. @ID@ becomes the backend's auto-numbered primary key.
-- Times are UTC seconds since 1970 (BIGINT); calendar dates are ISO text (YYYY-MM-DD), which sorts right.

CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('network_version', 1);
INSERT INTO counters (name, value) VALUES ('notices_version', 1);

CREATE TABLE libraries (
  id @ID@,
  code TEXT NOT NULL UNIQUE,
  name_en TEXT NOT NULL,
  name_tc TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('central', 'major', 'district', 'small', 'mobile', 'self_service')),
  district TEXT NOT NULL,
  address_en TEXT NOT NULL,
  address_tc TEXT NOT NULL,
  phone TEXT NOT NULL,
  facilities TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE library_hours (
  library_id BIGINT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
  day_index INTEGER NOT NULL CHECK (day_index BETWEEN 0 AND 7),
  opens INTEGER NOT NULL,
  closes INTEGER NOT NULL,
  CHECK (opens >= 0 AND closes <= 1440 AND opens < closes)
);
CREATE INDEX library_hours_by_library ON library_hours (library_id, day_index);

CREATE TABLE special_hours (
  id @ID@,
  library_id BIGINT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  ranges TEXT NOT NULL,
  note_en TEXT NOT NULL,
  note_tc TEXT NOT NULL,
  UNIQUE (library_id, day)
);

CREATE TABLE closures (
  id @ID@,
  library_id BIGINT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  reason_en TEXT NOT NULL,
  reason_tc TEXT NOT NULL,
  CHECK (first_day <= last_day)
);
CREATE INDEX closures_by_library ON closures (library_id, first_day);

CREATE TABLE mobile_stops (
  id @ID@,
  library_id BIGINT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
  name_en TEXT NOT NULL,
  name_tc TEXT NOT NULL,
  district TEXT NOT NULL,
  address_en TEXT NOT NULL,
  address_tc TEXT NOT NULL,
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens INTEGER NOT NULL,
  closes INTEGER NOT NULL,
  CHECK (opens >= 0 AND closes <= 1440 AND opens < closes)
);
CREATE INDEX mobile_stops_by_library ON mobile_stops (library_id, weekday, opens);

CREATE TABLE holidays (
  day TEXT PRIMARY KEY,
  name_en TEXT NOT NULL,
  name_tc TEXT NOT NULL
);

CREATE TABLE staff (
  id @ID@,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('administrator', 'editor', 'counter', 'verifier', 'cataloguer')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE staff_sessions (
  id_digest TEXT PRIMARY KEY,
  staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_last_seen ON staff_sessions (last_seen_at);

CREATE TABLE notices (
  id @ID@,
  title_en TEXT NOT NULL,
  title_tc TEXT NOT NULL,
  body_en TEXT NOT NULL,
  body_tc TEXT NOT NULL,
  important INTEGER NOT NULL DEFAULT 0,
  all_libraries INTEGER NOT NULL DEFAULT 1,
  publish_at BIGINT NOT NULL,
  expire_at BIGINT,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  CHECK (expire_at IS NULL OR expire_at > publish_at)
);
CREATE INDEX notices_by_publication ON notices (publish_at, id);

CREATE TABLE notice_libraries (
  notice_id BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  library_id BIGINT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
  PRIMARY KEY (notice_id, library_id)
);
CREATE INDEX notice_libraries_by_library ON notice_libraries (library_id);

-- Failed logins by keyed digest of the account or the address; never the name or address itself.
CREATE TABLE auth_failures (
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX auth_failures_by_key ON auth_failures (key, at);

CREATE TABLE audit_log (
  id @ID@,
  at BIGINT NOT NULL,
  staff_id BIGINT,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at);
