#include "store/sql_activities.h"

#include <stdexcept>

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

using domain::Activity;

template <class T>
T must(std::optional<T> value, const std::string& what, const std::string& text) {
  if (!value) throw app::StoreError(app::StoreError::Kind::kOther, "unknown " + what + " " + text);
  return *value;
}

constexpr const char* kActivityColumns =
    "a.id, a.title_en, a.title_tc, a.description_en, a.description_tc, a.type, a.audience, a.starts_at, a.ends_at, "
    "a.available_from, a.video_url, a.library_id, a.venue_en, a.venue_tc, a.speaker_en, a.speaker_tc, "
    "a.organiser_en, a.organiser_tc, a.remarks_en, a.remarks_tc, a.delivery_language, a.enquiry_phone, "
    "a.enrolment_required, a.quota, a.enrolment_opens_at, a.enrolment_closes_at, a.status, a.places_taken, "
    "a.updated_at, a.version, "
    "(SELECT COUNT(*) FROM activity_enrolments w WHERE w.activity_id = a.id AND w.status = 'waitlisted')";
constexpr std::size_t kActivityColumnCount = 31;

Activity activity_from(const Row& row) {
  Activity a;
  a.id = row.integer(0);
  a.title = {row.text(1), row.text(2)};
  a.description = {row.text(3), row.text(4)};
  a.type = must(domain::parse_activity_type(row.text(5)), "activity type", row.text(5));
  a.audience = must(domain::parse_activity_audience(row.text(6)), "audience", row.text(6));
  a.starts_at = optional_instant(row, 7);
  a.ends_at = optional_instant(row, 8);
  a.available_from = optional_instant(row, 9);
  a.video_url = row.text(10);
  a.library_id = row.optional_integer(11);
  a.venue = {row.text(12), row.text(13)};
  a.speaker = {row.text(14), row.text(15)};
  a.organiser = {row.text(16), row.text(17)};
  a.remarks = {row.text(18), row.text(19)};
  a.delivery_language = must(domain::parse_delivery_language(row.text(20)), "delivery language", row.text(20));
  a.enquiry_phone = row.text(21);
  a.enrolment_required = row.integer(22) != 0;
  a.quota = static_cast<int>(row.integer(23));
  a.enrolment_opens_at = optional_instant(row, 24);
  a.enrolment_closes_at = optional_instant(row, 25);
  a.status = must(domain::parse_activity_status(row.text(26)), "activity status", row.text(26));
  a.places_taken = static_cast<int>(row.integer(27));
  a.updated_at = instant_from_unix(row.integer(28));
  a.version = row.integer(29);
  a.waiting = static_cast<int>(row.integer(30));
  return a;
}

constexpr const char* kEnrolmentColumns =
    "e.id, e.activity_id, e.reader_id, e.status, e.enrolled_at, e.changed_at, e.attended";

app::EnrolmentRecord enrolment_from(const Row& row, std::size_t at = 0) {
  app::EnrolmentRecord e;
  e.id = row.integer(at);
  e.activity_id = row.integer(at + 1);
  e.reader_id = row.integer(at + 2);
  e.status = must(domain::parse_enrolment_status(row.text(at + 3)), "enrolment status", row.text(at + 3));
  e.enrolled_at = instant_from_unix(row.integer(at + 4));
  e.changed_at = instant_from_unix(row.integer(at + 5));
  if (!row.is_null(at + 6)) e.attended = row.integer(at + 6) != 0;
  return e;
}

// The moment an activity is listed by: an event's start, a recording's viewing time.
long long sort_at(const Activity& a) {
  if (a.starts_at) return unix_seconds(*a.starts_at);
  if (a.available_from) return unix_seconds(*a.available_from);
  return 0;
}

Params fields_of(const Activity& a) {
  return {a.title.en,
          a.title.tc,
          a.description.en,
          a.description.tc,
          std::string(domain::activity_type_code(a.type)),
          std::string(domain::activity_audience_code(a.audience)),
          optional_unix(a.starts_at),
          optional_unix(a.ends_at),
          optional_unix(a.available_from),
          a.video_url,
          optional_id(a.library_id),
          a.venue.en,
          a.venue.tc,
          a.speaker.en,
          a.speaker.tc,
          a.organiser.en,
          a.organiser.tc,
          a.remarks.en,
          a.remarks.tc,
          std::string(domain::delivery_language_code(a.delivery_language)),
          a.enquiry_phone,
          static_cast<long long>(a.enrolment_required ? 1 : 0),
          static_cast<long long>(a.quota),
          optional_unix(a.enrolment_opens_at),
          optional_unix(a.enrolment_closes_at),
          std::string(domain::activity_status_code(a.status)),
          unix_seconds(a.updated_at),
          sort_at(a)};
}

class SqlActivities final : public app::ActivityRepository {
 public:
  explicit SqlActivities(Connection& connection) : c_(connection) {}

  app::ActivityPage list(const app::ActivityFilter& filter) override {
    std::string where = " WHERE 1 = 1";
    Params params;
    if (!filter.statuses.empty()) {
      where += " AND a.status IN (";
      for (std::size_t i = 0; i < filter.statuses.size(); ++i) {
        where += i ? ", ?" : "?";
        params.emplace_back(std::string(domain::activity_status_code(filter.statuses[i])));
      }
      where += ")";
    }
    if (!filter.library_ids.empty()) {
      where += " AND a.library_id IN (";
      for (std::size_t i = 0; i < filter.library_ids.size(); ++i) {
        where += i ? ", ?" : "?";
        params.emplace_back(filter.library_ids[i]);
      }
      where += ")";
    }
    if (filter.type) {
      where += " AND a.type = ?";
      params.emplace_back(std::string(domain::activity_type_code(*filter.type)));
    }
    if (filter.audience) {
      where += " AND a.audience = ?";
      params.emplace_back(std::string(domain::activity_audience_code(*filter.audience)));
    }
    if (filter.not_ended_by) {
      where += " AND (a.ends_at IS NULL OR a.ends_at > ?)";
      params.emplace_back(unix_seconds(*filter.not_ended_by));
    }
    if (filter.from) {
      where += " AND a.sort_at >= ?";
      params.emplace_back(unix_seconds(*filter.from));
    }
    if (filter.until) {
      where += " AND a.sort_at < ?";
      params.emplace_back(unix_seconds(*filter.until));
    }
    app::ActivityPage page;
    page.total = c_.query("SELECT COUNT(*) FROM activities a" + where, params)[0].integer(0);
    auto paged = params;
    paged.emplace_back(static_cast<long long>(filter.limit));
    paged.emplace_back(static_cast<long long>(filter.offset));
    for (const auto& row : c_.query(std::string("SELECT ") + kActivityColumns + " FROM activities a" + where +
                                        " ORDER BY CASE WHEN a.type = 'video_recording' THEN 1 ELSE 0 END, "
                                        "a.sort_at, a.id LIMIT ? OFFSET ?",
                                    paged))
      page.activities.push_back(activity_from(row));
    return page;
  }

  std::optional<Activity> by_id(long long id) override {
    auto rows = c_.query(std::string("SELECT ") + kActivityColumns + " FROM activities a WHERE a.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return activity_from(rows[0]);
  }

  std::optional<Activity> lock(long long id) override {
    // SQLite's write transactions already run one at a time (BEGIN IMMEDIATE); PostgreSQL locks the row.
    const std::string lock_clause = c_.backend() == Backend::kPostgres ? " FOR UPDATE" : "";
    auto rows =
        c_.query(std::string("SELECT ") + kActivityColumns + " FROM activities a WHERE a.id = ?" + lock_clause, {id});
    if (rows.empty()) return std::nullopt;
    return activity_from(rows[0]);
  }

  long long insert(const Activity& activity, Instant at) override {
    auto params = fields_of(activity);
    params.emplace_back(unix_seconds(at));
    return c_
        .query(
            "INSERT INTO activities (title_en, title_tc, description_en, description_tc, type, audience, "
            "starts_at, ends_at, available_from, video_url, library_id, venue_en, venue_tc, speaker_en, "
            "speaker_tc, organiser_en, organiser_tc, remarks_en, remarks_tc, delivery_language, enquiry_phone, "
            "enrolment_required, quota, enrolment_opens_at, enrolment_closes_at, status, updated_at, sort_at, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?) RETURNING id",
            params)[0]
        .integer(0);
  }

  bool update(const Activity& activity, long long expected_version) override {
    auto params = fields_of(activity);
    params.emplace_back(activity.id);
    params.emplace_back(expected_version);
    return c_.execute(
               "UPDATE activities SET title_en = ?, title_tc = ?, description_en = ?, description_tc = ?, type = ?, "
               "audience = ?, starts_at = ?, ends_at = ?, available_from = ?, video_url = ?, library_id = ?, "
               "venue_en = ?, venue_tc = ?, speaker_en = ?, speaker_tc = ?, organiser_en = ?, organiser_tc = ?, "
               "remarks_en = ?, remarks_tc = ?, delivery_language = ?, enquiry_phone = ?, enrolment_required = ?, "
               "quota = ?, enrolment_opens_at = ?, enrolment_closes_at = ?, status = ?, updated_at = ?, sort_at = ?, "
               "version = version + 1 WHERE id = ? AND version = ?",
               params) == 1;
  }

  void set_places_taken(long long activity_id, int places_taken) override {
    c_.execute("UPDATE activities SET places_taken = ? WHERE id = ?",
               {static_cast<long long>(places_taken), activity_id});
  }

  std::optional<app::EnrolmentRecord> active_enrolment(long long activity_id, long long reader_id) override {
    auto rows = c_.query(std::string("SELECT ") + kEnrolmentColumns +
                             " FROM activity_enrolments e WHERE e.activity_id = ? AND e.reader_id = ? "
                             "AND e.status IN ('confirmed', 'waitlisted')",
                         {activity_id, reader_id});
    if (rows.empty()) return std::nullopt;
    return enrolment_from(rows[0]);
  }

  std::optional<app::EnrolmentRecord> enrolment_by_id(long long id) override {
    auto rows =
        c_.query(std::string("SELECT ") + kEnrolmentColumns + " FROM activity_enrolments e WHERE e.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return enrolment_from(rows[0]);
  }

  int waiting_count(long long activity_id) override {
    return static_cast<int>(
        c_.query("SELECT COUNT(*) FROM activity_enrolments WHERE activity_id = ? AND status = 'waitlisted'",
                 {activity_id})[0]
            .integer(0));
  }

  int waiting_position(long long activity_id, long long enrolment_id) override {
    return static_cast<int>(c_.query("SELECT COUNT(*) FROM activity_enrolments WHERE activity_id = ? AND "
                                     "status = 'waitlisted' AND id <= ?",
                                     {activity_id, enrolment_id})[0]
                                .integer(0));
  }

  long long insert_enrolment(long long activity_id, long long reader_id, domain::EnrolmentStatus status,
                             Instant at) override {
    return c_
        .query(
            "INSERT INTO activity_enrolments (activity_id, reader_id, status, enrolled_at, changed_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            {activity_id, reader_id, std::string(domain::enrolment_status_code(status)), unix_seconds(at),
             unix_seconds(at)})[0]
        .integer(0);
  }

  void set_enrolment_status(long long enrolment_id, domain::EnrolmentStatus status, Instant at) override {
    c_.execute("UPDATE activity_enrolments SET status = ?, changed_at = ? WHERE id = ?",
               {std::string(domain::enrolment_status_code(status)), unix_seconds(at), enrolment_id});
  }

  std::vector<app::EnrolmentRecord> first_waiting(long long activity_id, int count) override {
    std::vector<app::EnrolmentRecord> result;
    for (const auto& row : c_.query(std::string("SELECT ") + kEnrolmentColumns +
                                        " FROM activity_enrolments e WHERE e.activity_id = ? AND "
                                        "e.status = 'waitlisted' ORDER BY e.id LIMIT ?",
                                    {activity_id, static_cast<long long>(count)}))
      result.push_back(enrolment_from(row));
    return result;
  }

  std::vector<app::EnrolmentListRow> enrolment_list(long long activity_id, bool with_cancelled) override {
    std::vector<app::EnrolmentListRow> result;
    int waiting = 0;
    for (const auto& row :
         c_.query(std::string("SELECT ") + kEnrolmentColumns +
                      ", r.card_number, r.name FROM activity_enrolments e JOIN readers r ON r.id = e.reader_id "
                      "WHERE e.activity_id = ?" +
                      (with_cancelled ? "" : " AND e.status IN ('confirmed', 'waitlisted')") +
                      " ORDER BY CASE e.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, e.id",
                  {activity_id})) {
      app::EnrolmentListRow entry{enrolment_from(row), row.text(7), row.text(8), 0};
      if (entry.enrolment.status == domain::EnrolmentStatus::kWaitlisted) entry.waiting_position = ++waiting;
      result.push_back(std::move(entry));
    }
    return result;
  }

  void set_attendance(long long enrolment_id, std::optional<bool> attended, long long staff_id, Instant at) override {
    c_.execute(
        "UPDATE activity_enrolments SET attended = ?, attendance_marked_by = ?, attendance_marked_at = ? WHERE id = ?",
        {attended ? Value(static_cast<long long>(*attended ? 1 : 0)) : Value(nullptr), staff_id, unix_seconds(at),
         enrolment_id});
  }

  std::vector<std::pair<app::EnrolmentRecord, Activity>> enrolments_of_reader(long long reader_id,
                                                                              bool with_cancelled) override {
    std::vector<std::pair<app::EnrolmentRecord, Activity>> result;
    for (const auto& row : c_.query(std::string("SELECT ") + kActivityColumns + ", " + kEnrolmentColumns +
                                        " FROM activity_enrolments e JOIN activities a ON a.id = e.activity_id "
                                        "WHERE e.reader_id = ?" +
                                        (with_cancelled ? "" : " AND e.status IN ('confirmed', 'waitlisted')") +
                                        " ORDER BY a.sort_at, a.id, e.id",
                                    {reader_id}))
      result.emplace_back(enrolment_from(row, kActivityColumnCount), activity_from(row));
    return result;
  }

  std::vector<long long> libraries_used_by(long long reader_id, Instant since) override {
    std::vector<long long> result;
    for (const auto& row :
         c_.query("SELECT library_id FROM loans WHERE reader_id = ? AND checked_out_at >= ? AND channel <> 'web' "
                  "UNION SELECT pickup_library_id FROM reservations WHERE reader_id = ? AND "
                  "status IN ('waiting', 'in_transit', 'ready') "
                  "UNION SELECT a.library_id FROM activity_enrolments e JOIN activities a ON a.id = e.activity_id "
                  "WHERE e.reader_id = ? AND e.status IN ('confirmed', 'waitlisted') AND a.library_id IS NOT NULL",
                  {reader_id, unix_seconds(since), reader_id, reader_id}))
      result.push_back(row.integer(0));
    return result;
  }

  int forget_enrolments(Instant before) override {
    const auto cutoff = unix_seconds(before);
    c_.execute(
        "UPDATE activities SET "
        "enrolled_count = (SELECT COUNT(*) FROM activity_enrolments e WHERE e.activity_id = activities.id "
        "AND e.status = 'confirmed'), "
        "attended_count = (SELECT COUNT(*) FROM activity_enrolments e WHERE e.activity_id = activities.id "
        "AND e.status = 'confirmed' AND e.attended = 1) "
        "WHERE ends_at < ? AND enrolled_count IS NULL AND EXISTS "
        "(SELECT 1 FROM activity_enrolments e WHERE e.activity_id = activities.id)",
        {cutoff});
    return static_cast<int>(
        c_.execute("DELETE FROM activity_enrolments WHERE activity_id IN (SELECT id FROM activities WHERE ends_at < ?)",
                   {cutoff}));
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::ActivityRepository> activity_repository(Connection& connection) {
  return std::make_unique<SqlActivities>(connection);
}

}  // namespace shelfmark::store
