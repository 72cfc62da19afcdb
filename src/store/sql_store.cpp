#include "store/sql_store.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "core/text.h"
#include "store/sql_catalogue.h"
#include "store/sql_circulation.h"
#include "store/sql_activities.h"
#include "store/sql_registration.h"
#include "store/sql_values.h"
#include "store/sql_enquiries.h"
#include "store/sql_study_room.h"
#include "store/sql_sip.h"

namespace shelfmark::store {
namespace {

using app::StoreError;
using domain::Library;


std::string join_facilities(const std::vector<domain::Facility>& facilities) {
  std::string out;
  for (auto facility : facilities) {
    if (!out.empty()) out += ',';
    out += domain::facility_code(facility);
  }
  return out;
}

std::vector<domain::Facility> split_facilities(const std::string& text) {
  std::vector<domain::Facility> out;
  if (text.empty()) return out;
  for (auto code : split(text, ','))
    if (auto facility = domain::parse_facility(code)) out.push_back(*facility);
  return out;
}

void bump(Connection& connection, const char* counter) {
  connection.execute("UPDATE counters SET value = value + 1 WHERE name = ?", {std::string(counter)});
}

long long read_counter(Connection& connection, const char* counter) {
  auto rows = connection.query("SELECT value FROM counters WHERE name = ?", {std::string(counter)});
  return rows.empty() ? 0 : rows[0].integer(0);
}

long long insert_returning_id(Connection& connection, const std::string& sql, const Params& params) {
  auto rows = connection.query(sql + " RETURNING id", params);
  return rows.at(0).integer(0);
}

class SqlLibraries final : public app::LibraryRepository {
 public:
  explicit SqlLibraries(Connection& connection) : c_(connection) {}

  std::vector<Library> all() override { return load("", {}); }

  std::optional<Library> by_code(const std::string& code) override {
    auto found = load(" WHERE code = ?", {code});
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  long long insert(const Library& library) override {
    const auto id = insert_returning_id(
        c_,
        "INSERT INTO libraries (code, name_en, name_tc, kind, district, address_en, address_tc, phone, facilities) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {library.code, library.name.en, library.name.tc, std::string(domain::library_kind_code(library.kind)),
         std::string(domain::district_code(library.district)), library.address.en, library.address.tc, library.phone,
         join_facilities(library.facilities)});
    write_hours(id, library.hours);
    for (const auto& special : library.special_hours) add_special_hours(id, special);
    for (const auto& closure : library.closures) add_closure(id, closure);
    for (const auto& stop : library.stops) add_stop(id, stop);
    bump(c_, "network_version");
    return id;
  }

  long long add_stop(long long library_id, const domain::MobileStop& stop) override {
    const auto id = insert_returning_id(
        c_,
        "INSERT INTO mobile_stops (library_id, name_en, name_tc, district, address_en, address_tc, weekday, opens, "
        "closes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {library_id, stop.name.en, stop.name.tc, std::string(domain::district_code(stop.district)), stop.address.en,
         stop.address.tc, static_cast<long long>(stop.weekday), static_cast<long long>(stop.time.opens),
         static_cast<long long>(stop.time.closes)});
    bump(c_, "network_version");
    return id;
  }

  bool remove_stop(long long library_id, long long stop_id) override {
    const auto changed = c_.execute("DELETE FROM mobile_stops WHERE id = ? AND library_id = ?", {stop_id, library_id});
    if (changed) bump(c_, "network_version");
    return changed == 1;
  }

  bool update_details(long long id, long long expected_version, const domain::LibraryDetails& details) override {
    const auto changed = c_.execute(
        "UPDATE libraries SET name_en = ?, name_tc = ?, address_en = ?, address_tc = ?, phone = ?, district = ?, "
        "kind = ?, facilities = ?, version = version + 1 WHERE id = ? AND version = ?",
        {details.name.en, details.name.tc, details.address.en, details.address.tc, details.phone,
         std::string(domain::district_code(details.district)), std::string(domain::library_kind_code(details.kind)),
         join_facilities(details.facilities), id, expected_version});
    if (changed == 1) bump(c_, "network_version");
    return changed == 1;
  }

  bool set_weekly_hours(long long id, long long expected_version, const domain::WeeklyHours& hours) override {
    const auto changed =
        c_.execute("UPDATE libraries SET version = version + 1 WHERE id = ? AND version = ?", {id, expected_version});
    if (changed != 1) return false;
    c_.execute("DELETE FROM library_hours WHERE library_id = ?", {id});
    write_hours(id, hours);
    bump(c_, "network_version");
    return true;
  }

  long long add_special_hours(long long library_id, const domain::SpecialHours& special) override {
    const auto id = insert_returning_id(
        c_, "INSERT INTO special_hours (library_id, day, ranges, note_en, note_tc) VALUES (?, ?, ?, ?, ?)",
        {library_id, format_iso_date(special.date), domain::format_time_ranges(special.ranges), special.note.en,
         special.note.tc});
    bump(c_, "network_version");
    return id;
  }

  bool remove_special_hours(long long library_id, long long special_id) override {
    const auto changed =
        c_.execute("DELETE FROM special_hours WHERE id = ? AND library_id = ?", {special_id, library_id});
    if (changed) bump(c_, "network_version");
    return changed == 1;
  }

  long long add_closure(long long library_id, const domain::Closure& closure) override {
    const auto id = insert_returning_id(
        c_, "INSERT INTO closures (library_id, first_day, last_day, reason_en, reason_tc) VALUES (?, ?, ?, ?, ?)",
        {library_id, format_iso_date(closure.first_day), format_iso_date(closure.last_day), closure.reason.en,
         closure.reason.tc});
    bump(c_, "network_version");
    return id;
  }

  bool remove_closure(long long library_id, long long closure_id) override {
    const auto changed = c_.execute("DELETE FROM closures WHERE id = ? AND library_id = ?", {closure_id, library_id});
    if (changed) bump(c_, "network_version");
    return changed == 1;
  }

  domain::HolidayCalendar holidays() override {
    domain::HolidayCalendar calendar;
    for (const auto& row : c_.query("SELECT day, name_en, name_tc FROM holidays ORDER BY day"))
      calendar.holidays.push_back({row.date(0), {row.text(1), row.text(2)}});
    return calendar;
  }

  void add_holiday(const domain::Holiday& holiday) override {
    c_.execute("INSERT INTO holidays (day, name_en, name_tc) VALUES (?, ?, ?)",
               {format_iso_date(holiday.date), holiday.name.en, holiday.name.tc});
    bump(c_, "network_version");
  }

  bool remove_holiday(Date date) override {
    const auto changed = c_.execute("DELETE FROM holidays WHERE day = ?", {format_iso_date(date)});
    if (changed) bump(c_, "network_version");
    return changed == 1;
  }

  long long network_version() override { return read_counter(c_, "network_version"); }

 private:
  void write_hours(long long id, const domain::WeeklyHours& hours) {
    for (int day = 0; day < 8; ++day)
      for (const auto& range : hours.days[day])
        c_.execute("INSERT INTO library_hours (library_id, day_index, opens, closes) VALUES (?, ?, ?, ?)",
                   {id, static_cast<long long>(day), static_cast<long long>(range.opens),
                    static_cast<long long>(range.closes)});
  }

  std::vector<Library> load(const std::string& where, const Params& params) {
    std::vector<Library> libraries;
    for (const auto& row : c_.query("SELECT id, code, name_en, name_tc, kind, district, address_en, address_tc, "
                                    "phone, facilities, version FROM libraries" +
                                        where + " ORDER BY district, name_en",
                                    params)) {
      Library library;
      library.id = row.integer(0);
      library.code = row.text(1);
      library.name = {row.text(2), row.text(3)};
      library.kind = domain::parse_library_kind(row.text(4)).value_or(domain::LibraryKind::kDistrict);
      library.district = domain::parse_district(row.text(5)).value_or(domain::District::kCentralWestern);
      library.address = {row.text(6), row.text(7)};
      library.phone = row.text(8);
      library.facilities = split_facilities(row.text(9));
      library.version = row.integer(10);
      libraries.push_back(std::move(library));
    }
    if (libraries.empty()) return libraries;
    // Children are read whole (a network has at most a few hundred libraries) or for the one library.
    const std::string child_where = libraries.size() == 1 ? " WHERE library_id = ?" : "";
    const Params child_params = libraries.size() == 1 ? Params{libraries.front().id} : Params{};
    auto find = [&](long long id) -> Library* {
      for (auto& library : libraries)
        if (library.id == id) return &library;
      return nullptr;
    };
    for (const auto& row : c_.query("SELECT library_id, day_index, opens, closes FROM library_hours" + child_where +
                                        " ORDER BY library_id, day_index, opens",
                                    child_params))
      if (auto* library = find(row.integer(0)))
        library->hours.days.at(row.integer(1))
            .push_back({static_cast<int>(row.integer(2)), static_cast<int>(row.integer(3))});
    for (const auto& row : c_.query(
             "SELECT library_id, id, day, ranges, note_en, note_tc FROM special_hours" + child_where + " ORDER BY day",
             child_params))
      if (auto* library = find(row.integer(0))) {
        auto ranges = domain::parse_time_ranges(row.text(3));
        library->special_hours.push_back({row.integer(1),
                                          row.date(2),
                                          ranges ? ranges.value() : std::vector<domain::TimeRange>{},
                                          {row.text(4), row.text(5)}});
      }
    for (const auto& row : c_.query("SELECT library_id, id, first_day, last_day, reason_en, reason_tc FROM closures" +
                                        child_where + " ORDER BY first_day",
                                    child_params))
      if (auto* library = find(row.integer(0)))
        library->closures.push_back({row.integer(1), row.date(2), row.date(3), {row.text(4), row.text(5)}});
    for (const auto& row : c_.query("SELECT library_id, id, name_en, name_tc, district, address_en, address_tc, "
                                    "weekday, opens, closes FROM mobile_stops" +
                                        child_where + " ORDER BY weekday, opens",
                                    child_params))
      if (auto* library = find(row.integer(0)))
        library->stops.push_back({row.integer(1),
                                  {row.text(2), row.text(3)},
                                  domain::parse_district(row.text(4)).value_or(library->district),
                                  {row.text(5), row.text(6)},
                                  static_cast<int>(row.integer(7)),
                                  {static_cast<int>(row.integer(8)), static_cast<int>(row.integer(9))}});
    return libraries;
  }

  Connection& c_;
};

class SqlNotices final : public app::NoticeRepository {
 public:
  explicit SqlNotices(Connection& connection) : c_(connection) {}

  app::NoticePage published(Instant now, std::optional<long long> library_id, int limit, int offset) override {
    std::string where = " WHERE publish_at <= ? AND (expire_at IS NULL OR expire_at > ?)";
    Params params{unix_of(now), unix_of(now)};
    if (library_id) {
      where +=
          " AND (all_libraries = 1 OR EXISTS (SELECT 1 FROM notice_libraries nl WHERE nl.notice_id = notices.id "
          "AND nl.library_id = ?))";
      params.push_back(*library_id);
    }
    return page(where, params, limit, offset);
  }

  std::vector<domain::Notice> important_unexpired(Instant now) override {
    return page(" WHERE important = 1 AND (expire_at IS NULL OR expire_at > ?)", {unix_of(now)}, 1000, 0).notices;
  }

  app::NoticePage all(int limit, int offset) override { return page("", {}, limit, offset); }

  std::optional<domain::Notice> by_id(long long id) override {
    auto found = page(" WHERE id = ?", {id}, 1, 0).notices;
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  long long insert(const domain::Notice& notice) override {
    const auto id = insert_returning_id(
        c_,
        "INSERT INTO notices (title_en, title_tc, body_en, body_tc, important, all_libraries, publish_at, expire_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        {notice.title.en, notice.title.tc, notice.body.en, notice.body.tc, notice.important ? 1LL : 0LL,
         notice.library_ids.empty() ? 1LL : 0LL, unix_of(notice.publish_at), expire_value(notice),
         unix_of(notice.updated_at)});
    write_libraries(id, notice.library_ids);
    bump(c_, "notices_version");
    return id;
  }

  bool update(const domain::Notice& notice, long long expected_version) override {
    const auto changed = c_.execute(
        "UPDATE notices SET title_en = ?, title_tc = ?, body_en = ?, body_tc = ?, important = ?, all_libraries = ?, "
        "publish_at = ?, expire_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
        {notice.title.en, notice.title.tc, notice.body.en, notice.body.tc, notice.important ? 1LL : 0LL,
         notice.library_ids.empty() ? 1LL : 0LL, unix_of(notice.publish_at), expire_value(notice),
         unix_of(notice.updated_at), notice.id, expected_version});
    if (changed != 1) return false;
    c_.execute("DELETE FROM notice_libraries WHERE notice_id = ?", {notice.id});
    write_libraries(notice.id, notice.library_ids);
    bump(c_, "notices_version");
    return true;
  }

  long long notices_version() override { return read_counter(c_, "notices_version"); }

 private:
  static Value expire_value(const domain::Notice& notice) {
    if (notice.expire_at) return unix_of(*notice.expire_at);
    return nullptr;
  }

  void write_libraries(long long id, const std::vector<long long>& library_ids) {
    for (auto library_id : library_ids)
      c_.execute("INSERT INTO notice_libraries (notice_id, library_id) VALUES (?, ?)", {id, library_id});
  }

  app::NoticePage page(const std::string& where, Params params, int limit, int offset) {
    app::NoticePage result;
    result.total = c_.query("SELECT COUNT(*) FROM notices" + where, params).at(0).integer(0);
    params.push_back(static_cast<long long>(limit));
    params.push_back(static_cast<long long>(offset));
    std::string ids;
    for (const auto& row :
         c_.query("SELECT id, title_en, title_tc, body_en, body_tc, important, all_libraries, publish_at, expire_at, "
                  "updated_at, version FROM notices" +
                      where + " ORDER BY publish_at DESC, id DESC LIMIT ? OFFSET ?",
                  params)) {
      domain::Notice notice;
      notice.id = row.integer(0);
      notice.title = {row.text(1), row.text(2)};
      notice.body = {row.text(3), row.text(4)};
      notice.important = row.integer(5) != 0;
      notice.publish_at = instant_from_unix(row.integer(7));
      if (auto expire = row.optional_integer(8)) notice.expire_at = instant_from_unix(*expire);
      notice.updated_at = instant_from_unix(row.integer(9));
      notice.version = row.integer(10);
      if (row.integer(6) == 0) ids += (ids.empty() ? "" : ",") + std::to_string(notice.id);
      result.notices.push_back(std::move(notice));
    }
    if (!ids.empty()) {
      // ids are integers we formatted ourselves, so building the IN list is safe.
      for (const auto& row : c_.query("SELECT notice_id, library_id FROM notice_libraries WHERE notice_id IN (" + ids +
                                      ") ORDER BY library_id"))
        for (auto& notice : result.notices)
          if (notice.id == row.integer(0)) notice.library_ids.push_back(row.integer(1));
    }
    return result;
  }

  Connection& c_;
};

class SqlStaff final : public app::StaffRepository {
 public:
  explicit SqlStaff(Connection& connection) : c_(connection) {}

  std::optional<app::StaffRecord> by_username(const std::string& username) override {
    auto rows = c_.query(std::string(kSelect) + " WHERE username = ?", {username});
    if (rows.empty()) return std::nullopt;
    return app::StaffRecord{user_of(rows[0]), rows[0].text(5)};
  }

  std::optional<domain::StaffUser> by_id(long long id) override {
    auto rows = c_.query(std::string(kSelect) + " WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return user_of(rows[0]);
  }

  long long insert(const domain::StaffUser& user, const std::string& password_hash, Instant created_at) override {
    return insert_returning_id(c_,
                               "INSERT INTO staff (username, display_name, role, password_hash, disabled, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               {user.username, user.display_name, std::string(domain::role_code(user.role)),
                                password_hash, user.disabled ? 1LL : 0LL, unix_of(created_at)});
  }

  std::vector<domain::StaffUser> all() override {
    std::vector<domain::StaffUser> users;
    for (const auto& row : c_.query(std::string(kSelect) + " ORDER BY username")) users.push_back(user_of(row));
    return users;
  }

 private:
  static constexpr const char* kSelect = "SELECT id, username, display_name, role, disabled, password_hash FROM staff";
  static domain::StaffUser user_of(const Row& row) {
    return {row.integer(0), row.text(1), row.text(2), domain::parse_role(row.text(3)).value_or(domain::Role::kCounter),
            row.integer(4) != 0};
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

class SqlJobs final : public app::JobRepository {
 public:
  explicit SqlJobs(Connection& connection) : c_(connection) {}
  void ensure(const std::string& name, Instant first_run_at) override {
    c_.execute("INSERT INTO job_schedule (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
               {name, unix_of(first_run_at)});
  }
  bool claim(const std::string& name, Instant now, Instant lease_until) override {
    // One UPDATE decides: of many nodes trying at once, exactly one changes the row.
    return c_.execute(
               "UPDATE job_schedule SET claimed_until = ? WHERE name = ? AND next_run_at <= ? AND "
               "(claimed_until IS NULL OR claimed_until < ?)",
               {unix_of(lease_until), name, unix_of(now), unix_of(now)}) == 1;
  }
  void finish(const std::string& name, Instant ran_at, Instant next_run_at, const std::string& summary) override {
    c_.execute(
        "UPDATE job_schedule SET claimed_until = NULL, last_run_at = ?, next_run_at = ?, last_summary = ? "
        "WHERE name = ?",
        {unix_of(ran_at), unix_of(next_run_at), summary, name});
  }

 private:
  Connection& c_;
};

class SqlAudit final : public app::AuditLog {
 public:
  explicit SqlAudit(Connection& connection) : c_(connection) {}
  void record(const app::AuditEntry& entry) override {
    Value staff = nullptr;
    if (entry.staff_id) staff = *entry.staff_id;
    c_.execute("INSERT INTO audit_log (at, staff_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
               {unix_of(entry.at), staff, entry.action, entry.subject, entry.detail});
  }
  std::vector<app::AuditEntry> recent(int limit) override {
    std::vector<app::AuditEntry> out;
    for (const auto& row :
         c_.query("SELECT at, staff_id, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?",
                  {static_cast<long long>(limit)}))
      out.push_back(
          {instant_from_unix(row.integer(0)), row.optional_integer(1), row.text(2), row.text(3), row.text(4)});
    return out;
  }

 private:
  Connection& c_;
};

}  // namespace

void SqlStore::erase_deleted_data() {
  if (database_.backend() != Backend::kSqlite) return;
  auto connection = database_.acquire();
  // Readers still holding an old snapshot can make a checkpoint partial; the next one completes it.
  connection->execute_script("PRAGMA wal_checkpoint(TRUNCATE);");
}

void SqlStore::transact(Mode mode, const std::function<void(app::Repositories&)>& work) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    auto connection = database_.acquire();
    try {
      connection->begin(mode == Mode::kWrite);
      SqlLibraries libraries(*connection);
      SqlNotices notices(*connection);
      SqlStaff staff(*connection);
      SqlSessions sessions(*connection);
      SqlAuthFailures failures(*connection);
      SqlAudit audit(*connection);
      auto circulation = circulation_repository(*connection);
      SqlJobs jobs(*connection);
      auto sip = sip_repository(*connection);
      auto catalogue = catalogue_repository(*connection);
      SqlReaderSessions reader_sessions(*connection);
      SqlCalendarFeeds calendar_feeds(*connection);
      auto registrations = registration_repository(*connection);
      auto outbox = outbox_repository(*connection);
      auto activities = activity_repository(*connection);
      auto enquiries = enquiry_repository(*connection);
      auto study_rooms = study_room_repository(*connection);
      app::Repositories repos{libraries,    notices, staff, sessions,   failures,        audit,
                              *circulation, jobs,    *sip,  *catalogue, reader_sessions, calendar_feeds,
                              *registrations, *outbox, *activities, *enquiries, *study_rooms};
      work(repos);
      connection->commit();
      return;
    } catch (const StoreError& error) {
      connection->rollback();
      if (error.kind() != StoreError::Kind::kBusy || attempt >= max_attempts_) throw;
    } catch (...) {
      connection->rollback();
      throw;
    }
    // Exponential back-off with jitter: 2, 4, 8 ... ms.
    const auto base = std::chrono::milliseconds(1 << std::min(attempt, 8));
    std::this_thread::sleep_for(base + std::chrono::milliseconds(jitter() % base.count()));
  }
}

}  // namespace shelfmark::store
