#include "store/sql_directory.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "core/text.h"
#include "store/sql_activities.h"
#include "store/sql_catalogue.h"
#include "store/sql_circulation.h"
#include "store/sql_enquiries.h"
#include "store/sql_registration.h"
#include "store/sql_sip.h"
#include "store/sql_study_room.h"
#include "store/sql_values.h"

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

}  // namespace

std::unique_ptr<app::LibraryRepository> library_repository(Connection& connection) {
  return std::make_unique<SqlLibraries>(connection);
}

std::unique_ptr<app::NoticeRepository> notice_repository(Connection& connection) {
  return std::make_unique<SqlNotices>(connection);
}

}  // namespace shelfmark::store
