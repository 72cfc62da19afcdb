#include "store/sql_catalogue.h"

#include <map>
#include <set>

#include "marc/marc_reader.h"
#include "marc/marc_writer.h"
#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

using app::CatalogueItem;
using app::StoreError;
using domain::ItemStatus;

constexpr std::pair<ItemStatus, std::string_view> kItemStatuses[] = {
    {ItemStatus::kAvailable, "available"},  {ItemStatus::kOnLoan, "on_loan"},
    {ItemStatus::kInTransit, "in_transit"}, {ItemStatus::kOnHoldShelf, "on_hold_shelf"},
    {ItemStatus::kMissing, "missing"},      {ItemStatus::kLost, "lost"},
    {ItemStatus::kWithdrawn, "withdrawn"},
};

ItemStatus status_of(const std::string& code) {
  for (const auto& [status, text] : kItemStatuses)
    if (text == code) return status;
  throw StoreError(StoreError::Kind::kOther, "unknown item status in database: " + code);
}

Value price_value(const std::optional<domain::Money>& price) {
  if (price) return price->cents;
  return nullptr;
}

std::string title_key(long long record_id) { return "record:" + std::to_string(record_id); }

constexpr const char* kItemColumns =
    "SELECT id, record_id, barcode, home_library_id, item_type, collection, call_number, price_cents, status, "
    "current_library_id, version FROM items";

class SqlCatalogue final : public app::CatalogueRepository {
 public:
  explicit SqlCatalogue(Connection& connection) : c_(connection) {}

  Upserted upsert_record(const domain::MarcRecord& record, const domain::Bibliographic& fields, Instant at) override {
    if (fields.control_number.empty())
      throw StoreError(StoreError::Kind::kCheckViolation, "a catalogue record needs a control number");
    lock_feed();
    const auto marc = marc::to_marcxml(record);
    const auto now = unix_seconds(at);
    const auto title = fields.title.text.empty() ? domain::display_title(fields) : fields.title.text;
    Value year = nullptr;
    if (fields.year) year = static_cast<long long>(*fields.year);
    auto existing = c_.query("SELECT id, marc FROM bib_records WHERE control_number = ?", {fields.control_number});
    if (!existing.empty()) {
      const auto id = existing[0].integer(0);
      titles_[id] = domain::display_title(fields);
      if (existing[0].text(1) == marc) return {id, Upsert::kUnchanged};
      c_.execute(
          "UPDATE bib_records SET marc = ?, title = ?, format = ?, audience = ?, language = ?, year = ?, "
          "updated_at = ?, version = version + 1 WHERE id = ?",
          {marc, title, std::string(domain::format_code(fields.format)),
           std::string(domain::audience_code(fields.audience)), fields.language, year, now, id});
      c_.execute("UPDATE items SET title = ? WHERE record_id = ? AND title <> ?",
                 {domain::display_title(fields), id, domain::display_title(fields)});
      append_change(id, now);
      return {id, Upsert::kUpdated};
    }
    const auto id = c_.query(
                          "INSERT INTO bib_records (control_number, marc, title, format, audience, language, year, "
                          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          {fields.control_number, marc, title, std::string(domain::format_code(fields.format)),
                           std::string(domain::audience_code(fields.audience)), fields.language, year, now, now})
                        .at(0)
                        .integer(0);
    append_change(id, now);
    titles_[id] = domain::display_title(fields);
    return {id, Upsert::kInserted};
  }

  std::optional<app::BibRecord> record_by_id(long long id) override {
    auto found = records_where("id = ?", {id}, "");
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::optional<app::BibRecord> record_by_control_number(const std::string& control_number) override {
    auto found = records_where("control_number = ?", {control_number}, "");
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::vector<app::BibRecord> records_after(long long after_id, int limit) override {
    return records_where("id > ?", {after_id}, " ORDER BY id LIMIT " + std::to_string(std::max(limit, 0)));
  }

  long long record_count() override { return c_.query("SELECT COUNT(*) FROM bib_records").at(0).integer(0); }

  std::vector<CatalogueItem> items_of_record(long long record_id) override {
    return items_where("record_id = ? ORDER BY id", {record_id});
  }

  std::vector<CatalogueItem> items_of_records(const std::vector<long long>& record_ids) override {
    std::vector<CatalogueItem> out;
    for_each_in_list(record_ids, [&](const std::string& marks, const Params& params) {
      auto found = items_where("record_id IN (" + marks + ") ORDER BY record_id, id", params);
      out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    });
    return out;
  }

  std::optional<CatalogueItem> item_by_id(long long id) override {
    auto found = items_where("id = ?", {id});
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::optional<CatalogueItem> item_by_barcode(const std::string& barcode) override {
    auto found = items_where("barcode = ?", {barcode});
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  std::vector<CatalogueItem> items_by_barcodes(const std::vector<std::string>& barcodes) override {
    std::vector<CatalogueItem> out;
    for_each_in_list(barcodes, [&](const std::string& marks, const Params& params) {
      auto found = items_where("barcode IN (" + marks + ")", params);
      out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    });
    return out;
  }

  long long insert_item(const CatalogueItem& item, Instant at) override {
    lock_feed();
    const auto title = display_title_of(item.record_id);
    const auto id =
        c_.query(
              "INSERT INTO items (barcode, title, title_key, item_type, collection, home_library_id, "
              "current_library_id, status, call_number, record_id, price_cents) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, 'available', ?, ?, ?) RETURNING id",
              {item.barcode, title, title_key(item.record_id), std::string(domain::item_type_code(item.type)),
               std::string(domain::collection_code(item.collection)), item.home_library_id, item.home_library_id,
               item.call_number, item.record_id, price_value(item.price)})
            .at(0)
            .integer(0);
    append_change(item.record_id, unix_seconds(at));
    return id;
  }

  bool update_item(const CatalogueItem& item, long long expected_version, Instant at) override {
    lock_feed();
    const auto changed = c_.execute(
        "UPDATE items SET barcode = ?, home_library_id = ?, item_type = ?, collection = ?, call_number = ?, "
        "price_cents = ?, version = version + 1 WHERE id = ? AND version = ?",
        {item.barcode, item.home_library_id, std::string(domain::item_type_code(item.type)),
         std::string(domain::collection_code(item.collection)), item.call_number, price_value(item.price), item.id,
         expected_version});
    if (changed != 1) return false;
    auto record = c_.query("SELECT record_id FROM items WHERE id = ?", {item.id});
    if (!record.empty() && !record[0].is_null(0)) append_change(record[0].integer(0), unix_seconds(at));
    return true;
  }

  void note_copy_moved(long long item_id, Instant at) override {
    const auto record = c_.query("SELECT record_id FROM items WHERE id = ?", {item_id});
    if (record.empty() || record[0].is_null(0)) return;
    lock_feed();
    append_change(record[0].integer(0), unix_seconds(at));
  }

  std::vector<app::CatalogueChange> changes_since(long long position, int limit) override {
    std::vector<app::CatalogueChange> out;
    for (const auto& row :
         c_.query("SELECT position, record_id, changed_at FROM catalogue_changes WHERE position > ? ORDER BY position "
                  "LIMIT ?",
                  {position, static_cast<long long>(std::max(limit, 0))}))
      out.push_back({row.integer(0), row.integer(1), instant_from_unix(row.integer(2))});
    return out;
  }

 private:
  // Catalogue writers queue on the feed counter's row before they touch anything else: on PostgreSQL that
  // row lock, held to commit, makes change positions follow commit order, and taking it first means two
  // imports of the same new record cannot both insert it (the second waits, then finds it) nor deadlock.
  // On SQLite the write transaction already excludes other writers.
  void lock_feed() {
    if (feed_locked_) return;
    c_.execute("UPDATE counters SET value = value WHERE name = 'catalogue_feed'");
    feed_locked_ = true;
  }

  // The counter's row lock is held to commit, so positions follow commit order without gaps.
  // One entry per record and transaction is enough: a follower re-reads the record and all its copies.
  void append_change(long long record_id, long long at) {
    if (!changed_.insert(record_id).second) return;
    const auto position =
        c_.query("UPDATE counters SET value = value + 1 WHERE name = 'catalogue_feed' RETURNING value")
            .at(0)
            .integer(0);
    c_.execute("INSERT INTO catalogue_changes (position, record_id, changed_at) VALUES (?, ?, ?)",
               {position, record_id, at});
  }

  // The title a copy carries; an import adds copies right after upserting their record, which is remembered.
  std::string display_title_of(long long record_id) {
    if (const auto known = titles_.find(record_id); known != titles_.end()) return known->second;
    auto rows = c_.query("SELECT marc FROM bib_records WHERE id = ?", {record_id});
    if (rows.empty()) throw StoreError(StoreError::Kind::kForeignKeyViolation, "no such catalogue record");
    return titles_[record_id] = domain::display_title(fields_of(rows[0].text(0)));
  }

  static domain::MarcRecord marc_of(const std::string& xml) {
    auto decoded = marc::decode_marcxml(xml);
    if (!decoded.record) throw StoreError(StoreError::Kind::kOther, "stored MARCXML unreadable: " + decoded.error);
    return std::move(*decoded.record);
  }

  static domain::Bibliographic fields_of(const std::string& xml) { return domain::extract_bibliographic(marc_of(xml)); }

  std::vector<app::BibRecord> records_where(const std::string& where, const Params& params, const std::string& tail) {
    std::vector<app::BibRecord> out;
    for (const auto& row : c_.query(
             "SELECT id, control_number, marc, created_at, updated_at, version FROM bib_records WHERE " + where + tail,
             params)) {
      app::BibRecord record;
      record.id = row.integer(0);
      record.control_number = row.text(1);
      record.marc = marc_of(row.text(2));
      record.fields = domain::extract_bibliographic(record.marc);
      record.created_at = instant_from_unix(row.integer(3));
      record.updated_at = instant_from_unix(row.integer(4));
      record.version = row.integer(5);
      out.push_back(std::move(record));
    }
    return out;
  }

  std::vector<CatalogueItem> items_where(const std::string& where, const Params& params) {
    std::vector<CatalogueItem> out;
    for (const auto& row : c_.query(std::string(kItemColumns) + " WHERE " + where, params)) {
      CatalogueItem item;
      item.id = row.integer(0);
      item.record_id = row.optional_integer(1).value_or(0);
      item.barcode = row.text(2);
      item.home_library_id = row.integer(3);
      item.type = domain::parse_item_type(row.text(4)).value_or(domain::ItemType::kBook);
      item.collection = domain::parse_collection(row.text(5)).value_or(domain::Collection::kAdult);
      item.call_number = row.text(6);
      if (auto cents = row.optional_integer(7)) item.price = domain::Money{*cents};
      item.status = status_of(row.text(8));
      item.current_library_id = row.optional_integer(9);
      item.version = row.integer(10);
      out.push_back(std::move(item));
    }
    return out;
  }

  Connection& c_;
  bool feed_locked_ = false;
  std::map<long long, std::string> titles_;  // record id -> display title, for this transaction
  std::set<long long> changed_;              // records with a change appended in this transaction
};

}  // namespace

std::unique_ptr<app::CatalogueRepository> catalogue_repository(Connection& connection) {
  return std::make_unique<SqlCatalogue>(connection);
}

}  // namespace shelfmark::store
