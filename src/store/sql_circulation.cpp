#include "store/sql_circulation.h"

#include <algorithm>

#include "core/text.h"
#include "store/sql_reader_search.h"
#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

using app::StoreError;
using domain::ItemStatus;

constexpr std::pair<ItemStatus, std::string_view> kItemStatuses[] = {
    {ItemStatus::kAvailable, "available"},  {ItemStatus::kOnLoan, "on_loan"},
    {ItemStatus::kInTransit, "in_transit"}, {ItemStatus::kOnHoldShelf, "on_hold_shelf"},
    {ItemStatus::kMissing, "missing"},      {ItemStatus::kLost, "lost"},
    {ItemStatus::kWithdrawn, "withdrawn"},
};

template <class Enum, std::size_t N>
std::string code_of(const std::pair<Enum, std::string_view> (&table)[N], Enum value) {
  for (const auto& [entry, code] : table)
    if (entry == value) return std::string(code);
  throw StoreError(StoreError::Kind::kOther, "unknown enum value");
}
template <class Enum, std::size_t N>
Enum parse_of(const std::pair<Enum, std::string_view> (&table)[N], const std::string& code) {
  for (const auto& [entry, text] : table)
    if (text == code) return entry;
  throw StoreError(StoreError::Kind::kOther, "unknown code in database: " + code);
}

Value optional_value(const std::optional<long long>& value) {
  if (value) return *value;
  return nullptr;
}

std::string join_ids(const std::vector<long long>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}
std::string join_kinds(const std::vector<domain::LibraryKind>& kinds) {
  std::string out;
  for (auto kind : kinds) out += (out.empty() ? "" : ",") + std::string(domain::library_kind_code(kind));
  return out;
}

template <class Enum>
Enum known(std::optional<Enum> parsed, const std::string& code) {
  if (!parsed) throw StoreError(StoreError::Kind::kOther, "unknown code in database: " + code);
  return *parsed;
}

Value optional_code(bool present, std::string_view code) {
  if (present) return std::string(code);
  return nullptr;
}

Params rule_params(const domain::PolicyRule& rule) {
  const auto& p = rule.policy;
  return {optional_code(rule.reader_category.has_value(),
                        rule.reader_category ? domain::reader_category_code(*rule.reader_category) : ""),
          optional_code(rule.item_type.has_value(), rule.item_type ? domain::item_type_code(*rule.item_type) : ""),
          optional_code(rule.collection.has_value(), rule.collection ? domain::collection_code(*rule.collection) : ""),
          optional_value(rule.library_id),
          static_cast<long long>(p.loanable ? 1 : 0),
          static_cast<long long>(p.reservable ? 1 : 0),
          static_cast<long long>(p.loan_days),
          static_cast<long long>(p.max_renewals),
          static_cast<long long>(p.renewal_days),
          p.fine_per_day.cents};
}

class SqlCirculation final : public app::CirculationRepository {
 public:
  explicit SqlCirculation(Connection& connection) : c_(connection) {}

  // Moves the network version: every node's NetworkCache reloads libraries, calendars and lending rules.
  void network_changed() { c_.execute("UPDATE counters SET value = value + 1 WHERE name = 'network_version'", {}); }

  std::optional<app::ReaderRecord> reader_by_card(const std::string& card_number) override {
    return reader_where("card_number = ?", {card_number});
  }
  std::optional<app::ReaderRecord> reader_by_id(long long id) override { return reader_where("id = ?", {id}); }

  long long insert_reader(const app::ReaderRecord& reader, Instant created_at) override {
    Value expires = nullptr;
    if (reader.expires_on) expires = format_iso_date(*reader.expires_on);
    const auto id = c_.query(
                          "INSERT INTO readers (card_number, name, category, status, expires_on, created_at) VALUES "
                          "(?, ?, ?, ?, ?, ?) RETURNING id",
                          {reader.card_number, reader.name, std::string(domain::reader_category_code(reader.category)),
                           std::string(domain::reader_status_code(reader.status)), expires, unix_seconds(created_at)})
                        .at(0)
                        .integer(0);
    index_reader_names(c_, id, reader.name, "");
    return id;
  }

  void mark_card_lost(long long reader_id) override {
    c_.execute(
        "UPDATE readers SET status_before_card_lost = status, status = 'card_reported_lost' WHERE id = ? AND status "
        "<> 'card_reported_lost'",
        {reader_id});
  }

  domain::ReaderStatus restore_status_after_card_lost(long long reader_id) override {
    c_.execute(
        "UPDATE readers SET status = COALESCE(status_before_card_lost, 'active'), status_before_card_lost = NULL "
        "WHERE id = ?",
        {reader_id});
    const auto rows = c_.query("SELECT status FROM readers WHERE id = ?", {reader_id});
    if (rows.empty()) throw StoreError(StoreError::Kind::kOther, "no reader " + std::to_string(reader_id));
    return domain::parse_reader_status(rows[0].text(0)).value_or(domain::ReaderStatus::kActive);
  }

  void set_reader_status(long long reader_id, domain::ReaderStatus status) override {
    c_.execute("UPDATE readers SET status = ? WHERE id = ?",
               {std::string(domain::reader_status_code(status)), reader_id});
  }

  std::optional<app::ItemRecord> item_by_barcode(const std::string& barcode) override {
    auto found = items_where("barcode = ?", {barcode});
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  long long insert_item(const app::ItemRecord& item) override {
    return c_
        .query(
            "INSERT INTO items (barcode, title, title_key, item_type, collection, home_library_id, "
            "current_library_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {item.barcode, item.title, item.title_key, std::string(domain::item_type_code(item.facts.type)),
             std::string(domain::collection_code(item.facts.collection)), item.facts.home_library_id,
             optional_value(item.current_library_id), code_of(kItemStatuses, item.status)})
        .at(0)
        .integer(0);
  }

  void set_item_location(long long item_id, ItemStatus status, std::optional<long long> current_library,
                         std::optional<long long> transit_to) override {
    c_.execute(
        "UPDATE items SET status = ?, current_library_id = ?, transit_to_library_id = ?, version = version + 1 "
        "WHERE id = ?",
        {code_of(kItemStatuses, status), optional_value(current_library), optional_value(transit_to), item_id});
  }

  std::vector<app::LoanRecord> open_loans_of_reader(long long reader_id) override {
    return loans_where("l.reader_id = ? AND l.returned_at IS NULL", {reader_id});
  }

  std::vector<app::LoanRecord> loans_of_reader(long long reader_id) override {
    auto loans = loans_where("l.reader_id = ?", {reader_id});
    std::reverse(loans.begin(), loans.end());
    return loans;
  }

  std::vector<app::ReservationRecord> reservations_of_reader(long long reader_id) override {
    auto reservations = reservations_where("reader_id = ?", {reader_id});
    std::reverse(reservations.begin(), reservations.end());
    return reservations;
  }

  std::optional<app::LoanRecord> open_loan_of_item(long long item_id) override {
    auto loans = loans_where("l.item_id = ? AND l.returned_at IS NULL", {item_id});
    if (loans.empty()) return std::nullopt;
    return loans.front();
  }

  std::map<long long, Date> due_dates_of_items(const std::vector<long long>& item_ids) override {
    std::map<long long, Date> out;
    for_each_in_list(item_ids, [&](const std::string& marks, const Params& params) {
      for (const auto& row : c_.query(
               "SELECT item_id, due_on FROM loans WHERE item_id IN (" + marks + ") AND returned_at IS NULL", params))
        out[row.integer(0)] = row.date(1);
    });
    return out;
  }

  long long insert_loan(const app::LoanRecord& loan) override {
    return c_
        .query(
            "INSERT INTO loans (item_id, reader_id, library_id, channel, checked_out_at, due_on, times_renewed) "
            "VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id",
            {loan.item_id, loan.reader_id, loan.library_id, loan.channel, unix_seconds(loan.checked_out_at),
             format_iso_date(loan.due_on)})
        .at(0)
        .integer(0);
  }

  bool close_loan(long long loan_id, Instant returned_at, long long library_id) override {
    return c_.execute("UPDATE loans SET returned_at = ?, returned_library_id = ? WHERE id = ? AND returned_at IS NULL",
                      {unix_seconds(returned_at), library_id, loan_id}) == 1;
  }

  bool renew_loan(long long loan_id, int expected_times_renewed, Date new_due_on) override {
    return c_.execute(
               "UPDATE loans SET times_renewed = times_renewed + 1, due_on = ? WHERE id = ? AND times_renewed = ? "
               "AND returned_at IS NULL",
               {format_iso_date(new_due_on), loan_id, static_cast<long long>(expected_times_renewed)}) == 1;
  }

  long long add_loan_event(long long loan_id, const std::string& kind, Instant at, std::optional<Date> due_on,
                           std::optional<long long> staff_id, const std::string& override_reason) override {
    Value due = nullptr;
    if (due_on) due = format_iso_date(*due_on);
    Value reason = nullptr;
    if (!override_reason.empty()) reason = override_reason;
    return c_
        .query(
            "INSERT INTO loan_events (loan_id, kind, at, due_on, staff_id, override_reason) VALUES (?, ?, ?, ?, "
            "?, ?) RETURNING id",
            {loan_id, kind, unix_seconds(at), due, optional_value(staff_id), reason})
        .at(0)
        .integer(0);
  }

  domain::Money outstanding_charges(long long reader_id) override {
    auto rows =
        c_.query("SELECT COALESCE(SUM(amount_cents - settled_cents), 0) FROM charges WHERE reader_id = ?", {reader_id});
    return {rows.at(0).integer(0)};
  }

  long long add_charge(const app::ChargeRecord& charge) override {
    return c_
        .query(
            "INSERT INTO charges (reader_id, loan_id, kind, amount_cents, explanation, created_at) VALUES "
            "(?, ?, ?, ?, ?, ?) RETURNING id",
            {charge.reader_id, optional_value(charge.loan_id), charge.kind, charge.amount.cents, charge.explanation,
             unix_seconds(charge.created_at)})
        .at(0)
        .integer(0);
  }

  std::vector<app::ChargeView> charges_of_reader(long long reader_id) override {
    std::vector<app::ChargeView> out;
    for (const auto& row :
         c_.query("SELECT c.id, c.loan_id, c.kind, c.amount_cents, c.amount_cents - c.settled_cents, c.explanation, "
                  "COALESCE(i.title, ''), c.created_at FROM charges c LEFT JOIN loans l ON l.id = c.loan_id "
                  "LEFT JOIN items i ON i.id = l.item_id WHERE c.reader_id = ? ORDER BY c.created_at, c.id",
                  {reader_id}))
      out.push_back({row.integer(0),
                     row.optional_integer(1),
                     row.text(2),
                     {row.integer(3)},
                     {row.integer(4)},
                     row.text(5),
                     row.text(6),
                     instant_from_unix(row.integer(7))});
    return out;
  }

  long long insert_payment(long long reader_id, const std::string& kind, domain::Money amount,
                           const std::string& method, const std::string& reason, std::optional<long long> staff_id,
                           Instant at) override {
    return c_
        .query(
            "INSERT INTO payments (reader_id, kind, amount_cents, method, reason, staff_id, at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {reader_id, kind, amount.cents, method, reason, optional_value(staff_id), unix_seconds(at)})
        .at(0)
        .integer(0);
  }

  void allocate(long long payment_id, long long charge_id, domain::Money amount) override {
    c_.execute("INSERT INTO payment_allocations (payment_id, charge_id, amount_cents) VALUES (?, ?, ?)",
               {payment_id, charge_id, amount.cents});
    // Never beyond the amount, even when two payments race: the loser's update finds nothing to settle and
    // its whole transaction is retried from a fresh reading.
    if (c_.execute("UPDATE charges SET settled_cents = settled_cents + ? WHERE id = ? AND settled_cents + ? <= "
                   "amount_cents",
                   {amount.cents, charge_id, amount.cents}) != 1)
      throw StoreError(StoreError::Kind::kBusy, "charge settled concurrently");
  }

  std::vector<domain::FineSuspension> fine_suspensions() override {
    std::vector<domain::FineSuspension> out;
    for (const auto& row : c_.query(
             "SELECT id, first_day, last_day, library_ids, library_kinds, excluded_kinds, borrowed_before, reason_en, "
             "reason_tc FROM fine_suspensions ORDER BY first_day, id")) {
      domain::FineSuspension suspension;
      suspension.id = row.integer(0);
      suspension.first_day = row.date(1);
      suspension.last_day = row.date(2);
      if (!row.text(3).empty())
        for (auto id : split(row.text(3), ','))
          if (!trim(id).empty()) suspension.library_ids.push_back(std::stoll(std::string(trim(id))));
      if (!row.text(4).empty())
        for (auto kind : split(row.text(4), ','))
          if (auto parsed = domain::parse_library_kind(kind)) suspension.library_kinds.push_back(*parsed);
      if (!row.text(5).empty())
        for (auto kind : split(row.text(5), ','))
          if (auto parsed = domain::parse_library_kind(kind)) suspension.excluded_kinds.push_back(*parsed);
      suspension.borrowed_before = row.optional_date(6);
      suspension.reason = {row.text(7), row.text(8)};
      out.push_back(std::move(suspension));
    }
    return out;
  }

  long long add_fine_suspension(const domain::FineSuspension& suspension) override {
    Value before = nullptr;
    if (suspension.borrowed_before) before = format_iso_date(*suspension.borrowed_before);
    return c_
        .query(
            "INSERT INTO fine_suspensions (first_day, last_day, library_ids, library_kinds, excluded_kinds, "
            "borrowed_before, reason_en, reason_tc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {format_iso_date(suspension.first_day), format_iso_date(suspension.last_day),
             join_ids(suspension.library_ids), join_kinds(suspension.library_kinds),
             join_kinds(suspension.excluded_kinds), before, suspension.reason.en, suspension.reason.tc})
        .at(0)
        .integer(0);
  }

  bool remove_fine_suspension(long long id) override {
    return c_.execute("DELETE FROM fine_suspensions WHERE id = ?", {id}) == 1;
  }

  domain::LendingPolicies lending_policies() override {
    domain::LendingPolicies policies;
    for (const auto& row :
         c_.query("SELECT id, reader_category, item_type, collection, library_id, loanable, reservable, loan_days, "
                  "max_renewals, renewal_days, fine_per_day_cents FROM lending_rules ORDER BY id")) {
      domain::PolicyRule rule;
      rule.id = row.integer(0);
      if (!row.is_null(1)) rule.reader_category = known(domain::parse_reader_category(row.text(1)), row.text(1));
      if (!row.is_null(2)) rule.item_type = known(domain::parse_item_type(row.text(2)), row.text(2));
      if (!row.is_null(3)) rule.collection = known(domain::parse_collection(row.text(3)), row.text(3));
      if (!row.is_null(4)) rule.library_id = row.integer(4);
      rule.policy.loanable = row.integer(5) != 0;
      rule.policy.reservable = row.integer(6) != 0;
      rule.policy.loan_days = static_cast<int>(row.integer(7));
      rule.policy.max_renewals = static_cast<int>(row.integer(8));
      rule.policy.renewal_days = static_cast<int>(row.integer(9));
      rule.policy.fine_per_day = domain::Money{row.integer(10)};
      policies.rules.push_back(rule);
    }
    auto limits = c_.query(
        "SELECT max_loans, max_periodical_loans, max_reservations, reservation_fee_cents, hold_shelf_days, "
        "max_reservation_days, fines_ceiling_cents, block_when_overdue FROM reader_limits WHERE id = 1");
    if (!limits.empty()) {
      const auto& row = limits.front();
      auto& l = policies.limits;
      l.max_loans = static_cast<int>(row.integer(0));
      l.max_periodical_loans = static_cast<int>(row.integer(1));
      l.max_reservations = static_cast<int>(row.integer(2));
      l.reservation_fee = domain::Money{row.integer(3)};
      l.hold_shelf_days = static_cast<int>(row.integer(4));
      l.max_reservation_days = static_cast<int>(row.integer(5));
      l.fines_ceiling = domain::Money{row.integer(6)};
      l.block_when_overdue = row.integer(7) != 0;
    }
    return policies;
  }

  long long insert_lending_rule(const domain::PolicyRule& rule) override {
    auto params = rule_params(rule);
    const auto id = c_.query(
                          "INSERT INTO lending_rules (reader_category, item_type, collection, library_id, loanable, "
                          "reservable, loan_days, max_renewals, renewal_days, fine_per_day_cents) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          params)
                        .at(0)
                        .integer(0);
    network_changed();
    return id;
  }

  bool update_lending_rule(const domain::PolicyRule& rule) override {
    auto params = rule_params(rule);
    params.push_back(rule.id);
    const bool changed = c_.execute(
                             "UPDATE lending_rules SET reader_category = ?, item_type = ?, collection = ?, "
                             "library_id = ?, loanable = ?, reservable = ?, loan_days = ?, max_renewals = ?, "
                             "renewal_days = ?, fine_per_day_cents = ? WHERE id = ?",
                             params) == 1;
    if (changed) network_changed();
    return changed;
  }

  bool delete_lending_rule(long long id) override {
    const bool changed = c_.execute("DELETE FROM lending_rules WHERE id = ?", {id}) == 1;
    if (changed) network_changed();
    return changed;
  }

  void set_reader_limits(const domain::ReaderLimits& l) override {
    c_.execute(
        "UPDATE reader_limits SET max_loans = ?, max_periodical_loans = ?, max_reservations = ?, "
        "reservation_fee_cents = ?, hold_shelf_days = ?, max_reservation_days = ?, fines_ceiling_cents = ?, "
        "block_when_overdue = ? WHERE id = 1",
        {static_cast<long long>(l.max_loans), static_cast<long long>(l.max_periodical_loans),
         static_cast<long long>(l.max_reservations), l.reservation_fee.cents, static_cast<long long>(l.hold_shelf_days),
         static_cast<long long>(l.max_reservation_days), l.fines_ceiling.cents,
         static_cast<long long>(l.block_when_overdue ? 1 : 0)});
    network_changed();
  }

  std::vector<std::pair<long long, long long>> loan_events_after(long long event_id, int limit) override {
    std::vector<std::pair<long long, long long>> out;
    for (const auto& row :
         c_.query("SELECT e.id, i.record_id FROM loan_events e JOIN loans l ON l.id = e.loan_id JOIN items i ON "
                  "i.id = l.item_id WHERE e.id > ? ORDER BY e.id LIMIT ?",
                  {event_id, static_cast<long long>(limit)}))
      out.emplace_back(row.integer(0), row.is_null(1) ? 0 : row.integer(1));
    return out;
  }

  std::optional<domain::ItemType> title_item_type(const std::string& title_key) override {
    auto rows = c_.query("SELECT item_type FROM items WHERE title_key = ? ORDER BY id LIMIT 1", {title_key});
    if (rows.empty()) return std::nullopt;
    return domain::parse_item_type(rows[0].text(0));
  }

  long long latest_loan_event() override {
    auto rows = c_.query("SELECT MAX(id) FROM loan_events");
    return rows.empty() || rows[0].is_null(0) ? 0 : rows[0].integer(0);
  }

  std::vector<std::string> ebook_loans_due_before(Date day) override {
    std::vector<std::string> barcodes;
    for (const auto& row :
         c_.query("SELECT i.barcode FROM loans l JOIN items i ON i.id = l.item_id WHERE l.returned_at IS NULL AND "
                  "l.due_on < ? AND i.item_type = 'e_book' ORDER BY l.due_on, l.id",
                  {format_iso_date(day)}))
      barcodes.push_back(row.text(0));
    return barcodes;
  }

  bool reserved_by_another(const std::string& title_key, long long reader_id) override {
    return c_.query("SELECT COUNT(*) FROM reservations WHERE title_key = ? AND status = 'waiting' AND reader_id <> ?",
                    {title_key, reader_id})
               .at(0)
               .integer(0) > 0;
  }

  std::optional<app::ItemRecord> item_by_id(long long id) override {
    auto found = items_where("id = ?", {id});
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  long long insert_reservation(const app::ReservationRecord& r) override {
    return c_
        .query(
            "INSERT INTO reservations (reader_id, title_key, item_id, pickup_library_id, placed_at, expires_on, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {r.reader_id, r.title_key, optional_value(r.item_id), r.pickup_library_id, unix_seconds(r.placed_at),
             format_iso_date(r.expires_on), std::string(domain::reservation_status_code(r.status))})
        .at(0)
        .integer(0);
  }

  std::optional<app::ReservationRecord> reservation_by_id(long long id) override {
    auto found = reservations_where("id = ?", {id});
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  std::vector<app::ReservationRecord> active_reservations_of_reader(long long reader_id) override {
    return reservations_where("reader_id = ? AND status IN ('waiting', 'in_transit', 'ready')", {reader_id});
  }

  std::vector<app::ReservationRecord> waiting_for_title(const std::string& title_key) override {
    return reservations_where("title_key = ? AND status = 'waiting'", {title_key});
  }

  std::optional<app::ReservationRecord> reservation_holding_item(long long item_id) override {
    auto found = reservations_where("filled_item_id = ? AND status IN ('in_transit', 'ready')", {item_id});
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  void update_reservation(const app::ReservationRecord& r, domain::ReservationStatus expected,
                          std::optional<Instant> ended_at) override {
    Value ready = nullptr, collect = nullptr, ended = nullptr;
    if (r.ready_on) ready = format_iso_date(*r.ready_on);
    if (r.collect_by) collect = format_iso_date(*r.collect_by);
    if (ended_at) ended = unix_seconds(*ended_at);
    if (c_.execute("UPDATE reservations SET status = ?, pickup_library_id = ?, filled_item_id = ?, ready_on = ?, "
                   "collect_by = ?, ended_at = ? WHERE id = ? AND status = ?",
                   {std::string(domain::reservation_status_code(r.status)), r.pickup_library_id,
                    optional_value(r.filled_item_id), ready, collect, ended, r.id,
                    std::string(domain::reservation_status_code(expected))}) != 1)
      throw StoreError(StoreError::Kind::kBusy, "reservation changed concurrently");
  }

  std::vector<app::ReservationRecord> reservations_to_expire(Date today) override {
    const auto iso = format_iso_date(today);
    return reservations_where("(status = 'waiting' AND expires_on < ?) OR (status = 'ready' AND collect_by < ?)",
                              {iso, iso});
  }

  std::vector<app::ReservationRecord> all_waiting() override { return reservations_where("status = 'waiting'", {}); }

  std::vector<app::ItemRecord> available_copies(const std::string& title_key) override {
    return items_where("title_key = ? AND status = 'available'", {title_key});
  }

  std::vector<app::ReservationRecord> ready_at(long long library_id) override {
    return reservations_where("pickup_library_id = ? AND status = 'ready'", {library_id});
  }

  std::optional<std::string> idempotent_result(const std::string& key) override {
    auto rows = c_.query("SELECT result FROM idempotency_keys WHERE key = ?", {key});
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
  }

  void save_idempotent_result(const std::string& key, const std::string& operation, const std::string& result,
                              Instant at) override {
    c_.execute("INSERT INTO idempotency_keys (key, operation, result, created_at) VALUES (?, ?, ?, ?)",
               {key, operation, result, unix_seconds(at)});
  }

  long long forget_idempotent_results_before(Instant before) override {
    return c_.execute("DELETE FROM idempotency_keys WHERE created_at < ?", {unix_seconds(before)});
  }

 private:
  std::optional<app::ReaderRecord> reader_where(const std::string& where, const Params& params) {
    auto rows =
        c_.query("SELECT id, card_number, name, category, status, expires_on FROM readers WHERE " + where, params);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    app::ReaderRecord reader;
    reader.id = row.integer(0);
    reader.card_number = row.text(1);
    reader.name = row.text(2);
    reader.category = domain::parse_reader_category(row.text(3)).value_or(domain::ReaderCategory::kAdult);
    reader.status = known(domain::parse_reader_status(row.text(4)), row.text(4));
    reader.expires_on = row.optional_date(5);
    return reader;
  }

  std::vector<app::ItemRecord> items_where(const std::string& where, const Params& params) {
    std::vector<app::ItemRecord> out;
    for (const auto& row :
         c_.query("SELECT id, barcode, title, title_key, item_type, collection, home_library_id, status, "
                  "current_library_id, transit_to_library_id FROM items WHERE " +
                      where + " ORDER BY id",
                  params)) {
      app::ItemRecord item;
      item.id = row.integer(0);
      item.barcode = row.text(1);
      item.title = row.text(2);
      item.title_key = row.text(3);
      item.facts = {domain::parse_item_type(row.text(4)).value_or(domain::ItemType::kBook),
                    domain::parse_collection(row.text(5)).value_or(domain::Collection::kNotForLoan), row.integer(6)};
      item.status = parse_of(kItemStatuses, row.text(7));
      item.current_library_id = row.optional_integer(8);
      item.transit_to_library_id = row.optional_integer(9);
      out.push_back(std::move(item));
    }
    return out;
  }

  std::vector<app::LoanRecord> loans_where(const std::string& where, const Params& params) {
    std::vector<app::LoanRecord> out;
    for (const auto& row :
         c_.query("SELECT l.id, l.item_id, l.reader_id, l.library_id, l.channel, l.checked_out_at, l.due_on, "
                  "l.times_renewed, i.item_type, i.barcode, i.title, l.returned_at FROM loans l JOIN items i ON i.id = "
                  "l.item_id WHERE " +
                      where + " ORDER BY l.due_on, l.id",
                  params)) {
      app::LoanRecord loan;
      loan.id = row.integer(0);
      loan.item_id = row.integer(1);
      loan.reader_id = row.integer(2);
      loan.library_id = row.integer(3);
      loan.channel = row.text(4);
      loan.checked_out_at = instant_from_unix(row.integer(5));
      loan.due_on = row.date(6);
      loan.times_renewed = static_cast<int>(row.integer(7));
      loan.item_type = domain::parse_item_type(row.text(8)).value_or(domain::ItemType::kBook);
      loan.barcode = row.text(9);
      loan.title = row.text(10);
      if (!row.is_null(11)) loan.returned_at = instant_from_unix(row.integer(11));
      out.push_back(std::move(loan));
    }
    return out;
  }

  std::vector<app::ReservationRecord> reservations_where(const std::string& where, const Params& params) {
    std::vector<app::ReservationRecord> out;
    for (const auto& row :
         c_.query("SELECT id, reader_id, title_key, item_id, pickup_library_id, placed_at, expires_on, status, "
                  "filled_item_id, ready_on, collect_by, (SELECT MIN(title) FROM items WHERE items.title_key = "
                  "reservations.title_key) FROM reservations WHERE " +
                      where + " ORDER BY placed_at, id",
                  params)) {
      app::ReservationRecord r;
      r.id = row.integer(0);
      r.reader_id = row.integer(1);
      r.title_key = row.text(2);
      r.item_id = row.optional_integer(3);
      r.pickup_library_id = row.integer(4);
      r.placed_at = instant_from_unix(row.integer(5));
      r.expires_on = row.date(6);
      r.status = domain::parse_reservation_status(row.text(7)).value_or(domain::ReservationStatus::kCancelled);
      r.filled_item_id = row.optional_integer(8);
      r.ready_on = row.optional_date(9);
      r.collect_by = row.optional_date(10);
      if (!row.is_null(11)) r.title = row.text(11);
      out.push_back(std::move(r));
    }
    return out;
  }

  Connection& c_;
};

}  // namespace

std::unique_ptr<app::CirculationRepository> circulation_repository(Connection& connection) {
  return std::make_unique<SqlCirculation>(connection);
}

}  // namespace shelfmark::store
