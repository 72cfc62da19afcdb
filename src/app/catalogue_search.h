// Finding things in the catalogue: the search index kept up to date from the database, and the pages
// readers see (a result list with availability, a record with its copies). The index is derived data:
// reindex() rebuilds it, follow_changes() applies what changed since (records and copies through the
// catalogue change feed, lending and returns through the loan events).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/directory.h"
#include "app/ports.h"
#include "app/search_port.h"

namespace shelfmark::app {

// What the index holds of a record: its fields, and the libraries with a copy on the shelf now.
SearchDocument search_document(const BibRecord& record, const std::vector<CatalogueItem>& items,
                               const NetworkSnapshot& network);

// The fields a result list shows (titles, authors, year, format, language, ISBNs, ISSNs), as encode_fields
// lines the index keeps for each record, and back. decode_list_entry gives nothing for text that is not an
// entry of this version (an index written by an older release), and the record is then read from the
// database instead.
std::string encode_list_entry(const domain::Bibliographic& fields);
std::optional<domain::Bibliographic> decode_list_entry(std::string_view entry);

// Rebuilds the index from every record; `progress(done, total)` is called now and then.
long long reindex(const Context& context, NetworkCache& network, SearchIndex& index,
                  const std::function<void(long long done, long long total)>& progress = {});

// Applies changes since the index's marks; returns how many records were indexed again.
int follow_changes(const Context& context, NetworkCache& network, SearchIndex& index);

// One line of a result list.
struct RecordSummary {
  long long id = 0;
  domain::Bibliographic fields;
  int copies = 0;                                // lendable copies (e-book licences included)
  int available = 0;                             // of them, on a shelf now
  std::vector<long long> available_library_ids;  // where, nearest first is left to the page
  std::optional<Date> next_due;                  // the earliest due date when none is on a shelf
};

struct CatalogueSearch {
  SearchResults results;
  // In the order of results.record_ids. What each shows of its record is the index's list entry (as of the
  // last follower pass, or a kept answer); its copies are read from the database for each page.
  std::vector<RecordSummary> records;
};
CatalogueSearch search_catalogue(const Context& context, SearchIndex& index, const SearchQuery& query);

// A copy as a reader sees it on a record page.
struct HoldingView {
  long long item_id = 0;
  std::string barcode;
  long long library_id = 0;  // where it is (or its home library when on loan)
  std::string call_number;
  domain::ItemType type = domain::ItemType::kBook;
  domain::Collection collection = domain::Collection::kAdult;
  domain::ItemStatus status = domain::ItemStatus::kAvailable;
  std::optional<Date> due_on;                      // on loan
  std::optional<long long> transit_to_library_id;  // in transit
  bool lendable = true;                            // the lending rules lend this kind of copy
  bool reservable = true;
};
struct RecordView {
  BibRecord record;
  std::vector<HoldingView> holdings;
  bool reservable = false;  // some copy may be reserved
};
std::optional<RecordView> record_view(const Context& context, NetworkCache& network, long long record_id);

}  // namespace shelfmark::app
