// Ports of the catalogue: bibliographic records, their copies and the change feed the search index follows.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/bibliographic.h"
#include "domain/circulation.h"

namespace shelfmark::app {

// The catalogue: bibliographic records (kept whole as MARC) and the copies cataloguing staff attach to them.
struct BibRecord {
  long long id = 0;
  std::string control_number;
  domain::MarcRecord marc;
  domain::Bibliographic fields;  // derived from `marc` when read (extract_bibliographic)
  Instant created_at;
  Instant updated_at;
  long long version = 0;
};

struct CatalogueItem {
  long long id = 0;
  long long record_id = 0;
  std::string barcode;
  long long home_library_id = 0;
  domain::ItemType type = domain::ItemType::kBook;
  domain::Collection collection = domain::Collection::kAdult;
  std::string call_number;
  std::optional<domain::Money> price;
  domain::ItemStatus status = domain::ItemStatus::kAvailable;  // read only here: circulation changes it
  std::optional<long long> current_library_id;                 // read only here
  long long version = 0;
};

// One entry of the change feed: the record (or one of its copies) changed.
struct CatalogueChange {
  long long position = 0;  // gap-free, in commit order
  long long record_id = 0;
  Instant changed_at;
};

// Writers take turns: the first write in a transaction (upsert_record, insert_item, update_item) waits for
// any other transaction writing to the catalogue to end, so what is read after it is current.
class CatalogueRepository {
 public:
  virtual ~CatalogueRepository() = default;
  enum class Upsert { kInserted, kUpdated, kUnchanged };
  struct Upserted {
    long long id = 0;
    Upsert outcome = Upsert::kInserted;
  };
  // Inserts the record, or replaces the one with the same control number (001). A record identical to the
  // stored one is left alone (kUnchanged). Otherwise appends a change, and a changed title is copied to the
  // record's items. `fields` must be extract_bibliographic(record) with a non-empty control number.
  virtual Upserted upsert_record(const domain::MarcRecord& record, const domain::Bibliographic& fields, Instant at) = 0;
  virtual std::optional<BibRecord> record_by_id(long long id) = 0;
  virtual std::optional<BibRecord> record_by_control_number(const std::string& control_number) = 0;
  // Records in id order after `after_id`, for export and rebuilding a search index.
  virtual std::vector<BibRecord> records_after(long long after_id, int limit) = 0;
  virtual long long record_count() = 0;
  virtual std::vector<CatalogueItem> items_of_record(long long record_id) = 0;
  // The copies of all these records, by record then id (a page of search results reads them at once).
  virtual std::vector<CatalogueItem> items_of_records(const std::vector<long long>& record_ids) = 0;
  virtual std::optional<CatalogueItem> item_by_id(long long id) = 0;
  virtual std::optional<CatalogueItem> item_by_barcode(const std::string& barcode) = 0;
  // The copies with any of these barcodes (an import checks a whole batch at once).
  virtual std::vector<CatalogueItem> items_by_barcodes(const std::vector<std::string>& barcodes) = 0;
  // A copy of a record: title from the record, title_key "record:<id>", on the shelf of its home library.
  // Appends a change. Throws StoreError(kUniqueViolation) when the barcode is taken.
  virtual long long insert_item(const CatalogueItem& item, Instant at) = 0;
  // Barcode, home library, type, collection, call number and price. False when the stored version is not
  // `expected_version`. Appends a change. Throws StoreError(kUniqueViolation) when the barcode is taken.
  virtual bool update_item(const CatalogueItem& item, long long expected_version, Instant at) = 0;
  // Appends a change for the record of this copy (if it has one): a copy went back on a shelf or left one
  // without a loan event (a transit arriving, a hold shelf released), so search sees where it is now.
  virtual void note_copy_moved(long long item_id, Instant at) = 0;
  // The change feed after `position`, oldest first. A record appears once per transaction that changed it
  // or its copies.
  virtual std::vector<CatalogueChange> changes_since(long long position, int limit) = 0;
};

}  // namespace shelfmark::app
