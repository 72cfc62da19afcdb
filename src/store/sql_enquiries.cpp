#include "store/sql_enquiries.h"

#include "core/text.h"
#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

constexpr const char* kEnquiryColumns =
    "e.id, e.reference, e.reader_id, e.name, e.email, e.subject, e.language, e.question, e.library_id, e.status, "
    "e.claimed_by, e.claimed_at, e.submitted_at, e.answered_at, e.closed_at, e.updated_at, e.anonymised_at, "
    "COALESCE(s.display_name, ''), COALESCE(l.code, ''), COALESCE(r.name, '')";
constexpr const char* kEnquiryFrom =
    " FROM enquiries e LEFT JOIN staff s ON s.id = e.claimed_by LEFT JOIN libraries l ON l.id = e.library_id "
    "LEFT JOIN readers r ON r.id = e.reader_id";

app::EnquiryRecord enquiry_from(const Row& row) {
  app::EnquiryRecord e;
  e.id = row.integer(0);
  e.reference = row.text(1);
  e.reader_id = row.optional_integer(2);
  e.name = row.text(3);
  e.email = row.text(4);
  e.subject = domain::parse_enquiry_subject(row.text(5)).value_or(domain::EnquirySubject::kOther);
  e.language = domain::parse_language_code(row.text(6)).value_or(domain::Language::kEnglish);
  e.question = row.text(7);
  e.library_id = row.optional_integer(8);
  const auto status = domain::parse_enquiry_status(row.text(9));
  if (!status) throw app::StoreError(app::StoreError::Kind::kOther, "unknown enquiry status " + row.text(9));
  e.status = *status;
  e.claimed_by = row.optional_integer(10);
  e.claimed_at = optional_instant(row, 11);
  e.submitted_at = instant_from_unix(row.integer(12));
  e.answered_at = optional_instant(row, 13);
  e.closed_at = optional_instant(row, 14);
  e.updated_at = instant_from_unix(row.integer(15));
  e.anonymised_at = optional_instant(row, 16);
  e.claimed_by_name = row.text(17);
  e.library_code = row.text(18);
  e.reader_name = row.text(19);
  return e;
}

constexpr const char* kFaqColumns =
    "id, enquiry_id, question_en, answer_en, question_tc, answer_tc, published, created_at, updated_at, created_by";

app::FaqEntry faq_from(const Row& row) {
  app::FaqEntry f;
  f.id = row.integer(0);
  f.enquiry_id = row.optional_integer(1);
  f.question_en = row.text(2);
  f.answer_en = row.text(3);
  f.question_tc = row.text(4);
  f.answer_tc = row.text(5);
  f.published = row.integer(6) != 0;
  f.created_at = instant_from_unix(row.integer(7));
  f.updated_at = instant_from_unix(row.integer(8));
  f.created_by = row.optional_integer(9);
  return f;
}

// A LIKE pattern matching `text` anywhere, with LIKE's own characters taken literally.
std::string contains_pattern(std::string_view text) { return "%" + like_literal(text) + "%"; }

class SqlEnquiries final : public app::EnquiryRepository {
 public:
  explicit SqlEnquiries(Connection& connection) : c_(connection) {}

  long long insert(const app::EnquiryRecord& e) override {
    auto rows = c_.query(
        "INSERT INTO enquiries (reference, reader_id, name, email, subject, language, question, library_id, status, "
        "submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {e.reference, optional_id(e.reader_id), e.name, e.email, std::string(domain::enquiry_subject_code(e.subject)),
         std::string(domain::language_code(e.language)), e.question, optional_id(e.library_id),
         std::string(domain::enquiry_status_code(e.status)), unix_of(e.submitted_at), unix_of(e.updated_at)});
    return rows.at(0).integer(0);
  }

  std::optional<app::EnquiryRecord> by_id(long long id) override {
    auto rows = c_.query(std::string("SELECT ") + kEnquiryColumns + kEnquiryFrom + " WHERE e.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return enquiry_from(rows[0]);
  }

  std::vector<app::EnquiryRecord> list(const app::EnquiryFilter& filter) override {
    Params params;
    auto sql = std::string("SELECT ") + kEnquiryColumns + kEnquiryFrom + where(filter, params) +
               " ORDER BY e.submitted_at, e.id LIMIT ? OFFSET ?";
    params.emplace_back(static_cast<long long>(filter.limit));
    params.emplace_back(static_cast<long long>(filter.offset));
    std::vector<app::EnquiryRecord> out;
    for (const auto& row : c_.query(sql, params)) out.push_back(enquiry_from(row));
    return out;
  }

  long long count(const app::EnquiryFilter& filter) override {
    Params params;
    return c_.query("SELECT COUNT(*) FROM enquiries e" + where(filter, params), params).at(0).integer(0);
  }

  bool update(const app::EnquiryRecord& e, domain::EnquiryStatus expected_status,
              std::optional<long long> expected_claimed_by) override {
    Params params{std::string(domain::enquiry_status_code(e.status)),
                  optional_id(e.claimed_by),
                  optional_unix(e.claimed_at),
                  optional_id(e.library_id),
                  optional_unix(e.answered_at),
                  optional_unix(e.closed_at),
                  unix_of(e.updated_at),
                  e.id,
                  std::string(domain::enquiry_status_code(expected_status))};
    std::string sql =
        "UPDATE enquiries SET status = ?, claimed_by = ?, claimed_at = ?, library_id = ?, answered_at = ?, "
        "closed_at = ?, updated_at = ? WHERE id = ? AND status = ? AND ";
    if (expected_claimed_by) {
      sql += "claimed_by = ?";
      params.emplace_back(*expected_claimed_by);
    } else {
      sql += "claimed_by IS NULL";
    }
    // Under PostgreSQL's read committed, a second writer waits for the first and then finds the condition
    // false; SQLite's writers are serialised anyway.
    return c_.execute(sql, params) == 1;
  }

  long long add_event(const app::EnquiryEvent& event) override {
    return c_
        .query(
            "INSERT INTO enquiry_events (enquiry_id, at, staff_id, kind, body, from_library_id, to_library_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {event.enquiry_id, unix_of(event.at), optional_id(event.staff_id), event.kind, event.body,
             optional_id(event.from_library_id), optional_id(event.to_library_id)})
        .at(0)
        .integer(0);
  }

  std::vector<app::EnquiryEvent> events(long long enquiry_id) override {
    std::vector<app::EnquiryEvent> out;
    for (const auto& row :
         c_.query("SELECT ev.id, ev.enquiry_id, ev.at, ev.staff_id, ev.kind, ev.body, ev.from_library_id, "
                  "ev.to_library_id, COALESCE(s.display_name, '') FROM enquiry_events ev LEFT JOIN staff s ON "
                  "s.id = ev.staff_id WHERE ev.enquiry_id = ? ORDER BY ev.id",
                  {enquiry_id})) {
      app::EnquiryEvent event;
      event.id = row.integer(0);
      event.enquiry_id = row.integer(1);
      event.at = instant_from_unix(row.integer(2));
      event.staff_id = row.optional_integer(3);
      event.kind = row.text(4);
      event.body = row.text(5);
      event.from_library_id = row.optional_integer(6);
      event.to_library_id = row.optional_integer(7);
      event.staff_name = row.text(8);
      out.push_back(std::move(event));
    }
    return out;
  }

  int anonymise_closed(Instant before, Instant at) override {
    return static_cast<int>(
        c_.execute("UPDATE enquiries SET name = '', email = '', anonymised_at = ? WHERE status = 'closed' AND "
                   "anonymised_at IS NULL AND reader_id IS NULL AND closed_at < ?",
                   {unix_of(at), unix_of(before)}));
  }

  long long insert_faq(const app::FaqEntry& f) override {
    return c_
        .query(
            "INSERT INTO faq_entries (enquiry_id, question_en, answer_en, question_tc, answer_tc, published, "
            "created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {optional_id(f.enquiry_id), f.question_en, f.answer_en, f.question_tc, f.answer_tc,
             static_cast<long long>(f.published ? 1 : 0), unix_of(f.created_at), unix_of(f.updated_at),
             optional_id(f.created_by)})
        .at(0)
        .integer(0);
  }

  std::optional<app::FaqEntry> faq_by_id(long long id) override {
    auto rows = c_.query(std::string("SELECT ") + kFaqColumns + " FROM faq_entries WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return faq_from(rows[0]);
  }

  bool set_faq_published(long long id, bool published, Instant at) override {
    return c_.execute("UPDATE faq_entries SET published = ?, updated_at = ? WHERE id = ?",
                      {static_cast<long long>(published ? 1 : 0), unix_of(at), id}) == 1;
  }

  std::vector<app::FaqEntry> faqs(const std::string& text, bool include_unpublished, int limit) override {
    Params params;
    std::string sql = std::string("SELECT ") + kFaqColumns + " FROM faq_entries WHERE 1 = 1";
    if (!include_unpublished) sql += " AND published = 1";
    // Every word typed must appear in the question or the answer, in either language. Latin letters are
    // compared in lower case (both backends lower ASCII; Chinese has no case).
    for (auto word : split(text, ' ')) {
      word = trim(word);
      if (word.empty()) continue;
      sql += " AND (";
      const char* columns[] = {"question_en", "answer_en", "question_tc", "answer_tc"};
      for (std::size_t i = 0; i < 4; ++i) {
        sql += std::string(i ? " OR " : "") + "LOWER(" + columns[i] + ") LIKE ?" + kLikeEscape;
        params.emplace_back(contains_pattern(to_lower_ascii(word)));
      }
      sql += ")";
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
    params.emplace_back(static_cast<long long>(limit));
    std::vector<app::FaqEntry> out;
    for (const auto& row : c_.query(sql, params)) out.push_back(faq_from(row));
    return out;
  }

 private:
  static std::string where(const app::EnquiryFilter& filter, Params& params) {
    std::string sql = " WHERE 1 = 1";
    if (!filter.statuses.empty()) {
      sql += " AND e.status IN (";
      for (std::size_t i = 0; i < filter.statuses.size(); ++i) {
        sql += i ? ", ?" : "?";
        params.emplace_back(std::string(domain::enquiry_status_code(filter.statuses[i])));
      }
      sql += ")";
    }
    if (filter.library_id) {
      sql += " AND e.library_id = ?";
      params.emplace_back(*filter.library_id);
    } else if (filter.without_library) {
      sql += " AND e.library_id IS NULL";
    }
    if (filter.reader_id) {
      sql += " AND e.reader_id = ?";
      params.emplace_back(*filter.reader_id);
    }
    return sql;
  }

  Connection& c_;
};

}  // namespace

std::unique_ptr<app::EnquiryRepository> enquiry_repository(Connection& connection) {
  return std::make_unique<SqlEnquiries>(connection);
}

}  // namespace shelfmark::store
