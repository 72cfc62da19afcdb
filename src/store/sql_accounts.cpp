#include "store/sql_accounts.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

class SqlStaff final : public app::StaffRepository {
 public:
  explicit SqlStaff(Connection& connection) : c_(connection) {}

  std::optional<app::StaffRecord> by_username(const std::string& username) override {
    auto rows = c_.query(std::string(kSelect) + " WHERE username = ?", {username});
    if (rows.empty()) return std::nullopt;
    return app::StaffRecord{user_of(rows[0]), rows[0].text(8)};
  }

  std::optional<domain::StaffUser> by_id(long long id) override {
    auto rows = c_.query(std::string(kSelect) + " WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return user_of(rows[0]);
  }

  long long insert(const domain::StaffUser& user, const std::string& password_hash, Instant created_at) override {
    return insert_returning_id(
        c_,
        "INSERT INTO staff (username, display_name, role, password_hash, disabled, must_change_password, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {user.username, user.display_name, std::string(domain::role_code(user.role)), password_hash,
         user.disabled ? 1LL : 0LL, user.must_change_password ? 1LL : 0LL, unix_of(created_at)});
  }

  std::vector<domain::StaffUser> all() override {
    std::vector<domain::StaffUser> users;
    for (const auto& row : c_.query(std::string(kSelect) + " ORDER BY username")) users.push_back(user_of(row));
    return users;
  }

  bool update(const domain::StaffUser& user, long long expected_version) override {
    return c_.execute(
               "UPDATE staff SET display_name = ?, role = ?, disabled = ?, must_change_password = ?, "
               "version = version + 1 WHERE id = ? AND version = ?",
               {user.display_name, std::string(domain::role_code(user.role)), user.disabled ? 1LL : 0LL,
                user.must_change_password ? 1LL : 0LL, user.id, expected_version}) == 1;
  }

  void set_password(long long id, const std::string& password_hash, bool must_change) override {
    c_.execute("UPDATE staff SET password_hash = ?, must_change_password = ? WHERE id = ?",
               {password_hash, must_change ? 1LL : 0LL, id});
  }

  void record_sign_in(long long id, Instant at) override {
    c_.execute("UPDATE staff SET last_sign_in_at = ? WHERE id = ?", {unix_of(at), id});
  }

 private:
  static constexpr const char* kSelect =
      "SELECT id, username, display_name, role, disabled, version, must_change_password, last_sign_in_at, "
      "password_hash FROM staff";
  static domain::StaffUser user_of(const Row& row) {
    domain::StaffUser user{row.integer(0), row.text(1), row.text(2),
                           domain::parse_role(row.text(3)).value_or(domain::Role::kCounter), row.integer(4) != 0};
    user.version = row.integer(5);
    user.must_change_password = row.integer(6) != 0;
    if (!row.is_null(7)) user.last_sign_in_at = instant_from_unix(row.integer(7));
    return user;
  }
  Connection& c_;
};

class SqlSessions final : public app::SessionRepository {
 public:
  explicit SqlSessions(Connection& connection) : c_(connection) {}
  void insert(const app::StaffSession& session) override {
    c_.execute(
        "INSERT INTO staff_sessions (id_digest, staff_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
        {session.id_digest, session.staff_id, session.csrf_token, unix_of(session.created_at),
         unix_of(session.last_seen_at)});
  }
  std::optional<app::StaffSession> by_digest(const std::string& id_digest) override {
    auto rows = c_.query(
        "SELECT id_digest, staff_id, csrf_token, created_at, last_seen_at FROM staff_sessions WHERE id_digest = ?",
        {id_digest});
    if (rows.empty()) return std::nullopt;
    return app::StaffSession{rows[0].text(0), rows[0].integer(1), rows[0].text(2),
                             instant_from_unix(rows[0].integer(3)), instant_from_unix(rows[0].integer(4))};
  }
  void touch(const std::string& id_digest, Instant at) override {
    c_.execute("UPDATE staff_sessions SET last_seen_at = ? WHERE id_digest = ?", {unix_of(at), id_digest});
  }
  void remove(const std::string& id_digest) override {
    c_.execute("DELETE FROM staff_sessions WHERE id_digest = ?", {id_digest});
  }
  void remove_idle(Instant last_seen_before) override {
    c_.execute("DELETE FROM staff_sessions WHERE last_seen_at < ?", {unix_of(last_seen_before)});
  }
  void remove_all_of_staff(long long staff_id, const std::string& except_digest) override {
    c_.execute("DELETE FROM staff_sessions WHERE staff_id = ? AND id_digest <> ?", {staff_id, except_digest});
  }

 private:
  Connection& c_;
};

class SqlAuthFailures final : public app::AuthFailureRepository {
 public:
  explicit SqlAuthFailures(Connection& connection) : c_(connection) {}
  std::vector<Instant> since(const std::string& key, Instant since) override {
    std::vector<Instant> out;
    for (const auto& row : c_.query("SELECT at FROM auth_failures WHERE key = ? AND at > ?", {key, unix_of(since)}))
      out.push_back(instant_from_unix(row.integer(0)));
    return out;
  }
  void record(const std::string& key, Instant at) override {
    c_.execute("INSERT INTO auth_failures (key, at) VALUES (?, ?)", {key, unix_of(at)});
    // Old failures are of no use to the throttle; keep the table small.
    c_.execute("DELETE FROM auth_failures WHERE key = ? AND at < ?", {key, unix_of(at) - 86400});
  }
  void clear(const std::string& key) override { c_.execute("DELETE FROM auth_failures WHERE key = ?", {key}); }
  long long forget_before(Instant before) override {
    return c_.execute("DELETE FROM auth_failures WHERE at < ?", {unix_of(before)});
  }

 private:
  Connection& c_;
};

class SqlReaderSessions final : public app::ReaderSessionRepository {
 public:
  explicit SqlReaderSessions(Connection& connection) : c_(connection) {}
  void insert(const app::ReaderSession& session) override {
    c_.execute(
        "INSERT INTO reader_sessions (id_digest, reader_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, "
        "?)",
        {session.id_digest, session.reader_id, session.csrf_token, unix_of(session.created_at),
         unix_of(session.last_seen_at)});
  }
  std::optional<app::ReaderSession> by_digest(const std::string& id_digest) override {
    auto rows = c_.query(
        "SELECT id_digest, reader_id, csrf_token, created_at, last_seen_at FROM reader_sessions WHERE id_digest = ?",
        {id_digest});
    if (rows.empty()) return std::nullopt;
    return app::ReaderSession{rows[0].text(0), rows[0].integer(1), rows[0].text(2),
                              instant_from_unix(rows[0].integer(3)), instant_from_unix(rows[0].integer(4))};
  }
  void touch(const std::string& id_digest, Instant at) override {
    c_.execute("UPDATE reader_sessions SET last_seen_at = ? WHERE id_digest = ?", {unix_of(at), id_digest});
  }
  void remove(const std::string& id_digest) override {
    c_.execute("DELETE FROM reader_sessions WHERE id_digest = ?", {id_digest});
  }
  void remove_all_of_reader(long long reader_id, const std::string& except_digest) override {
    c_.execute("DELETE FROM reader_sessions WHERE reader_id = ? AND id_digest <> ?", {reader_id, except_digest});
  }
  void remove_idle(Instant last_seen_before) override {
    c_.execute("DELETE FROM reader_sessions WHERE last_seen_at < ?", {unix_of(last_seen_before)});
  }

 private:
  Connection& c_;
};

class SqlCalendarFeeds final : public app::CalendarFeedRepository {
 public:
  explicit SqlCalendarFeeds(Connection& connection) : c_(connection) {}
  void set(long long reader_id, const std::string& token_digest, Instant at) override {
    c_.execute("DELETE FROM calendar_feeds WHERE reader_id = ?", {reader_id});
    c_.execute("INSERT INTO calendar_feeds (reader_id, token_digest, created_at) VALUES (?, ?, ?)",
               {reader_id, token_digest, unix_of(at)});
  }
  void remove(long long reader_id) override {
    c_.execute("DELETE FROM calendar_feeds WHERE reader_id = ?", {reader_id});
  }
  bool exists(long long reader_id) override {
    return !c_.query("SELECT 1 FROM calendar_feeds WHERE reader_id = ?", {reader_id}).empty();
  }
  std::optional<long long> reader_by_token(const std::string& token_digest) override {
    auto rows = c_.query("SELECT reader_id FROM calendar_feeds WHERE token_digest = ?", {token_digest});
    if (rows.empty()) return std::nullopt;
    return rows[0].integer(0);
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::StaffRepository> staff_repository(Connection& connection) {
  return std::make_unique<SqlStaff>(connection);
}
std::unique_ptr<app::SessionRepository> session_repository(Connection& connection) {
  return std::make_unique<SqlSessions>(connection);
}
std::unique_ptr<app::AuthFailureRepository> auth_failure_repository(Connection& connection) {
  return std::make_unique<SqlAuthFailures>(connection);
}
std::unique_ptr<app::ReaderSessionRepository> reader_session_repository(Connection& connection) {
  return std::make_unique<SqlReaderSessions>(connection);
}
std::unique_ptr<app::CalendarFeedRepository> calendar_feed_repository(Connection& connection) {
  return std::make_unique<SqlCalendarFeeds>(connection);
}

}  // namespace shelfmark::store
