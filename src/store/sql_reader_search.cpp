#include "store/sql_reader_search.h"

#include <algorithm>
#include <set>

#include "app/ports.h"
#include "domain/reader_search.h"
#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

// Every UTF-8 string that begins with `prefix` sorts (byte-wise) at or after it and before this.
std::string prefix_end(const std::string& prefix) { return prefix + "\xF4\x8F\xBF\xBF"; }

constexpr const char* kSummaryColumns =
    "r.id, r.card_number, r.name, r.name_zh, r.hkid_masked, r.category, r.status, r.expires_on";

app::ReaderSummary summary_from(const Row& row, std::size_t at = 0) {
  app::ReaderSummary s;
  s.id = row.integer(at);
  s.card_number = row.text(at + 1);
  s.name = row.text(at + 2);
  s.name_zh = row.text(at + 3);
  s.hkid_masked = row.text(at + 4);
  s.category = domain::parse_reader_category(row.text(at + 5)).value_or(domain::ReaderCategory::kAdult);
  s.status = domain::parse_reader_status(row.text(at + 6)).value_or(domain::ReaderStatus::kActive);
  s.expires_on = row.optional_date(at + 7);
  return s;
}

std::string key_in(const char* alias) { return std::string(alias) + ".name_key >= ? AND " + alias + ".name_key < ?"; }

class SqlReaderFinder final : public app::ReaderFinderRepository {
 public:
  explicit SqlReaderFinder(Connection& connection) : c_(connection) {}

  std::optional<app::ReaderSummary> by_card(const std::string& card_number) override {
    auto rows =
        c_.query(std::string("SELECT ") + kSummaryColumns + " FROM readers r WHERE r.card_number = ?", {card_number});
    if (rows.empty()) return std::nullopt;
    return summary_from(rows[0]);
  }

  std::optional<app::ReaderSummary> by_hkid_digest(const std::string& digest) override {
    auto rows =
        c_.query(std::string("SELECT ") + kSummaryColumns + " FROM readers r WHERE r.hkid_digest = ?", {digest});
    if (rows.empty()) return std::nullopt;
    return summary_from(rows[0]);
  }

  app::ReaderMatches by_email(const std::string& lower_email, int limit, int count_cap) override {
    return where("lower(r.email) = ? AND r.email <> ''", lower_email, limit, count_cap);
  }

  app::ReaderMatches by_mobile(const std::string& mobile, int limit, int count_cap) override {
    return where("r.mobile = ? AND r.mobile <> ''", mobile, limit, count_cap);
  }

  app::ReaderMatches by_name(const domain::ReaderQuery& query, int limit, int count_cap) override {
    const auto& prefixes = query.prefixes;
    if (prefixes.empty()) return {};
    // Several words with the last one unfinished: "chan ta", "Chan Tai Man". A pair key of a whole word and the
    // last word's beginning drives (the rarest such pair); the other words are checked per candidate. It finds
    // every match when one earlier word is typed whole, which is how names are typed; when it finds nothing
    // the general way below runs.
    std::vector<std::string> others;
    for (const auto& prefix : prefixes)
      if (prefix != query.last_word) others.push_back(prefix);
    auto latin = [](const std::string& word) { return static_cast<unsigned char>(word[0]) < 0x80; };
    if (!query.last_word.empty() && others.size() >= 2) {
      // Two whole words and the last one's beginning: the triple key with the fewest keys.
      std::optional<std::pair<std::size_t, std::size_t>> best;
      long long fewest = kEstimateCap + 1;
      for (std::size_t i = 0; i < others.size(); ++i)
        for (std::size_t j = 0; j < others.size(); ++j) {
          if (i == j || !latin(others[i]) || !latin(others[j])) continue;
          const auto n = estimate(domain::triple_key(others[i], others[j], query.last_word));
          if (n > 0 && n < fewest) {
            fewest = n;
            best = std::pair{i, j};
          }
        }
      if (best) {
        std::vector<std::string> rest;
        for (std::size_t i = 0; i < others.size(); ++i)
          if (i != best->first && i != best->second) rest.push_back(others[i]);
        auto matches = scan(domain::triple_key(others[best->first], others[best->second], query.last_word), rest, limit,
                            count_cap, false);
        if (matches.total > 0) return matches;
      }
    }
    if (!query.last_word.empty() && !others.empty()) {
      std::optional<std::size_t> whole;
      long long fewest = kEstimateCap + 1;
      for (std::size_t i = 0; i < others.size(); ++i) {
        if (static_cast<unsigned char>(others[i][0]) >= 0x80) continue;  // Chinese: not in pair keys
        const auto n = estimate(domain::pair_key(others[i], query.last_word));
        if (n > 0 && n < fewest) {
          fewest = n;
          whole = i;
        }
      }
      if (whole) {
        std::vector<std::string> rest;
        for (std::size_t i = 0; i < others.size(); ++i)
          if (i != *whole) rest.push_back(others[i]);
        auto matches = scan(domain::pair_key(others[*whole], query.last_word), rest, limit, count_cap, false);
        if (matches.total > 0) return matches;
      }
    }
    // The general way: the prefix with the fewest keys drives, the others are checked per candidate, within a
    // budget of candidates.
    std::size_t driver = 0;
    long long fewest = kEstimateCap + 1;
    if (prefixes.size() > 1)
      for (std::size_t i = 0; i < prefixes.size(); ++i)
        if (const auto n = estimate(prefixes[i]); n < fewest) {
          fewest = n;
          driver = i;
        }
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < prefixes.size(); ++i)
      if (i != driver) rest.push_back(prefixes[i]);
    return scan(prefixes[driver], rest, limit, count_cap, !rest.empty());
  }

  void set_names(long long reader_id, const std::string& name, const std::string& name_zh) override {
    c_.execute("UPDATE readers SET name = ?, name_zh = ? WHERE id = ?", {name, name_zh, reader_id});
    index_reader_names(c_, reader_id, name, name_zh);
  }

  std::optional<app::ReaderDetails> details(long long reader_id) override {
    auto rows = c_.query(std::string("SELECT ") + kSummaryColumns +
                             ", r.email, r.mobile, r.address, r.date_of_birth, r.language, r.notify_channel, "
                             "r.keep_history, r.smart_id_issued_on, r.created_at FROM readers r WHERE r.id = ?",
                         {reader_id});
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    app::ReaderDetails d;
    d.summary = summary_from(row);
    d.email = row.text(8);
    d.mobile = row.text(9);
    d.address = row.text(10);
    d.date_of_birth = row.optional_date(11);
    d.language = row.text(12);
    d.notify_channel = row.text(13);
    d.keep_history = row.integer(14) != 0;
    d.smart_id_issued_on = row.optional_date(15);
    d.created_at = instant_from_unix(row.integer(16));
    return d;
  }

  std::vector<app::RecordLoan> loans(long long reader_id, bool returned, int limit) override {
    std::vector<app::RecordLoan> out;
    const std::string sql =
        "SELECT i.barcode, i.title, l.code, n.checked_out_at, n.due_on, n.times_renewed, n.returned_at FROM loans n "
        "JOIN items i ON i.id = n.item_id JOIN libraries l ON l.id = n.library_id WHERE n.reader_id = ? AND "
        "n.returned_at IS " +
        std::string(returned ? "NOT NULL ORDER BY n.returned_at DESC, n.id DESC" : "NULL ORDER BY n.due_on, n.id") +
        " LIMIT ?";
    for (const auto& row : c_.query(sql, {reader_id, static_cast<long long>(limit)}))
      out.push_back({row.text(0), row.text(1), row.text(2), instant_from_unix(row.integer(3)), row.date(4),
                     static_cast<int>(row.integer(5)), optional_instant(row, 6)});
    return out;
  }

  std::vector<app::RecordReservation> reservations(long long reader_id, int limit) override {
    std::vector<app::RecordReservation> out;
    for (const auto& row : c_.query(
             "SELECT COALESCE((SELECT MIN(i.title) FROM items i WHERE i.title_key = v.title_key), v.title_key), "
             "l.code, v.placed_at, v.status, v.expires_on, v.collect_by FROM reservations v JOIN libraries l ON "
             "l.id = v.pickup_library_id WHERE v.reader_id = ? ORDER BY CASE WHEN v.ended_at IS NULL THEN 0 ELSE 1 "
             "END, v.placed_at DESC, v.id DESC LIMIT ?",
             {reader_id, static_cast<long long>(limit)}))
      out.push_back({row.text(0), row.text(1), instant_from_unix(row.integer(2)), row.text(3), row.date(4),
                     row.optional_date(5)});
    return out;
  }

  std::vector<app::RecordCharge> charges(long long reader_id, int limit) override {
    std::vector<app::RecordCharge> out;
    for (const auto& row : c_.query("SELECT kind, amount_cents, settled_cents, explanation, created_at FROM charges "
                                    "WHERE reader_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                                    {reader_id, static_cast<long long>(limit)}))
      out.push_back({row.text(0), row.integer(1), row.integer(2), row.text(3), instant_from_unix(row.integer(4))});
    return out;
  }

  std::vector<app::RecordPayment> payments(long long reader_id, int limit) override {
    std::vector<app::RecordPayment> out;
    for (const auto& row : c_.query("SELECT id, kind, amount_cents, method, reason, at FROM payments WHERE "
                                    "reader_id = ? ORDER BY at DESC, id DESC LIMIT ?",
                                    {reader_id, static_cast<long long>(limit)}))
      out.push_back(
          {row.integer(0), row.text(1), row.integer(2), row.text(3), row.text(4), instant_from_unix(row.integer(5))});
    return out;
  }

  std::vector<app::RecordMessage> messages(const std::vector<std::string>& recipients, int limit) override {
    std::vector<app::RecordMessage> out;
    std::vector<std::string> wanted;
    for (const auto& r : recipients)
      if (!r.empty()) wanted.push_back(r);
    if (wanted.empty()) return out;
    std::string marks;
    Params params;
    for (const auto& r : wanted) {
      marks += marks.empty() ? "?" : ", ?";
      params.push_back(r);
    }
    params.push_back(static_cast<long long>(limit));
    for (const auto& row : c_.query("SELECT kind, channel, created_at, sent_at, failed_at FROM outbound_messages "
                                    "WHERE recipient IN (" +
                                        marks + ") ORDER BY created_at DESC, id DESC LIMIT ?",
                                    params))
      out.push_back({row.text(0), row.text(1), instant_from_unix(row.integer(2)), optional_instant(row, 3),
                     optional_instant(row, 4)});
    return out;
  }

  std::vector<app::RecordApplication> applications(long long reader_id) override {
    std::vector<app::RecordApplication> out;
    for (const auto& row : c_.query("SELECT reference, type, status, submitted_at, decided_at, decision FROM "
                                    "registration_applications WHERE reader_id = ? ORDER BY created_at DESC, id DESC",
                                    {reader_id}))
      out.push_back(
          {row.text(0), row.text(1), row.text(2), optional_instant(row, 3), optional_instant(row, 4), row.text(5)});
    return out;
  }

  std::vector<app::RecordEnquiry> enquiries(long long reader_id, int limit) override {
    std::vector<app::RecordEnquiry> out;
    for (const auto& row : c_.query("SELECT reference, subject, status, submitted_at FROM enquiries WHERE "
                                    "reader_id = ? ORDER BY submitted_at DESC, id DESC LIMIT ?",
                                    {reader_id, static_cast<long long>(limit)}))
      out.push_back({row.text(0), row.text(1), row.text(2), instant_from_unix(row.integer(3))});
    return out;
  }

  std::vector<app::RecordEnrolment> enrolments(long long reader_id, int limit) override {
    std::vector<app::RecordEnrolment> out;
    for (const auto& row : c_.query("SELECT a.title_en, a.title_tc, a.starts_at, e.status, e.attended FROM "
                                    "activity_enrolments e JOIN activities a ON a.id = e.activity_id WHERE "
                                    "e.reader_id = ? ORDER BY e.enrolled_at DESC, e.id DESC LIMIT ?",
                                    {reader_id, static_cast<long long>(limit)})) {
      std::optional<bool> attended;
      if (!row.is_null(4)) attended = row.integer(4) != 0;
      out.push_back({row.text(0), row.text(1), optional_instant(row, 2), row.text(3), attended});
    }
    return out;
  }

  std::vector<app::RecordStudyApplication> study_applications(long long reader_id, int limit) override {
    std::vector<app::RecordStudyApplication> out;
    for (const auto& row : c_.query("SELECT p.title_en, p.title_tc, s.session_number, s.outcome, s.applied_at FROM "
                                    "study_room_applications s JOIN study_room_periods p ON p.id = s.period_id "
                                    "WHERE s.reader_id = ? ORDER BY s.applied_at DESC, s.id DESC LIMIT ?",
                                    {reader_id, static_cast<long long>(limit)}))
      out.push_back(
          {row.text(0), row.text(1), static_cast<int>(row.integer(2)), row.text(3), instant_from_unix(row.integer(4))});
    return out;
  }

  std::vector<app::RecordEvent> events(long long reader_id, int limit) override {
    std::vector<app::RecordEvent> out;
    for (const auto& row :
         c_.query("SELECT a.at, COALESCE(s.display_name, ''), a.action, a.detail FROM audit_log a LEFT JOIN staff s "
                  "ON s.id = a.staff_id WHERE a.subject = ? AND a.action NOT LIKE '%.view' ORDER BY a.at DESC, a.id "
                  "DESC LIMIT ?",
                  {"reader:" + std::to_string(reader_id), static_cast<long long>(limit)}))
      out.push_back({instant_from_unix(row.integer(0)), row.text(1), row.text(2), row.text(3)});
    return out;
  }

 private:
  static constexpr long long kEstimateCap = 5000;
  // Candidates looked at when other prefixes filter them and no word is typed whole: about 25 ms at most.
  static constexpr long long kCandidateBudget = 5000;

  // How many keys begin with `prefix`, counted up to kEstimateCap.
  long long estimate(const std::string& prefix) {
    return c_
        .query("SELECT COUNT(*) FROM (SELECT 1 FROM reader_name_keys k WHERE " + key_in("k") + " LIMIT ?) s",
               {prefix, prefix_end(prefix), kEstimateCap})
        .at(0)
        .integer(0);
  }

  // The readers with a key beginning with `driver` and, for each of `rest`, a key beginning with it.
  app::ReaderMatches scan(const std::string& driver, const std::vector<std::string>& rest, int limit, int count_cap,
                          bool budgeted) {
    app::ReaderMatches matches;
    std::string candidates = "SELECT k.name_key, k.reader_id FROM reader_name_keys k WHERE " + key_in("k");
    Params params{driver, prefix_end(driver)};
    if (budgeted) {
      candidates += " ORDER BY k.name_key, k.reader_id LIMIT ?";
      params.push_back(kCandidateBudget);
      matches.partial = estimate_beyond(driver);
    }
    std::string sql = "SELECT c.reader_id FROM (" + candidates + ") c WHERE 1 = 1";
    for (const auto& prefix : rest) {
      sql += " AND EXISTS (SELECT 1 FROM reader_name_keys o WHERE o.reader_id = c.reader_id AND " + key_in("o") + ")";
      params.push_back(prefix);
      params.push_back(prefix_end(prefix));
    }
    // One reader may have two keys in the driver's range ("Chan Chan"): counted and listed once.
    auto count_params = params;
    count_params.push_back(static_cast<long long>(count_cap + 1));
    matches.total = static_cast<int>(
        c_.query("SELECT COUNT(DISTINCT reader_id) FROM (" + sql + " LIMIT ?) s", count_params).at(0).integer(0));
    if (matches.total == 0) return matches;
    params.push_back(static_cast<long long>(limit * 4 + 4));
    std::vector<long long> ids;
    std::set<long long> seen;
    for (const auto& row : c_.query(sql + " ORDER BY c.name_key, c.reader_id LIMIT ?", params)) {
      const auto id = row.integer(0);
      if (static_cast<int>(ids.size()) < limit && seen.insert(id).second) ids.push_back(id);
    }
    matches.readers = summaries(ids);
    return matches;
  }

  // Whether more keys begin with `prefix` than the candidate budget.
  bool estimate_beyond(const std::string& prefix) {
    return c_.query("SELECT COUNT(*) FROM (SELECT 1 FROM reader_name_keys k WHERE " + key_in("k") + " LIMIT ?) s",
                    {prefix, prefix_end(prefix), kCandidateBudget + 1})
               .at(0)
               .integer(0) > kCandidateBudget;
  }

  app::ReaderMatches where(const std::string& condition, const std::string& value, int limit, int count_cap) {
    app::ReaderMatches matches;
    matches.total =
        static_cast<int>(c_.query("SELECT COUNT(*) FROM (SELECT 1 FROM readers r WHERE " + condition + " LIMIT ?) s",
                                  {value, static_cast<long long>(count_cap + 1)})
                             .at(0)
                             .integer(0));
    for (const auto& row : c_.query(std::string("SELECT ") + kSummaryColumns + " FROM readers r WHERE " + condition +
                                        " ORDER BY r.name, r.id LIMIT ?",
                                    {value, static_cast<long long>(limit)}))
      matches.readers.push_back(summary_from(row));
    return matches;
  }

  std::vector<app::ReaderSummary> summaries(const std::vector<long long>& ids) {
    std::vector<app::ReaderSummary> out;
    for_each_in_list(ids, [&](const std::string& marks, const Params& params) {
      for (const auto& row :
           c_.query(std::string("SELECT ") + kSummaryColumns + " FROM readers r WHERE r.id IN (" + marks + ")", params))
        out.push_back(summary_from(row));
    });
    // In the order of the keys found (closest keys first: "chan" before "chang"), as the ids came.
    std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
      return std::find(ids.begin(), ids.end(), a.id) < std::find(ids.begin(), ids.end(), b.id);
    });
    return out;
  }

  Connection& c_;
};

}  // namespace

void index_reader_names(Connection& connection, long long reader_id, const std::string& name,
                        const std::string& name_zh) {
  connection.execute("DELETE FROM reader_name_keys WHERE reader_id = ?", {reader_id});
  for (const auto& key : domain::reader_name_keys(name, name_zh))
    connection.execute("INSERT INTO reader_name_keys (name_key, reader_id) VALUES (?, ?)", {key, reader_id});
}

long long index_all_reader_names(Connection& connection) {
  long long count = 0;
  for (long long after = 0;;) {
    const auto rows =
        connection.query("SELECT id, name, name_zh FROM readers WHERE id > ? ORDER BY id LIMIT 1000", {after});
    if (rows.empty()) return count;
    for (const auto& row : rows) {
      index_reader_names(connection, row.integer(0), row.text(1), row.text(2));
      after = row.integer(0);
      ++count;
    }
  }
}

std::unique_ptr<app::ReaderFinderRepository> reader_finder_repository(Connection& connection) {
  return std::make_unique<SqlReaderFinder>(connection);
}

}  // namespace shelfmark::store
