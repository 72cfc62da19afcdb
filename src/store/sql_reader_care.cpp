#include "store/sql_reader_care.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

using domain::ReaderStatus;

Value optional_date(const std::optional<Date>& day) { return day ? Value(format_iso_date(*day)) : Value(nullptr); }

domain::ReaderStatus status_from(const std::string& code) {
  const auto status = domain::parse_reader_status(code);
  if (!status) throw app::StoreError(app::StoreError::Kind::kOther, "unknown reader status " + code);
  return *status;
}

constexpr const char* kBlockColumns =
    "b.id, b.reason, b.starts_on, b.ends_on, b.reader_id, b.note, b.created_by, COALESCE(c.display_name, ''), "
    "b.created_at, b.lifted_by, COALESCE(l.display_name, ''), b.lifted_at FROM reader_blocks b LEFT JOIN staff c "
    "ON c.id = b.created_by LEFT JOIN staff l ON l.id = b.lifted_by";

domain::ReaderBlock block_from(const Row& row) {
  domain::ReaderBlock block;
  block.id = row.integer(0);
  block.reason = domain::parse_block_reason(row.text(1)).value_or(domain::BlockReason::kOther);
  block.starts_on = row.date(2);
  block.ends_on = row.optional_date(3);
  return block;
}

constexpr const char* kNoteColumns =
    "n.id, n.reader_id, n.kind, n.body, n.created_by, COALESCE(s.display_name, ''), n.created_at, "
    "n.acknowledged_at, n.acknowledged_by FROM reader_notes n LEFT JOIN staff s ON s.id = n.created_by";

class SqlReaderCare final : public app::ReaderCareRepository {
 public:
  explicit SqlReaderCare(Connection& c) : c_(c) {}

  std::optional<app::ReaderProfile> profile(long long reader_id) override {
    auto rows = c_.query(
        "SELECT id, card_number, category, status, expires_on, name, name_zh, date_of_birth, email, mobile, "
        "address, language, notify_channel, hkid_digest, version FROM readers WHERE id = ?",
        {reader_id});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    app::ReaderProfile p;
    p.id = r.integer(0);
    p.card_number = r.text(1);
    p.category = domain::parse_reader_category(r.text(2)).value_or(domain::ReaderCategory::kAdult);
    p.status = status_from(r.text(3));
    p.expires_on = r.optional_date(4);
    p.details.name_en = r.text(5);
    p.details.name_zh = r.text(6);
    p.details.date_of_birth = r.optional_date(7);
    p.details.email = r.text(8);
    p.details.mobile = r.text(9);
    p.details.address = r.text(10);
    p.details.language = domain::parse_language_code(r.text(11)).value_or(domain::Language::kEnglish);
    p.details.channel = r.text(12);
    p.has_hkid = !r.is_null(13) && !r.text(13).empty();
    p.version = r.integer(14);
    return p;
  }

  bool save_details(long long reader_id, long long expected_version, const domain::ReaderDetails& d) override {
    return c_.execute(
               "UPDATE readers SET name = ?, name_zh = ?, date_of_birth = ?, email = ?, mobile = ?, address = ?, "
               "language = ?, notify_channel = ?, version = version + 1 WHERE id = ? AND version = ?",
               {d.name_en, d.name_zh, optional_date(d.date_of_birth), d.email, d.mobile, d.address,
                std::string(domain::language_code(d.language)), d.channel, reader_id, expected_version}) == 1;
  }

  bool save_membership(long long reader_id, long long expected_version, Date expires_on, ReaderStatus status) override {
    return c_.execute(
               "UPDATE readers SET expires_on = ?, status = ?, version = version + 1 WHERE id = ? AND version = ?",
               {format_iso_date(expires_on), std::string(domain::reader_status_code(status)), reader_id,
                expected_version}) == 1;
  }

  void raise_version(long long reader_id) override {
    c_.execute("UPDATE readers SET version = version + 1 WHERE id = ?", {reader_id});
  }

  long long add_block(const app::BlockRecord& b) override {
    return insert_returning_id(
        c_,
        "INSERT INTO reader_blocks (reader_id, reason, note, starts_on, ends_on, created_by, created_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?)",
        {b.reader_id, std::string(domain::block_reason_code(b.block.reason)), b.note,
         format_iso_date(b.block.starts_on), optional_date(b.block.ends_on), optional_id(b.created_by),
         unix_of(b.created_at)});
  }

  std::vector<app::BlockRecord> blocks(long long reader_id) override {
    std::vector<app::BlockRecord> out;
    for (const auto& row :
         c_.query(std::string("SELECT ") + kBlockColumns + " WHERE b.reader_id = ? ORDER BY b.id DESC", {reader_id})) {
      app::BlockRecord b;
      b.block = block_from(row);
      b.reader_id = row.integer(4);
      b.note = row.text(5);
      b.created_by = row.optional_integer(6);
      b.created_by_name = row.text(7);
      b.created_at = instant_from_unix(row.integer(8));
      b.lifted_by = row.optional_integer(9);
      b.lifted_by_name = row.text(10);
      b.lifted_at = optional_instant(row, 11);
      out.push_back(std::move(b));
    }
    return out;
  }

  std::vector<domain::ReaderBlock> unlifted_blocks(long long reader_id) override {
    std::vector<domain::ReaderBlock> out;
    for (const auto& row : c_.query(
             std::string("SELECT ") + kBlockColumns + " WHERE b.reader_id = ? AND b.lifted_at IS NULL ORDER BY b.id",
             {reader_id}))
      out.push_back(block_from(row));
    return out;
  }

  bool lift_block(long long reader_id, long long block_id, long long staff_id, Instant at) override {
    return c_.execute(
               "UPDATE reader_blocks SET lifted_by = ?, lifted_at = ? WHERE id = ? AND reader_id = ? AND lifted_at "
               "IS NULL",
               {staff_id, unix_of(at), block_id, reader_id}) == 1;
  }

  long long add_note(const app::NoteRecord& n) override {
    return insert_returning_id(
        c_, "INSERT INTO reader_notes (reader_id, kind, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        {n.reader_id, std::string(app::note_kind_code(n.kind)), n.body, optional_id(n.created_by),
         unix_of(n.created_at)});
  }

  std::vector<app::NoteRecord> notes(long long reader_id) override {
    std::vector<app::NoteRecord> out;
    for (const auto& row :
         c_.query(std::string("SELECT ") + kNoteColumns + " WHERE n.reader_id = ? ORDER BY n.id DESC", {reader_id})) {
      app::NoteRecord n;
      n.id = row.integer(0);
      n.reader_id = row.integer(1);
      n.kind = app::parse_note_kind(row.text(2)).value_or(app::NoteKind::kInternal);
      n.body = row.text(3);
      n.created_by = row.optional_integer(4);
      n.created_by_name = row.text(5);
      n.created_at = instant_from_unix(row.integer(6));
      n.acknowledged_at = optional_instant(row, 7);
      n.acknowledged_by = row.optional_integer(8);
      out.push_back(std::move(n));
    }
    return out;
  }

  bool acknowledge_note(long long reader_id, long long note_id, std::optional<long long> staff_id,
                        Instant at) override {
    return c_.execute(
               "UPDATE reader_notes SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND reader_id = ? AND "
               "kind = 'to_reader' AND acknowledged_at IS NULL",
               {unix_of(at), optional_id(staff_id), note_id, reader_id}) == 1;
  }

  void add_status_change(long long reader_id, const app::StatusChange& change) override {
    c_.execute(
        "INSERT INTO reader_status_history (reader_id, from_status, to_status, reason, staff_id, at) VALUES (?, ?, ?, "
        "?, ?, ?)",
        {reader_id, std::string(domain::reader_status_code(change.from)),
         std::string(domain::reader_status_code(change.to)), change.reason, optional_id(change.staff_id),
         unix_of(change.at)});
  }

  std::vector<app::StatusChange> status_history(long long reader_id) override {
    std::vector<app::StatusChange> out;
    for (const auto& row :
         c_.query("SELECT h.from_status, h.to_status, h.reason, h.staff_id, COALESCE(s.display_name, ''), h.at FROM "
                  "reader_status_history h LEFT JOIN staff s ON s.id = h.staff_id WHERE h.reader_id = ? ORDER BY h.id",
                  {reader_id}))
      out.push_back({status_from(row.text(0)), status_from(row.text(1)), row.text(2), row.optional_integer(3),
                     row.text(4), instant_from_unix(row.integer(5))});
    return out;
  }

  void save_guarantor(long long reader_id, const app::Guarantor& g) override {
    c_.execute("DELETE FROM reader_guarantors WHERE reader_id = ?", {reader_id});
    c_.execute(
        "INSERT INTO reader_guarantors (reader_id, name, relationship, phone, recorded_at) VALUES (?, ?, ?, ?, ?)",
        {reader_id, g.name, g.relationship, g.phone, unix_of(g.recorded_at)});
  }

  std::optional<app::Guarantor> guarantor(long long reader_id) override {
    auto rows = c_.query("SELECT name, relationship, phone, recorded_at FROM reader_guarantors WHERE reader_id = ?",
                         {reader_id});
    if (rows.empty()) return std::nullopt;
    return app::Guarantor{rows[0].text(0), rows[0].text(1), rows[0].text(2), instant_from_unix(rows[0].integer(3))};
  }

  std::vector<app::ExpiryCandidate> expiring(Date from, Date to, int limit) override {
    std::vector<app::ExpiryCandidate> out;
    for (const auto& row :
         c_.query("SELECT r.id, r.expires_on, r.name, r.notify_channel, r.email, r.mobile, r.language FROM readers r "
                  "WHERE r.status = 'active' AND r.expires_on >= ? AND r.expires_on <= ? AND ((r.notify_channel = "
                  "'email' AND r.email <> '') OR (r.notify_channel = 'sms' AND r.mobile <> '')) AND NOT EXISTS (SELECT "
                  "1 FROM reader_notices_sent s WHERE s.kind = 'membership_expiring' AND s.subject = 'reader:' || r.id "
                  "|| ':' || r.expires_on) ORDER BY r.expires_on, r.id LIMIT ?",
                  {format_iso_date(from), format_iso_date(to), static_cast<long long>(limit)})) {
      app::ExpiryCandidate c;
      c.reader_id = row.integer(0);
      c.expires_on = row.date(1);
      c.name = row.text(2);
      c.channel = row.text(3);
      c.email = row.text(4);
      c.mobile = row.text(5);
      c.language = domain::parse_language_code(row.text(6)).value_or(domain::Language::kEnglish);
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::ReaderCareRepository> reader_care_repository(Connection& connection) {
  return std::make_unique<SqlReaderCare>(connection);
}

}  // namespace shelfmark::store
