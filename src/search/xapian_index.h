// The catalogue index on Xapian (see app/search_port.h for what it offers). One directory per node. Reads
// come from a small pool of read handles, each brought up to date (reopen) before a query; writes go through
// one writer handle opened on first use. Xapian's headers stay in the .cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "app/search_port.h"

namespace shelfmark::search {

// Answers kept for repeated searches (docs/search.md, ADR 0016). An answer is reused while the index is
// at the revision it was computed on, or, if `stale_for` is above zero, for that long after it was computed
// even if the index has moved on since (under steady lending it moves every two seconds). Only the index's
// part is kept (matching ids, totals, facets, list entries): the copies on the shelf are read from the
// database for every page all the same. `entries` 0 keeps nothing.
struct SearchCacheOptions {
  std::size_t entries = 0;
  std::chrono::milliseconds stale_for{0};
};

class XapianIndex final : public app::SearchIndex {
 public:
  // Creates the index directory when it does not exist yet.
  explicit XapianIndex(std::string directory, SearchCacheOptions cache = {});
  ~XapianIndex() override;

  app::SearchResults search(const app::SearchQuery& query) override;
  void replace(const app::SearchDocument& document) override;
  void remove(long long record_id) override;
  void remove_all() override;
  void commit(const app::IndexMarks& marks) override;
  app::IndexMarks marks() override;
  long long document_count() override;

  struct CacheCounts {
    long long hits = 0;
    long long misses = 0;
  };
  CacheCounts cache_counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shelfmark::search
