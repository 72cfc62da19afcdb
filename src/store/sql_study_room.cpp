#include "store/sql_study_room.h"

#include "store/sql_values.h"
namespace shelfmark::store {
namespace {

using domain::StudyOutcome;

LocalDateTime local_from(const std::string& text) {
  const auto value = parse_local_date_time(text);
  if (!value) throw app::StoreError(app::StoreError::Kind::kOther, "malformed local date-time " + text);
  return *value;
}
MinuteOfDay minute_from(const std::string& text) {
  const auto value = parse_time_of_day(text);
  if (!value) throw app::StoreError(app::StoreError::Kind::kOther, "malformed time " + text);
  return *value;
}

constexpr const char* kPeriodColumns =
    "p.id, p.library_id, l.code, l.name_en, l.name_tc, p.title_en, p.title_tc, p.opens_at, p.closes_at, "
    "p.valid_from, p.valid_until, p.places, p.priority_rule, p.draw_seed, p.draw_algorithm, p.allocated_at, "
    "p.published_at FROM study_room_periods p JOIN libraries l ON l.id = p.library_id";

app::StudyPeriodRecord period_from(const Row& row) {
  app::StudyPeriodRecord p;
  p.id = row.integer(0);
  p.library_id = row.integer(1);
  p.library_code = row.text(2);
  p.library_name_en = row.text(3);
  p.library_name_tc = row.text(4);
  p.title_en = row.text(5);
  p.title_tc = row.text(6);
  p.opens_at = local_from(row.text(7));
  p.closes_at = local_from(row.text(8));
  p.valid_from = row.date(9);
  p.valid_until = row.date(10);
  p.places = static_cast<int>(row.integer(11));
  p.priority = domain::parse_priority_rule(row.text(12)).value_or(domain::PriorityRule::kExamCandidatesFirst);
  p.draw_seed = row.is_null(13) ? "" : row.text(13);
  p.draw_algorithm = row.is_null(14) ? "" : row.text(14);
  p.allocated_at = optional_instant(row, 15);
  p.published_at = optional_instant(row, 16);
  return p;
}

constexpr const char* kApplicationColumns =
    "a.id, a.period_id, a.reader_id, a.session_number, a.exam_candidate, a.private_candidate, a.school_name, "
    "a.outcome, a.applied_at, a.draw_position, a.in_priority_group, a.card_number, r.name, r.card_number "
    "FROM study_room_applications a JOIN readers r ON r.id = a.reader_id";

app::StudyApplicationRecord application_from(const Row& row) {
  app::StudyApplicationRecord a;
  a.id = row.integer(0);
  a.period_id = row.integer(1);
  a.reader_id = row.integer(2);
  a.session = static_cast<int>(row.integer(3));
  a.exam_candidate = row.integer(4) != 0;
  a.private_candidate = row.integer(5) != 0;
  a.school_name = row.text(6);
  const auto outcome = domain::parse_study_outcome(row.text(7));
  if (!outcome) throw app::StoreError(app::StoreError::Kind::kOther, "unknown study room outcome " + row.text(7));
  a.outcome = *outcome;
  a.applied_at = instant_from_unix(row.integer(8));
  if (const auto position = row.optional_integer(9)) a.draw_position = static_cast<int>(*position);
  a.in_priority_group = row.integer(10) != 0;
  a.card_number = row.is_null(11) ? "" : row.text(11);
  a.reader_name = row.text(12);
  a.reader_card_number = row.text(13);
  return a;
}

class SqlStudyRooms final : public app::StudyRoomRepository {
 public:
  explicit SqlStudyRooms(Connection& connection) : c_(connection) {}

  long long insert_period(const app::StudyPeriodRecord& p, Instant at, long long staff_id) override {
    const auto id =
        c_.query(
              "INSERT INTO study_room_periods (library_id, title_en, title_tc, opens_at, closes_at, valid_from, "
              "valid_until, places, priority_rule, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "RETURNING id",
              {p.library_id, p.title_en, p.title_tc, format_local_date_time(p.opens_at),
               format_local_date_time(p.closes_at), format_iso_date(p.valid_from), format_iso_date(p.valid_until),
               static_cast<long long>(p.places), std::string(domain::priority_rule_code(p.priority)), unix_seconds(at),
               staff_id})
            .at(0)
            .integer(0);
    for (const auto& s : p.sessions)
      c_.execute(
          "INSERT INTO study_room_sessions (period_id, number, weekday_start, weekday_end, weekend_start, "
          "weekend_end) VALUES (?, ?, ?, ?, ?, ?)",
          {id, static_cast<long long>(s.number), format_time_of_day(s.weekday_start), format_time_of_day(s.weekday_end),
           format_time_of_day(s.weekend_start), format_time_of_day(s.weekend_end)});
    return id;
  }

  std::optional<app::StudyPeriodRecord> period(long long id) override {
    auto rows = c_.query(std::string("SELECT ") + kPeriodColumns + " WHERE p.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    auto p = period_from(rows.front());
    p.sessions = sessions(p.id);
    return p;
  }

  std::vector<app::StudyPeriodRecord> periods() override {
    std::vector<app::StudyPeriodRecord> out;
    for (const auto& row : c_.query(std::string("SELECT ") + kPeriodColumns + " ORDER BY p.opens_at DESC, p.id DESC")) {
      out.push_back(period_from(row));
      out.back().sessions = sessions(out.back().id);
    }
    return out;
  }

  long long insert_application(const app::StudyApplicationRecord& a) override {
    return c_
        .query(
            "INSERT INTO study_room_applications (period_id, reader_id, session_number, exam_candidate, "
            "private_candidate, school_name, outcome, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {a.period_id, a.reader_id, static_cast<long long>(a.session), a.exam_candidate ? 1LL : 0LL,
             a.private_candidate ? 1LL : 0LL, a.school_name, std::string(domain::study_outcome_code(a.outcome)),
             unix_seconds(a.applied_at)})
        .at(0)
        .integer(0);
  }

  std::optional<app::StudyApplicationRecord> application(long long id) override {
    return one(std::string("SELECT ") + kApplicationColumns + " WHERE a.id = ?", {id});
  }
  std::optional<app::StudyApplicationRecord> active_application(long long period_id, long long reader_id) override {
    return one(std::string("SELECT ") + kApplicationColumns +
                   " WHERE a.period_id = ? AND a.reader_id = ? AND a.outcome <> 'withdrawn'",
               {period_id, reader_id});
  }
  std::vector<app::StudyApplicationRecord> applications_of_period(long long period_id) override {
    return many(std::string("SELECT ") + kApplicationColumns +
                    " WHERE a.period_id = ? AND a.outcome <> 'withdrawn' ORDER BY a.session_number, "
                    "CASE WHEN a.draw_position IS NULL THEN 1 ELSE 0 END, a.draw_position, a.id",
                {period_id});
  }
  std::vector<app::StudyApplicationRecord> applications_of_reader(long long reader_id) override {
    return many(
        std::string("SELECT ") + kApplicationColumns + " WHERE a.reader_id = ? ORDER BY a.applied_at DESC, a.id DESC",
        {reader_id});
  }
  void withdraw(long long application_id, Instant at) override {
    c_.execute("UPDATE study_room_applications SET outcome = 'withdrawn', withdrawn_at = ? WHERE id = ?",
               {unix_seconds(at), application_id});
  }
  void set_result(long long application_id, StudyOutcome outcome, std::optional<int> draw_position,
                  bool in_priority_group) override {
    c_.execute("UPDATE study_room_applications SET outcome = ?, draw_position = ?, in_priority_group = ? WHERE id = ?",
               {std::string(domain::study_outcome_code(outcome)),
                draw_position ? Value(static_cast<long long>(*draw_position)) : Value(nullptr),
                in_priority_group ? 1LL : 0LL, application_id});
  }
  void set_card(long long application_id, const std::string& card_number, const std::string& token_digest) override {
    c_.execute("UPDATE study_room_applications SET card_number = ?, card_token_digest = ? WHERE id = ?",
               {card_number, token_digest, application_id});
  }
  void record_draw(long long period_id, const std::string& seed, const std::string& algorithm, Instant at,
                   long long staff_id) override {
    c_.execute(
        "UPDATE study_room_periods SET draw_seed = ?, draw_algorithm = ?, allocated_at = ?, allocated_by = ? "
        "WHERE id = ?",
        {seed, algorithm, unix_seconds(at), staff_id, period_id});
  }
  bool publish(long long period_id, Instant at, long long staff_id) override {
    return c_.execute(
               "UPDATE study_room_periods SET published_at = ?, published_by = ? WHERE id = ? AND published_at IS "
               "NULL AND allocated_at IS NOT NULL",
               {unix_seconds(at), staff_id, period_id}) == 1;
  }
  int forget_applications(Date valid_until_before) override {
    const auto cutoff = format_iso_date(valid_until_before);
    c_.execute(
        "UPDATE study_room_periods SET "
        "applications_count = (SELECT COUNT(*) FROM study_room_applications a WHERE a.period_id = "
        "study_room_periods.id AND a.outcome <> 'withdrawn'), "
        "successful_count = (SELECT COUNT(*) FROM study_room_applications a WHERE a.period_id = "
        "study_room_periods.id AND a.outcome = 'successful') "
        "WHERE valid_until < ? AND applications_count IS NULL",
        {cutoff});
    return static_cast<int>(
        c_.execute("DELETE FROM study_room_applications WHERE period_id IN (SELECT id FROM study_room_periods WHERE "
                   "valid_until < ?)",
                   {cutoff}));
  }
  std::optional<app::StudyApplicationRecord> by_card_token(const std::string& token_digest) override {
    return one(std::string("SELECT ") + kApplicationColumns + " WHERE a.card_token_digest = ?", {token_digest});
  }

 private:
  std::vector<domain::StudySession> sessions(long long period_id) {
    std::vector<domain::StudySession> out;
    for (const auto& row :
         c_.query("SELECT number, weekday_start, weekday_end, weekend_start, weekend_end FROM study_room_sessions "
                  "WHERE period_id = ? ORDER BY number",
                  {period_id}))
      out.push_back({static_cast<int>(row.integer(0)), minute_from(row.text(1)), minute_from(row.text(2)),
                     minute_from(row.text(3)), minute_from(row.text(4))});
    return out;
  }
  std::optional<app::StudyApplicationRecord> one(const std::string& sql, const Params& params) {
    auto rows = c_.query(sql, params);
    if (rows.empty()) return std::nullopt;
    return application_from(rows.front());
  }
  std::vector<app::StudyApplicationRecord> many(const std::string& sql, const Params& params) {
    std::vector<app::StudyApplicationRecord> out;
    for (const auto& row : c_.query(sql, params)) out.push_back(application_from(row));
    return out;
  }

  Connection& c_;
};

}  // namespace

std::unique_ptr<app::StudyRoomRepository> study_room_repository(Connection& connection) {
  return std::make_unique<SqlStudyRooms>(connection);
}

}  // namespace shelfmark::store
