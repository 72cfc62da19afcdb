// The catalogue index on Xapian (see app/search_port.h for what it offers). One directory per node. Reads
// come from a small pool of read handles, each brought up to date (reopen) before a query; writes go through
// one writer handle opened on first use. Xapian's headers stay in the .cpp.
#pragma once

#include <memory>
#include <string>

#include "app/search_port.h"

namespace shelfmark::search {

class XapianIndex final : public app::SearchIndex {
 public:
  // Creates the index directory when it does not exist yet.
  explicit XapianIndex(std::string directory);
  ~XapianIndex() override;

  app::SearchResults search(const app::SearchQuery& query) override;
  void replace(const app::SearchDocument& document) override;
  void remove(long long record_id) override;
  void remove_all() override;
  void commit(const app::IndexMarks& marks) override;
  app::IndexMarks marks() override;
  long long document_count() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shelfmark::search
