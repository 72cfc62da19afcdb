#include "store/sql_reader_merge.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

constexpr const char* kSelectReader =
    "SELECT r.id, r.card_number, r.name, r.name_zh, r.hkid_masked, COALESCE(r.date_of_birth, ''), r.category, "
    "r.status, m.card_number FROM readers r LEFT JOIN readers m ON m.id = r.merged_into";

app::MergeReader reader_of(const Row& row) {
  app::MergeReader reader{row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4),
                          row.text(5),    row.text(6), row.text(7), std::nullopt};
  if (!row.is_null(8)) reader.merged_into_card = row.text(8);
  return reader;
}

class SqlReaderMerge final : public app::ReaderMergeRepository {
 public:
  explicit SqlReaderMerge(Connection& connection) : c_(connection) {}

  std::optional<app::MergeReader> reader_by_card(const std::string& card_number) override {
    auto rows = c_.query(std::string(kSelectReader) + " WHERE r.card_number = ?", {card_number});
    if (rows.empty()) return std::nullopt;
    return reader_of(rows[0]);
  }

  domain::MergeHoldings holdings(long long reader_id) override {
    domain::MergeHoldings out;
    out.reader_id = reader_id;
    if (auto rows = c_.query(std::string(kSelectReader) + " WHERE r.id = ?", {reader_id}); !rows.empty()) {
      const auto reader = reader_of(rows[0]);
      out.card_number = reader.card_number;
      out.merged_into_card = reader.merged_into_card;
    }
    for (const auto& row : c_.query("SELECT i.id, i.barcode FROM loans l JOIN items i ON i.id = l.item_id "
                                    "WHERE l.reader_id = ? AND l.returned_at IS NULL ORDER BY i.barcode",
                                    {reader_id}))
      out.open_loans.push_back({std::to_string(row.integer(0)), row.text(1)});
    for (const auto& row :
         c_.query("SELECT r.title_key, COALESCE((SELECT MIN(i.title) FROM items i WHERE i.title_key = r.title_key), "
                  "r.title_key) FROM reservations r WHERE r.reader_id = ? AND r.status IN ('waiting', 'in_transit', "
                  "'ready') ORDER BY r.title_key",
                  {reader_id}))
      out.active_reservations.push_back({row.text(0), row.text(1)});
    for (const auto& row : c_.query("SELECT a.id, a.title_en FROM activity_enrolments e JOIN activities a ON a.id = "
                                    "e.activity_id WHERE e.reader_id = ? AND e.status IN ('confirmed', 'waitlisted') "
                                    "ORDER BY a.id",
                                    {reader_id}))
      out.activity_enrolments.push_back({std::to_string(row.integer(0)), row.text(1)});
    for (const auto& row : c_.query("SELECT period_id FROM study_room_applications WHERE reader_id = ? AND outcome "
                                    "<> 'withdrawn' ORDER BY period_id",
                                    {reader_id}))
      out.study_applications.push_back({std::to_string(row.integer(0)), std::to_string(row.integer(0))});
    auto open = c_.query(
        "SELECT reference FROM registration_applications WHERE reader_id = ? AND status IN ('draft', 'submitted', "
        "'verified') ORDER BY id",
        {reader_id});
    if (!open.empty()) out.open_application = open[0].text(0);
    return out;
  }

  app::MergeCounts counts(long long reader_id) override {
    auto count = [&](const std::string& sql) { return c_.query(sql, {reader_id}).at(0).integer(0); };
    app::MergeCounts out;
    out.open_loans = count("SELECT COUNT(*) FROM loans WHERE reader_id = ? AND returned_at IS NULL");
    out.past_loans = count("SELECT COUNT(*) FROM loans WHERE reader_id = ? AND returned_at IS NOT NULL");
    out.reservations = count("SELECT COUNT(*) FROM reservations WHERE reader_id = ?");
    out.charges = count("SELECT COUNT(*) FROM charges WHERE reader_id = ?");
    out.payments = count("SELECT COUNT(*) FROM payments WHERE reader_id = ?");
    out.enrolments = count("SELECT COUNT(*) FROM activity_enrolments WHERE reader_id = ?");
    out.enquiries = count("SELECT COUNT(*) FROM enquiries WHERE reader_id = ?");
    out.study_applications = count("SELECT COUNT(*) FROM study_room_applications WHERE reader_id = ?");
    out.registration_applications = count("SELECT COUNT(*) FROM registration_applications WHERE reader_id = ?");
    return out;
  }

  std::vector<app::MergeReader> candidates(long long reader_id) override {
    std::vector<app::MergeReader> out;
    for (const auto& row :
         c_.query(std::string(kSelectReader) +
                      " JOIN readers me ON me.id = ? WHERE r.id <> me.id AND r.merged_into IS NULL AND ("
                      "(r.hkid_digest IS NOT NULL AND r.hkid_digest = me.hkid_digest) OR "
                      "((r.hkid_digest IS NULL OR me.hkid_digest IS NULL) AND r.date_of_birth IS NOT NULL AND "
                      "r.date_of_birth = me.date_of_birth AND (LOWER(r.name) = LOWER(me.name) OR (r.name_zh <> '' AND "
                      "r.name_zh = me.name_zh)))) ORDER BY r.card_number LIMIT 20",
                  {reader_id}))
      out.push_back(reader_of(row));
    return out;
  }

  void move(long long other_id, long long kept_id, Instant at) override {
    const Params ids{kept_id, other_id};
    for (const char* table : {"loans", "reservations", "charges", "payments", "activity_enrolments", "enquiries",
                              "study_room_applications", "registration_applications"})
      c_.execute(std::string("UPDATE ") + table + " SET reader_id = ? WHERE reader_id = ?", ids);
    // A private calendar feed moves when the kept record has none; else the other's link stops working.
    if (c_.query("SELECT COUNT(*) FROM calendar_feeds WHERE reader_id = ?", {kept_id}).at(0).integer(0) == 0)
      c_.execute("UPDATE calendar_feeds SET reader_id = ? WHERE reader_id = ?", ids);
    else
      c_.execute("DELETE FROM calendar_feeds WHERE reader_id = ?", {other_id});
    c_.execute("DELETE FROM reader_sessions WHERE reader_id = ?", {other_id});
    c_.execute("DELETE FROM password_resets WHERE reader_id = ?", {other_id});
    // The card stops working in every channel: no password, no PIN, suspended; the row stays, so the card
    // number remains taken and staff who scan it are told where it went.
    const auto hkid = c_.query("SELECT hkid_digest, hkid_masked FROM readers WHERE id = ?", {other_id});
    c_.execute(
        "UPDATE readers SET merged_into = ?, merged_at = ?, status = 'suspended', password_hash = NULL, "
        "pin_hash = NULL, hkid_digest = NULL WHERE id = ?",
        {kept_id, unix_of(at), other_id});
    // The HKID's keyed digest (one per person) goes to the kept record when it has none.
    if (!hkid.empty() && !hkid[0].is_null(0))
      c_.execute("UPDATE readers SET hkid_digest = ?, hkid_masked = ? WHERE id = ? AND hkid_digest IS NULL",
                 {hkid[0].text(0), hkid[0].text(1), kept_id});
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::ReaderMergeRepository> reader_merge_repository(Connection& connection) {
  return std::make_unique<SqlReaderMerge>(connection);
}

}  // namespace shelfmark::store
