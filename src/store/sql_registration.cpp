#include "store/sql_registration.h"

#include "core/text.h"
#include "store/sql_reader_search.h"
#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

// Names are found case-insensitively and regardless of commas and spacing ("CHAN, Tai Man" = "chan tai man").
std::string name_key(std::string_view name) {
  std::string key;
  for (char c : to_lower_ascii(name)) {
    if (c == ',' || c == '.' || c == '-' || c == ' ') {
      if (!key.empty() && key.back() != ' ') key += ' ';
    } else {
      key += c;
    }
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

constexpr const char* kApplicationColumns =
    "id, reference, type, status, form_key, form_sealed, name_en, name_zh, hkid_digest, hkid_masked, library_id, "
    "language, terms_version, terms_accepted_at, details_valid, created_at, updated_at, submitted_at, decided_at, "
    "decided_by, decision, reader_id";

app::ApplicationRecord application_from(const Row& row) {
  app::ApplicationRecord a;
  a.id = row.integer(0);
  a.reference = row.text(1);
  a.type = domain::parse_registration_type(row.text(2)).value_or(domain::RegistrationType::kEAccount);
  const auto status = domain::parse_application_status(row.text(3));
  if (!status) throw app::StoreError(app::StoreError::Kind::kOther, "unknown application status " + row.text(3));
  a.status = *status;
  if (!row.is_null(4) && !row.is_null(5)) a.form = app::Sealed{row.text(4), row.text(5)};
  a.name_en = row.text(6);
  a.name_zh = row.text(7);
  a.hkid_digest = row.text(8);
  a.hkid_masked = row.text(9);
  a.library_id = row.optional_integer(10);
  a.language = domain::parse_language_code(row.text(11)).value_or(domain::Language::kEnglish);
  a.terms_version = row.text(12);
  a.terms_accepted_at = optional_instant(row, 13);
  a.details_valid = row.integer(14) != 0;
  a.created_at = instant_from_unix(row.integer(15));
  a.updated_at = instant_from_unix(row.integer(16));
  a.submitted_at = optional_instant(row, 17);
  a.decided_at = optional_instant(row, 18);
  a.decided_by = row.optional_integer(19);
  a.decision = row.text(20);
  a.reader_id = row.optional_integer(21);
  return a;
}

app::DocumentRecord document_from(const Row& row) {
  app::DocumentRecord d;
  d.id = row.integer(0);
  d.application_id = row.integer(1);
  d.kind = domain::parse_document_kind(row.text(2)).value_or(domain::DocumentKind::kIdentity);
  d.media_type = row.text(3);
  d.byte_count = row.integer(4);
  d.width = static_cast<int>(row.integer(5));
  d.height = static_cast<int>(row.integer(6));
  d.uploaded_at = instant_from_unix(row.integer(7));
  return d;
}
constexpr const char* kDocumentColumns = "id, application_id, kind, media_type, byte_count, width, height, uploaded_at";

std::string status_list(const std::vector<domain::ApplicationStatus>& statuses, Params& params) {
  std::string sql;
  for (auto status : statuses) {
    sql += sql.empty() ? "?" : ", ?";
    params.emplace_back(std::string(domain::application_status_code(status)));
  }
  return sql;
}

class SqlRegistrations final : public app::RegistrationRepository {
 public:
  explicit SqlRegistrations(Connection& connection) : c_(connection) {}

  long long insert(const app::ApplicationRecord& a, const std::string& draft_digest) override {
    auto rows = c_.query(
        "INSERT INTO registration_applications (reference, type, status, draft_digest, language, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {a.reference, std::string(domain::registration_type_code(a.type)),
         std::string(domain::application_status_code(a.status)), draft_digest,
         std::string(domain::language_code(a.language)), unix_of(a.created_at), unix_of(a.updated_at)});
    return rows.at(0).integer(0);
  }

  std::optional<app::ApplicationRecord> by_id(long long id) override {
    return one(std::string("SELECT ") + kApplicationColumns + " FROM registration_applications WHERE id = ?", {id});
  }
  std::optional<app::ApplicationRecord> by_draft(const std::string& digest) override {
    return one(std::string("SELECT ") + kApplicationColumns +
                   " FROM registration_applications WHERE draft_digest = ? AND status = 'draft'",
               {digest});
  }
  std::optional<app::ApplicationRecord> by_reference(const std::string& reference) override {
    return one(std::string("SELECT ") + kApplicationColumns + " FROM registration_applications WHERE reference = ?",
               {reference});
  }

  void update(const app::ApplicationRecord& a) override {
    c_.execute(
        "UPDATE registration_applications SET status = ?, form_key = ?, form_sealed = ?, name_en = ?, name_zh = ?, "
        "name_key = ?, hkid_digest = ?, hkid_masked = ?, library_id = ?, language = ?, terms_version = ?, "
        "terms_accepted_at = ?, details_valid = ?, updated_at = ?, submitted_at = ?, decided_at = ?, decided_by = ?, "
        "decision = ?, reader_id = ? WHERE id = ?",
        {std::string(domain::application_status_code(a.status)),
         a.form ? Value(a.form->key) : Value(nullptr),
         a.form ? Value(a.form->ciphertext) : Value(nullptr),
         a.name_en,
         a.name_zh,
         name_key(a.name_en),
         a.hkid_digest,
         a.hkid_masked,
         optional_id(a.library_id),
         std::string(domain::language_code(a.language)),
         a.terms_version,
         optional_unix(a.terms_accepted_at),
         static_cast<long long>(a.details_valid ? 1 : 0),
         unix_of(a.updated_at),
         optional_unix(a.submitted_at),
         optional_unix(a.decided_at),
         optional_id(a.decided_by),
         a.decision,
         optional_id(a.reader_id),
         a.id});
  }

  void forget_draft(long long id) override {
    c_.execute("UPDATE registration_applications SET draft_digest = NULL WHERE id = ?", {id});
  }

  std::vector<app::ApplicationRecord> list(const app::ApplicationFilter& filter) override {
    Params params;
    auto sql = std::string("SELECT ") + kApplicationColumns + " FROM registration_applications" +
               where(filter, params) + " ORDER BY submitted_at, id LIMIT ? OFFSET ?";
    params.emplace_back(static_cast<long long>(filter.limit));
    params.emplace_back(static_cast<long long>(filter.offset));
    std::vector<app::ApplicationRecord> out;
    for (const auto& row : c_.query(sql, params)) out.push_back(application_from(row));
    return out;
  }

  long long count(const app::ApplicationFilter& filter) override {
    Params params;
    return c_.query("SELECT COUNT(*) FROM registration_applications" + where(filter, params), params).at(0).integer(0);
  }

  bool hkid_in_progress(const std::string& digest, long long except_application) override {
    return !c_.query(
                  "SELECT 1 FROM registration_applications WHERE hkid_digest = ? AND id <> ? AND status IN "
                  "('submitted', 'verified')",
                  {digest, except_application})
                .empty();
  }

  std::vector<app::ApplicationRecord> find(const std::string& reference, const std::string& hkid_digest,
                                           const std::string& name, int limit) override {
    return find_where("status <> 'draft'", reference, hkid_digest, name, limit);
  }
  std::vector<app::ApplicationRecord> find_awaiting_completion(const std::string& reference,
                                                               const std::string& hkid_digest, const std::string& name,
                                                               int limit) override {
    return find_where("status IN ('submitted', 'verified') AND type = 'library_card'", reference, hkid_digest, name,
                      limit);
  }

 private:
  std::vector<app::ApplicationRecord> find_where(const char* condition, const std::string& reference,
                                                 const std::string& hkid_digest, const std::string& name, int limit) {
    std::string sql =
        std::string("SELECT ") + kApplicationColumns + " FROM registration_applications WHERE " + condition + " AND (";
    Params params;
    std::string alternatives;
    if (!reference.empty()) {
      alternatives += "reference = ?";
      params.emplace_back(reference);
    }
    if (!hkid_digest.empty()) {
      alternatives += std::string(alternatives.empty() ? "" : " OR ") + "hkid_digest = ?";
      params.emplace_back(hkid_digest);
    }
    const auto key = name_key(name);
    if (!key.empty()) {
      alternatives +=
          std::string(alternatives.empty() ? "" : " OR ") + "name_key LIKE ?" + kLikeEscape + " OR name_zh = ?";
      params.emplace_back(like_literal(key) + "%");  // names starting with what was typed
      params.emplace_back(name);
    }
    if (alternatives.empty()) return {};
    sql += alternatives + ") ORDER BY submitted_at DESC LIMIT ?";
    params.emplace_back(static_cast<long long>(limit));
    std::vector<app::ApplicationRecord> out;
    for (const auto& row : c_.query(sql, params)) out.push_back(application_from(row));
    return out;
  }

 public:
  std::vector<long long> expirable(Instant draft_before, Instant submitted_before, int limit) override {
    std::vector<long long> out;
    for (const auto& row :
         c_.query("SELECT id FROM registration_applications WHERE (status = 'draft' AND updated_at < ?) OR "
                  "(status IN ('submitted', 'verified') AND type = 'library_card' AND submitted_at < ?) "
                  "ORDER BY id LIMIT ?",
                  {unix_of(draft_before), unix_of(submitted_before), static_cast<long long>(limit)}))
      out.push_back(row.integer(0));
    return out;
  }

  long long insert_reader(const app::NewReader& r, Instant at) override {
    Value born = nullptr;
    if (r.date_of_birth) born = format_iso_date(*r.date_of_birth);
    Value expires = nullptr;
    if (r.expires_on) expires = format_iso_date(*r.expires_on);
    auto rows = c_.query(
        "INSERT INTO readers (card_number, name, category, status, expires_on, created_at, hkid_digest, hkid_masked, "
        "password_hash, name_zh, date_of_birth, email, mobile, address, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?) RETURNING id",
        {r.card_number, r.name, std::string(domain::reader_category_code(r.category)),
         std::string(domain::reader_status_code(r.status)), expires, unix_of(at),
         r.hkid_digest.empty() ? Value(nullptr) : Value(r.hkid_digest), r.hkid_masked,
         r.password_hash.empty() ? Value(nullptr) : Value(r.password_hash), r.name_zh, born, r.email, r.mobile,
         r.address, std::string(domain::language_code(r.language))});
    const auto id = rows.at(0).integer(0);
    index_reader_names(c_, id, r.name, r.name_zh);
    return id;
  }

  std::optional<app::ReaderCredentials> reader_by_hkid(const std::string& digest) override {
    auto rows = c_.query("SELECT id, password_hash FROM readers WHERE hkid_digest = ?", {digest});
    if (rows.empty()) return std::nullopt;
    return app::ReaderCredentials{rows[0].integer(0), rows[0].is_null(1) ? "" : rows[0].text(1)};
  }
  std::optional<app::ReaderCredentials> reader_credentials(long long reader_id) override {
    auto rows = c_.query("SELECT id, password_hash FROM readers WHERE id = ?", {reader_id});
    if (rows.empty()) return std::nullopt;
    return app::ReaderCredentials{rows[0].integer(0), rows[0].is_null(1) ? "" : rows[0].text(1)};
  }
  void set_reader_password(long long reader_id, const std::string& hash) override {
    c_.execute("UPDATE readers SET password_hash = ? WHERE id = ?", {hash, reader_id});
  }
  std::optional<app::ReaderSettings> reader_settings(long long reader_id) override {
    auto rows = c_.query(
        "SELECT language, notify_channel, notify_reservations, notify_due, notify_overdue, keep_history, email, "
        "mobile, address, date_of_birth FROM readers WHERE id = ?",
        {reader_id});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    return app::ReaderSettings{domain::parse_language_code(r.text(0)).value_or(domain::Language::kEnglish),
                               r.text(1),
                               r.integer(2) != 0,
                               r.integer(3) != 0,
                               r.integer(4) != 0,
                               r.integer(5) != 0,
                               r.text(6),
                               r.text(7),
                               r.text(8),
                               r.optional_date(9)};
  }
  void save_reader_settings(long long reader_id, const app::ReaderSettings& s) override {
    c_.execute(
        "UPDATE readers SET language = ?, notify_channel = ?, notify_reservations = ?, notify_due = ?, "
        "notify_overdue = ?, keep_history = ?, email = ?, mobile = ?, address = ?, version = version + 1 WHERE id = ?",
        {std::string(domain::language_code(s.language)), s.channel, static_cast<long long>(s.notify_reservations),
         static_cast<long long>(s.notify_due), static_cast<long long>(s.notify_overdue),
         static_cast<long long>(s.keep_history), s.email, s.mobile, s.address, reader_id});
  }
  int anonymise_returned_loans(Instant before) override {
    return static_cast<int>(c_.execute(
        "UPDATE loans SET reader_id = NULL WHERE returned_at IS NOT NULL AND returned_at < ? AND reader_id IN "
        "(SELECT id FROM readers WHERE keep_history = 0) AND NOT EXISTS (SELECT 1 FROM charges WHERE "
        "charges.loan_id = loans.id AND charges.settled_cents < charges.amount_cents)",
        {unix_of(before)}));
  }
  void insert_password_reset(const std::string& token_digest, long long reader_id, Instant at,
                             Instant expires_at) override {
    c_.execute("INSERT INTO password_resets (token_digest, reader_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
               {token_digest, reader_id, unix_of(at), unix_of(expires_at)});
  }
  std::optional<app::PasswordReset> password_reset(const std::string& token_digest) override {
    auto rows =
        c_.query("SELECT reader_id, expires_at, used_at FROM password_resets WHERE token_digest = ?", {token_digest});
    if (rows.empty()) return std::nullopt;
    return app::PasswordReset{rows[0].integer(0), instant_from_unix(rows[0].integer(1)), optional_instant(rows[0], 2)};
  }
  bool use_password_reset(const std::string& token_digest, Instant at) override {
    return c_.execute("UPDATE password_resets SET used_at = ? WHERE token_digest = ? AND used_at IS NULL",
                      {unix_of(at), token_digest}) == 1;
  }
  void withdraw_password_resets(long long reader_id) override {
    c_.execute("DELETE FROM password_resets WHERE reader_id = ?", {reader_id});
  }
  void complete_reader(long long reader_id, const std::string& card_number, domain::ReaderCategory category,
                       std::optional<Date> smart_id_issue_date) override {
    Value issued = nullptr;
    if (smart_id_issue_date) issued = format_iso_date(*smart_id_issue_date);
    c_.execute(
        "UPDATE readers SET card_number = ?, category = ?, status = 'active', smart_id_issued_on = COALESCE(?, "
        "smart_id_issued_on) WHERE id = ?",
        {card_number, std::string(domain::reader_category_code(category)), issued, reader_id});
  }
  bool withdraw_reader(long long reader_id) override {
    c_.execute("DELETE FROM reader_sessions WHERE reader_id = ?", {reader_id});
    c_.execute("DELETE FROM calendar_feeds WHERE reader_id = ?", {reader_id});
    c_.execute("DELETE FROM password_resets WHERE reader_id = ?", {reader_id});
    const bool has_history =
        !c_.query(
               "SELECT 1 FROM loans WHERE reader_id = ? UNION ALL SELECT 1 FROM charges WHERE reader_id = ? "
               "UNION ALL SELECT 1 FROM reservations WHERE reader_id = ? UNION ALL SELECT 1 FROM "
               "activity_enrolments WHERE reader_id = ? UNION ALL SELECT 1 FROM study_room_applications WHERE "
               "reader_id = ? LIMIT 1",
               {reader_id, reader_id, reader_id, reader_id, reader_id})
             .empty();
    if (has_history) {
      c_.execute("UPDATE readers SET status = 'suspended', hkid_digest = NULL, password_hash = NULL WHERE id = ?",
                 {reader_id});
      return false;
    }
    c_.execute("UPDATE registration_applications SET reader_id = NULL WHERE reader_id = ?", {reader_id});
    c_.execute("DELETE FROM readers WHERE id = ?", {reader_id});
    return true;
  }

  long long put_document(const app::DocumentRecord& d, const app::Sealed& content) override {
    destroy(d.application_id, std::string(domain::document_kind_code(d.kind)), d.uploaded_at, "replaced", std::nullopt);
    auto rows = c_.query(
        "INSERT INTO registration_documents (application_id, kind, media_type, byte_count, width, height, "
        "content_key, content, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {d.application_id, std::string(domain::document_kind_code(d.kind)), d.media_type, d.byte_count,
         static_cast<long long>(d.width), static_cast<long long>(d.height), content.key, content.ciphertext,
         unix_of(d.uploaded_at)});
    return rows.at(0).integer(0);
  }

  std::vector<app::DocumentRecord> documents(long long application_id) override {
    std::vector<app::DocumentRecord> out;
    for (const auto& row : c_.query(std::string("SELECT ") + kDocumentColumns +
                                        " FROM registration_documents WHERE application_id = ? ORDER BY kind",
                                    {application_id}))
      out.push_back(document_from(row));
    return out;
  }

  std::optional<std::pair<app::DocumentRecord, app::Sealed>> document(long long application_id,
                                                                      long long document_id) override {
    auto rows = c_.query(std::string("SELECT ") + kDocumentColumns +
                             ", content_key, content FROM registration_documents WHERE application_id = ? AND id = ?",
                         {application_id, document_id});
    if (rows.empty()) return std::nullopt;
    return std::make_pair(document_from(rows[0]), app::Sealed{rows[0].text(8), rows[0].text(9)});
  }

  int destroy_documents(long long application_id, Instant at, const std::string& decision,
                        std::optional<long long> staff_id) override {
    return destroy(application_id, "", at, decision, staff_id);
  }

  std::vector<app::DocumentDeletion> deletions(long long application_id) override {
    std::vector<app::DocumentDeletion> out;
    for (const auto& row : c_.query(
             "SELECT application_id, kind, media_type, byte_count, uploaded_at, deleted_at, decision, staff_id FROM "
             "registration_document_deletions WHERE application_id = ? ORDER BY id",
             {application_id})) {
      app::DocumentDeletion d;
      d.application_id = row.integer(0);
      d.kind = domain::parse_document_kind(row.text(1)).value_or(domain::DocumentKind::kIdentity);
      d.media_type = row.text(2);
      d.byte_count = row.integer(3);
      d.uploaded_at = instant_from_unix(row.integer(4));
      d.deleted_at = instant_from_unix(row.integer(5));
      d.decision = row.text(6);
      d.staff_id = row.optional_integer(7);
      out.push_back(d);
    }
    return out;
  }

 private:
  std::optional<app::ApplicationRecord> one(const std::string& sql, const Params& params) {
    auto rows = c_.query(sql, params);
    if (rows.empty()) return std::nullopt;
    return application_from(rows[0]);
  }

  std::string where(const app::ApplicationFilter& filter, Params& params) {
    auto statuses = filter.statuses;
    if (statuses.empty()) statuses = {domain::ApplicationStatus::kSubmitted, domain::ApplicationStatus::kVerified};
    std::string sql = " WHERE status IN (" + status_list(statuses, params) + ")";
    if (filter.type) {
      sql += " AND type = ?";
      params.emplace_back(std::string(domain::registration_type_code(*filter.type)));
    }
    if (filter.library_id) {
      sql += " AND library_id = ?";
      params.emplace_back(*filter.library_id);
    }
    return sql;
  }

  // Deletes the documents (of one kind, or all) and records what was deleted, when and why.
  int destroy(long long application_id, const std::string& kind, Instant at, const std::string& decision,
              std::optional<long long> staff_id) {
    Params params{unix_of(at), decision, optional_id(staff_id), application_id};
    std::string only_kind;
    if (!kind.empty()) {
      only_kind = " AND kind = ?";
      params.emplace_back(kind);
    }
    c_.execute(
        "INSERT INTO registration_document_deletions (application_id, kind, media_type, byte_count, uploaded_at, "
        "deleted_at, decision, staff_id) SELECT application_id, kind, media_type, byte_count, uploaded_at, ?, ?, ? "
        "FROM registration_documents WHERE application_id = ?" +
            only_kind,
        params);
    Params delete_params{application_id};
    if (!kind.empty()) delete_params.emplace_back(kind);
    return static_cast<int>(
        c_.execute("DELETE FROM registration_documents WHERE application_id = ?" + only_kind, delete_params));
  }

  Connection& c_;
};

class SqlOutbox final : public app::OutboxRepository {
 public:
  explicit SqlOutbox(Connection& connection) : c_(connection) {}

  long long enqueue(const app::OutboundMessage& m) override {
    auto rows = c_.query(
        "INSERT INTO outbound_messages (channel, recipient, kind, language, params, created_at, next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {m.channel, m.recipient, m.kind, std::string(domain::language_code(m.language)), m.params,
         unix_of(m.created_at), unix_of(m.next_attempt_at)});
    return rows.at(0).integer(0);
  }

  std::vector<app::OutboundMessage> due(const std::string& channel, Instant now, int limit) override {
    return messages(
        "WHERE channel = ? AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY "
        "next_attempt_at, id LIMIT ?",
        {channel, unix_of(now), static_cast<long long>(limit)});
  }

  void mark_sent(long long id, Instant at, bool forget_values) override {
    c_.execute(std::string("UPDATE outbound_messages SET sent_at = ?, attempts = attempts + 1, last_error = ''") +
                   (forget_values ? ", params = ''" : "") + " WHERE id = ?",
               {unix_of(at), id});
  }
  void mark_retry(long long id, Instant next_attempt_at, const std::string& error) override {
    c_.execute("UPDATE outbound_messages SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
               {unix_of(next_attempt_at), error, id});
  }
  void mark_failed(long long id, Instant at, const std::string& error) override {
    c_.execute("UPDATE outbound_messages SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?",
               {unix_of(at), error, id});
  }
  int scrub(Instant before) override {
    return static_cast<int>(c_.execute(
        "UPDATE outbound_messages SET recipient = '', params = '' WHERE recipient <> '' AND ((sent_at IS NOT NULL "
        "AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?))",
        {unix_of(before), unix_of(before)}));
  }
  std::vector<app::NoticeCandidate> notice_candidates(const std::string& kind, Date today, Date soon,
                                                      int limit) override {
    const std::string reader_columns = "rd.id, rd.notify_channel, rd.email, rd.mobile, rd.language";
    const std::string who =
        " AND rd.notify_channel <> 'none' AND ((rd.notify_channel = 'email' AND rd.email <> '') OR "
        "(rd.notify_channel = 'sms' AND rd.mobile <> ''))";
    std::string sql;
    Params params;  // in the order of the placeholders
    if (kind == "reservation_ready" || kind == "reservation_expiring") {
      sql = "SELECT 'reservation:' || r.id, " + reader_columns +
            ", COALESCE((SELECT title FROM items WHERE id = r.filled_item_id), ''), r.collect_by, l.name_en, "
            "l.name_tc FROM reservations r JOIN readers rd ON rd.id = r.reader_id JOIN libraries l ON l.id = "
            "r.pickup_library_id WHERE r.status = 'ready' AND rd.notify_reservations = 1" +
            who;
      if (kind == "reservation_expiring") {
        sql += " AND r.collect_by = ?";
        params.emplace_back(format_iso_date(soon));
      }
      sql +=
          " AND NOT EXISTS (SELECT 1 FROM reader_notices_sent s WHERE s.kind = ? AND s.subject = 'reservation:' || "
          "r.id)";
    } else if (kind == "due_soon" || kind == "overdue") {
      sql = "SELECT 'loan:' || l.id || ':' || l.due_on, " + reader_columns +
            ", i.title, l.due_on, '', '' FROM loans l JOIN readers rd ON rd.id = l.reader_id JOIN items i ON i.id = "
            "l.item_id WHERE l.returned_at IS NULL AND i.item_type <> 'e_book'" +
            who +
            (kind == "due_soon" ? " AND rd.notify_due = 1 AND l.due_on = ?"
                                : " AND rd.notify_overdue = 1 AND l.due_on < ?");
      params.emplace_back(format_iso_date(kind == "due_soon" ? soon : today));
      sql +=
          " AND NOT EXISTS (SELECT 1 FROM reader_notices_sent s WHERE s.kind = ? AND s.subject = 'loan:' || l.id "
          "|| ':' || l.due_on)";
    } else {
      return {};
    }
    params.emplace_back(kind);  // for NOT EXISTS
    params.emplace_back(static_cast<long long>(limit));
    std::vector<app::NoticeCandidate> out;
    for (const auto& row : c_.query(sql + " LIMIT ?", params)) {
      app::NoticeCandidate c;
      c.subject = row.text(0);
      c.reader_id = row.integer(1);
      c.channel = row.text(2);
      c.email = row.text(3);
      c.mobile = row.text(4);
      c.language = domain::parse_language_code(row.text(5)).value_or(domain::Language::kEnglish);
      c.title = row.text(6);
      c.date = row.optional_date(7);
      c.library_en = row.text(8);
      c.library_tc = row.text(9);
      out.push_back(std::move(c));
    }
    return out;
  }

  bool mark_notice_sent(const std::string& kind, const std::string& subject, Instant at) override {
    return c_.execute(
               "INSERT INTO reader_notices_sent (kind, subject, sent_at) VALUES (?, ?, ?) ON CONFLICT DO "
               "NOTHING",
               {kind, subject, unix_of(at)}) == 1;
  }

  std::vector<app::OutboundMessage> to_recipient(const std::string& recipient) override {
    return messages("WHERE recipient = ? ORDER BY id", {recipient});
  }

 private:
  std::vector<app::OutboundMessage> messages(const std::string& where, const Params& params) {
    std::vector<app::OutboundMessage> out;
    for (const auto& row : c_.query("SELECT id, channel, recipient, kind, language, params, created_at, attempts, "
                                    "next_attempt_at FROM outbound_messages " +
                                        where,
                                    params)) {
      app::OutboundMessage m;
      m.id = row.integer(0);
      m.channel = row.text(1);
      m.recipient = row.text(2);
      m.kind = row.text(3);
      m.language = domain::parse_language_code(row.text(4)).value_or(domain::Language::kEnglish);
      m.params = row.text(5);
      m.created_at = instant_from_unix(row.integer(6));
      m.attempts = static_cast<int>(row.integer(7));
      m.next_attempt_at = instant_from_unix(row.integer(8));
      out.push_back(std::move(m));
    }
    return out;
  }
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::RegistrationRepository> registration_repository(Connection& connection) {
  return std::make_unique<SqlRegistrations>(connection);
}
std::unique_ptr<app::OutboxRepository> outbox_repository(Connection& connection) {
  return std::make_unique<SqlOutbox>(connection);
}

}  // namespace shelfmark::store
